"""The ``twinschema`` command group and what every command shares: one-line errors and exit
codes, the debug traceback, progress notes, writing a report."""

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
                debug_traceback(exc)
                raise InternalError(f"internal error: {type(exc).__name__}: {exc}") from None
            quiet_if_pipe_closed(exc)
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - no second error at exit
            raise UsageError(f"cannot write to standard output: {_why(exc)}") from None
        except Exception as exc:
            debug_traceback(exc)
            raise InternalError(f"internal error: {type(exc).__name__}: {exc}") from None


DEBUG_ENV = "TWINSCHEMA_DEBUG"


def debug_traceback(exc: BaseException) -> None:
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


def seconds_option(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """A finite positive number of seconds (``nan`` and ``inf`` are refused: a wait must end)."""
    from twinschema.config.values import finite_positive

    if value is not None and not finite_positive(value):
        raise click.BadParameter(f"{value!r} is not a finite positive number of seconds")
    return value


LAYER_CHOICE = click.Choice(["domain", "models", "live", "migrations"])
FORMAT_CHOICE = click.Choice(["text", "json", "junit", "github", "sarif"])


def _on_terminal(stream: Any) -> bool:
    """True when ``stream`` is a terminal (as click decides it, so its test runner's ``color=True``
    stands for a terminal too)."""
    return not click.utils.should_strip_ansi(stream)  # type: ignore[attr-defined]


@contextmanager
def progress_note(what: str, no_color: bool) -> Iterator[None]:
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


def explain_kind(ctx: click.Context, param: click.Parameter, kind: str | None) -> None:
    """``--explain KIND``: print and stop before any configuration or database is touched."""
    if kind is None or ctx.resilient_parsing:
        return
    from twinschema.explain import explain

    click.echo(explain(kind), nl=False)
    ctx.exit(0)


def notice(line: str) -> None:
    """Which database a command uses, when it is not the obvious one: one line on stderr."""
    click.echo(f"twinschema: {line}", err=True)


def emit_report(
    report: Report, fmt: str, output: str | None, verbose: bool, no_color: bool
) -> None:
    """Render ``report`` in ``fmt`` to ``output`` (stdout when None), secrets masked."""
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
            quiet_if_pipe_closed(exc)
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


# The shell's code for a process a closed pipe ended (128 + SIGPIPE): what ``yes | head`` leaves.
CLOSED_PIPE = 128 + 13


def quiet_if_pipe_closed(exc: OSError) -> None:
    """When ``exc`` is standard output's reader gone (``twinschema history | head``), end the
    command without a word, exit 141, as a program SIGPIPE stops does: the reader asked for no
    more, which is no error to report (stranger51 025). Standard output then goes to
    /dev/null, descriptor included, so that nothing left in its buffer fails again at exit."""
    if not isinstance(exc, BrokenPipeError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no descriptor (a host's stdout object): the object alone
        pass
    finally:
        os.close(devnull)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - no second error at exit
    raise click.exceptions.Exit(CLOSED_PIPE) from None


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
