"""The SQLite adapter: reads a live SQLite file read-only, in a fixed number of catalog queries.

SQLAlchemy's SQLite reflection issues several ``PRAGMA`` statements per table and re-parses each
table's SQL per object kind (it grows as N^2 with the number of tables), and it drops the ON DELETE
action of inline foreign keys and inline UNIQUE constraints. So this adapter reads the catalog
itself, with the stdlib ``sqlite3`` module: ``sqlite_master`` once, then one query per object kind
that joins a PRAGMA table-valued function over every table (columns, foreign keys, indexes with
their elements), all four sent as one statement that returns each as JSON (see
``SNAPSHOT_QUERY``). CHECK constraints have no PRAGMA: they are found in each table's stored SQL
by a small tokenizer, which also supplies the names of named constraints and the expression text
of expression indexes and partial-index predicates.

What comes back is a *raw* ``Schema`` (see ``twinschema.dialects``): physical names and SQL text
exactly as the catalog stores it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from sqlalchemy.engine import URL

from twinschema.definitions import canonical_sql, without_words
from twinschema.dialects import Adapter, ReflectOptions, excluded, sqlite_files
from twinschema.errors import DatabaseError
from twinschema.model import (
    EQUALITY_CASE,
    EQUALITY_EXACT,
    EQUALITY_TRAILING_SPACE,
    FK_ACTIONS,
    GENERATED_STORED,
    GENERATED_VIRTUAL,
    IDENTITY_AUTOINCREMENT,
    IDENTITY_ROWID,
    MATCH_KINDS,
    NO_ACTION,
    OBJECT_TRIGGER,
    OBJECT_VIEW,
    OPTION_STRICT,
    OPTION_WITHOUT_ROWID,
    CheckConstraint,
    Collation,
    Column,
    ColumnPool,
    ColumnType,
    ConflictClause,
    ForeignKey,
    Generated,
    Index,
    Schema,
    SchemaObject,
    Table,
    UniqueConstraint,
    element_flags,
)

NAME = "sqlite"

# What ``Schema.not_compared`` counts; every key is always present (as for PostgreSQL).
# Views and triggers are read as ``SchemaObject``s: their keys stay, always 0, for reports that
# read them; a comparison counts the ones it could not compare (``compare_objects``).
NOT_COMPARED_KEYS = ("views", "triggers", "virtual_tables")

# Virtual-table modules whose shadow tables are named ``<table>_<suffix>`` and are part of the
# virtual table, not of the application (https://sqlite.org/fts5.html, https://sqlite.org/rtree.html).
_SHADOW_MODULES = frozenset({"fts3", "fts4", "fts5", "rtree", "rtree_i32", "geopoly"})
_SHADOW_SUFFIXES = (
    "content", "segments", "segdir", "docsize", "stat", "data", "idx", "config",
    "node", "parent", "rowid",
)  # fmt: skip

# One query per object kind, each over every ordinary table at once. Virtual tables are filtered
# out before their PRAGMA runs: a PRAGMA on a virtual table whose module is not loaded fails.
_TABLES = (
    "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
    "AND m.sql NOT LIKE 'CREATE VIRTUAL %'"
)
_MASTER_QUERY = "SELECT type, name, tbl_name, sql FROM main.sqlite_master"
_COLUMNS_QUERY = (
    'SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden '
    "FROM main.sqlite_master AS m JOIN pragma_table_xinfo(m.name, 'main') AS p "
    f"WHERE {_TABLES}"
)
_FOREIGN_KEYS_QUERY = (
    'SELECT m.name, f.id, f."table", f."from", f."to", f.on_update, f.on_delete '
    "FROM main.sqlite_master AS m JOIN pragma_foreign_key_list(m.name, 'main') AS f "
    f"WHERE {_TABLES}"
)
_INDEXES_QUERY = (
    'SELECT m.name, l.name, l."unique", l.origin, l.partial, x.cid, x.name, x."desc", x.coll '
    "FROM main.sqlite_master AS m JOIN pragma_index_list(m.name, 'main') AS l "
    "JOIN pragma_index_xinfo(l.name, 'main') AS x "
    f"WHERE {_TABLES} AND x.key = 1"  # key columns only (the others are the rowid)
)

# The catalog queries, each returning plain rows: the floor a benchmark compares to.
QUERIES = (_MASTER_QUERY, _COLUMNS_QUERY, _FOREIGN_KEYS_QUERY, _INDEXES_QUERY)


def _as_json(query: str) -> str:
    """``query`` as a scalar subquery that returns all its rows as one JSON array of arrays."""
    select, _, rest = query.partition(" FROM ")
    return f"(SELECT json_group_array(json_array({select.removeprefix('SELECT ')})) FROM {rest})"


# The same four queries as one statement of one row: SQLite runs all of it in one sqlite3_step,
# which the driver calls without holding the GIL, so reflecting in a background thread really
# overlaps the Python work of the other side. Fetched row by row, the worker must take the GIL
# back for every row and waits behind the busy main thread each time (the switch interval is
# 5 ms), which made the overlap worthless. One statement is also one consistent snapshot.
SNAPSHOT_QUERY = "SELECT " + ", ".join(map(_as_json, QUERIES))

# What SQLite's built-in collations make equal (https://sqlite.org/datatype3.html#collation).
# BINARY is the default (None). A collation an application registers is unknown (None).
COLLATIONS: dict[str, str | None] = {
    "NOCASE": EQUALITY_CASE,  # ASCII letters only, as PostgreSQL's ICU level 2 for all letters
    "RTRIM": EQUALITY_TRAILING_SPACE,
}
_DEFAULT_COLLATION = "BINARY"

# pragma_table_xinfo's ``hidden``: 2 a VIRTUAL generated column, 3 a STORED one.
_GENERATED_HIDDEN = {2: GENERATED_VIRTUAL, 3: GENERATED_STORED}


def collation_of(name: str | None) -> Collation | None:
    """A SQLite collation as the model keeps it: None for BINARY (the default), else its
    upper-case name (SQLite's names ignore case) with what it makes equal."""
    if name is None:
        return None
    upper = _unquote(name.strip()).upper()
    if upper == _DEFAULT_COLLATION:
        return None
    return Collation(upper, COLLATIONS.get(upper))


# How SQLite spells a foreign-key action in pragma_foreign_key_list, mapped to model.FK_ACTIONS.
_FK_ACTION = {action: action for action in FK_ACTIONS} | {"NONE": NO_ACTION, "": NO_ACTION}


# ---------------------------------------------------------------------------------------------
# Types


_TYPE_PARAMS = re.compile(r"\(([^()]*)\)")
_PRECISION_FIRST = frozenset({"numeric", "decimal"})
# Names that SQL defines as one type and SQLite treats alike (the same affinity, no rule of its
# own), reduced to one so that a same-dialect pair, compared exactly, does not tell them apart.
# INT and INTEGER are not among them: only INTEGER PRIMARY KEY aliases the rowid.
_SYNONYMS = {"decimal": "numeric"}


def parse_type(spelling: str) -> ColumnType:
    """Reduce a declared SQLite type (``NVARCHAR(160)``, ``NUMERIC(10, 2)``) to a ``ColumnType``.

    The name is the lower-case spelling without its parameters, inner whitespace collapsed, so that
    ``typemap.kinds_of`` can apply SQLite's affinity rules to it. One parameter is a length (a
    precision for NUMERIC and DECIMAL), two are a precision and a scale. Parameters that are not
    integers are dropped rather than guessed at.
    """
    params: list[int] = []
    match = _TYPE_PARAMS.search(spelling)
    base = spelling
    if match is not None:
        base = spelling[: match.start()] + " " + spelling[match.end() :]
        try:
            params = [int(part) for part in match.group(1).split(",")]
        except ValueError:
            params = []
    name = " ".join(base.lower().split())
    name = _SYNONYMS.get(name, name)
    if len(params) == 1 and name not in _PRECISION_FIRST:
        return ColumnType(NAME, name, length=params[0], raw=spelling)
    if len(params) == 1:
        return ColumnType(NAME, name, precision=params[0], raw=spelling)
    if len(params) == 2:
        return ColumnType(NAME, name, precision=params[0], scale=params[1], raw=spelling)
    return ColumnType(NAME, name, raw=spelling)


_OPTION_WORDS = {"strict": OPTION_STRICT, "rowid": OPTION_WITHOUT_ROWID}  # WITHOUT ROWID


def table_options(sql: str, low: str) -> tuple[tuple[str, ...], bool]:
    """The options of a CREATE TABLE statement (``STRICT``, ``WITHOUT ROWID``: sorted
    ``model.OPTION_*`` values) and whether a column is AUTOINCREMENT. ``low`` is ``_lower(sql)``.

    Options follow the parenthesis that closes the column list; AUTOINCREMENT is a keyword
    inside it. Both are looked for token by token (outside strings, quoted names and comments)
    only when the words appear at all, which is rare.
    """
    tail = low[low.rfind(")") + 1 :]
    wanted = [word for word in _OPTION_WORDS if word in tail]
    if not wanted and "autoincrement" not in low:
        return (), False
    depth, seen_list = 0, False
    options: set[str] = set()
    autoincrement = False
    for match in _TOKEN.finditer(sql):
        token = match.group()
        if token == "(":
            depth, seen_list = depth + 1, True
        elif token == ")":
            depth -= 1
        elif token[0] not in _SKIPPED:
            word = token.lower()
            if depth == 1 and word == "autoincrement":
                autoincrement = True
            elif depth == 0 and seen_list and word in _OPTION_WORDS:
                options.add(_OPTION_WORDS[word])
    return tuple(sorted(options)), autoincrement


_CONFLICT_ALGORITHMS = frozenset({"rollback", "fail", "ignore", "replace"})  # ABORT: the default
_TABLE_CONSTRAINTS = frozenset({"constraint", "primary", "unique", "check", "foreign"})
_COLUMN_CONSTRAINTS = {"primary": "PRIMARY KEY", "unique": "UNIQUE", "not": "NOT NULL"}


def conflict_clauses(sql: str, low: str) -> tuple[ConflictClause, ...]:
    """The ON CONFLICT clauses of a CREATE TABLE statement other than the default ABORT, sorted.
    A REPLACE deletes the row a new one conflicts with, an IGNORE drops the new row silently,
    where another database rejects it: no catalog says so, so it is read in the table's SQL
    (token by token, outside strings and comments)."""
    if "conflict" not in low:
        return ()
    found: list[ConflictClause] = []
    depth = 0
    words: list[str] = []  # the current definition's words at depth 1, lower-cased
    columns: list[str] = []  # a table constraint's column list
    head = ""
    for match in _TOKEN.finditer(sql):
        token = match.group()
        if token.startswith(("--", "/*")):
            continue
        if token == "(":
            depth += 1
            continue
        if token == ")":
            depth -= 1
            continue
        if depth == 1 and token == ",":
            words, columns, head = [], [], ""
            continue
        if depth == 2 and words and words[0] in _TABLE_CONSTRAINTS and token != ",":
            columns.append(_unquote(token))
        if depth != 1 or token[0] in "'\"":
            if depth == 1 and not words:
                words.append(_unquote(token).lower())
                head = _unquote(token)
            continue
        word = token.lower()
        if not words:
            head = _unquote(token)
        words.append(word)
        if word in _CONFLICT_ALGORITHMS and words[-3:-1] == ["on", "conflict"]:
            constraint, on = _conflict_owner(words, head, columns)
            found.append(ConflictClause(constraint, on, word.upper()))
    return tuple(sorted(found))


def _conflict_owner(words: list[str], head: str, columns: list[str]) -> tuple[str, tuple[str, ...]]:
    """The constraint an ON CONFLICT clause belongs to and its columns: a table constraint's, or
    the constraint of a column definition that the clause follows (UNIQUE (email) and email's
    UNIQUE are one)."""
    if words[0] in _TABLE_CONSTRAINTS:
        kinds = [w for w in words if w in ("primary", "unique", "check")]
        kind = _COLUMN_CONSTRAINTS.get(kinds[-1], kinds[-1].upper()) if kinds else "CONSTRAINT"
        return kind, tuple(columns)
    constraint = ""
    for word in words[1:-3]:
        if word in _COLUMN_CONSTRAINTS:
            constraint = _COLUMN_CONSTRAINTS[word]
    return constraint, (head,)


# ---------------------------------------------------------------------------------------------
# The tokenizer: just enough of SQLite's lexer to see keywords, parentheses and commas outside
# strings, quoted identifiers and comments. Speed matters (it runs over every table's SQL), so the
# hot scans run over an ASCII-lower-cased copy of the statement (same length, same offsets) with
# patterns whose every branch starts with a literal character: the regex engine then skips to
# candidate positions in C, and Python sees only the few tokens that matter. A keyword's left word
# boundary is checked in Python (a look-behind would defeat that skip).

_LITERALS = r"""
      '[^']*(?:''[^']*)*'           # string literal, '' escapes a quote
    | "[^"]*(?:""[^"]*)*"           # quoted identifier
    | `[^`]*(?:``[^`]*)*`           # MySQL-style quoted identifier
    | \[[^\]]*\]                    # MS-style quoted identifier
    | --[^\n]*                      # line comment
    | /\*(?:.*?\*/|.*)              # block comment (unterminated runs to the end)
"""
_SKIPPED = frozenset("'\"`[-/")  # first characters of the lexemes above


def _lexer(extra: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern matching strings, quoted names and comments, plus the ``extra`` branches."""
    return re.compile(_LITERALS + extra, re.VERBOSE | re.DOTALL | flags)


def _keywords(*words: str) -> str:
    return "".join(f"| {word}(?![\\w$])" for word in words)


# Every token, words included: only for the rare paths (constraint names, virtual-table modules).
_TOKEN = _lexer(r"| [(),] | [A-Za-z_\x80-\U0010ffff][A-Za-z0-9_$\x80-\U0010ffff]*")
# Over lower-cased text: the keywords CHECKs and constraint names hang on. Both are reserved
# words in SQLite, so outside strings, quoted names and comments they are always keywords.
_TABLE_TOKEN = _lexer(_keywords("check", "constraint"))
# What SQLAlchemy and most people write is matched whole at its keyword, in one call: a CHECK
# whose body holds no quoted name, no comment and parentheses at most one deep, with or
# without ``CONSTRAINT name``; a named UNIQUE or FOREIGN KEY on a list of plain names. Anything
# else is read token by token below. The quantifiers are possessive (``*+``): a run of plain
# characters is taken in one step and never backtracked into (four times faster than ``*``).
_NAME = r"[a-z_][a-z0-9_$]*+"
_NAMES = rf"{_NAME}(?:\s*+,\s*+{_NAME})*+"
_PLAIN = r"""(?:[^()'"`\[\-/]++|-(?!-)|/(?!\*)|'[^']*+(?:''[^']*+)*+')"""
_BODY = rf"(?:{_PLAIN}|\({_PLAIN}*+\))*+"
_WHOLE = re.compile(
    rf"""constraint\s++(?P<check_name>{_NAME})\s++check\s*+\((?P<named_check>{_BODY})\)
    | check\s*+\((?P<check>{_BODY})\)
    | constraint\s++(?P<unique_name>{_NAME})\s++unique\s*+\(\s*+(?P<unique>{_NAMES})\s*+\)
    | constraint\s++(?P<fk_name>{_NAME})\s++foreign\s++key\s*+\(\s*+(?P<fk>{_NAMES})\s*+\)
    """,
    re.VERBOSE,
)
_BODY_TOKEN = _lexer(r"| \( | \)")
_ELEMENT_TOKEN = _lexer(r"| \( | \) | ,")
_INDEX_TOKEN = _lexer(r"| \( | \) | ," + _keywords("where", "asc", "desc"))
_HARD = re.compile(r"[-'\"`\[/(]")  # what makes a CHECK body need the full scan
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_QUOTES = {'"': '"', "`": "`", "[": "]"}


def _lower(sql: str) -> str:
    """``sql`` with ASCII letters lower-cased: offsets stay valid (``str.lower`` may not)."""
    return sql.lower() if sql.isascii() else sql.translate(_ASCII_LOWER)


def _starts_word(text: str, pos: int) -> bool:
    """True when ``text[pos]`` is not in the middle of a word (``xcheck`` holds no ``check``)."""
    if pos == 0:
        return True
    before = text[pos - 1]
    return not (before.isalnum() or before in "_$")


def _next_token(sql: str, pos: int) -> re.Match[str] | None:
    """The first token at or after ``pos`` that is not a comment."""
    while True:
        match = _TOKEN.search(sql, pos)
        if match is None or not match.group().startswith(("--", "/*")):
            return match
        pos = match.end()


def _unquote(text: str) -> str:
    """An identifier token as a name: ``"a""b"`` -> ``a"b``, ``[x]`` -> ``x``, ``'s'`` -> ``s``."""
    first = text[0]
    if first in _QUOTES:
        return text[1:-1].replace(first * 2, first) if first != "[" else text[1:-1]
    if first == "'":  # SQLite accepts a string literal where an identifier is expected
        return text[1:-1].replace("''", "'")
    return text


@dataclass(slots=True)
class _TableSql:
    """What the tokenizer finds in a CREATE TABLE statement."""

    checks: list[CheckConstraint] = field(default_factory=list)
    unique_names: dict[tuple[str, ...], str] = field(default_factory=dict)
    fk_names: dict[tuple[str, ...], str] = field(default_factory=dict)


def _scan_table(sql: str, low: str) -> _TableSql:
    """Find the CHECK constraints, and the names of named UNIQUE and FOREIGN KEY constraints.

    A CHECK body is the text between the parenthesis after CHECK and the one that closes it,
    nested groups, strings and comments included. A ``CONSTRAINT name`` names the constraint
    whose keyword follows it (the names of NOT NULL, DEFAULT and PRIMARY KEY are not kept).
    ``low`` is ``_lower(sql)``.
    """
    found = _TableSql()
    pos = 0
    while (match := _TABLE_TOKEN.search(low, pos)) is not None:
        start, pos = match.span()
        word = match.group()
        if word[0] in _SKIPPED or not _starts_word(low, start):
            continue
        whole = _WHOLE.match(low, start)
        if whole is not None:
            kind = whole.lastgroup or ""
            if kind.endswith("check"):
                body = sql[whole.start(kind) : whole.end(kind)].strip()
                name = sql[whole.start(1) : whole.end(1)] if kind == "named_check" else None
                found.checks.append(CheckConstraint(body, name=name, raw=body))
                pos = whole.end()
                continue
            if _opens_element(low, start):  # a table UNIQUE or FOREIGN KEY, not a column's
                names = tuple(
                    n.strip() for n in sql[whole.start(kind) : whole.end(kind)].split(",")
                )
                named = found.unique_names if kind == "unique" else found.fk_names
                named[names] = sql[whole.start(kind + "_name") : whole.end(kind + "_name")]
                pos = whole.end()
                continue
        name = None
        if word == "constraint":
            token = _next_token(sql, pos)
            keyword = _next_token(sql, token.end()) if token is not None else None
            if token is None or keyword is None:
                break
            name = _unquote(token.group())
            pos = keyword.end()
            word = keyword.group().lower()
        if word == "check":
            span = _balanced(low, pos)
            if span is not None:
                body = sql[span[0] : span[1]].strip()
                found.checks.append(CheckConstraint(body, name=name, raw=body))
                pos = span[1] + 1
        elif name is not None and word in ("unique", "foreign", "references"):
            _name_constraint(found, sql, low, word, name, start, pos)
    return found


def _opens_element(low: str, pos: int) -> bool:
    """True when only whitespace lies between ``pos`` and the comma or parenthesis before it:
    what starts there is a table constraint, not part of a column definition."""
    before = pos - 1
    while before >= 0 and low[before] in " \t\r\n":
        before -= 1
    return before >= 0 and low[before] in ",("


def _balanced(low: str, pos: int) -> tuple[int, int] | None:
    """The span inside the parenthesised group that opens next at or after ``pos``."""
    opened = low.find("(", pos) + 1
    closed = low.find(")", opened)
    if (
        opened
        and closed > 0
        and not low[pos : opened - 1].strip()
        and _HARD.search(low, opened, closed) is None  # the common case: nothing nested
    ):
        return opened, closed
    depth = 0
    opened = -1
    for match in _BODY_TOKEN.finditer(low, pos):
        char = match.group()[0]
        if char == "(":
            depth += 1
            if depth == 1:
                opened = match.end()
        elif char == ")":
            depth -= 1
            if depth == 0:
                return (opened, match.start()) if opened >= 0 else None
        elif opened < 0 and char not in "-/":  # something other than a comment before "("
            return None
    return (opened, len(low)) if opened >= 0 else None


def _name_constraint(
    found: _TableSql, sql: str, low: str, word: str, name: str, start: int, pos: int
) -> None:
    """Record the name of a UNIQUE or FOREIGN KEY constraint under its columns.

    ``start`` is where its ``CONSTRAINT`` keyword starts, ``pos`` where its own keyword ends.
    """
    if word != "references" and _opens_element(low, start):
        # ``CONSTRAINT name`` opens the element: a table constraint, UNIQUE (a, b) or FOREIGN
        # KEY (a, b). Otherwise it follows a column definition's start (the rarer path below).
        (found.unique_names if word == "unique" else found.fk_names)[_name_list(sql, pos)] = name
        return
    first = _next_token(sql, _element_start(low, start))
    leading = first.group().lower() if first is not None else ""
    if first is not None and (
        word == "references" or (word == "unique" and leading not in ("constraint", "unique"))
    ):
        columns: tuple[str, ...] = (_unquote(first.group()),)  # a column constraint
    else:  # a table constraint: UNIQUE (a, b) or FOREIGN KEY (a, b)
        columns = _name_list(sql, pos)
    (found.unique_names if word == "unique" else found.fk_names)[columns] = name


def _element_start(low: str, pos: int) -> int:
    """Where the column definition or table constraint holding offset ``pos`` starts."""
    depth = 0
    element = 0
    for match in _ELEMENT_TOKEN.finditer(low, 0, pos):
        char = match.group()[0]
        if char == "(":
            depth += 1
            if depth == 1:
                element = match.end()
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 1:
            element = match.end()
    return element


def _name_list(sql: str, pos: int) -> tuple[str, ...]:
    """The names of the first parenthesised list at or after ``pos``: ``(a, "b c")``."""
    names: list[str] = []
    opened = False
    expect_name = True
    for match in _TOKEN.finditer(sql, pos):
        text = match.group()
        if text.startswith(("--", "/*")):
            continue
        if text == "(":
            opened = True
        elif text == ")":
            break
        elif text == ",":
            expect_name = True
        elif opened and expect_name:
            names.append(_unquote(text))
            expect_name = False
    return tuple(names)


def _scan_index(sql: str) -> tuple[list[str], str | None]:
    """The element texts of a CREATE INDEX statement (ASC/DESC removed) and its WHERE text.

    The element list is the first parenthesised group: the index and table names before it can
    only hold a parenthesis when quoted, and quoted names are single tokens.
    """
    low = _lower(sql)
    elements: list[str] = []
    depth = 0
    start = -1
    closed = False
    order: tuple[int, int] | None = None  # a trailing ASC or DESC of the current element
    for match in _INDEX_TOKEN.finditer(low):
        text = match.group()
        first = text[0]
        if first in _SKIPPED:
            if depth == 1 and first not in "-/":
                order = None  # a quoted name or string after an ASC is not the end
            continue
        if first.isalpha() and not _starts_word(low, match.start()):
            continue
        if closed:  # after the element list, only WHERE matters
            if text == "where":
                return elements, sql[match.end() :].strip().rstrip(";").strip()
        elif first == "(":
            depth += 1
            if depth == 1:
                start, order = match.end(), None
        elif first == ")":
            depth -= 1
            if depth == 0:
                elements.append(_element(sql, start, match.start(), order))
                closed = True
        elif depth == 1 and first == ",":
            elements.append(_element(sql, start, match.start(), order))
            start, order = match.end(), None
        elif depth == 1:
            order = match.span() if text in ("asc", "desc") else None
    return elements, None


def _element(sql: str, start: int, end: int, order: tuple[int, int] | None) -> str:
    """One index element's text, without its trailing ASC or DESC."""
    if order is not None and sql[start : order[0]].strip():
        end = order[0]
    return sql[start:end].strip()


# ---------------------------------------------------------------------------------------------
# Reflection


def reflect(url: URL, options: ReflectOptions) -> Schema:
    """Read every table of the SQLite database at ``url``, opened read-only (see ``connect``).

    ``sqlite://`` and ``sqlite:///:memory:`` open an empty in-memory database. Any SQLite failure
    (not a database, locked past ``options.busy_timeout``) is a ``DatabaseError`` naming the path.
    """
    return open_reader(url, options)()


def open_reader(url: URL, options: ReflectOptions) -> Callable[[], Schema]:
    """Check the path and open the file now; return the function that reads the catalog and
    closes the connection (it may run in another thread).

    Opening is local and quick, but takes a few file-system calls, each of which would cost a
    background reader a GIL hand-off: done here, the reader only runs its one statement.
    """
    path = url.database or ""
    if path in ("", ":memory:"):
        conn, source = sqlite3.connect(":memory:", check_same_thread=False), ":memory:"
    else:
        # No probe: a lock wait belongs in the background read, not in this thread.
        conn, source = sqlite_files.connect(path, options.busy_timeout, probe=False), path

    def read() -> Schema:
        try:
            rows = _catalog(conn, source, options.busy_timeout)
        finally:
            conn.close()  # before building: closing frees the parsed schema, a few ms at 1,000 tables
        return _build(rows, options, source)

    return read


def connect(path: str, busy_timeout: float = 5.0) -> sqlite3.Connection:
    """Open the SQLite file at ``path`` read-only, waiting up to ``busy_timeout`` s for a lock.

    The check must never change or create what it checks, and must see one committed state: a
    missing path or one that is not a regular file is an error raised before connecting
    (``sqlite3.connect`` would create an empty database, a FIFO would block), a rollback-journal
    file is opened ``mode=ro`` so that SQLite itself refuses any write, and a WAL-mode file (or
    one with a ``-wal``) is read from a private copy (see ``sqlite_files``). The path is
    URI-quoted, so names holding ``?``, ``#`` or ``%`` open the right file. The connection may be
    handed to another thread (one thread at a time: see ``open_reader``).
    """
    return sqlite_files.connect(path, busy_timeout)


_Row = Sequence[Any]
# The rows of the catalog queries: sqlite_master, columns, foreign keys, index elements.
_Catalog = tuple[list[_Row], list[_Row], list[_Row], list[_Row]]


def reflect_connection(conn: sqlite3.Connection, options: ReflectOptions, source: str) -> Schema:
    """Read every table through an open connection (e.g. an in-memory database loaded from SQL).

    Runs one statement whatever the number of tables (four, in one read transaction, where
    SQLite was built without its JSON functions). ``source`` labels the result and any error.
    """
    return _build(_catalog(conn, source), options, source)


def _catalog(conn: sqlite3.Connection, source: str, busy_timeout: float = 0.0) -> _Catalog:
    """The rows of each of ``QUERIES``, read in one statement where SQLite has JSON functions:
    one snapshot. An error is explained in words (``sqlite_files.explain``)."""
    try:
        try:
            row = conn.execute(SNAPSHOT_QUERY).fetchone()
        except sqlite3.OperationalError as exc:
            if "json_" not in str(exc):
                raise
            master, columns, foreign_keys, indexes = catalog_rows(conn)
        else:
            master, columns, foreign_keys, indexes = map(json.loads, row)
        return master, columns, foreign_keys, indexes
    except sqlite3.Error as exc:
        raise DatabaseError(sqlite_files.explain(source, exc, busy_timeout)) from None


def catalog_rows(conn: sqlite3.Connection) -> list[list[_Row]]:
    """The rows of each of ``QUERIES``, read inside one transaction so that they see one
    snapshot: the way to read a SQLite built without JSON functions (before 3.38, or with
    ``SQLITE_OMIT_JSON``)."""
    own_transaction = not conn.in_transaction
    if own_transaction:
        conn.execute("BEGIN")
    try:
        return [conn.execute(query).fetchall() for query in QUERIES]
    finally:
        if own_transaction:
            conn.execute("ROLLBACK")


def _build(catalog: _Catalog, options: ReflectOptions, source: str) -> Schema:
    """Assemble the raw ``Schema`` from the catalog rows: pure Python, linear in the rows."""
    master, column_rows, fk_rows, index_rows = catalog
    table_sql: dict[str, str] = {}
    index_sql: dict[str, str] = {}
    virtual: list[tuple[str, str]] = []  # (name, sql)
    counts = dict.fromkeys(NOT_COMPARED_KEYS, 0)
    objects: list[SchemaObject] = []
    for kind, name, _tbl, sql in master:
        if kind == "table":
            if str(sql or "")[:21].upper() == "CREATE VIRTUAL TABLE ":
                virtual.append((name, sql))
            else:
                table_sql[name] = sql or ""
        elif kind == "index":
            if sql is not None:
                index_sql[name] = sql
        elif (
            kind in (OBJECT_VIEW, OBJECT_TRIGGER)
            and sql is not None
            and (kind == OBJECT_VIEW or not excluded(_tbl, options.exclude))
        ):  # a trigger of an excluded table is left out with it
            objects.append(schema_object(kind, name, _tbl, sql))

    skip: set[str] = set()
    for name, sql in virtual:
        if not excluded(name, options.exclude):
            counts["virtual_tables"] += 1
        if _module_of(sql) in _SHADOW_MODULES:  # excluded or not, its shadows are never tables
            skip.update(f"{name}_{suffix}" for suffix in _SHADOW_SUFFIXES)
    keep = [
        name
        for name in sorted(table_sql)
        if name not in skip
        and not name.lower().startswith("sqlite_")  # sqlite_sequence, sqlite_stat1..4
        and not excluded(name, options.exclude)
    ]

    # Columns of every table (a referenced table may be excluded), in cid order; the rows of
    # one table are contiguous. Equal columns are shared between tables (``model.ColumnPool``).
    types: dict[str, ColumnType] = {}
    pool = ColumnPool()
    columns: dict[str, list[Column]] = {}
    pk_parts: dict[str, list[tuple[int, int]]] = {}  # table -> (pk ordinal, column position)
    current = ""
    table_list: list[Column] = []
    generated_of: dict[str, dict[str, str]] = {}  # table -> generated column -> storage
    for table, col, declared, notnull, default, pk, hidden in column_rows:
        if hidden in _GENERATED_HIDDEN:
            generated_of.setdefault(table, {})[col] = _GENERATED_HIDDEN[hidden]
        if table != current:
            current, table_list = table, columns.setdefault(table, [])
        if default is not None and default.upper() == "NULL":
            default = None
        spelling = declared or ""
        ctype = types.get(spelling)
        if ctype is None:
            ctype = types[spelling] = parse_type(spelling)
        column = pool.column(col, ctype, not notnull, default, None, default)
        if pk:
            pk_parts.setdefault(table, []).append((pk, len(table_list)))
        table_list.append(column)
    primary = {
        table: tuple(columns[table][position].name for _, position in sorted(parts))
        for table, parts in pk_parts.items()
    }

    # Index elements grouped per table and index, in seqno order; PK autoindexes only noted.
    # Per table and index: unique, origin, partial, then its elements' names and column ids.
    indexes_of: dict[str, dict[str, _IndexRows]] = {}
    has_pk_index: set[str] = set()
    for table, index, unique, origin, partial, cid, col, desc, coll in index_rows:
        if origin == "pk":
            has_pk_index.add(table)
            continue
        of_table = indexes_of.get(table)
        if of_table is None:
            of_table = indexes_of[table] = {}
        entry = of_table.get(index)
        if entry is None:
            entry = of_table[index] = (bool(unique), origin, bool(partial), [], [], [], [])
        entry[3].append(col or "")  # expressions (cid -2) have no name
        entry[4].append(cid)
        entry[5].append(bool(desc))
        entry[6].append(coll)

    # Foreign keys grouped by id, columns in seq order.
    fk_groups: dict[str, dict[int, list[_Row]]] = {}
    for row in fk_rows:
        fk_groups.setdefault(row[0], {}).setdefault(row[1], []).append(row)
    by_lower = {name.lower(): name for name in table_sql}

    tables: dict[str, Table] = {}
    for table in keep:
        sql = table_sql[table]
        low = _lower(sql)
        scanned = _scan_table(sql, low) if "check" in low or "constraint" in low else _EMPTY
        pk = primary.get(table, ())
        table_columns = columns.get(table, [])
        kept_options, autoincrement = table_options(sql, low)
        if "collate" in low or table in generated_of:
            table_columns = _with_clauses(table_columns, sql, generated_of.get(table, {}))
        if len(pk) == 1 and table not in has_pk_index:
            # A rowid alias: a one-column INTEGER primary key that got no index of its own (a
            # WITHOUT ROWID table and the INTEGER PRIMARY KEY DESC quirk both get one). It can
            # never be NULL, whatever its declaration says. AUTOINCREMENT (allowed only here)
            # makes it never reuse the ids of deleted rows, and fail once the largest is taken.
            position = pk_parts[table][0][1]
            alias = table_columns[position]
            if alias.type.raw.upper() == "INTEGER":
                table_columns = list(table_columns)
                identity = IDENTITY_AUTOINCREMENT if autoincrement else IDENTITY_ROWID
                table_columns[position] = Column(
                    alias.name, alias.type, False, alias.default, identity, alias.default
                )
        uniques: list[UniqueConstraint] = []
        indexes: list[Index] = []
        own = {c.name: c.collation for c in table_columns}
        for index, entry in indexes_of.get(table, {}).items():
            unique, origin, partial, names, cids, descs, colls = entry
            texts: list[str] = []
            where = None
            if partial or min(cids) < 0:  # expressions or a predicate: read in its SQL
                texts, where = _scan_index(index_sql.get(index, ""))
            descending = element_flags(descs, False)
            collations = _element_collations(names, cids, colls, own, texts)
            if origin == "u" and not descending and not collations:
                key = tuple(names)
                uniques.append(UniqueConstraint(key, name=scanned.unique_names.get(key)))
                continue
            expressions = tuple(
                col if cid >= 0 else (_COLLATE_SUFFIX.sub("", texts[n]) if n < len(texts) else "")
                for n, (cid, col) in enumerate(zip(cids, names, strict=True))
            )
            indexes.append(
                Index(
                    expressions,
                    unique=unique,
                    where=where,
                    name=scanned.unique_names.get(expressions) if origin == "u" else index,
                    descending=descending,
                    collations=collations,
                )
            )
        foreign_keys: list[ForeignKey] = []
        groups = fk_groups.get(table, {})
        clauses = _fk_clauses(sql, len(groups)) if "deferr" in low or "match" in low else None
        for n, fk_id in enumerate(sorted(groups, reverse=True)):  # the last-declared FK is 0
            rows = groups[fk_id]
            first = rows[0]
            written: str = first[2]
            ref_table = by_lower.get(written.lower(), written)
            if len(rows) == 1:
                fk_columns: tuple[str, ...] = (first[3],)
                ref_columns = primary.get(ref_table, ()) if first[4] is None else (first[4],)
            else:
                fk_columns = tuple(r[3] for r in rows)
                ref_columns = (
                    primary.get(ref_table, ())
                    if any(r[4] is None for r in rows)
                    else tuple(r[4] for r in rows)
                )
            deferred, match = clauses[n] if clauses is not None else (False, None)
            foreign_keys.append(
                ForeignKey(
                    fk_columns,
                    ref_table,
                    ref_columns,
                    _action(first[6]),
                    _action(first[5]),
                    scanned.fk_names.get(fk_columns),
                    deferrable=deferred,
                    initially_deferred=deferred,
                    match_declared=match,
                )
            )
        tables[table] = Table(
            name=table,
            columns=tuple(table_columns),
            primary_key=pk,
            foreign_keys=tuple(foreign_keys),
            uniques=tuple(uniques),
            indexes=tuple(sorted(indexes, key=lambda ix: ix.name or "")),
            checks=tuple(scanned.checks),
            options=kept_options,
            conflict_clauses=conflict_clauses(sql, low),
        )
    return Schema(
        dialect=NAME,
        tables=MappingProxyType(tables),
        source=source,
        not_compared=MappingProxyType(counts),
        objects=tuple(sorted(objects, key=lambda o: o.key)),
        objects_read=True,
    )


def schema_object(kind: str, name: str, table: str, sql: str) -> SchemaObject:
    """A view or trigger from its stored CREATE statement, made canonical.

    SQLite keeps the statement as written: whitespace, comments, the case of keywords and of
    identifiers (quoted or not: SQLite folds them all) and the optional ``FOR EACH ROW`` of a
    trigger (SQLite has only row triggers) are made uniform. A view is keyed by its name alone
    (a view is a relation), a trigger by its table and name.
    """
    canonical = canonical_sql(sql, True)
    if kind == OBJECT_TRIGGER:
        canonical = without_words(canonical, "for each row")
        return SchemaObject(kind, name.lower(), canonical, table.lower(), sql)
    return SchemaObject(kind, name.lower(), canonical, None, sql)


_EMPTY = _TableSql()

# Per index: unique, origin, partial, then per key element its name, column id, DESC, collation.
_IndexRows = tuple[bool, str, bool, list[str], list[int], list[bool], list[str]]

# BINARY as an explicit collation (an index element that overrides a NOCASE column's).
_BINARY = Collation(_DEFAULT_COLLATION, EQUALITY_EXACT)

# A COLLATE clause that ends an index element's text (its collation comes from the catalog).
_COLLATE_SUFFIX = re.compile(
    r"\s+collate\s+(?:\"[^\"]*\"|'[^']*'|`[^`]*`|\[[^\]]*\]|\w+)\s*$", re.I
)
# The words of a column definition that the clause scan below looks for.
_TABLE_CONSTRAINT_WORDS = frozenset({"constraint", "primary", "unique", "check", "foreign"})


def _element_collations(
    names: list[str],
    cids: list[int],
    colls: list[str],
    own: dict[str, Collation | None],
    texts: list[str],
) -> tuple[Collation | None, ...]:
    """Each index element's collation where it is not its own: a column's, where it differs
    from the column's collation; an expression's, where its text names one (the catalog gives
    an expression the collation it derives from its operands, which no COLLATE wrote)."""
    found: list[Collation | None] = []
    for n, (name, cid, coll_name) in enumerate(zip(names, cids, colls, strict=True)):
        coll = collation_of(coll_name) or _BINARY
        if cid >= 0:
            found.append(None if coll.name == (own.get(name) or _BINARY).name else coll)
        else:
            written = texts[n] if n < len(texts) else ""
            found.append(coll if _COLLATE_SUFFIX.search(written) else None)
    return element_flags(found, None)


def _with_clauses(columns: list[Column], sql: str, generated: dict[str, str]) -> list[Column]:
    """``columns`` with the COLLATE and GENERATED ALWAYS AS clauses of their definitions in
    ``sql`` (no PRAGMA reports either): a column keeps its shared object when it has neither."""
    clauses = _column_clauses(sql)
    result = []
    for column in columns:
        collation_name, expression = clauses.get(column.name.lower(), (None, None))
        storage = generated.get(column.name)
        computed = None
        if storage is not None and expression is not None:
            computed = Generated(expression, storage, expression)
        collation = collation_of(collation_name)
        if collation is not None or computed is not None:
            column = replace(column, collation=collation, generated=computed)
        result.append(column)
    return result


def _column_clauses(sql: str) -> dict[str, tuple[str | None, str | None]]:
    """Per column (lower-case name): its COLLATE name and its generating expression's text, as
    the column definitions of a CREATE TABLE statement write them."""
    found: dict[str, tuple[str | None, str | None]] = {}
    depth = 0
    column: str | None = None
    expect_name = False
    collation: str | None = None
    expression: str | None = None
    after: str | None = None  # the keyword whose operand comes next: "collate" or "as"
    opened = -1
    for match in _TOKEN.finditer(sql):
        text = match.group()
        if text.startswith(("--", "/*")):
            continue
        if text == "(":
            depth += 1
            if depth == 1:
                expect_name = True
            elif depth == 2 and after == "as":
                opened = match.end()
            continue
        if text == ")":
            depth -= 1
            if depth == 1 and opened >= 0:
                expression, opened, after = sql[opened : match.start()].strip(), -1, None
        if depth == 0 and text != ")":
            continue  # CREATE TABLE name, before the list of definitions
        if depth == 0 or (depth == 1 and text == ","):  # the end of a definition
            if column is not None and (collation is not None or expression is not None):
                found[column] = (collation, expression)
            column, collation, expression, after, expect_name = None, None, None, None, True
            if depth == 0:
                break
            continue
        if depth != 1 or text == ")":
            continue
        word = text.lower()
        if expect_name:
            expect_name = False
            column = None if word in _TABLE_CONSTRAINT_WORDS else _unquote(text).lower()
        elif after == "collate":
            collation, after = text, None
        elif word in ("collate", "as"):
            after = word
    return found


def _fk_clauses(sql: str, count: int) -> list[tuple[bool, str | None]] | None:
    """Per foreign key, in the order the table declares them: whether it is DEFERRABLE INITIALLY
    DEFERRED, and the MATCH it declares (None when none), read from the table's SQL.

    pragma_foreign_key_list reports neither (its ``match`` column always says NONE). SQLite
    defers a key only when it is DEFERRABLE INITIALLY DEFERRED (plain DEFERRABLE, INITIALLY
    IMMEDIATE and NOT DEFERRABLE all check each statement, and no statement can defer one key),
    and it parses MATCH but enforces MATCH SIMPLE whatever is written
    (https://sqlite.org/foreignkeys.html). Each REFERENCES opens one foreign key, in order; None
    when the count does not match ``count`` (the SQL could not be read as expected).
    """
    words = [
        m.group().lower()
        for m in _TOKEN.finditer(sql)
        if m.group()[0].isalpha() or m.group()[0] == "_"
    ]
    found: list[list[Any]] = []
    for n, word in enumerate(words):
        if word == "references":
            found.append([False, None])
        elif not found:
            continue
        elif word == "match" and n + 1 < len(words) and words[n + 1].upper() in MATCH_KINDS:
            found[-1][1] = words[n + 1].upper()
        elif (
            word == "deferrable"
            and words[n - 1] != "not"
            and words[n + 1 : n + 3] == ["initially", "deferred"]
        ):
            found[-1][0] = True
    if len(found) != count:
        return None
    return [(bool(deferred), match) for deferred, match in found]


def _action(spelling: str) -> str:
    """A foreign-key action as ``model.FK_ACTIONS`` spells it (SQLite says NONE for none)."""
    return _FK_ACTION.get(spelling.upper(), spelling.upper())


def _module_of(sql: str) -> str:
    """The module name of a CREATE VIRTUAL TABLE statement (``fts5``), lower-case."""
    for match in _TOKEN.finditer(sql):
        if match.group().lower() == "using":
            module = _next_token(sql, match.end())
            return _unquote(module.group()).lower() if module is not None else ""
    return ""


class SQLiteAdapter:
    """The SQLite dialect adapter (see ``twinschema.dialects.Adapter``)."""

    name: str = NAME

    def parse_type(self, spelling: str) -> ColumnType:
        """Reduce a declared SQLite type to a ``ColumnType`` (see the module's ``parse_type``)."""
        return parse_type(spelling)

    def collation(self, name: str) -> Collation | None:
        """A collation by name (see the module's ``collation_of``)."""
        return collation_of(name)

    def reflect(self, url: URL, options: ReflectOptions) -> Schema:
        """Read every table of the live SQLite file read-only (see the module's ``reflect``)."""
        return reflect(url, options)

    def open_reader(self, url: URL, options: ReflectOptions) -> Callable[[], Schema]:
        """Open the file now; the returned function reads it (see the module's ``open_reader``)."""
        return open_reader(url, options)


ADAPTER: Adapter = SQLiteAdapter()
