"""SQL files as schema sources: recognise a file's dialect, and load it into a scratch database.

``twinschema diff a.sql b.sql`` compares two DDL dumps with nothing running (issue 7). Each file
is loaded into a database of its own dialect and then reflected like any live database:

* SQLite: an in-memory database, loaded with ``executescript`` (the whole file in one call).
* PostgreSQL: a new scratch database on a server the caller names (the CLI passes
  ``TWINSCHEMA_SCRATCH_URL`` when set, else the embedded server), dropped afterwards. Runs of
  plain SQL (up to ``_BATCH`` statements) go to the server in one ``execute`` each (psycopg 3
  sends a query without parameters with the simple query protocol, which accepts many
  statements), so a dump with its data loads about as fast as ``psql -f`` does.

A SQL file is untrusted input (issue 14): loading it may only build a schema in its scratch
database. SQLite files run under an authorizer that refuses ATTACH of a file (and so VACUUM
INTO), ``load_extension()`` and process-wide PRAGMAs. PostgreSQL files run as a login role made
for the load, which owns the scratch database's schemas and has no other right; allow-listed
extensions are created beforehand by the privileged connection (see ``load_postgresql``).

PostgreSQL dumps are often written for psql, not for a driver. What psql alone understands is
handled here rather than refused where that is safe: ``\\c``/``\\connect`` and the file's own
database-level statements (CREATE/DROP/ALTER DATABASE, COMMENT ON DATABASE) are skipped, since
everything is loaded into the scratch database; ``COPY ... FROM stdin`` blocks are streamed through
``cursor.copy()`` up to their ``\\.`` line; settings that only change psql's own display or
variables (``\\set ON_ERROR_STOP on``, ``\\pset``, ``\\timing``, ``\\echo``) are ignored. Any
other meta-command is an error that says how to proceed.
"""

from __future__ import annotations

import bisect
import re
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from twinschema import scratch
from twinschema.errors import DatabaseError, UsageError
from twinschema.urls import POSTGRESQL, SQLITE, parse_url, redact, scrub

# ---------------------------------------------------------------------------------------------
# Reading


def read_sql(path: str | Path) -> str:
    """The text of a SQL file (UTF-8, a byte-order mark allowed); a missing or unreadable file is a
    ``UsageError`` naming it, since the file is the user's input."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: SQL file not found") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a SQL file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path}: not UTF-8 text (byte {exc.start}); convert the file to UTF-8"
        ) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the SQL file ({exc.strerror})") from None


# ---------------------------------------------------------------------------------------------
# Dialect detection

_I = re.IGNORECASE
_IM = re.IGNORECASE | re.MULTILINE


@dataclass(frozen=True)
class Marker:
    """A piece of syntax only one dialect writes, and how strongly it points to that dialect."""

    dialect: str
    label: str
    pattern: re.Pattern[str]
    weight: int


def _m(dialect: str, label: str, pattern: str, weight: int, flags: int = _I) -> Marker:
    return Marker(dialect, label, re.compile(pattern, flags), weight)


# Each marker counts once however often it occurs, so one long data section cannot outvote the
# DDL. Weight 3: syntax the other dialect rejects; 2: strong habit; 1: a hint. Markers are searched
# in the text with comments and string literals blanked out (see ``_code_only``), so data such as
# 'fe80::1' or a comment mentioning AUTOINCREMENT cannot mislead.
MARKERS: tuple[Marker, ...] = (
    _m(POSTGRESQL, "::cast", r"::\s*[a-z_\"]", 3),
    _m(POSTGRESQL, "$$ quoting", r"\$([a-z_]\w*)?\$", 3),
    _m(POSTGRESQL, "SERIAL", r"\b(small|big)?serial\b", 3),
    _m(POSTGRESQL, "nextval(", r"\bnextval\s*\(", 3),
    _m(POSTGRESQL, "OWNER TO", r"\bOWNER\s+TO\b", 3),
    _m(POSTGRESQL, "CREATE EXTENSION", r"\bCREATE\s+EXTENSION\b", 3),
    _m(POSTGRESQL, "psql meta-command", r"^[ \t]*\\[a-z]", 3, _IM),
    _m(POSTGRESQL, "COPY FROM stdin", r"\bCOPY\b[^;]*\bFROM\s+stdin\b", 3),
    _m(POSTGRESQL, "time zone type", r"\btimestamp(\s*\(\d+\))?\s+with(out)?\s+time\s+zone\b", 2),
    _m(POSTGRESQL, "AS IDENTITY", r"\bGENERATED\s+(ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b", 3),
    _m(POSTGRESQL, "CREATE SEQUENCE", r"\bCREATE\s+SEQUENCE\b", 3),
    _m(POSTGRESQL, "CREATE DOMAIN/TYPE", r"\bCREATE\s+(DOMAIN|TYPE)\b", 2),
    _m(POSTGRESQL, "CREATE FUNCTION", r"\bCREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE)\b", 2),
    _m(POSTGRESQL, "plpgsql", r"\bplpgsql\b", 3),
    _m(POSTGRESQL, "EXECUTE PROCEDURE", r"\bEXECUTE\s+(PROCEDURE|FUNCTION)\b", 3),
    _m(POSTGRESQL, "ALTER TABLE ONLY", r"\bALTER\s+TABLE\s+ONLY\b", 3),
    _m(POSTGRESQL, "CREATE DATABASE", r"\b(CREATE|DROP)\s+DATABASE\b", 2),
    _m(POSTGRESQL, "search_path", r"\bsearch_path\b", 2),
    _m(POSTGRESQL, "pg_catalog", r"\bpg_catalog\.", 2),
    _m(POSTGRESQL, "USING <index method>", r"\bUSING\s+(btree|gin|gist|brin|spgist|hash)\b", 2),
    _m(POSTGRESQL, "PostgreSQL type", r"\b(timestamptz|jsonb|bytea|tsvector|inet|cidr)\b", 2),
    _m(POSTGRESQL, "array type", r"\b(text|integer|int|varchar)\s*\[\]", 2),
    _m(SQLITE, "AUTOINCREMENT", r"\bAUTOINCREMENT\b", 3),
    _m(SQLITE, "[bracketed] identifier", r"(?<![\w\]\[])\[[a-z_][^\]\n]*\]", 3),
    _m(SQLITE, "PRAGMA", r"^[ \t]*PRAGMA\b", 3, _IM),
    _m(SQLITE, "WITHOUT ROWID", r"\bWITHOUT\s+ROWID\b", 3),
    _m(SQLITE, "BEGIN TRANSACTION", r"^[ \t]*BEGIN\s+TRANSACTION\s*;", 2, _IM),
    _m(SQLITE, "CREATE VIRTUAL TABLE", r"\bCREATE\s+VIRTUAL\s+TABLE\b", 3),
    _m(SQLITE, "INSERT OR", r"\bINSERT\s+OR\s+(REPLACE|IGNORE|ABORT|FAIL|ROLLBACK)\b", 3),
    _m(SQLITE, "STRICT table", r"\)\s*STRICT\s*(,|;)", 3),
    _m(SQLITE, "trigger body BEGIN", r"\bCREATE\s+(TEMP\w*\s+)?TRIGGER\b[^;]*?\bBEGIN\b", 3),
    _m(SQLITE, "rowid", r"\b(new\.|old\.)?rowid\b", 2),
    _m(SQLITE, "datetime(...)", r"\b(datetime|strftime|julianday)\s*\(", 2),
    _m(SQLITE, "sqlite_ object", r"\bsqlite_(master|schema|sequence|stat\d)\b", 3),
    _m(SQLITE, "SQLite-only type", r"\b(datetime|tinyint|mediumint|nvarchar|blob|clob)\b", 2),
)

# String literals, quoted identifiers and comments, blanked before the markers are searched.
_NOISE = re.compile(r"'[^']*(?:''[^']*)*'|\"[^\"]*(?:\"\"[^\"]*)*\"|--[^\n]*|/\*.*?\*/", re.DOTALL)


def _code_only(text: str) -> str:
    return _NOISE.sub(" ", text)


def dialect_scores(text: str) -> dict[str, list[Marker]]:
    """The markers found in ``text``, per dialect (for messages and tests)."""
    code = _code_only(text)
    found: dict[str, list[Marker]] = {SQLITE: [], POSTGRESQL: []}
    for marker in MARKERS:
        if marker.pattern.search(code):
            found[marker.dialect].append(marker)
    return found


def detect_dialect(text: str, label: str = "SQL text") -> str:
    """``"sqlite"`` or ``"postgresql"``: the dialect a SQL script is written for, from its content.

    Weighted markers (``::`` casts, ``$$``, SERIAL, psql meta-commands, ``COPY FROM stdin`` for
    PostgreSQL; AUTOINCREMENT, ``[bracketed]`` names, PRAGMA, WITHOUT ROWID for SQLite, ...) are
    summed per dialect. The winner needs at least twice the loser's score, so a file that mixes
    both, or has no marker at all (plain ``CREATE TABLE t (id integer)`` is valid in both), raises
    ``UsageError`` naming ``label``: guessing would load the file into the wrong database.
    """
    found = dialect_scores(text)
    score = {dialect: sum(m.weight for m in markers) for dialect, markers in found.items()}
    best = max(score, key=lambda d: score[d])
    other = POSTGRESQL if best == SQLITE else SQLITE
    if score[best] > 0 and score[best] >= 2 * score[other]:
        return best

    def names(dialect: str) -> str:
        return ", ".join(m.label for m in found[dialect]) or "none"

    raise UsageError(
        f"{label}: cannot tell whether this SQL is for SQLite or PostgreSQL "
        f"(SQLite markers: {names(SQLITE)}; PostgreSQL markers: {names(POSTGRESQL)}); "
        "pass --dialect sqlite or --dialect postgresql"
    )


# ---------------------------------------------------------------------------------------------
# SQLite


# How long loading one SQL file may take: a file is untrusted, and one that never ends (a
# recursive CTE, pg_sleep) must not hold the command. Far above any real schema dump's load.
LOAD_TIMEOUT_SECONDS = 120.0


def load_sqlite(path: str | Path, timeout: float = LOAD_TIMEOUT_SECONDS) -> sqlite3.Connection:
    """A new in-memory SQLite database holding what the SQL file at ``path`` creates.

    The file is untrusted input: an authorizer (``_SqliteSandbox``) refuses whatever would reach
    past the in-memory database (ATTACH of a file, and so VACUUM INTO; ``load_extension()``; the
    PRAGMAs that set process-wide directories), so the file can build a schema and nothing else.

    The whole file runs in one ``executescript`` call (Chinook's 600 kB with data: ~0.05 s). On a
    SQL error the file is replayed statement by statement in a second sandboxed database to find
    the line of the failing statement; the ``UsageError`` names the file, that line and SQLite's
    message (or what was refused). The caller owns (and closes) the returned connection.
    """
    label = str(path)
    text = read_sql(path)
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
    lines = _LineIndex(text)
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


# ---------------------------------------------------------------------------------------------
# PostgreSQL: splitting a psql script into what a driver can run


class _LineIndex:
    """Offset -> 1-based line number, by bisection over the line starts (built once)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


@dataclass
class _Run:
    """Consecutive plain SQL statements, sent in one ``execute``."""

    start: int
    end: int
    statements: list[tuple[int, int]] = field(default_factory=list)  # (start, end) offsets
    skipped: list[tuple[int, int]] = field(default_factory=list)  # blanked out when sent
    transaction_control: bool = False  # BEGIN/COMMIT inside: a failed run may be half applied

    def sql(self, text: str) -> str:
        """The run's text with its skipped statements blanked; newlines and lengths are kept,
        so a position the server reports still maps to the file's line."""
        parts: list[str] = []
        pos = self.start
        for start, end in sorted(self.skipped):
            parts.append(text[pos:start])
            parts.append(_BLANK.sub(" ", text[start:end]))
            pos = end
        parts.append(text[pos : self.end])
        return "".join(parts)


@dataclass
class _Copy:
    """A ``COPY ... FROM stdin`` statement and its data block, or a ``COPY ... TO stdout``."""

    start: int
    statement: str
    data: str
    data_start: int
    to_stdout: bool = False


_Piece = _Run | _Copy


@dataclass(frozen=True)
class _Extension:
    """A ``CREATE EXTENSION`` (or handler-less ``CREATE LANGUAGE``) of the file, read into its
    parts so that the privileged connection runs a statement of our own, never the file's."""

    name: str
    schema: str | None
    version: str | None
    cascade: bool
    offset: int


@dataclass
class _Script:
    """A psql script cut into what a driver runs, and the extensions it asks for."""

    pieces: list[_Piece]
    extensions: list[_Extension]


# At most this many statements go in one ``execute``: a multi-statement query is one implicit
# transaction, which holds a lock on every object it creates until it ends, and a long DDL file
# in one transaction runs out of the server's lock table ("out of shared memory").
_BATCH = 100
_BLANK = re.compile(r"[^\n]")

# Statements about a database as a whole: the file's own database is the scratch database.
_DATABASE_LEVEL = re.compile(
    r"(CREATE|DROP|ALTER)\s+DATABASE\b|COMMENT\s+ON\s+DATABASE\b", re.IGNORECASE
)
_COPY_FROM_STDIN = re.compile(r"COPY\b.*\bFROM\s+STDIN\b", re.IGNORECASE | re.DOTALL)
_COPY_TO_STDOUT = re.compile(r"COPY\b.*\bTO\s+STDOUT\b", re.IGNORECASE | re.DOTALL)
# Statements PostgreSQL refuses inside a multi-statement query (an implicit transaction block).
_ALONE = re.compile(
    r"VACUUM\b|(CREATE\s+(UNIQUE\s+)?|DROP\s+|REINDEX\b.*)INDEX\s+CONCURRENTLY\b"
    r"|(CREATE|DROP)\s+TABLESPACE\b|ALTER\s+SYSTEM\b|ALTER\s+TYPE\b.*\bADD\s+VALUE\b",
    re.IGNORECASE | re.DOTALL,
)
_TRANSACTION = re.compile(
    r"(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE\s+TRANSACTION)\b",
    re.IGNORECASE,
)
_SCS = re.compile(
    r"SET\s+(SESSION\s+)?standard_conforming_strings\s*(=|TO)\s*'?(?P<value>on|off)'?",
    re.IGNORECASE,
)
# Settings that change how the server reads the statements after them: the server parses a whole
# multi-statement query before running any of it, so a run ends after such a statement.
_LEXICAL_SETTING = re.compile(
    r"SET\s+(SESSION\s+)?(standard_conforming_strings|client_encoding|backslash_quote)\b"
    r"|SET\s+(SESSION\s+)?NAMES\b"
    r"|SELECT\s+(pg_catalog\.)?set_config\s*\(\s*'(standard_conforming_strings|client_encoding)'",
    re.IGNORECASE,
)

# Statements skipped because the load role may not, and need not, run them: ownership and
# privileges name roles of the file's server (the load role owns everything it creates), and
# role switches would leave the load role. Matched on the statement with its comments and string
# literals blanked.
_SKIPPED_STATEMENT = re.compile(
    r"(GRANT|REVOKE)\b|ALTER\s+DEFAULT\s+PRIVILEGES\b|COMMENT\s+ON\s+EXTENSION\b"
    r"|SET\s+((SESSION|LOCAL)\s+)?(ROLE|SESSION\s+AUTHORIZATION)\b"
    r"|RESET\s+(ROLE|SESSION\s+AUTHORIZATION)\b"
    r"|ALTER\b.*\bOWNER\s+TO\s+(\"(?:[^\"]|\"\")*\"|[\w$]+)\s*$",
    re.IGNORECASE | re.DOTALL,
)
_CREATES_EXTENSION = re.compile(
    r"CREATE\s+(OR\s+REPLACE\s+)?(TRUSTED\s+)?(PROCEDURAL\s+)?(EXTENSION|LANGUAGE)\b",
    re.IGNORECASE,
)
_CREATE_SCHEMA = re.compile(
    r"CREATE\s+SCHEMA\s+(?P<name>\"(?:[^\"]|\"\")*\"|[^\W\d][\w$]*)"
    r"(\s+AUTHORIZATION\s+(\"(?:[^\"]|\"\")*\"|[\w$]+))?\s*$",
    re.IGNORECASE,
)
_CODE_NOISE = re.compile(
    r"'[^']*(?:''[^']*)*'|--[^\n]*|/\*.*?\*/|\$([^\W\d]\w*)?\$.*?\$\1\$", re.DOTALL
)
_TOKEN = re.compile(r"\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'|[^\s\"']+")

# psql meta-commands: skipped because the scratch database replaces the file's own database...
_SKIPPED_META = frozenset({"c", "connect"})
# ...or ignored because they only change psql's display or its variables.
_IGNORED_META = frozenset({"set", "unset", "pset", "timing", "echo", "qecho", "warn", "encoding"})

_SPECIAL = re.compile(r"['\"$;\\]|--|/\*")
_NONSPACE = re.compile(r"\S")
_STD_STRING = re.compile(r"'[^']*(?:''[^']*)*'")
_ESC_STRING = re.compile(r"'[^'\\]*(?:(?:\\.|'')[^'\\]*)*'", re.DOTALL)
_QUOTED_NAME = re.compile(r"\"[^\"]*(?:\"\"[^\"]*)*\"")
_DOLLAR_TAG = re.compile(r"\$([^\W\d]\w*)?\$")
_COMMENT_EDGE = re.compile(r"/\*|\*/")
_META = re.compile(r"\\([A-Za-z]+|[^A-Za-z\s])")
_COPY_END = re.compile(r"^\\\.[ \t]*\r?$", re.MULTILINE)


def _split_psql_script(text: str, label: str) -> _Script:
    """Cut a psql script into runs of plain SQL and COPY blocks, dropping what psql alone does.

    A lexer that knows PostgreSQL's quoting (strings, E'' strings, ``"names"``, ``$tag$`` bodies,
    nested comments, ``standard_conforming_strings = off``) finds statement ends and backslashes
    outside quotes, which psql reads as meta-commands. Statement boundaries are kept so that an
    error can be traced to its line. A run holds at most ``_BATCH`` statements. Statements the
    load role skips (``_SKIPPED_STATEMENT``, the file's own database) are blanked in their run;
    ``CREATE EXTENSION`` statements are taken out, read, and returned apart.
    """
    lines = _LineIndex(text)
    pieces: list[_Piece] = []
    extensions: list[_Extension] = []
    run = _Run(0, 0)
    stmt_start: int | None = None
    scs = True  # standard_conforming_strings: backslashes are plain characters in '' strings
    pos = 0
    size = len(text)

    def close_run(end: int, restart: int) -> None:
        nonlocal run
        if run.statements or stmt_start is not None:
            run.end = end
            pieces.append(run)
        run = _Run(restart, restart)

    while pos < size:
        match = _SPECIAL.search(text, pos)
        stop = match.start() if match else size
        if stmt_start is None:
            code = _NONSPACE.search(text, pos, stop)
            if code:
                stmt_start = code.start()
        if not match:
            break
        token = match.group()
        here = match.start()
        if token in ("'", '"', "$") and stmt_start is None:
            stmt_start = here
        if token == "'":
            escaped = not scs or (
                here > 0 and text[here - 1] in "eE" and (here < 2 or not _is_word(text[here - 2]))
            )
            found = (_ESC_STRING if escaped else _STD_STRING).match(text, here)
            pos = found.end() if found else size
        elif token == '"':
            found = _QUOTED_NAME.match(text, here)
            pos = found.end() if found else size
        elif token == "$":
            tag = _DOLLAR_TAG.match(text, here)
            if tag and not (here > 0 and (_is_word(text[here - 1]) or text[here - 1] == "$")):
                close = text.find(tag.group(), tag.end())
                pos = close + len(tag.group()) if close >= 0 else size
            else:
                pos = here + 1
        elif token == "--":
            newline = text.find("\n", here)
            pos = newline + 1 if newline >= 0 else size
        elif token == "/*":
            pos = _skip_block_comment(text, here)
        elif token == ";":
            pos = here + 1
            if stmt_start is None:
                continue
            statement = text[stmt_start:here]
            kind = _classify(statement)
            if kind == "extension":
                found_extension = _read_extension(statement, stmt_start, label, lines)
                if found_extension is None:
                    kind = "sql"  # CREATE LANGUAGE with a HANDLER: the load role runs it
                else:
                    extensions.append(found_extension)
                    kind = "skip"
            if kind == "sql":
                run.statements.append((stmt_start, pos))
                if _TRANSACTION.match(statement):
                    run.transaction_control = True
                scs_set = _SCS.match(statement)
                if scs_set:
                    scs = scs_set["value"].lower() == "on"
                if _LEXICAL_SETTING.match(statement) or len(run.statements) >= _BATCH:
                    stmt_start = None
                    close_run(pos, pos)
            elif kind == "skip":
                run.skipped.append((stmt_start, pos))
            elif kind == "alone":
                begin = stmt_start
                stmt_start = None
                close_run(begin, begin)
                pieces.append(_Run(begin, pos, [(begin, pos)]))
                run = _Run(pos, pos)
            else:  # copy
                begin = stmt_start
                stmt_start = None
                close_run(begin, begin)
                newline = text.find("\n", pos)
                data_start = newline + 1 if newline >= 0 else size
                if kind == "copy-out":
                    pieces.append(_Copy(begin, statement, "", data_start, to_stdout=True))
                    pos = data_start
                else:
                    end = _COPY_END.search(text, data_start)
                    data_end = end.start() if end else size
                    pieces.append(_Copy(begin, statement, text[data_start:data_end], data_start))
                    pos = text.find("\n", end.end()) + 1 if end else size
                    if pos == 0:
                        pos = size
                run = _Run(pos, pos)
            stmt_start = None
        else:  # a backslash outside quotes: a psql meta-command, which runs to the end of the line
            meta = _META.match(text, here)
            name = meta.group(1) if meta else ""
            line = lines.line(here)
            if name not in _SKIPPED_META and name not in _IGNORED_META:
                raise UsageError(
                    f"{label}:{line}: psql meta-command \\{name} is not supported; run the file "
                    "with psql into a database and pass its URL instead"
                )
            if stmt_start is not None and stmt_start < here:
                raise UsageError(
                    f"{label}:{line}: psql meta-command \\{name} inside an unfinished statement "
                    "is not supported; run the file with psql into a database and pass its URL "
                    "instead"
                )
            stmt_start = None
            newline = text.find("\n", here)
            pos = newline + 1 if newline >= 0 else size
            close_run(here, pos)
    if stmt_start is not None:  # a last statement without its semicolon
        statement = text[stmt_start:size]
        kind = _classify(statement)
        found_extension = None
        if kind == "extension":
            found_extension = _read_extension(statement, stmt_start, label, lines)
        if found_extension is not None:
            extensions.append(found_extension)
        if kind == "skip" or found_extension is not None:
            run.skipped.append((stmt_start, size))
        else:
            run.statements.append((stmt_start, size))
    close_run(size, size)
    return _Script(pieces, extensions)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _skip_block_comment(text: str, start: int) -> int:
    """The offset after the block comment opening at ``start`` (PostgreSQL nests them)."""
    depth = 0
    pos = start
    while True:
        edge = _COMMENT_EDGE.search(text, pos)
        if not edge:
            return len(text)
        depth += 1 if edge.group() == "/*" else -1
        pos = edge.end()
        if depth == 0:
            return pos


def _classify(statement: str) -> str:
    if _DATABASE_LEVEL.match(statement) or _SKIPPED_STATEMENT.match(_code_of(statement)):
        return "skip"
    if _CREATES_EXTENSION.match(statement):
        return "extension"
    if _COPY_FROM_STDIN.match(statement):
        return "copy"
    if _COPY_TO_STDOUT.match(statement):
        return "copy-out"
    if _ALONE.match(statement):
        return "alone"
    return "sql"


def _code_of(statement: str) -> str:
    """The statement with its comments, string literals and ``$$`` bodies blanked (quoted names
    are kept): what the skip patterns are matched on."""
    return _CODE_NOISE.sub(" ", statement).strip()


def _identifier(token: str) -> str:
    """A name as PostgreSQL reads it: ``"Quoted"`` kept as written, a bare name folded."""
    if token.startswith('"'):
        return token[1:-1].replace('""', '"')
    return token.lower()


def _read_extension(
    statement: str, offset: int, label: str, lines: _LineIndex
) -> _Extension | None:
    """The parts of ``CREATE EXTENSION [IF NOT EXISTS] name [WITH] [SCHEMA s] [VERSION v]
    [CASCADE]``, or of a ``CREATE LANGUAGE name`` without a handler (which PostgreSQL runs as
    CREATE EXTENSION); None for a language with a handler. A form not understood is refused."""
    tokens = _TOKEN.findall(_CODE_NOISE.sub(lambda m: m[0] if m[0][0] == "'" else " ", statement))
    words = [token.upper() for token in tokens]
    keyword = "EXTENSION" if "EXTENSION" in words[:5] else "LANGUAGE"
    if keyword == "LANGUAGE" and "HANDLER" in words:
        return None
    at = words.index(keyword) + 1
    if words[at : at + 3] == ["IF", "NOT", "EXISTS"]:
        at += 3
    values: dict[str, str] = {}
    cascade = False
    if at < len(tokens):
        values["name"] = _identifier(tokens[at])
        at += 1
    while at < len(tokens):
        if words[at] == "WITH":
            at += 1
        elif words[at] == "CASCADE":
            cascade, at = True, at + 1
        elif words[at] in ("SCHEMA", "VERSION", "FROM") and at + 1 < len(tokens):
            value = tokens[at + 1]
            values[words[at]] = value[1:-1].replace("''", "'") if value[0] == "'" else value
            if words[at] == "SCHEMA":
                values["SCHEMA"] = _identifier(value)
            at += 2
        else:
            break
    if "name" not in values or at < len(tokens):
        raise UsageError(
            f"{label}:{lines.line(offset)}: cannot read this CREATE {keyword} statement; write "
            "it as CREATE EXTENSION [IF NOT EXISTS] name [WITH SCHEMA s] [VERSION v] [CASCADE]"
        )
    return _Extension(values["name"], values.get("SCHEMA"), values.get("VERSION"), cascade, offset)


def _skip_create_schema(text: str, pieces: list[_Piece], schemas: set[str]) -> None:
    """Skip the file's plain ``CREATE SCHEMA s`` of each schema that was made before the load
    (to hold an extension); the load role owns it already."""
    for piece in pieces:
        if not isinstance(piece, _Run):
            continue
        for start, end in list(piece.statements):
            found = _CREATE_SCHEMA.match(_code_of(text[start:end]).rstrip(";").strip())
            if found and _identifier(found["name"]) in schemas:
                piece.statements.remove((start, end))
                piece.skipped.append((start, end))


# ---------------------------------------------------------------------------------------------
# PostgreSQL: loading


# Extensions a SQL file may ask for. They are created by the privileged connection, into the
# scratch database, before the load role runs anything (an extension script run as a superuser
# in a schema that an untrusted role already controls could be led astray). None of them
# reaches outside its database: no foreign data wrappers, no untrusted languages, no dblink.
ALLOWED_EXTENSIONS = frozenset(
    {
        "address_standardizer", "bloom", "btree_gin", "btree_gist", "citext", "cube",
        "dict_int", "dict_xsyn", "earthdistance", "fuzzystrmatch", "hstore", "intagg",
        "intarray", "isn", "lo", "ltree", "pg_stat_statements", "pg_trgm", "pgcrypto",
        "pgrouting", "plpgsql", "postgis", "postgis_raster", "postgis_sfcgal",
        "postgis_tiger_geocoder", "postgis_topology", "seg", "tablefunc", "tcn",
        "tsm_system_rows", "tsm_system_time", "unaccent", "uuid-ossp", "vector",
    }
)  # fmt: skip
_BUILT_IN_SCHEMAS = frozenset({"public", "pg_catalog"})


@contextmanager
def load_postgresql(
    path: str | Path,
    server_url: str,
    connect_timeout: float = 10.0,
    timeout: float = LOAD_TIMEOUT_SECONDS,
) -> Iterator[str]:
    """A scratch database on ``server_url`` holding what the SQL file at ``path`` creates; yields
    the database's URL (as the load role, see below) and drops the database when the block ends.

    The file is untrusted input and may only build a schema in its scratch database. It runs
    as a role made for this load (random name and password, no superuser, CREATEDB, CREATEROLE,
    REPLICATION or BYPASSRLS), over a connection of its own that authenticates as that role, so
    that no ``RESET ROLE`` in the file can climb back to the privileged role. The load role owns
    the scratch database's ``public`` schema and may create in that database, nothing else; a
    statement that needs more (``DROP ROLE``, ``ALTER ROLE postgres PASSWORD``, ``COPY ... FROM
    PROGRAM``) fails with a ``UsageError`` naming its line. The role is dropped after the database.

    ``pg_dump`` output still loads: its ``OWNER TO``, ``GRANT``/``REVOKE``, ``ALTER DEFAULT
    PRIVILEGES``, ``SET ROLE``/``SET SESSION AUTHORIZATION`` and ``COMMENT ON EXTENSION``
    statements are skipped (the load role owns what it creates), its session settings (``SET``,
    ``set_config``) run as they are, and the extensions it creates, if on ``ALLOWED_EXTENSIONS``,
    are created first by the privileged connection (an extension off the list is a ``UsageError``
    naming its line, before anything runs).

    As before: ``\\c``/``\\connect`` and the file's own CREATE/DROP/ALTER DATABASE and COMMENT ON
    DATABASE are skipped, ``COPY ... FROM stdin`` data is streamed with ``cursor.copy()``, harmless
    psql settings are ignored, another meta-command is a ``UsageError`` naming its line. Statements
    go in batches of at most ``_BATCH`` (one implicit transaction each), so a long DDL file does
    not exhaust the server's lock table. A server that cannot be reached within
    ``connect_timeout`` seconds, refuses to create the role or the database, or will not let the
    load role log in, is a ``DatabaseError``.
    """
    label = str(path)
    text = read_sql(path)
    script = _split_psql_script(text, label)
    lines = _LineIndex(text)
    _refuse_unlisted_extensions(script.extensions, label, lines)
    schemas = {e.schema for e in script.extensions if e.schema} - _BUILT_IN_SCHEMAS
    _skip_create_schema(text, script.pieces, schemas)
    with (
        _load_role(server_url, connect_timeout, label) as role,
        scratch.database(
            server_url, prefix="twinschema_sql", connect_timeout=connect_timeout
        ) as admin_url,
    ):
        _prepare(admin_url, role, script.extensions, sorted(schemas), connect_timeout, label, lines)
        url = role.url(admin_url)
        conn = _connect(url, connect_timeout, login=label)
        try:
            _execute_pieces(conn, text, script.pieces, label, url, timeout)
        finally:
            conn.close()
        yield url


def _refuse_unlisted_extensions(
    extensions: list[_Extension], label: str, lines: _LineIndex
) -> None:
    """A ``UsageError`` naming the line of the first extension off ``ALLOWED_EXTENSIONS``."""
    for extension in extensions:
        if extension.name not in ALLOWED_EXTENSIONS:
            allowed = ", ".join(sorted(ALLOWED_EXTENSIONS))
            raise UsageError(
                f"{label}:{lines.line(extension.offset)}: extension {extension.name} is not on "
                f"the list of extensions a SQL file may create ({allowed})"
            )


@dataclass(frozen=True)
class _LoadRole:
    """The role a SQL file is loaded as: made for one load, dropped after it."""

    name: str
    password: str

    def url(self, database_url: str) -> str:
        """``database_url`` logging in as this role (any user or password in its query removed)."""
        url = parse_url(database_url).difference_update_query(["user", "password", "passfile"])
        return url.set(username=self.name, password=self.password).render_as_string(
            hide_password=False
        )


@contextmanager
def _load_role(server_url: str, connect_timeout: float, label: str) -> Iterator[_LoadRole]:
    """A new login role with no privileges on ``server_url`` for the block; dropped afterwards
    (after the scratch database it owns objects in, which the caller drops first)."""
    role = _LoadRole(f"twinschema_load_{uuid.uuid4().hex[:12]}", secrets.token_urlsafe(24))
    with _privileged(server_url, connect_timeout) as conn:
        try:
            _create_role(conn, role)
        except psycopg.Error as exc:
            raise DatabaseError(
                f"cannot create a role to load {label} as, on {redact(server_url)}: "
                f"{scrub(_pg_message(exc), parse_url(server_url).password)} (a SQL file is loaded "
                "as a role of its own that can build only in its scratch database: the scratch "
                "server's role needs CREATEROLE and CREATEDB)"
            ) from None
    failed = True
    try:
        yield role
        failed = False
    finally:
        try:
            with _privileged(server_url, connect_timeout) as conn:
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role.name)))
        except (psycopg.Error, DatabaseError) as exc:
            if not failed:  # never hide the error that ended the block
                raise DatabaseError(
                    f"cannot drop the role {role.name} that loaded {label}, on "
                    f"{redact(server_url)}: {scrub(_pg_message(exc), parse_url(server_url).password)}"
                ) from None


def _create_role(conn: psycopg.Connection[Any], role: _LoadRole) -> None:
    """CREATE ROLE with the password encrypted here (the server's log never sees it); a
    privileged role that is not a superuser is made a member, to hand schemas to the new role."""
    encrypted = conn.pgconn.encrypt_password(role.password.encode(), role.name.encode())
    conn.execute(
        sql.SQL(
            "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
            "NOINHERIT PASSWORD {}"
        ).format(sql.Identifier(role.name), sql.Literal(encrypted.decode()))
    )
    superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = superuser.fetchone()
    if not (row and row[0]):
        conn.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(role.name)))


def _prepare(
    admin_url: str,
    role: _LoadRole,
    extensions: list[_Extension],
    schemas: list[str],
    connect_timeout: float,
    label: str,
    lines: _LineIndex,
) -> None:
    """Before the load role connects: create the file's allowed extensions (and the schemas
    that hold them), then give the load role the schemas and the right to create in the
    scratch database."""
    database = parse_url(admin_url).database or ""
    with _privileged(admin_url, connect_timeout) as conn:
        for schema in schemas:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        for extension in extensions:
            try:
                conn.execute(_create_extension(extension))
            except psycopg.Error as exc:
                line = lines.line(extension.offset)
                raise UsageError(f"{label}:{line}: {_pg_message(exc)}") from None
        public = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'public'").fetchone()
        for schema in [*schemas, *(["public"] if public else [])]:
            conn.execute(
                sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(
                    sql.Identifier(schema), sql.Identifier(role.name)
                )
            )
        conn.execute(
            sql.SQL("GRANT CONNECT, CREATE, TEMPORARY ON DATABASE {} TO {}").format(
                sql.Identifier(database), sql.Identifier(role.name)
            )
        )


def _create_extension(extension: _Extension) -> sql.Composed:
    """Our own CREATE EXTENSION for what the file asked: names and version quoted as data."""
    parts: list[sql.Composable] = [
        sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(extension.name))
    ]
    if extension.schema:
        parts.append(sql.SQL("SCHEMA {}").format(sql.Identifier(extension.schema)))
    if extension.version:
        parts.append(sql.SQL("VERSION {}").format(sql.Literal(extension.version)))
    if extension.cascade:
        parts.append(sql.SQL("CASCADE"))
    return sql.SQL(" ").join(parts)


@contextmanager
def _privileged(url: str, connect_timeout: float) -> Iterator[psycopg.Connection[Any]]:
    """An autocommit connection as the server URL's own role, closed after the block."""
    conn = _connect(url, connect_timeout)
    try:
        yield conn
    finally:
        conn.close()


def _connect(url: str, connect_timeout: float, login: str | None = None) -> psycopg.Connection[Any]:
    """An autocommit connection, as psql runs a script; a failure (or no answer within
    ``connect_timeout`` seconds) is a ``DatabaseError``. ``login`` names the file when this
    is the load role logging in, so the message says why a new role must be let in."""
    from twinschema.dialects import ReflectOptions
    from twinschema.dialects.postgresql import connect_kwargs

    options = ReflectOptions(connect_timeout=connect_timeout)
    try:
        return psycopg.connect(**connect_kwargs(parse_url(url), options), autocommit=True)
    except psycopg.Error as exc:
        reason = scrub(" ".join(str(exc).split()), parse_url(url).password)
        if login is None:
            raise DatabaseError(f"cannot connect to {redact(url)}: {reason}") from None
        raise DatabaseError(
            f"cannot log in to the scratch database as the role made to load {login} "
            f"({redact(url)}): {reason} (the server must let a new role log in with a password)"
        ) from None


def _execute_pieces(
    conn: psycopg.Connection[Any],
    text: str,
    pieces: list[_Piece],
    label: str,
    url: str,
    timeout: float = LOAD_TIMEOUT_SECONDS,
) -> None:
    lines = _LineIndex(text)
    password = parse_url(url).password
    # A statement that never ends (pg_sleep, a recursive query) is cancelled from outside at the
    # deadline: a setting the file could SET back, statement_timeout, would not hold it.
    deadline = threading.Timer(timeout, conn.cancel)
    deadline.daemon = True
    deadline.start()
    try:
        _run_pieces(conn, text, pieces, label, url, lines, password, deadline, timeout)
    finally:
        deadline.cancel()


def _run_pieces(
    conn: psycopg.Connection[Any],
    text: str,
    pieces: list[_Piece],
    label: str,
    url: str,
    lines: _LineIndex,
    password: str | None,
    deadline: threading.Timer,
    timeout: float,
) -> None:
    for piece in pieces:
        try:
            with conn.cursor() as cur:
                if isinstance(piece, _Copy):
                    with cur.copy(piece.statement) as copy:
                        if piece.to_stdout:
                            for _ in copy:
                                pass
                        else:
                            copy.write(piece.data)
                elif piece.statements:
                    cur.execute(piece.sql(text))
        except psycopg.Error as exc:
            if isinstance(exc, psycopg.errors.QueryCanceled) and deadline.finished.is_set():
                raise UsageError(
                    f"{label}: loading took longer than {timeout:g} s and was stopped (a "
                    "statement that never ends, such as pg_sleep)"
                ) from None
            if conn.broken:
                raise DatabaseError(
                    f"{label}: the connection to {redact(url)} was lost while loading: "
                    f"{scrub(str(exc).strip(), password)}"
                ) from None
            line = _failing_line(conn, text, piece, exc, lines)
            message = scrub(_pg_message(exc), password)
            if isinstance(exc, psycopg.errors.InsufficientPrivilege):
                message += (
                    "; refused: a SQL file is loaded as a role that may only build a schema in "
                    "its scratch database"
                )
            raise UsageError(f"{label}:{line}: {message}") from None


def _pg_message(exc: Exception) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) or str(exc).strip().splitlines()[0]
    detail = getattr(diag, "message_detail", None)
    return f"{primary} ({detail})" if detail else primary


def _failing_line(
    conn: psycopg.Connection[Any], text: str, piece: _Piece, exc: Exception, lines: _LineIndex
) -> str:
    """The line (or range) of the file where the failing statement or COPY row is."""
    diag = getattr(exc, "diag", None)
    if isinstance(piece, _Copy):
        row = re.search(r"\bline (\d+)", getattr(diag, "context", None) or "")
        if row and not piece.to_stdout:
            return str(lines.line(piece.data_start) + int(row.group(1)) - 1)
        return str(lines.line(piece.start))
    position = getattr(diag, "statement_position", None)
    if position:  # 1-based, in characters, into the text sent: the run
        return str(lines.line(piece.start + int(position) - 1))
    if len(piece.statements) == 1:
        return str(lines.line(piece.statements[0][0]))
    if not piece.transaction_control:
        # The run was one implicit transaction, rolled back whole: replay it one statement at a
        # time in a transaction that is rolled back too, to find the statement that fails.
        found = _replay(conn, text, piece)
        if found is not None:
            return str(lines.line(found))
    first = lines.line(piece.statements[0][0]) if piece.statements else lines.line(piece.start)
    return f"{first}-{lines.line(max(piece.end - 1, piece.start))}"


def _replay(conn: psycopg.Connection[Any], text: str, run: _Run) -> int | None:
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        return None  # inside the file's own transaction: nothing to replay in isolation
    try:
        with conn.transaction(force_rollback=True), conn.cursor() as cur:
            for start, end in run.statements:
                try:
                    cur.execute(text[start:end])
                except psycopg.Error:
                    return start
    except psycopg.Error:
        return None
    return None
