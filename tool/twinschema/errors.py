"""The checker's exceptions: each carries the exit code and a message a user can act on.

Exit codes (stable, documented in README.md):

* 0 in sync, 1 differences found (not an error, see ``cli``),
* 2 a problem in the user's files or flags (configuration, ``domain.yaml``, a metadata module),
* 3 a database could not be reached or read,
* 4 an internal error.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

EXIT_IN_SYNC = 0
EXIT_DRIFT = 1
EXIT_USAGE = 2
EXIT_DATABASE = 3
EXIT_INTERNAL = 4


class TwinschemaError(Exception):
    """Base of every error the checker reports to a user; never shown as a traceback.

    Plain data (a message and an exit code): the core knows nothing of the command line. The
    CLI (``twinschema.cli``) prints it as one line, secrets removed, and exits with its code.
    """

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def format_message(self) -> str:
        """The message as the CLI prints it (after ``twinschema: error:``)."""
        return self.message


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


def suggestion(word: str, candidates: Iterable[object]) -> str:
    """`` (did you mean 'x'?)`` for the closest candidate, or an empty string: the tail of an
    error message that names something unknown. A candidate that differs in case only (``UUID``
    for ``uuid``) is the closest, however short the word."""
    names = [str(c) for c in candidates]
    same = [n for n in names if n.lower() == word.lower() and n != word]
    close = same or difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if not close:  # a misspelling in other case: compared in lower case
        folded = {n.lower(): n for n in names}
        close = [folded[m] for m in difflib.get_close_matches(word.lower(), folded, n=1)]
    return f" (did you mean {close[0]!r}?)" if close else ""


def not_utf8(label: str, exc: UnicodeDecodeError) -> str:
    """``file:2: not UTF-8 text (byte 0xe9 at offset 30)``: where a file that must be UTF-8
    is not, by line, byte and offset."""
    line = exc.object[: exc.start].count(b"\n") + 1
    return (
        f"{label}:{line}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})"
    )
