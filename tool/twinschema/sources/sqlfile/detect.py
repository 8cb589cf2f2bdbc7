"""Dialect detection: which database a SQL script is written for, from the syntax only one
dialect writes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath

from twinschema.errors import UsageError
from twinschema.records.dialects import FILE_SUFFIXES
from twinschema.urls import POSTGRESQL, SQLITE

_I = re.IGNORECASE
_IM = re.IGNORECASE | re.MULTILINE


@dataclass(frozen=True)
class Marker:
    """A piece of syntax only one dialect writes, and how strongly it points to that dialect."""

    dialect: str
    label: str
    pattern: re.Pattern[str] | Callable[[str], bool]  # a search, or a test of the code
    weight: int

    def found_in(self, code: str) -> bool:
        """Whether the marker is in ``code`` (comments and literals blanked, ``_code_only``)."""
        if isinstance(self.pattern, re.Pattern):
            return self.pattern.search(code) is not None
        return self.pattern(code)


def _m(dialect: str, label: str, pattern: str, weight: int, flags: int = _I) -> Marker:
    return Marker(dialect, label, re.compile(pattern, flags), weight)


# CREATE TABLE name ( where name is a (possibly qualified) word: ``_code_only`` leaves a quoted
# name as the word ``q``. ``OF type (...)`` and ``PARTITION OF parent (...)`` do not match:
# PostgreSQL takes columns without a type there.
_CREATE_TABLE = re.compile(
    r"\bCREATE\s+(TEMP\w*\s+)?TABLE\s+(IF\s+NOT\s+EXISTS\s+)?\w+(\s*\.\s*\w+)?\s*\(", _I
)
# An element of a table's body that is a table constraint, not a column.
_TABLE_CONSTRAINT = frozenset(
    {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "EXCLUDE", "LIKE", "PERIOD"}
)
# What may follow a column's name where no type comes between: its constraints, SQLite's short
# ``AS (...)`` of a generated column.
_AFTER_UNTYPED = frozenset(
    {"", "NOT", "NULL", "PRIMARY", "UNIQUE", "DEFAULT", "REFERENCES", "CHECK", "COLLATE", "AS",
     "GENERATED", "CONSTRAINT"}
)  # fmt: skip
_WORDS = re.compile(r"\s*(\w+)\s*(\w*)")


def _body(code: str, start: int) -> tuple[str, int] | None:
    """The text between the parenthesis before ``start`` and the one that closes it, and where
    that one is; None if it is never closed."""
    depth = 1
    for at in range(start, len(code)):
        if code[at] == "(":
            depth += 1
        elif code[at] == ")":
            depth -= 1
            if depth == 0:
                return code[start:at], at
    return None


def _elements(body: str) -> list[str]:
    """``body`` split at its commas outside parentheses."""
    found, depth, start = [], 0, 0
    for at, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            found.append(body[start:at])
            start = at + 1
    return [*found, body[start:]]


def _untyped_column(code: str) -> bool:
    """Whether a CREATE TABLE declares a column without a type (``x``, ``x NOT NULL``, ``x AS
    (...)``): SQLite takes it, PostgreSQL refuses it. ``CREATE TABLE t (a, b) AS SELECT ...``,
    PostgreSQL's list of names for a query's columns, is no such table."""
    scanned = 0  # each character is scanned once, even in hostile input (nested, unclosed)
    for match in _CREATE_TABLE.finditer(code):
        if match.start() < scanned:
            continue
        body = _body(code, match.end())
        if body is None:
            return False
        text, end = body
        scanned = end
        if re.match(r"[^;]*\bAS\b", code[end + 1 :], _I):
            continue
        for element in _elements(text):
            words = _WORDS.match(element)
            if words is None or words[1].upper() in _TABLE_CONSTRAINT:
                continue
            if words[2].upper() in _AFTER_UNTYPED and not words[1][0].isdigit():
                return True
    return False


# ``x ~ 'a'``, ``x !~* 'a'``, ``x ~~ 'a%'``: a binary ``~`` before a string is PostgreSQL's regex
# (or LIKE) match, a syntax error in SQLite, whose ``~`` is only the unary bitwise NOT (``SELECT ~
# '5'``, ``AND ~ x``: a keyword before it, no operand, so no marker).
_REGEX_MATCH = re.compile(r"(\w+|\)|'')\s*!?~~?\*?\s*''")
_NOT_OPERANDS = frozenset(
    {"SELECT", "AND", "OR", "NOT", "WHEN", "THEN", "ELSE", "WHERE", "ON", "IS", "IN", "LIKE",
     "BY", "DEFAULT", "AS", "RETURN", "CASE", "HAVING", "VALUES", "SET"}
)  # fmt: skip


def _regex_match(code: str) -> bool:
    """Whether ``code`` has a binary ``~`` match operator with a string on its right."""
    return any(m[1].upper() not in _NOT_OPERANDS for m in _REGEX_MATCH.finditer(code))


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
    # No uuid or boolean: SQLite takes both type names and hand-written SQLite files use them
    # (sl-pg.eval-check-uuid-text-literal-near-miss), so a file of them alone loads in both.
    Marker(POSTGRESQL, "~ regex match", _regex_match, 3),
    # SQLite 3.40 refuses these at CREATE TABLE with a syntax error (stranger63 001): ``x AT TIME
    # ZONE 'UTC'``; a typed ``interval '1 day'`` literal after an operator, ``(`` or DEFAULT (a
    # select list may read ``interval 'x'`` as a column and its alias, so other places do not
    # count); and ``DEFAULT f(...)`` without parentheses, which SQLite takes only as ``DEFAULT
    # (f(...))``. A column named or typed ``interval`` is no marker: SQLite takes both.
    _m(POSTGRESQL, "AT TIME ZONE", r"\bAT\s+TIME\s+ZONE\b", 3),
    _m(POSTGRESQL, "interval '...' literal", r"(?:[-+*/(<>=]|\bDEFAULT\b)\s*interval\s*''", 3),
    _m(
        POSTGRESQL, "DEFAULT f(...) unparenthesized", r"\bDEFAULT\s+[a-z_]\w*(\s*\.\s*\w+)?\s*\(", 3
    ),
    # Not a function SQLite lacks (now(), to_char(), gen_random_uuid()): SQLite takes DEFAULT
    # (now()) at CREATE TABLE and fails only the insert that uses it, a SQLite file's mistake the
    # checker reports (sl-pg.eval-now-sqlite-now-fails), which must still load into SQLite.
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
    # PostgreSQL has no GLOB operator (a syntax error) and no typeof() (its pg_typeof() is
    # another function); stranger81 009.
    _m(SQLITE, "GLOB", r"\bGLOB\s*''", 3),
    _m(SQLITE, "typeof(...)", r"(?<![\w.])typeof\s*\(", 2),
    _m(SQLITE, "sqlite_ object", r"\bsqlite_(master|schema|sequence|stat\d)\b", 3),
    _m(SQLITE, "SQLite-only type", r"\b(datetime|tinyint|mediumint|nvarchar|blob|clob)\b", 2),
    # CREATE TABLE t(a, b): a column without a type, which PostgreSQL rejects (sqlite3 .schema
    # prints sqlite_sequence(name,seq) so; so may any column of a hand-written table).
    Marker(SQLITE, "column without a type", _untyped_column, 3),
)

# String literals, quoted identifiers and comments, blanked before the markers are searched (a
# quoted identifier becomes the word ``q``: a name still, as in ``CREATE TABLE "t" ("x")``; a
# string literal becomes the empty literal ``''``, so ``interval '1 day'`` stays a typed literal).
_NOISE = re.compile(r"'[^']*(?:''[^']*)*'|\"[^\"]*(?:\"\"[^\"]*)*\"|--[^\n]*|/\*.*?\*/", re.DOTALL)


def _code_only(text: str) -> str:
    def blank(match: re.Match[str]) -> str:
        return {'"': " q ", "'": " '' "}.get(match[0][0], " ")

    return _NOISE.sub(blank, text)


def dialect_scores(text: str) -> dict[str, list[Marker]]:
    """The markers found in ``text``, per dialect (for messages and tests)."""
    code = _code_only(text)
    found: dict[str, list[Marker]] = {SQLITE: [], POSTGRESQL: []}
    for marker in MARKERS:
        if marker.found_in(code):
            found[marker.dialect].append(marker)
    return found


# A file name's last suffix -> the dialect it names (synapse's ``full.sql.sqlite`` and
# ``full.sql.postgres``, stranger65 006): a hint read only when the content names no dialect.
NAME_SUFFIXES = {s: dialect for dialect, suffixes in FILE_SUFFIXES.items() for s in suffixes}


# The words a ``.sql`` file's name may end in to state its dialect (Chinook's
# ``Chinook_Sqlite.sql`` and ``Chinook_PostgreSql.sql``, ``schema.sqlite.sql``: stranger83 010);
# a database file's suffixes (``.db``) are no such word.
_NAME_WORDS = {s.lstrip("."): d for s, d in NAME_SUFFIXES.items() if s not in (".db", ".db3")}


def named_dialect(path: str) -> str | None:
    """The dialect a file's name states, in any case: by its last suffix (``full.sql.sqlite``:
    SQLite, ``schema.pgsql``: PostgreSQL); for a ``.sql`` file, by the suffix before it
    (``app.sqlite.sql``) or, with none, by the word its name ends in after ``_`` or ``-``
    (``Chinook_PostgreSql.sql``); else None (``schema.sql``, ``sqlite.initial.sql``)."""
    name = PurePath(path)
    last = name.suffix.lower()
    if last != ".sql":
        return NAME_SUFFIXES.get(last)
    stem = PurePath(name.stem)
    if stem.suffix:
        return _NAME_WORDS.get(stem.suffix.lower().lstrip("."))
    return _NAME_WORDS.get(re.split(r"[_-]", stem.name)[-1].lower())


def detect_dialect(text: str, label: str = "SQL text", named: str | None = None) -> str:
    """``"sqlite"`` or ``"postgresql"``: the dialect a SQL script is written for, from its content.

    Weighted markers (``::`` casts, ``$$``, SERIAL, psql meta-commands, ``COPY FROM stdin`` for
    PostgreSQL; AUTOINCREMENT, ``[bracketed]`` names, PRAGMA, WITHOUT ROWID for SQLite, ...) are
    summed per dialect. The winner needs at least twice the loser's score. When there is none
    (no marker at all: plain ``CREATE TABLE t (id integer)`` is valid in both; or markers of
    both), ``named`` decides: the dialect the file's name states (``named_dialect``), so the
    content wins over the name whenever it says one dialect. With neither, ``UsageError`` naming
    ``label``: guessing would load the file into the wrong database.
    """
    found = dialect_scores(text)
    score = {dialect: sum(m.weight for m in markers) for dialect, markers in found.items()}
    best = max(score, key=lambda d: score[d])
    other = POSTGRESQL if best == SQLITE else SQLITE
    if score[best] > 0 and score[best] >= 2 * score[other]:
        return best
    if named is not None:
        return named

    def names(dialect: str) -> str:
        return ", ".join(m.label for m in found[dialect]) or "none"

    raise UsageError(
        f"{label}: cannot tell whether this SQL is for SQLite or PostgreSQL "
        f"(SQLite markers: {names(SQLITE)}; PostgreSQL markers: {names(POSTGRESQL)}); "
        "pass --dialect sqlite or --dialect postgresql (diff: --dialect-a/--dialect-b for one "
        "side), or name the file *.sqlite.sql or *.postgres.sql"
    )


def pair_dialects(files: tuple[str | None, str | None]) -> tuple[str | None, str | None]:
    """The dialect of each SQL file of a diff (None: not a SQL file, or one that is not there,
    which loading tells), both read before either is refused: one ``UsageError`` names every
    file whose dialect cannot be told, and the dialect the other file reads as (``diff s.sql
    p.sql`` stopped at s.sql, p.sql's timestamptz never read: stranger66 002)."""
    found: list[str | None] = []
    refused: list[str] = []
    for path in files:
        text = _text(path)
        if path is None or text is None:
            found.append(None)
            continue
        try:
            found.append(detect_dialect(text, path, named_dialect(path)))
        except UsageError as exc:
            found.append(None)
            refused.append(exc.message)
    if not refused:
        return found[0], found[1]
    told = [
        f"{path} reads as {'SQLite' if d == SQLITE else 'PostgreSQL'}"
        for path, d in zip(files, found, strict=True)
        if path is not None and d is not None
    ]
    # One file given twice (``diff a.sql a.sql``) is named once (stranger72 011).
    raise UsageError("; ".join(dict.fromkeys(refused)) + (f" ({told[0]})" if told else ""))


def _text(path: str | None) -> str | None:
    """A SQL file's text, None where ``path`` is none or no file."""
    if path is None or not Path(path).is_file():
        return None
    return Path(path).read_text(encoding="utf-8", errors="replace")
