"""Cutting a psql script into what a driver can run: runs of plain SQL, COPY blocks, and the
extensions it asks for; dropping what psql alone does."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from twinschema.errors import UsageError
from twinschema.sources.sqlfile.psql_extensions import (
    Extension,
    code_of,
    identifier,
    read_extension,
)
from twinschema.sources.sqlfile.text import LineIndex


@dataclass
class Run:
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
class Copy:
    """A ``COPY ... FROM stdin`` statement and its data block, or a ``COPY ... TO stdout``."""

    start: int
    statement: str
    data: str
    data_start: int
    to_stdout: bool = False


Piece = Run | Copy


@dataclass
class _Script:
    """A psql script cut into what a driver runs, and the extensions it asks for."""

    pieces: list[Piece]
    extensions: list[Extension]


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


# psql meta-commands: skipped because the scratch database replaces the file's own database...
_SKIPPED_META = frozenset({"c", "connect"})
# ...or ignored because they only change psql's display or its variables.
# \restrict KEY / \unrestrict KEY (pg_dump 13.22, 14.19, 15.14, 16.10, 17.6 and later) only stop
# psql from running other meta-commands in between: nothing to do when none is run.
_IGNORED_META = frozenset(
    {
        "set",
        "unset",
        "pset",
        "timing",
        "echo",
        "qecho",
        "warn",
        "encoding",
        "restrict",
        "unrestrict",
    }
)

_SPECIAL = re.compile(r"['\"$;\\]|--|/\*")
_NONSPACE = re.compile(r"\S")
_STD_STRING = re.compile(r"'[^']*(?:''[^']*)*'")
_ESC_STRING = re.compile(r"'[^'\\]*(?:(?:\\.|'')[^'\\]*)*'", re.DOTALL)
_QUOTED_NAME = re.compile(r"\"[^\"]*(?:\"\"[^\"]*)*\"")
_DOLLAR_TAG = re.compile(r"\$([^\W\d]\w*)?\$")
_COMMENT_EDGE = re.compile(r"/\*|\*/")
_META = re.compile(r"\\([A-Za-z]+|[^A-Za-z\s])")
_COPY_END = re.compile(r"^\\\.[ \t]*\r?$", re.MULTILINE)


def split_psql_script(text: str, label: str) -> _Script:
    """Cut a psql script into runs of plain SQL and COPY blocks, dropping what psql alone does.

    A lexer that knows PostgreSQL's quoting (strings, E'' strings, ``"names"``, ``$tag$`` bodies,
    nested comments, ``standard_conforming_strings = off``) finds statement ends and backslashes
    outside quotes, which psql reads as meta-commands. Statement boundaries are kept so that an
    error can be traced to its line. A run holds at most ``_BATCH`` statements. Statements the
    load role skips (``_SKIPPED_STATEMENT``, the file's own database) are blanked in their run;
    ``CREATE EXTENSION`` statements are taken out, read, and returned apart.
    """
    lines = LineIndex(text)
    pieces: list[Piece] = []
    extensions: list[Extension] = []
    run = Run(0, 0)
    stmt_start: int | None = None
    scs = True  # standard_conforming_strings: backslashes are plain characters in '' strings
    pos = 0
    size = len(text)

    def close_run(end: int, restart: int) -> None:
        nonlocal run
        if run.statements or stmt_start is not None:
            run.end = end
            pieces.append(run)
        run = Run(restart, restart)

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
                found_extension = read_extension(statement, stmt_start, label, lines)
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
                pieces.append(Run(begin, pos, [(begin, pos)]))
                run = Run(pos, pos)
            else:  # copy
                begin = stmt_start
                stmt_start = None
                close_run(begin, begin)
                newline = text.find("\n", pos)
                data_start = newline + 1 if newline >= 0 else size
                if kind == "copy-out":
                    pieces.append(Copy(begin, statement, "", data_start, to_stdout=True))
                    pos = data_start
                else:
                    end = _COPY_END.search(text, data_start)
                    data_end = end.start() if end else size
                    pieces.append(Copy(begin, statement, text[data_start:data_end], data_start))
                    pos = text.find("\n", end.end()) + 1 if end else size
                    if pos == 0:
                        pos = size
                run = Run(pos, pos)
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
            found_extension = read_extension(statement, stmt_start, label, lines)
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
