"""The ``twinschema`` command line: thin, it reads configuration, picks layers and calls the rest.

Every failure a user can cause ends in one line on stderr and a documented exit code (see
``errors``); an unexpected exception ends in one line and exit code 4, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from twinschema.errors import EXIT_INTERNAL, EXIT_USAGE, TwinschemaError
from twinschema.urls import scrub


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="twinschema")
def cli() -> None:
    """Keep a SQLite schema and a PostgreSQL schema of one application in sync."""


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


def main(argv: list[str] | None = None) -> Any:
    """Entry point: run the CLI and turn every error into one line and its exit code."""
    try:
        return cli.main(args=argv, prog_name="twinschema", standalone_mode=False)
    except TwinschemaError as exc:
        click.echo(f"twinschema: error: {scrub(exc.message)}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("twinschema: aborted", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        click.echo(f"twinschema: error: {scrub(exc.format_message())}", err=True)
        sys.exit(EXIT_USAGE)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("twinschema: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, exit 4
        click.echo(
            f"twinschema: internal error: {type(exc).__name__}: {scrub(str(exc))}", err=True
        )
        sys.exit(EXIT_INTERNAL)
