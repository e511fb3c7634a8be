# Parley: `make run` serves on http://127.0.0.1:5000, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

.PHONY: run test bench install lock indexes clean-var

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Installs exactly what uv.lock pins (runtime and dev groups) into .venv.
$(VENV)/.installed: $(BIN)/uv uv.lock pyproject.toml
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --python $(BIN)/python --inexact
	touch $@

# Parley's own modules are compiled here as the packages are at install (tool.uv
# compile-bytecode): where PYTHONDONTWRITEBYTECODE is set Python never writes their
# bytecode and every start compiled them again (0.1 s, issue 12). Quick when unchanged.
install: $(VENV)/.installed
	$(BIN)/python -m compileall -q $(wildcard *.py) apidocs models policies routes schemas \
		services sockets utils

run: install
	$(BIN)/python serve.py

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

indexes: install
	$(BIN)/flask --app wsgi:app create-indexes

# Re-pin after editing pyproject.toml: updates uv.lock and requirements*.txt.
lock: $(BIN)/uv
	$(BIN)/uv lock
	$(BIN)/uv export --frozen --no-dev --no-emit-project --output-file requirements.txt >/dev/null
	$(BIN)/uv export --frozen --no-emit-project --output-file requirements-dev.txt >/dev/null

clean-var:
	rm -rf var
