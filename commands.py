"""`flask` CLI commands beyond create-indexes (which lives with the models).

Admin rights are granted only here, on the server's command line: no HTTP
route grants admin.
"""
import click
from flask.cli import with_appcontext

from models.user import User


def _set_admin(username, value):
    user = User.by_username(username)
    if user is None:
        raise click.ClickException(f"No user named {username!r}")
    User.update(user["_id"], set_={"is_admin": value})
    return user


@click.command("create-admin")
@click.argument("username")
@with_appcontext
def create_admin_command(username):
    """Make an existing user an admin."""
    user = _set_admin(username, True)
    click.echo(f"{user['username']} is now an admin")


@click.command("revoke-admin")
@click.argument("username")
@with_appcontext
def revoke_admin_command(username):
    """Take admin rights away from a user."""
    user = _set_admin(username, False)
    click.echo(f"{user['username']} is no longer an admin")


def register_commands(app):
    """Each domain adds its commands here with `app.cli.add_command(...)`."""
    app.cli.add_command(create_admin_command)
    app.cli.add_command(revoke_admin_command)
