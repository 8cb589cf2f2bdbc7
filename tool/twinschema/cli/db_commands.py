"""``twinschema db``: the embedded PostgreSQL server (start, stop, url)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    pass
from twinschema.cli.app import cli


@cli.group()
def db() -> None:
    """The embedded PostgreSQL server used when DATABASE_URL is not set."""


def _embedded_dir() -> Path:
    from twinschema.config import load_config

    return load_config().embedded_dir


@db.command("start")
def db_start() -> None:
    """Start the embedded server and leave it running (commands then reuse it)."""
    from twinschema import embedded

    server = embedded.start(_embedded_dir(), keep_running=True)
    click.echo(server.url())


@db.command("stop")
def db_stop() -> None:
    """Stop the embedded server if it runs."""
    from twinschema import embedded

    stopped = embedded.stop(_embedded_dir())
    click.echo("stopped" if stopped else "not running")


@db.command("url")
def db_url() -> None:
    """Print the embedded server's URL (starting it for the duration of this command)."""
    from twinschema import embedded

    click.echo(embedded.start(_embedded_dir()).url())
