"""What a statement of a psql script is to the load (``classify``): run with the others, run
alone, a COPY, a CREATE EXTENSION read apart, or skipped (the file's own database, ownership,
privileges, role switches); and the ``CREATE SCHEMA`` of a schema made before the load
(``skip_create_schema``). Split from ``psql_split``, the lexer that finds the statements."""

from __future__ import annotations

import re

from twinschema.sources.sqlfile.psql_extensions import code_of, identifier
from twinschema.sources.sqlfile.psql_pieces import Piece, Run

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


def classify(statement: str) -> str:
    """What the splitter does with ``statement`` (its text from its first word): "skip" (the
    file's own database, what the load role may not run), "extension" (taken out and read),
    "copy" (a data block follows), "copy-out", "alone" (refused inside a multi-statement
    query) or "sql"."""
    if _DATABASE_LEVEL.match(statement) or _SKIPPED_STATEMENT.match(code_of(statement)):
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


def skip_create_schema(text: str, pieces: list[Piece], schemas: set[str]) -> None:
    """Skip the file's plain ``CREATE SCHEMA s`` of each schema that was made before the load
    (to hold an extension); the load role owns it already."""
    for piece in pieces:
        if not isinstance(piece, Run):
            continue
        for start, end in list(piece.statements):
            found = _CREATE_SCHEMA.match(code_of(text[start:end]).rstrip(";").strip())
            if found and identifier(found["name"]) in schemas:
                piece.statements.remove((start, end))
                piece.skipped.append((start, end))
