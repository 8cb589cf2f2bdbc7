"""Loading a SQL file into an in-memory SQLite database, sandboxed."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from twinschema.errors import UsageError
from twinschema.sources.sqlfile.text import LOAD_TIMEOUT_SECONDS, LineIndex, read_sql


def load_sqlite(path: str | Path, timeout: float = LOAD_TIMEOUT_SECONDS) -> sqlite3.Connection:
    """A new in-memory SQLite database holding what the SQL file at ``path`` creates.

    The file is untrusted input: an authorizer (``_SqliteSandbox``) refuses whatever would reach
    past the in-memory database (ATTACH of a file, and so VACUUM INTO; ``load_extension()``; the
    PRAGMAs that set process-wide directories), so the file can build a schema and nothing else.

    The whole file runs in one ``executescript`` call (Chinook's 600 kB with data: ~0.05 s). On a
    SQL error the file is replayed statement by statement in a second sandboxed database to find
    the line of the failing statement; the ``UsageError`` names the file, that line and SQLite's
    message (or what was refused). The caller owns (and closes) the returned connection.

    ``sqlite3 .schema`` output loads as it is: its ``CREATE TABLE sqlite_sequence`` and
    ``sqlite_stat1``/``sqlite_stat4`` (tables SQLite makes itself, for AUTOINCREMENT and ANALYZE,
    and refuses to have created) are skipped.
    """
    label = str(path)
    text = _without_internal_tables(read_sql(path))
    conn = _sandboxed_sqlite(_SqliteSandbox())
    deadline = time.monotonic() + timeout
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        conn.executescript(text)
    except sqlite3.Error as exc:
        conn.close()
        if time.monotonic() > deadline:
            raise UsageError(
                f"{label}: loading took longer than {timeout:g} s and was stopped (a statement "
                "that never ends, such as a recursive query without a limit)"
            ) from None
        line, refused = _sqlite_failing_line(text)
        where = f"{label}:{line}" if line else label
        if refused:
            raise UsageError(
                f"{where}: {refused} is refused: a SQL file may only build a schema in its "
                "scratch database"
            ) from None
        raise UsageError(f"{where}: SQLite error: {exc}") from None
    return conn


# PRAGMAs that change process-wide state or name directories outside the database.
# PRAGMAs that act on the whole process, not the connection (https://sqlite.org/pragma.html):
# a heap limit of 1 byte makes the tool itself fail.
_SQLITE_REFUSED_PRAGMAS = frozenset(
    {"temp_store_directory", "data_store_directory", "hard_heap_limit", "soft_heap_limit"}
)
# SQL functions that reach outside the database (extension code, a tokenizer's raw pointer).
_SQLITE_REFUSED_FUNCTIONS = frozenset({"load_extension", "fts3_tokenizer"})
# ATTACH targets that are private to the connection: '' (a temporary file SQLite deletes at
# close, which plain VACUUM uses) and ':memory:'.
_SQLITE_PRIVATE_ATTACH = frozenset({"", ":memory:"})


class _SqliteSandbox:
    """An authorizer for loading untrusted SQL into an in-memory SQLite database: it denies
    what would reach another file or the process, and remembers what it refused last (for
    the message)."""

    def __init__(self) -> None:
        self.refused: str | None = None

    def __call__(
        self, action: int, arg1: str | None, arg2: str | None, _db: str | None, _src: str | None
    ) -> int:
        refused = _sqlite_refusal(action, arg1, arg2)
        if refused is None:
            return sqlite3.SQLITE_OK
        self.refused = refused
        return sqlite3.SQLITE_DENY


def _sqlite_refusal(action: int, arg1: str | None, arg2: str | None) -> str | None:
    """What an authorizer request would do outside the scratch database, or None."""
    if action == sqlite3.SQLITE_ATTACH and (arg1 is None or arg1 not in _SQLITE_PRIVATE_ATTACH):
        # None: the file name is an expression ('/tmp/a' || 'b.db'), unknown until it runs.
        target = "a file named by an expression" if arg1 is None else repr(arg1)
        return f"opening another database file ({target}, by ATTACH or VACUUM INTO)"
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _SQLITE_REFUSED_FUNCTIONS:
        return f"the function {(arg2 or '').lower()}()"
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _SQLITE_REFUSED_PRAGMAS:
        return f"PRAGMA {(arg1 or '').lower()}"
    return None


def _sandboxed_sqlite(sandbox: _SqliteSandbox) -> sqlite3.Connection:
    """A new in-memory database whose statements pass through ``sandbox``."""
    conn = sqlite3.connect(":memory:")
    if hasattr(conn, "enable_load_extension"):  # absent when Python's SQLite cannot load any
        conn.enable_load_extension(False)
    conn.set_authorizer(sandbox)
    return conn


def _sqlite_statements(text: str) -> Iterator[tuple[int, str]]:
    """Offsets and text of each complete statement, as SQLite itself splits the script."""
    start = 0
    for match in re.finditer(";", text):
        end = match.end()
        chunk = text[start:end]
        if sqlite3.complete_statement(chunk):
            yield start, chunk
            start = end
    if text[start:].strip():
        yield start, text[start:]


def _sqlite_failing_line(text: str) -> tuple[int | None, str | None]:
    """Replay the script one statement at a time (in a sandbox too); the line where the first
    failing one starts, and what the sandbox refused there if that is why it failed."""
    lines = LineIndex(text)
    sandbox = _SqliteSandbox()
    probe = _sandboxed_sqlite(sandbox)
    probe.isolation_level = None  # autocommit, as executescript runs the file
    try:
        for start, statement in _sqlite_statements(text):
            sandbox.refused = None
            try:
                probe.execute(statement)
            except sqlite3.Error:
                first = re.search(r"\S", statement)
                return lines.line(start + (first.start() if first else 0)), sandbox.refused
    finally:
        probe.close()
    return None, None


# SQLite's own tables, which ``.schema`` prints but SQLite refuses to have created ("object name
# reserved for internal use"): sqlite_sequence (AUTOINCREMENT makes it), sqlite_stat1..4 (ANALYZE).
_INTERNAL_NAME = re.compile(r"sqlite_(sequence|stat\d)\b", re.IGNORECASE)
_CREATE_INTERNAL = re.compile(
    r"(\s+|--[^\n]*\n|/\*.*?\*/)*CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?"
    r"(\w+\.)?[\"`\[]?sqlite_(sequence|stat\d)[\"`\]]?\s*\(",
    re.IGNORECASE | re.DOTALL,
)
_NOT_NEWLINE = re.compile(r"[^\n]")


def _without_internal_tables(text: str) -> str:
    """``text`` with each ``CREATE TABLE`` of one of SQLite's own tables blanked (newlines
    kept, so that a later error still names the file's line)."""
    if not _INTERNAL_NAME.search(text):
        return text
    parts: list[str] = []
    pos = 0
    for start, statement in _sqlite_statements(text):
        if _CREATE_INTERNAL.match(statement):
            parts.append(text[pos:start])
            parts.append(_NOT_NEWLINE.sub(" ", statement))
            pos = start + len(statement)
    parts.append(text[pos:])
    return "".join(parts)
