"""The checker's exceptions: each carries the exit code and a one-line message a user can act on.

Exit codes (stable, documented in README.md):

* 0 in sync, 1 differences found (not an error, see ``cli``),
* 2 a problem in the user's files or flags (configuration, ``domain.yaml``, a metadata module),
* 3 a database could not be reached or read,
* 4 an internal error.
"""

from __future__ import annotations

import re
from typing import IO, Any

import click

EXIT_IN_SYNC = 0
EXIT_DRIFT = 1
EXIT_USAGE = 2
EXIT_DATABASE = 3
EXIT_INTERNAL = 4


class TwinschemaError(click.ClickException):
    """Base of every error the checker reports to a user; never shown as a traceback.

    A ``ClickException``, so the CLI (and click's test runner) print it as one line and exit with
    its class's code.
    """

    exit_code = EXIT_INTERNAL

    def __str__(self) -> str:
        return self.message

    def show(self, file: IO[Any] | None = None) -> None:
        """One line on stderr: ``twinschema: error: <message>``, secrets removed."""
        click.echo(f"twinschema: error: {safe_message(self.format_message())}", file=file, err=True)


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


class UsageError(TwinschemaError):
    """The user's configuration, flags or files are wrong; the message names the file and place."""

    exit_code = EXIT_USAGE


class DomainError(UsageError):
    """``domain.yaml`` is malformed or a name asked of it does not exist."""


class DomainNameError(DomainError, AttributeError):
    """A metadata module asked the domain for a table or column it does not define.

    Also an ``AttributeError`` so that ``getattr(names, "x", default)`` keeps working.
    """


class DatabaseError(TwinschemaError):
    """A database could not be reached, opened or read."""

    exit_code = EXIT_DATABASE


class InternalError(TwinschemaError):
    """A bug in twinschema: reported in one line, with the exit code 4."""

    exit_code = EXIT_INTERNAL
