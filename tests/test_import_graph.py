"""The project's modules import one way (issue 11): no import cycle, and no import of
a project module inside a function (the old way of dodging a cycle). Parses the
source; imports nothing."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("services", "policies", "routes", "sockets", "utils", "models", "schemas")
TOP_MODULES = ("config", "extensions", "app", "socketio_handlers", "commands", "devservices")
# Entry points that must patch the async library or fork before importing the app
# (serve.py, deploy/hooks.py) are not scanned: their late imports are on purpose.


def project_modules():
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).glob("*.py")):
            name = package if path.stem == "__init__" else f"{package}.{path.stem}"
            modules[name] = path
    for name in TOP_MODULES:
        if (ROOT / f"{name}.py").exists():
            modules[name] = ROOT / f"{name}.py"
    return modules


def imported(node, modules):
    """The project modules an import statement names (`from pkg import mod` counts mod)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    else:
        return set()
    return {name for name in names if name in modules}


def graph_and_late_imports():
    modules = project_modules()
    graph, late = {}, []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        edges = set()
        for node in ast.walk(tree):
            edges |= imported(node, modules)
        for func in ast.walk(tree):
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(func):
                    if imported(node, modules):
                        late.append(f"{path.relative_to(ROOT)}:{node.lineno} in {func.name}()")
        graph[name] = edges - {name} - {name.split(".")[0]}
    return graph, late


def find_cycle(graph):
    """One import cycle as a list of modules, or None (iterative depth-first search)."""
    state = {}
    for start in sorted(graph):
        if state.get(start):
            continue
        stack = [(start, iter(sorted(graph[start])))]
        path, state[start] = [start], 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                return path[path.index(child):] + [child]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph.get(child, ())))))
    return None


def test_no_import_cycle():
    graph, _ = graph_and_late_imports()
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_project_import_inside_a_function():
    _, late = graph_and_late_imports()
    assert late == [], "move these imports to the top of their module:\n" + "\n".join(late)


def test_the_checker_sees_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_policies_sit_below_the_services():
    """The policy layer decides from models and facts; services, routes and sockets ask it."""
    graph, _ = graph_and_late_imports()
    upward = {f"{module} -> {target}" for module, targets in graph.items()
              if module.startswith("policies") for target in targets
              if target.split(".")[0] in ("services", "routes", "sockets")}
    assert upward == set()
