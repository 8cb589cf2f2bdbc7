"""A SQLite virtual table's module arguments: which shadow tables its module made (from the
module and its options, not from a name's suffix), and its statement with the options FTS5
reads regardless of spelling written one way.

Shadow tables, checked on real SQLite 3.40 for each option set (tests/test_sqlite_virtual.py):
FTS3 makes ``_content``, ``_segments`` and ``_segdir`` and reads no ``key=value`` option (one
is a column). FTS4 makes ``_segments``, ``_segdir`` and ``_stat``, ``_content`` unless a
``content=`` option is given (contentless ``''`` or an external content table), ``_docsize``
unless ``matchinfo=fts3``. FTS5 makes ``_data``, ``_idx`` and ``_config``, ``_content`` unless
a ``content=`` option is given, ``_docsize`` unless ``columnsize=0``. R*Tree (and geopoly, its
relative) makes ``_node``, ``_parent`` and ``_rowid``. A table of such a name that the module
did not make (``s_content`` beside ``fts5(body, content='')``) is the user's own table: SQLite
lets one be made, and ``PRAGMA table_list`` calls it 'shadow' all the same (it asks the module
about the name only), so that pragma cannot tell them apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from twinschema.definitions import canonical_sql
from twinschema.dialects.sqlite_fts5_tokenize import dequote, settings, tokenizer
from twinschema.dialects.sqlite_fts5_values import (
    detail,
    is_default,
    merged_prefixes,
    prefix,
    shown_options,
)
from twinschema.dialects.sqlite_lexer import lexer
from twinschema.dialects.sqlite_views import ViewFacts
from twinschema.model import (
    IDENTITY_AUTOINCREMENT,
    IDENTITY_ROWID,
    OBJECT_VIRTUAL_TABLE,
    SchemaObject,
    Table,
)

# Argument tokens: strings, quoted names and comments, then ( ) , = and any other run.
_ARG_TOKEN = lexer(r"| [(),=] | [^\s(),='\"`\[]+")

# Module -> the shadow tables (suffixes) it always makes.
_ALWAYS = {
    "fts3": ("content", "segments", "segdir"),
    "fts4": ("segments", "segdir", "stat"),
    "fts5": ("data", "idx", "config"),
    "rtree": ("node", "parent", "rowid"),
    "rtree_i32": ("node", "parent", "rowid"),
    "geopoly": ("node", "parent", "rowid"),
}
# (module, suffix) -> (option, the values that leave the table out; empty: any value does).
_OPTIONAL = {
    ("fts4", "content"): ("content", frozenset[str]()),
    ("fts4", "docsize"): ("matchinfo", frozenset({"fts3"})),
    ("fts5", "content"): ("content", frozenset[str]()),
    ("fts5", "docsize"): ("columnsize", frozenset({"0"})),
}
# The modules whose ``key=value`` arguments are options (FTS3 reads them as columns).
_OPTION_MODULES = frozenset({"fts4", "fts5"})
# FTS5's options: their keys are read regardless of case, their values quoted or bare alike.
_FTS5_OPTIONS = frozenset(
    {"prefix", "tokenize", "content", "content_rowid", "columnsize", "detail"}
    | {"contentless_delete", "contentless_unindexed", "locale", "tokendata"}
)


def module_arguments(sql: str) -> tuple[str, int, int, list[list[str]]] | None:
    """A CREATE VIRTUAL TABLE statement's module (lower-case), the offsets of its argument list
    (just inside the parentheses) and each argument's tokens (comments left out); None when
    the statement names no module arguments."""
    module, start, depth = "", -1, 0
    arguments: list[list[str]] = [[]]
    seen_using = False
    for match in _ARG_TOKEN.finditer(sql):
        token = match.group()
        if token.startswith(("--", "/*")):
            continue
        if not seen_using:
            seen_using = token.lower() == "using"
            continue
        if not module:
            module = dequote(token).lower()
            continue
        if start < 0:
            if token != "(":
                return None
            start, depth = match.end(), 1
            continue
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth == 0:
                return module, start, match.start(), arguments
        elif token == "," and depth == 1:
            arguments.append([])
            continue
        arguments[-1].append(token)
    return None


def _options(module: str, arguments: list[list[str]]) -> dict[str, str]:
    """The ``key=value`` options of an FTS4 or FTS5 table: key lower-case, value dequoted."""
    if module not in _OPTION_MODULES:
        return {}
    found: dict[str, str] = {}
    for tokens in arguments:
        if len(tokens) >= 3 and tokens[1] == "=" and tokens[0][:1].isalpha():
            found[tokens[0].lower()] = " ".join(dequote(t) for t in tokens[2:])
    return found


def shadow_tables(name: str, sql: str) -> set[str]:
    """The names (lower-case) of the shadow tables the module of virtual table ``name``
    (``sql``, its CREATE VIRTUAL TABLE) made: none for a module that makes none."""
    parsed = module_arguments(sql)
    if parsed is None or parsed[0] not in _ALWAYS:
        return set()
    module, _, _, arguments = parsed
    options = _options(module, arguments)
    suffixes = set(_ALWAYS[module])
    for (owner, suffix), (option, values) in _OPTIONAL.items():
        value = options.get(option)
        if owner == module and not (value is not None and (not values or value.lower() in values)):
            suffixes.add(suffix)
    return {f"{name}_{suffix}".lower() for suffix in suffixes}


def definition(sql: str, rowid_alias: str | None = None) -> str:
    """``sql`` (a CREATE VIRTUAL TABLE) as compared: an FTS5 table's options written as one
    ``key='value'`` form each (FTS5 reads keys regardless of case, a value quoted or bare
    alike), the tokenizer names lower-cased, and an option that restates FTS5's default
    (``detail=full``, ``columnsize=1``, ``tokenize='unicode61'``, ...) left out, as is a
    ``content_rowid`` naming ``rowid_alias`` (the content table's INTEGER PRIMARY KEY, which
    is its rowid); any other statement as it is."""
    found = _read_fts5(sql, rowid_alias)
    if found is None:
        return sql
    start, end, read = found
    written = [
        text if key is None else f"{key}='{text.replace(chr(39), chr(39) * 2)}'"
        for key, text in read
    ]
    return sql[:start] + ", ".join(written) + sql[end:]


def parts(sql: str, rowid_alias: str | None = None) -> tuple[tuple[str, str], ...]:
    """An FTS5 table's definition (``sql``) by its parts, as ``SchemaObject.parts`` holds them:
    its columns, each option ``definition`` keeps (by key) and its tokenizer's settings one by
    one with their defaults (``sqlite_fts5_tokenize.settings``), so a message names the
    setting two tables differ in (stranger65 001: ``remove_diacritics`` 0 against 2 was told
    as the two whole statements), options shown as ``shown_options`` shows them (an empty value
    as '', a default left out or restated as 'full (the default)', stranger68 013). Empty for
    any other statement."""
    found = _read_fts5(sql, rowid_alias)
    if found is None:
        return ()
    read = found[2]
    columns = ", ".join(text for key, text in read if key is None)
    named = [(key, text) for key, text in read if key is not None and key != "tokenize"]
    tokenize = next((text for key, text in read if key == "tokenize"), "")
    columns = canonical_sql(columns, True).replace(" , ", ", ")
    return (("columns", columns), *shown_options(named), *settings(tokenize))


def _read_fts5(
    sql: str, rowid_alias: str | None
) -> tuple[int, int, list[tuple[str | None, str]]] | None:
    """An FTS5 statement's argument list (its offsets) read as ``definition`` compares it: each
    option kept as ``(key, value)``, any other argument as ``(None, its text)``; None for any
    other statement."""
    parsed = module_arguments(sql)
    if parsed is None or parsed[0] != "fts5":
        return None
    _, start, end, arguments = parsed
    written: list[tuple[str | None, str]] = []
    prefixes = merged_prefixes(
        [
            dequote(t[2])
            for t in arguments
            if len(t) == 3 and t[1] == "=" and t[0].lower() == "prefix"
        ]
    )
    for tokens in arguments:
        key = tokens[0].lower() if tokens else ""
        if len(tokens) == 3 and tokens[1] == "=" and key in _FTS5_OPTIONS:
            value = dequote(tokens[2])
            if key == "prefix" and prefixes is not None:
                value, prefixes = prefixes, ""  # the first prefix= says them all
                if not value:
                    continue
            value = tokenizer(value) if key == "tokenize" else value
            value = detail(value) if key == "detail" else value
            value = prefix(value) if key == "prefix" else value
            alias = key == "content_rowid" and value.lower() == (rowid_alias or "").lower()
            if not (is_default(key, value) or alias):
                written.append((key, value))
        else:
            written.append((None, " ".join(tokens)))
    return start, end, written


# Names by which a content table's own rowid is read (FTS5's ``content_rowid`` default).
_ROWID_NAMES = frozenset({"rowid", "oid", "_rowid_"})


def external_content(sql: str) -> tuple[str, str, tuple[str, ...]] | None:
    """An FTS4 or FTS5 external content table's content table, the column it reads as that
    table's rowid (FTS5's ``content_rowid``, else ``rowid``) and the columns it reads there
    (``sql``: its CREATE VIRTUAL TABLE); None for any other table."""
    parsed = module_arguments(sql)
    if parsed is None or parsed[0] not in _OPTION_MODULES:
        return None
    module, _, _, arguments = parsed
    options = _options(module, arguments)
    content = options.get("content", "")
    if not content:
        return None
    read = [dequote(t[0]) for t in arguments if t and not (len(t) >= 3 and t[1] == "=")]
    rowid = options.get("content_rowid", "rowid") if module == "fts5" else "rowid"
    return content, rowid, tuple(read)


def reads_rowid(rowid: str) -> bool:
    """Whether an external content table's rowid column is the content table's own rowid."""
    return rowid.lower() in _ROWID_NAMES


def unread_columns(
    sql: str, columns_of: Callable[[str], frozenset[str] | None]
) -> tuple[str, tuple[str, ...]] | None:
    """For an FTS4 or FTS5 external content table (``sql``: its CREATE VIRTUAL TABLE), its
    content table and the columns it reads there that the content table lacks (its columns,
    and FTS5's ``content_rowid`` unless a rowid); ``columns_of`` gives a table's or view's
    column names lower-cased, None when there is none (then every column is lacking). None for
    any other table, or when nothing is lacking. SQLite then fails every query that reads a
    row (``no such column: T.title``) and the ``'rebuild'`` command (checked on 3.40;
    stranger61 006: ``RENAME COLUMN`` of the content table does not rewrite the FTS table)."""
    found_content = external_content(sql)
    if found_content is None:
        return None
    content, rowid, columns = found_content
    read = [*columns, *([] if reads_rowid(rowid) else [rowid])]
    found = columns_of(content)
    lacking = tuple(c for c in read if found is None or c.lower() not in found)
    return (content, lacking) if lacking else None


def with_broken(
    objects: Iterable[SchemaObject],
    column_rows: Iterable[Sequence[Any]],
    views: Mapping[str, ViewFacts],
) -> list[SchemaObject]:
    """``objects``, each FTS external content table among them that reads a column its content
    table lacks (``unread_columns``) marked ``broken``, with how to make it again (``mend``).
    ``column_rows`` are the catalog's (table, column, ...) rows, ``views`` each view's facts.
    A content table that is a virtual table itself is not judged."""
    objects = list(objects)
    columns: dict[str, set[str]] = {}
    for row in column_rows:
        columns.setdefault(str(row[0]).lower(), set()).add(str(row[1]).lower())
    for view, facts in views.items():
        columns.setdefault(view.lower(), set()).update(c.lower() for c in facts.columns)
    virtual = {o.name.lower() for o in objects if o.kind == OBJECT_VIRTUAL_TABLE}
    marked = []
    for obj in objects:
        found = None
        if obj.kind == OBJECT_VIRTUAL_TABLE:
            found = unread_columns(obj.raw or obj.definition, lambda t: _known(columns, t))
        if found is None or found[0].lower() in virtual:
            marked.append(obj)
            continue
        content, lacking = found
        if content.lower() in columns:
            broken, mend = _lacking_columns(obj.name, content, lacking)
        else:
            holders = _holders(columns, virtual, lacking)
            broken, mend = _missing_content(obj.name, content, holders)
        marked.append(replace(obj, broken=broken, mend=mend))
    return marked


def with_rowid_aliases(
    objects: Iterable[SchemaObject], tables: Mapping[str, Table], views: Mapping[str, ViewFacts]
) -> list[SchemaObject]:
    """``objects``, each FTS5 external content table whose ``content_rowid`` names its content
    table's rowid alias (an INTEGER PRIMARY KEY, among ``tables``) compared as without it: on
    SQLite 3.40 both read the same rowid, make the same shadow tables and answer alike
    (tests/test_fts_content_rowid.py, stranger64 006), while a plain INTEGER column differs.
    Where the content table is gone (no table nor view, ``views``), the option is left out too:
    the table is ``broken`` and said so, and the statement it was made by, the same as another
    source's, must not differ from it for want of the table (stranger64 007)."""
    aliases = {
        name.lower(): column.name
        for name, table in tables.items()
        for column in table.columns
        if column.identity in (IDENTITY_ROWID, IDENTITY_AUTOINCREMENT)
    }
    present = {name.lower() for name in (*tables, *views)}
    marked = []
    for obj in objects:
        found = external_content(obj.raw) if obj.kind == OBJECT_VIRTUAL_TABLE and obj.raw else None
        if found is not None:
            content, rowid = found[0].lower(), found[1]
            gone = bool(obj.broken) and content not in present
            alias = rowid if gone else aliases.get(content)
            if alias is not None and rowid.lower() == alias.lower():
                text = obj.raw or ""
                defined = canonical_sql(definition(text, alias), True)
                obj = replace(obj, definition=defined, parts=parts(text, alias))
        marked.append(obj)
    return marked


def _lacking_columns(name: str, content: str, lacking: Sequence[str]) -> tuple[str, str]:
    """Why FTS table ``name`` is broken when ``content`` lacks columns it reads, and the mend."""
    named = ", ".join(f"{content}.{column}" for column in lacking)
    broken = (
        f"it reads {named}, which {content} does not have: SQLite fails every query that reads "
        f"a row of {name} (no such column) and its 'rebuild' (a RENAME COLUMN of {content} does "
        f"not rewrite {name})"
    )
    mend = (
        f"make {name} again over the columns {content} has: DROP TABLE {name}, CREATE VIRTUAL "
        f"TABLE {name} naming them, then INSERT INTO {name}({name}) VALUES('rebuild') (in a "
        "project: op.execute in a revision)"
    )
    return broken, mend


def _missing_content(name: str, content: str, holders: Sequence[str]) -> tuple[str, str]:
    """Why FTS table ``name`` is broken when its content table ``content`` is not there (SQLite
    3.40: every read fails 'no such table: main.notes', 'rebuild' fails 'SQL logic error'; a
    RENAME of the content table leaves the FTS table naming the old one, stranger64 007), and
    the mend: point it at the table that holds its rows (``holders``: those with every column
    it reads)."""
    broken = (
        f"its content table {content} is not in the database: SQLite fails every query that "
        f"reads a row of {name} (no such table: main.{content}) and its 'rebuild' (renaming "
        f"{content} does not rewrite {name})"
    )
    target = holders[0] if len(holders) == 1 else "<the table that holds its rows>"
    also = f" ({', '.join(holders)} have every column it reads)" if len(holders) > 1 else ""
    mend = (
        f"make {name} again over the table that holds its rows{also}: DROP TABLE {name}, "
        f"CREATE VIRTUAL TABLE {name} with its columns and content='{target}', then INSERT "
        f"INTO {name}({name}) VALUES('rebuild') (in a project: op.execute in a revision)"
    )
    return broken, mend


def _holders(columns: Mapping[str, set[str]], virtual: set[str], read: Sequence[str]) -> list[str]:
    """The tables and views (not virtual tables nor their shadow tables) with every column of
    ``read``, sorted."""
    wanted = {c.lower() for c in read if not reads_rowid(c)}
    return sorted(
        table
        for table, have in columns.items()
        if wanted <= have and not any(table == v or table.startswith(f"{v}_") for v in virtual)
    )


def _known(columns: Mapping[str, set[str]], table: str) -> frozenset[str] | None:
    """The columns of ``table`` (a table or view, by SQLite's case-blind name), None if none."""
    found = columns.get(table.lower())
    return None if found is None else frozenset(found)
