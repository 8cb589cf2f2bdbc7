"""The ``twinschema`` command line: thin, it reads configuration, picks layers and calls the rest.

Every failure a user can cause ends in one line on stderr and a documented exit code (see
``errors``); an unexpected exception ends in one line and exit code 4, never a traceback.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from twinschema.errors import InternalError, TwinschemaError, UsageError

if TYPE_CHECKING:
    from twinschema.records import Report

# click >= 8.2 raises this to print a group's help when it is called without a command.
_NO_ARGS_HELP: tuple[type[Exception], ...] = tuple(
    c for c in [getattr(click.exceptions, "NoArgsIsHelpError", None)] if c is not None
)


def _one_line(exc: click.UsageError) -> UsageError:
    """click prints usage, a hint and the error on several lines; ours is one (issue 6)."""
    where = exc.ctx.command_path if exc.ctx else "twinschema"
    return UsageError(f"{where}: {exc.format_message()} (see {where} --help)")


# Line breaks (every character ``str.splitlines`` breaks at) and other control characters: a
# message holding one (a module's multi-line error, a NUL byte) would not be one line.
_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def safe_message(message: str) -> str:
    """``message`` as one printable line without secrets: what every error line says.

    Line breaks become spaces, other control characters (a NUL, an escape sequence) become
    ``\\x..``, and credentials are masked (``urls.scrub``).
    """
    from twinschema.urls import scrub

    line = _BREAKS.sub(" ", scrub(message).strip())
    line = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", line).replace("\t", " ")
    return scrub(line)


class _Failed(click.ClickException):
    """A ``TwinschemaError`` as click reports it: one line on stderr and the error's exit code
    (the core's errors know nothing of click; this is the one place they meet)."""

    def __init__(self, error: TwinschemaError) -> None:
        super().__init__(error.message)
        # click declares exit_code on the class; each error brings its own.
        self.exit_code = error.exit_code  # type: ignore[misc]

    def show(self, file: IO[Any] | None = None) -> None:
        """One line on stderr: ``twinschema: error: <message>``, secrets removed."""
        click.echo(f"twinschema: error: {safe_message(self.format_message())}", file=file, err=True)


class _Group(click.Group):
    """Maps the core's errors to one line and their exit code, and anything unexpected to one
    line and exit code 4, never a traceback."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        from twinschema.urls import remember

        # Every URL given (flags, arguments, environment) is masked wherever it would be echoed.
        remember(*args, *os.environ.values())
        try:
            return super().make_context(info_name, args, parent, **extra)
        except _NO_ARGS_HELP:
            raise  # ``twinschema`` alone: click prints the help, as it should
        except click.UsageError as exc:  # an option of the top-level command itself
            raise _Failed(_one_line(exc)) from None
        except TwinschemaError as exc:  # an eager option's callback
            raise _Failed(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return self._invoke(ctx)
        except TwinschemaError as exc:
            raise _Failed(exc) from None

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _NO_ARGS_HELP:
            raise
        except click.UsageError as exc:
            raise _one_line(exc) from None
        except (
            TwinschemaError,
            click.ClickException,
            click.exceptions.Exit,
            click.exceptions.Abort,
        ):
            raise
        except KeyboardInterrupt:
            raise Interrupted("interrupted") from None
        except OSError as exc:
            if not _stdout_broken(exc):
                _debug_traceback(exc)
                raise InternalError(f"internal error: {type(exc).__name__}: {exc}") from None
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - no second error at exit
            raise UsageError(f"cannot write to standard output: {_why(exc)}") from None
        except Exception as exc:
            _debug_traceback(exc)
            raise InternalError(f"internal error: {type(exc).__name__}: {exc}") from None


DEBUG_ENV = "TWINSCHEMA_DEBUG"


def _debug_traceback(exc: BaseException) -> None:
    """With ``TWINSCHEMA_DEBUG=1``, the traceback behind an internal error on stderr, for a bug
    report, every credential masked (SQLAlchemy's errors echo URLs)."""
    import os

    if os.environ.get(DEBUG_ENV, "") in ("", "0"):
        return
    import traceback

    from twinschema.urls import scrub

    text = "".join(traceback.format_exception(exc))
    click.echo(scrub(text).rstrip("\n"), err=True)


class Interrupted(TwinschemaError):
    """Ctrl-C: the conventional exit code of a process stopped by SIGINT."""

    exit_code = 130


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="twinschema")
def cli() -> None:
    """Keep a SQLite schema and a PostgreSQL schema of one application in sync."""


def _seconds(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """A finite positive number of seconds (``nan`` and ``inf`` are refused: a wait must end)."""
    from twinschema.config import finite_positive

    if value is not None and not finite_positive(value):
        raise click.BadParameter(f"{value!r} is not a finite positive number of seconds")
    return value


_LAYER = click.Choice(["domain", "models", "live", "migrations"])
_FORMAT = click.Choice(["text", "json", "junit", "github", "sarif"])


def _on_terminal(stream: Any) -> bool:
    """True when ``stream`` is a terminal (as click decides it, so its test runner's ``color=True``
    stands for a terminal too)."""
    return not click.utils.should_strip_ansi(stream)  # type: ignore[attr-defined]


@contextmanager
def _progress(what: str, no_color: bool) -> Iterator[None]:
    """A spinner on stderr while a long step runs, on a real terminal only (rich is imported then
    only: the check command stays fast to import); nothing in pipes, files, CI or tests."""
    if no_color or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    from twinschema import progress
    from twinschema.urls import scrub

    what = scrub(what)
    with Console(stderr=True).status(f"twinschema: {what}", spinner="dots") as status:

        def show(message: str) -> None:
            status.update(f"twinschema: {what}: {scrub(message)}")

        with progress.listening(show):
            yield


def _explain(ctx: click.Context, param: click.Parameter, kind: str | None) -> None:
    """``--explain KIND``: print and stop before any configuration or database is touched."""
    if kind is None or ctx.resilient_parsing:
        return
    from twinschema.explain import explain

    click.echo(explain(kind), nl=False)
    ctx.exit(0)


def _notice(line: str) -> None:
    """Which database a command uses, when it is not the obvious one: one line on stderr."""
    click.echo(f"twinschema: {line}", err=True)


def _emit(report: Report, fmt: str, output: str | None, verbose: bool, no_color: bool) -> None:
    from twinschema.report import render
    from twinschema.urls import mask_output

    color = output is None and fmt == "text" and not no_color and _on_terminal(sys.stdout)
    _write(mask_output(render(report, fmt, verbose=verbose, color=color)), output)
    # A layer that could not look also says why on stderr, in one line, as every other error
    # does: a CI log shows it even when the report went to a file or is JSON (issue 6).
    errors = dict.fromkeys(r.message or r.name for r in report.errors)
    if errors:
        click.echo(f"twinschema: error: {safe_message('; '.join(errors))}", err=True)


def _write(text: str, output: str | None) -> None:
    """The report to ``output``, else stdout. A file that cannot be written (a full disk, a
    read-only file) is the user's to fix: exit 2 in one line, and no partial new file left."""
    if not output:
        try:
            click.echo(text, nl=False)
        except OSError as exc:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - no second error at exit
            raise UsageError(f"cannot write the report to standard output: {_why(exc)}") from None
        return
    path = Path(output)
    existed = path.exists()
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        if not existed and path.is_file():
            path.unlink()
        raise UsageError(f"{output}: cannot write the report: {_why(exc)}") from None


def _stdout_broken(exc: OSError) -> bool:
    """True when ``exc`` is standard output refusing what a command prints (a full disk, a
    closed pipe): the user's redirection to fix, not a bug. Told by where it was raised: in
    click's ``echo`` to stdout, or in a flush of stdout itself."""
    frame = exc.__traceback__
    while frame is not None:
        code = frame.tb_frame.f_code
        if code.co_name == "echo" and "click" in code.co_filename:
            return not frame.tb_frame.f_locals.get("err", False)
        frame = frame.tb_next
    try:
        sys.stdout.flush()
    except OSError:
        return True
    return False


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


_NO_EVALUATE_HELP = (
    "Skip the evaluation stage: run no default, CHECK or value probe on scratch databases; "
    "judge expressions by their canonical text only, and give no value_compatibility warnings."
)


@cli.command()
@click.option(
    "--layer",
    "layers",
    multiple=True,
    type=_LAYER,
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
@click.option("--format", "fmt", type=_FORMAT, default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--verbose", "-v", is_flag=True, help="Also list the equivalences accepted.")
@click.option("--no-color", is_flag=True, help="Never colour the text report.")
@click.option(
    "--explain",
    metavar="KIND",
    is_eager=True,
    expose_value=False,
    callback=_explain,
    help="Print what a difference kind means and how to fix it (all: every kind), and exit.",
)
@click.option("--no-evaluate", is_flag=True, help=_NO_EVALUATE_HELP)
def check(
    layers: tuple[str, ...],
    sqlite_url: str | None,
    postgres_url: str | None,
    fmt: str,
    output: str | None,
    verbose: bool,
    no_color: bool,
    no_evaluate: bool,
) -> None:
    """Compare every layer: domain, models, live databases, migrations.

    Exit codes: 0 in sync, 1 differences, 2 bad configuration or files, 3 a database could not be
    read, 4 internal error.
    """
    from twinschema import commands
    from twinschema.config import load_config
    from twinschema.records import LAYERS

    commands.check_output_path(output)
    with _progress("checking " + ", ".join(layers or LAYERS), no_color):
        report = commands.check(
            load_config(),
            layers or LAYERS,
            sqlite_url,
            postgres_url,
            say=_notice,
            evaluate=not no_evaluate,
        )
    _emit(report, fmt, output, verbose, no_color)
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
@click.option(
    "--dialect",
    type=click.Choice(["sqlite", "postgresql"]),
    help="Dialect of a metadata module or SQL file that does not say (both sides).",
)
@click.option(
    "--dialect-a",
    type=click.Choice(["sqlite", "postgresql"]),
    help="Dialect of SOURCE_A only, when it does not say (overrides --dialect for it).",
)
@click.option(
    "--dialect-b",
    type=click.Choice(["sqlite", "postgresql"]),
    help="Dialect of SOURCE_B only, when it does not say (overrides --dialect for it).",
)
@click.option("--format", "fmt", type=_FORMAT, default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--verbose", "-v", is_flag=True, help="Also list the equivalences accepted.")
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
    with _progress(f"comparing {source_a} with {source_b}", no_color):
        report = commands.diff(
            config,
            source_a,
            source_b,
            domain_path,
            dialect,
            evaluate=not no_evaluate,
            dialects=(dialect_a, dialect_b),
        )
    _emit(report, fmt, output, verbose, no_color)
    sys.exit(report.exit_code)


@cli.command()
@click.argument("source")
@click.option(
    "--dialect",
    type=click.Choice(["sqlite", "postgresql"]),
    help="Dialect of a metadata module or SQL file that does not say.",
)
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
    callback=_seconds,
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
    from twinschema.migrate import left_alone, migrate

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
    from twinschema.history import sides_of, where

    config = load_config()
    urls = {"local": sqlite_url, "remote": postgres_url}
    for each in sides_of(config, side):
        if side is not None:
            _side_url(each, sqlite_url, postgres_url, "current")
        click.echo(where(config, each, urls[each], say=_notice).describe())


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
    from twinschema.history import history_lines, sides_of, where

    config = load_config()
    urls = {"local": sqlite_url, "remote": postgres_url}
    for each in sides_of(config, side):
        current = None
        if side is not None:
            _side_url(each, sqlite_url, postgres_url, "history")
        if indicate_current:
            current = where(config, each, urls[each], say=_notice).current
        for line in history_lines(config, each, current):
            click.echo(line)


@cli.command("stamp")
@click.argument("side", type=_SIDE)
@click.argument("revision", metavar="REV")
@click.option("--purge", is_flag=True, help="First forget revisions the chain does not know.")
@click.option(
    "--lock-timeout",
    type=float,
    callback=_seconds,
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
    from twinschema.migrate import stamp

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
@click.option("--format", "fmt", type=_FORMAT, default="text", show_default=True)
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
    _emit(report, fmt, output, verbose, no_color)
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
    from twinschema.revision import make_revisions

    make_revisions(load_config(), message, scratch_server=scratch_server, echo=click.echo)


@cli.command("init")
@click.option("--sqlite-url", help="The SQLite database (default: LOCAL_DATABASE_URL).")
@click.option("--postgres-url", help="The PostgreSQL database (default: DATABASE_URL).")
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    help="The domain file to write (default: [tool.twinschema] domain, else domain.yaml).",
)
@click.option(
    "--force", is_flag=True, help="Overwrite the files init writes (domain, modules) if they exist."
)
@click.option(
    "--stamp",
    is_flag=True,
    help="Also WRITE to both databases: record each at a revision of its chain (alembic_version); "
    "a new chain at the baseline init writes, a chain with revisions at its head only if the "
    "database has exactly the schema that head builds.",
)
def init_command(
    sqlite_url: str | None, postgres_url: str | None, output: str | None, force: bool, stamp: bool
) -> None:
    """Write a project from two existing databases: domain.yaml (tables and columns paired by name:
    exact, case, PascalCase/snake_case, singular/plural), [tool.twinschema] in pyproject.toml,
    both metadata modules, both Alembic environments with a baseline revision that creates the
    schema as it is. Reads the databases only, unless --stamp."""
    from twinschema import adopt
    from twinschema.config import load_config

    config = load_config()
    urls = {
        "sqlite": adopt.database_url(config, "sqlite", sqlite_url, _notice),
        "postgresql": adopt.database_url(config, "postgresql", postgres_url, _notice),
    }
    path = Path(output) if output else adopt.default_output(config)
    result = adopt.run_init(config, urls, path, force=force, stamp=stamp)
    for line in adopt.summary(result):
        click.echo(line)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``twinschema`` script."""
    return cli.main(args=argv, prog_name="twinschema")
