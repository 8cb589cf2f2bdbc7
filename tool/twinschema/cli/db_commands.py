"""``twinschema db``: the embedded PostgreSQL server (start, stop, url)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from twinschema.servers.embedded import EmbeddedServer
from twinschema.cli.app import cli


@cli.group()
def db() -> None:
    """The embedded PostgreSQL server used when DATABASE_URL is not set."""


def _embedded_dir() -> Path:
    from twinschema.config import load_config

    return load_config().embedded_dir


def _start(*, keep_running: bool = False) -> EmbeddedServer:
    """The embedded server of the project (outside a project, the user's)."""
    from twinschema.config import load_config
    from twinschema.servers import embedded

    config = load_config()
    return embedded.start(config.embedded_dir, keep_running=keep_running, var=config.var)


@db.command("start")
def db_start() -> None:
    """Start the embedded server and leave it running (commands then reuse it)."""
    server = _start(keep_running=True)
    click.echo(server.url())


@db.command("stop")
def db_stop() -> None:
    """Stop the embedded server if it runs (the project's; outside a project, the user's)."""
    from twinschema.config import user_embedded_dir
    from twinschema.paths import shown
    from twinschema.servers import embedded

    datadir = _embedded_dir()
    stopped = embedded.stop(datadir)
    said = f"the embedded server in {shown(datadir)}"
    said = f"stopped {said}" if stopped else f"not running: no {said[4:]}"
    if datadir == user_embedded_dir():
        said += (
            ", the one commands use outside a project (no pyproject.toml with "
            "[tool.twinschema] here or above; a project's server is stopped in its folder)"
        )
    click.echo(said)


@db.command("url")
def db_url() -> None:
    """Print the embedded server's URL (starting it for the duration of this command)."""
    click.echo(_start().url())
