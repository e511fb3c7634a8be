"""`flask` CLI commands beyond create-indexes (which lives with the models).

Admin rights are granted only here, on the server's command line: no HTTP
route grants admin.

Every command builds the app, which connects to the embedded servers a running
`make run` recorded under VAR_DIR (devservices.running_servers) and starts its
own only when none run.
"""
import click
from flask import current_app
from flask.cli import with_appcontext

from models.user import User
from services import storage_migration


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


@click.command("storage-migrate")
@click.option("--to", "target", type=click.Choice(["azure", "local"]), required=True,
              help="the backend to copy attachments into")
@with_appcontext
def storage_migrate_command(target):
    """Copy every attachment's file from the other storage backend to TARGET."""
    try:
        source, destination = storage_migration.backends_for(target)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    report = storage_migration.migrate(source, destination)
    click.echo(f"{report.copied} copied, {report.present} already there, "
               f"{report.missing} missing from the source")
    if target != current_app.config["STORAGE_BACKEND"]:
        click.echo(f"Set STORAGE_BACKEND={target} and restart to serve them from there.")


def register_commands(app):
    """Each domain adds its commands here with `app.cli.add_command(...)`."""
    app.cli.add_command(create_admin_command)
    app.cli.add_command(revoke_admin_command)
    app.cli.add_command(storage_migrate_command)
