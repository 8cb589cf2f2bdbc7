"""``twinschema check``, ``diff`` and ``inspect``: the commands that read schemas and report."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from twinschema.errors import UsageError
from twinschema.records import DIALECTS

if TYPE_CHECKING:
    from collections.abc import Callable

    from click.decorators import FC
from twinschema.cli.app import (
    FORMAT_CHOICE,
    LAYER_CHOICE,
    cli,
    emit_report,
    explain_kind,
    notice,
    progress_note,
)


def _dialect_option(name: str, says: str) -> Callable[[FC], FC]:
    """An option naming the dialect of a source that does not say its own (``says``: its help)."""
    return click.option(name, type=click.Choice(DIALECTS), help=says)


# -v: what the report lists beside the differences (domain.yaml's accepted ones: allow81).
VERBOSE_HELP = (
    "Also list the equivalences accepted, each value warning, and each difference "
    "domain.yaml accepted with its allowance's reason and line."
)

_NO_EVALUATE_HELP = (
    "Skip the evaluation stage: run no default, CHECK or value probe on scratch databases; "
    "judge expressions by their canonical text only, and give no value_compatibility warnings."
)


@cli.command()
@click.option(
    "--layer",
    "layers",
    multiple=True,
    type=LAYER_CHOICE,
    help="Layers to run (repeatable); all by default.",
)
@click.option(
    "--sqlite-url",
    help="The SQLite database (default: LOCAL_DATABASE_URL, or the variable url_env names; "
    "then default_url).",
)
@click.option(
    "--postgres-url",
    help="The PostgreSQL database (default: DATABASE_URL, or the variable url_env names; then "
    "default_url, then the embedded server).",
)
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--verbose", "-v", is_flag=True, help=VERBOSE_HELP)
@click.option("--no-color", is_flag=True, help="Never colour the text report.")
@click.option(
    "--explain",
    metavar="KIND",
    is_eager=True,
    expose_value=False,
    callback=explain_kind,
    help="Print what a difference kind means and how to fix it (all: every kind), and exit.",
)
@click.option("--no-evaluate", is_flag=True, help=_NO_EVALUATE_HELP)
@click.option(
    "--require-all",
    is_flag=True,
    help="Fail (exit 3) when a comparison is skipped for want of a database (no SQLite database "
    "configured), instead of passing without it.",
)
def check(
    layers: tuple[str, ...],
    sqlite_url: str | None,
    postgres_url: str | None,
    fmt: str,
    output: str | None,
    verbose: bool,
    no_color: bool,
    no_evaluate: bool,
    require_all: bool,
) -> None:
    """Compare every layer: domain, models, live databases, migrations.

    Exit codes: 0 in sync, 1 differences, 2 bad configuration or files, 3 a database could not be
    read (with --require-all: or was not configured), 4 internal error.
    """
    from twinschema import commands
    from twinschema.config import load_config
    from twinschema.records import LAYERS

    commands.check_output_path(output)
    with progress_note("checking " + ", ".join(layers or LAYERS), no_color):
        report = commands.check(
            load_config(),
            layers or LAYERS,
            sqlite_url,
            postgres_url,
            say=notice,
            evaluate=not no_evaluate,
            require_all=require_all,
        )
    emit_report(report, fmt, output, verbose, no_color)
    sys.exit(report.exit_code)


@cli.command()
@click.argument("source_a")
@click.argument("source_b")
@click.option(
    "--domain",
    "domain_path",
    type=click.Path(dir_okay=False),
    help="A domain file mapping the two sides' names (default: the project's domain.yaml, "
    "if it configures one; else matched by name).",
)
@click.option(
    "--no-domain", is_flag=True, help="Match by name, even inside a project with a domain.yaml."
)
@_dialect_option(
    "--dialect", "Dialect of a metadata module or SQL file that does not say (both sides)."
)
@_dialect_option(
    "--dialect-a", "Dialect of SOURCE_A only, when it does not say (overrides --dialect for it)."
)
@_dialect_option(
    "--dialect-b", "Dialect of SOURCE_B only, when it does not say (overrides --dialect for it)."
)
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--verbose", "-v", is_flag=True, help=VERBOSE_HELP)
@click.option("--no-color", is_flag=True, help="Never colour the text report.")
@click.option("--no-evaluate", is_flag=True, help=_NO_EVALUATE_HELP)
def diff(
    source_a: str,
    source_b: str,
    domain_path: str | None,
    no_domain: bool,
    dialect: str | None,
    dialect_a: str | None,
    dialect_b: str | None,
    fmt: str,
    output: str | None,
    verbose: bool,
    no_color: bool,
    no_evaluate: bool,
) -> None:
    """Compare any two sources: database URLs, metadata modules (pkg.module:attr), SQL files."""
    from twinschema import commands
    from twinschema.config import load_config

    commands.check_output_path(output)
    if domain_path and no_domain:
        raise UsageError("twinschema diff: --domain and --no-domain exclude each other")
    config = load_config()
    if domain_path is None and not no_domain and config.domain is not None:
        domain_path = str(config.domain)  # inside a project: its own domain, as check uses
    with progress_note(f"comparing {source_a} with {source_b}", no_color):
        report = commands.diff(
            config,
            source_a,
            source_b,
            domain_path,
            dialect,
            evaluate=not no_evaluate,
            dialects=(dialect_a, dialect_b),
        )
    emit_report(report, fmt, output, verbose, no_color)
    sys.exit(report.exit_code)


@cli.command()
@click.argument("source")
@_dialect_option("--dialect", "Dialect of a metadata module or SQL file that does not say.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "yaml", "text"]),
    default="json",
    show_default=True,
    help="json and yaml for programs; text for people, a table per table as psql's \\d shows it.",
)
def inspect(source: str, dialect: str | None, fmt: str) -> None:
    """Print the neutral model of one source."""
    from twinschema import commands
    from twinschema.config import load_config
    from twinschema.urls import mask_output

    click.echo(mask_output(commands.inspect(load_config(), source, dialect, fmt)), nl=False)
