"""SQL files as schema sources: recognise a file's dialect, and load it into a scratch database.

``twinschema diff a.sql b.sql`` compares two DDL dumps with nothing running (issue 7). Each file
is loaded into a database of its own dialect and then reflected like any live database:

* SQLite: an in-memory database, loaded with ``executescript`` (the whole file in one call).
* PostgreSQL: a new scratch database on a server the caller names (the CLI passes
  ``TWINSCHEMA_SCRATCH_URL`` when set, else the embedded server), dropped afterwards. Runs of
  plain SQL go to the server in one ``execute`` each (psycopg 3 sends a query without parameters
  with the simple query protocol, which accepts many statements), so a dump with its data loads
  about as fast as ``psql -f`` does.

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
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

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


def load_sqlite(path: str | Path) -> sqlite3.Connection:
    """A new in-memory SQLite database holding what the SQL file at ``path`` creates.

    The whole file runs in one ``executescript`` call (Chinook's 600 kB with data: ~0.05 s). On a
    SQL error the file is replayed statement by statement in a second database to find the line
    of the failing statement; the ``UsageError`` names the file, that line and SQLite's message.
    The caller owns (and closes) the returned connection.
    """
    label = str(path)
    text = read_sql(path)
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(text)
    except sqlite3.Error as exc:
        conn.close()
        line = _sqlite_failing_line(text)
        where = f"{label}:{line}" if line else label
        raise UsageError(f"{where}: SQLite error: {exc}") from None
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


def _sqlite_failing_line(text: str) -> int | None:
    """Replay the script one statement at a time; the line where the first failing one starts."""
    lines = _LineIndex(text)
    probe = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for start, statement in _sqlite_statements(text):
            try:
                probe.execute(statement)
            except sqlite3.Error:
                first = re.search(r"\S", statement)
                return lines.line(start + (first.start() if first else 0))
    finally:
        probe.close()
    return None


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
    transaction_control: bool = False  # BEGIN/COMMIT inside: a failed run may be half applied


@dataclass
class _Copy:
    """A ``COPY ... FROM stdin`` statement and its data block, or a ``COPY ... TO stdout``."""

    start: int
    statement: str
    data: str
    data_start: int
    to_stdout: bool = False


_Piece = _Run | _Copy

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


def _split_psql_script(text: str, label: str) -> list[_Piece]:
    """Cut a psql script into runs of plain SQL and COPY blocks, dropping what psql alone does.

    A lexer that knows PostgreSQL's quoting (strings, E'' strings, ``"names"``, ``$tag$`` bodies,
    nested comments, ``standard_conforming_strings = off``) finds statement ends and backslashes
    outside quotes, which psql reads as meta-commands. Statement boundaries are kept so that an
    error can be traced to its line.
    """
    lines = _LineIndex(text)
    pieces: list[_Piece] = []
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
            if kind == "sql":
                run.statements.append((stmt_start, pos))
                if _TRANSACTION.match(statement):
                    run.transaction_control = True
                scs_set = _SCS.match(statement)
                if scs_set:
                    scs = scs_set["value"].lower() == "on"
                if _LEXICAL_SETTING.match(statement):
                    stmt_start = None
                    close_run(pos, pos)
            elif kind == "skip":
                begin = stmt_start
                stmt_start = None
                close_run(begin, pos)
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
        run.statements.append((stmt_start, size))
    close_run(size, size)
    return pieces


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
    if _DATABASE_LEVEL.match(statement):
        return "skip"
    if _COPY_FROM_STDIN.match(statement):
        return "copy"
    if _COPY_TO_STDOUT.match(statement):
        return "copy-out"
    if _ALONE.match(statement):
        return "alone"
    return "sql"


# ---------------------------------------------------------------------------------------------
# PostgreSQL: loading


@contextmanager
def load_postgresql(path: str | Path, server_url: str) -> Iterator[str]:
    """A scratch database on ``server_url`` holding what the SQL file at ``path`` creates; yields
    the database's URL and drops the database when the block ends.

    Everything goes into the scratch database: the file's ``\\c``/``\\connect`` lines and its own
    CREATE/DROP/ALTER DATABASE and COMMENT ON DATABASE statements are skipped, so a script that
    creates and enters ``chinook`` builds its tables in the scratch database instead. ``COPY ...
    FROM stdin`` data is streamed with ``cursor.copy()``; harmless psql settings (``\\set``,
    ``\\pset``, ``\\timing``, ``\\echo``) are ignored; another meta-command is a ``UsageError``
    naming its line. A SQL error is a ``UsageError`` "<file>:<line>: <message>"; a server that
    cannot be reached, or refuses to create a database, is a ``DatabaseError``. The statements run
    as the URL's role in autocommit, as ``psql -f`` runs them.
    """
    label = str(path)
    text = read_sql(path)
    pieces = _split_psql_script(text, label)
    with scratch.database(server_url, prefix="twinschema_sql") as url:
        conn = _connect(url)
        try:
            _execute_pieces(conn, text, pieces, label, url)
        finally:
            conn.close()
        yield url


def _connect(url: str) -> psycopg.Connection[Any]:
    """An autocommit connection, as psql runs a script; a failure is a ``DatabaseError``."""
    from twinschema.dialects import ReflectOptions
    from twinschema.dialects.postgresql import connect_kwargs

    try:
        return psycopg.connect(**connect_kwargs(parse_url(url), ReflectOptions()), autocommit=True)
    except psycopg.Error as exc:
        password = parse_url(url).password
        raise DatabaseError(
            f"cannot connect to {redact(url)}: {scrub(str(exc).strip(), password)}"
        ) from None


def _execute_pieces(
    conn: psycopg.Connection[Any], text: str, pieces: list[_Piece], label: str, url: str
) -> None:
    lines = _LineIndex(text)
    password = parse_url(url).password
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
                else:
                    cur.execute(text[piece.start : piece.end])
        except psycopg.Error as exc:
            if conn.broken:
                raise DatabaseError(
                    f"{label}: the connection to {redact(url)} was lost while loading: "
                    f"{scrub(str(exc).strip(), password)}"
                ) from None
            line = _failing_line(conn, text, piece, exc, lines)
            raise UsageError(f"{label}:{line}: {scrub(_pg_message(exc), password)}") from None


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
