"""``twinschema migrate``, ``current``, ``history``, ``stamp``, ``lint`` and ``revision``: the
Alembic chains."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from twinschema.errors import UsageError

if TYPE_CHECKING:
    pass
from twinschema.cli.app import FORMAT_CHOICE, cli, emit_report, notice, seconds_option


@cli.command("migrate")
@click.argument("side", type=click.Choice(["local", "remote"]))
@click.option(
    "--to", "to", default="head", show_default=True, metavar="REV", help="The revision to reach."
)
@click.option(
    "--dry-run", is_flag=True, help="Print the SQL instead of running it; change nothing."
)
@click.option(
    "--lock-timeout",
    type=float,
    callback=seconds_option,
    metavar="SECONDS",
    help="How long to wait for another migration of the database (default: migrate_lock_timeout).",
)
@click.option("--sqlite-url", help="The SQLite database of `migrate local`.")
@click.option("--postgres-url", help="The PostgreSQL database of `migrate remote`.")
@click.option(
    "--owned-only",
    is_flag=True,
    help="Migrate only a database the project owns (the embedded server, the default_url file "
    "under var/); leave one named by a variable or flag as it is (make check-sync).",
)
@click.option(
    "--yes-downgrade",
    is_flag=True,
    help="Allow --to REV behind the database (a revision it is past, base, or -N): run the "
    "downgrade() of every revision above REV, linted for data they would drop.",
)
def migrate_command(
    side: str,
    to: str,
    dry_run: bool,
    lock_timeout: float | None,
    sqlite_url: str | None,
    postgres_url: str | None,
    owned_only: bool,
    yes_downgrade: bool,
) -> None:
    """Upgrade a side's database with its Alembic chain: local (SQLite: --sqlite-url, else
    LOCAL_DATABASE_URL, else var/local.db) or remote (PostgreSQL: --postgres-url, else
    DATABASE_URL, else the embedded server in var/pg).

    One transaction, rolled back on any failure; destructive revisions without an allow marker
    are refused (exit 1, see `twinschema lint`). A --to behind the database is a downgrade:
    refused without --yes-downgrade (exit 2, nothing changed)."""
    from twinschema.config import load_config
    from twinschema.migrations.migrate import left_alone, migrate

    url = _side_url(side, sqlite_url, postgres_url)
    config = load_config()
    if owned_only:
        line = left_alone(config, side, url)
        if line is not None:
            click.echo(line)
            return
    migrate(
        config,
        side,
        to=to,
        dry_run=dry_run,
        lock_timeout=lock_timeout,
        echo=click.echo,
        output=sys.stdout,
        url=url,
        allow_downgrade=yes_downgrade,
    )


_SIDE = click.Choice(["local", "remote"])
_SQLITE_URL = click.option(
    "--sqlite-url", help="The SQLite database (as `migrate local` reads it)."
)
_POSTGRES_URL = click.option(
    "--postgres-url", help="The PostgreSQL database (as `migrate remote` reads it)."
)


@cli.command("current")
@click.argument("side", type=_SIDE, required=False)
@_SQLITE_URL
@_POSTGRES_URL
def current_command(side: str | None, sqlite_url: str | None, postgres_url: str | None) -> None:
    """Print the revision each database is at (both sides, or SIDE), and whether it is at head.
    Reads alembic_version only, read-only, from the database `migrate` would use."""
    from twinschema.config import load_config
    from twinschema.migrations.history import sides_of, where

    config = load_config()
    urls = {"local": sqlite_url, "remote": postgres_url}
    for each in sides_of(config, side):
        if side is not None:
            _side_url(each, sqlite_url, postgres_url, "current")
        click.echo(where(config, each, urls[each], say=notice).describe())


@cli.command("history")
@click.argument("side", type=_SIDE, required=False)
@click.option(
    "--indicate-current",
    "-i",
    is_flag=True,
    help="Mark the revision each database is at (reads it, read-only, as `current` does).",
)
@_SQLITE_URL
@_POSTGRES_URL
def history_command(
    side: str | None, indicate_current: bool, sqlite_url: str | None, postgres_url: str | None
) -> None:
    """Print each chain's revisions (both sides, or SIDE), newest first, with the domain_version
    each declares. Reads no database unless --indicate-current."""
    from twinschema.config import load_config
    from twinschema.migrations.history import history_lines, sides_of, where

    config = load_config()
    urls = {"local": sqlite_url, "remote": postgres_url}
    for each in sides_of(config, side):
        current = None
        if side is not None:
            _side_url(each, sqlite_url, postgres_url, "history")
        if indicate_current:
            current = where(config, each, urls[each], say=notice).current
        for line in history_lines(config, each, current):
            click.echo(line)


@cli.command("stamp")
@click.argument("side", type=_SIDE)
@click.argument("revision", metavar="REV")
@click.option("--purge", is_flag=True, help="First forget revisions the chain does not know.")
@click.option(
    "--lock-timeout",
    type=float,
    callback=seconds_option,
    metavar="SECONDS",
    help="How long to wait for a migration of the database (default: migrate_lock_timeout).",
)
@_SQLITE_URL
@_POSTGRES_URL
def stamp_command(
    side: str,
    revision: str,
    purge: bool,
    lock_timeout: float | None,
    sqlite_url: str | None,
    postgres_url: str | None,
) -> None:
    """Record a side's database at REV of its chain (base, head, or a revision) without running
    any revision: writes alembic_version only, nothing else."""
    from twinschema.config import load_config
    from twinschema.migrations.migrate_stamp import stamp

    url = _side_url(side, sqlite_url, postgres_url, "stamp")
    stamp(
        load_config(),
        side,
        revision,
        purge=purge,
        lock_timeout=lock_timeout,
        echo=click.echo,
        url=url,
    )


def _side_url(
    side: str, sqlite_url: str | None, postgres_url: str | None, command: str = "migrate"
) -> str | None:
    """The URL flag of ``side``; the other side's flag is a usage error (exit 2)."""
    own, other = (
        (sqlite_url, ("--postgres-url", postgres_url))
        if side == "local"
        else (postgres_url, ("--sqlite-url", sqlite_url))
    )
    if other[1] is not None:
        flag = "--sqlite-url" if side == "local" else "--postgres-url"
        raise UsageError(f"twinschema {command} {side} takes {flag}, not {other[0]}")
    return own


@cli.command("lint")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--verbose", "-v", is_flag=True, help="Also list the changes allowed, with reasons.")
@click.option("--no-color", is_flag=True, help="Never colour the text report.")
def lint_command(fmt: str, output: str | None, verbose: bool, no_color: bool) -> None:
    """Refuse revisions that drop or narrow data without an allow marker (both chains).

    Exit codes: 0 nothing refused, 1 something refused, 2 bad configuration or marker.
    """
    from twinschema import commands
    from twinschema.commands import lint_project
    from twinschema.config import load_config

    commands.check_output_path(output)
    report = lint_project(load_config())
    emit_report(report, fmt, output, verbose, no_color)
    sys.exit(report.exit_code)


@cli.command("revision")
@click.option("-m", "--message", required=True, help="What the revision does.")
@click.option(
    "--scratch-server",
    metavar="URL",
    envvar="TWINSCHEMA_SCRATCH_URL",
    help="A PostgreSQL server on which to create (and drop) the scratch database autogenerate "
    "compares with (default: TWINSCHEMA_SCRATCH_URL, else the embedded server).",
)
def revision_command(message: str, scratch_server: str | None) -> None:
    """Make twin revisions (one per chain, autogenerated) and bump domain.yaml's version."""
    from twinschema.config import load_config
    from twinschema.migrations.revision import make_revisions

    make_revisions(load_config(), message, scratch_server=scratch_server, echo=click.echo)
