"""A view's definition read by logical names (recheck86 item 4): each table and column name its
database's text gives a table or column domain.yaml renames (``name:``/``names:``) written as
domain.yaml's key, which no rename changes. A view allowance pins a definition by its digest;
a rename revision rewrites the definition's names on both sides (SQLite's ``RENAME COLUMN``
rewrites the stored text, PostgreSQL prints the new name) and nothing else, so the definition so
read is the one pinned before the rename. Any other change of the definition still changes it.

Only a name that means one thing throughout the schema is read so: a database name that some
table or column holds unrenamed, or that two renamed ones hold under other keys, or a key two
database names lead to, is left as written (a pin then goes stale, never matches more).
"""

from __future__ import annotations

import re

from twinschema.model import Schema

# A string literal (kept), a double-quoted name, or a bare word not followed by "(" (a
# function's name is no column's).
_TOKEN = re.compile(
    r"(?P<string>'(?:[^']|'')*')"
    r'|"(?P<quoted>(?:[^"]|"")*)"'
    r"|(?P<word>(?<![\w$])[A-Za-z_][A-Za-z0-9_$]*)(?![\w$])(?!\s*\()"
)


def logical_names(schema: Schema) -> dict[str, str]:
    """The database names (folded) ``schema``'s tables and columns are renamed from by
    domain.yaml, each to its logical name: only a name that means one thing throughout the
    schema (see the module's note), so that reading a definition by them is one-to-one."""
    meanings: dict[str, set[str]] = {}
    for table in schema.tables.values():
        owned = [(table.physical or table.name, table.name)]
        owned += [(c.own_name, c.name) for c in table.columns]
        for own, logical in owned:
            meanings.setdefault(own.lower(), set()).add(logical)
    names = {
        own: next(iter(logical))
        for own, logical in meanings.items()
        if len(logical) == 1 and next(iter(logical)).lower() != own
    }
    targets: dict[str, int] = {}
    for logical in names.values():
        targets[logical.lower()] = targets.get(logical.lower(), 0) + 1
    return {own: logical for own, logical in names.items() if targets[logical.lower()] == 1}


def logical_view_text(text: str, schema: Schema | None) -> str | None:
    """``text`` (a view's definition as its side shows it) with each name ``logical_names``
    gives written by its logical name, string literals untouched; None where ``schema``
    renames nothing (the text is its own logical reading)."""
    names = logical_names(schema) if schema is not None else {}
    if not names:
        return None

    def one(match: re.Match[str]) -> str:
        if match.group("string") is not None:
            return match.group()
        quoted = match.group("quoted")
        name = quoted.replace('""', '"') if quoted is not None else match.group("word")
        logical = names.get(name.lower())
        return match.group() if logical is None else f'"{logical}"'

    return _TOKEN.sub(one, text)
