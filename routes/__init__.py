"""Blueprints, one per domain. Every module here that defines `bp` is registered."""
import importlib
import pkgutil


def register_blueprints(app):
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        blueprint = getattr(module, "bp", None)
        if blueprint is not None:
            app.register_blueprint(blueprint)
