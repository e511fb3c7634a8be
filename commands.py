"""`flask` CLI commands beyond create-indexes (which lives with the models)."""


def register_commands(app):
    """Each domain adds its commands here with `app.cli.add_command(...)`."""
