"""Dialect detection: which database a SQL script is written for, from the syntax only one
dialect writes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from twinschema.errors import UsageError
from twinschema.urls import POSTGRESQL, SQLITE

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
    # CREATE TABLE t(a, b): a column without a type, which PostgreSQL rejects (sqlite3 .schema
    # prints sqlite_sequence(name,seq) so; the first column is enough to tell).
    _m(
        SQLITE,
        "column without a type",
        r"\bCREATE\s+(TEMP\w*\s+)?TABLE\s+(IF\s+NOT\s+EXISTS\s+)?[\w.]+\s*\(\s*\w+\s*[,)]",
        3,
    ),
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
        "pass --dialect sqlite or --dialect postgresql (diff: --dialect-a/--dialect-b for one side)"
    )
