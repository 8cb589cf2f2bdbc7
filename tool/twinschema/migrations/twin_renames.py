"""Column renames that rewrote a view's SQL, told apart from a twin redefining it (stranger78
002).

A database's ``ALTER TABLE .. RENAME COLUMN`` may rewrite the renamed column's name inside the
views that read it (SQLite 3.25 and later does: ``WHERE telegram_chat_id IS NOT NULL`` is stored
as ``WHERE chat_id IS NOT NULL``, checked on 3.40): the view's printed definition changes though
no revision redefined it. So a twin whose view changed only so is no twin that re-created it:
the definition before the twins, with the renames the twins made applied to it, is the
definition after them. The renames are read from the tables before and after the twins: a
column whose name changed while it kept its place in its table (what ``RENAME COLUMN`` does),
on a chain whose dialect rewrites views so (``records.dialects.RENAME_REWRITES_VIEWS``: a
PostgreSQL view re-created with the rewrite's very text is a re-creation, its rename would
have printed ``b AS a``). Dialect-free: it compares names and texts only."""

from __future__ import annotations

import re

from twinschema.model import Schema

# (table, old column name, new column name)
Rename = tuple[str, str, str]


def column_renames(before: Schema, after: Schema) -> tuple[Rename, ...]:
    """The columns renamed between ``before`` and ``after``: in a table both have (by name)
    with as many columns, each place whose column name changed (case aside), in table order."""
    now = {t.name.lower(): t for t in after.tables.values()}
    found: list[Rename] = []
    for table in sorted(before.tables.values(), key=lambda t: t.name.lower()):
        other = now.get(table.name.lower())
        if other is None or len(other.columns) != len(table.columns):
            continue
        found += [
            (other.name, old.name, new.name)
            for old, new in zip(table.columns, other.columns, strict=True)
            if old.name.lower() != new.name.lower()
        ]
    return tuple(found)


def rewritten(
    before: str | None, after: str | None, renames: tuple[Rename, ...]
) -> tuple[Rename, ...]:
    """The renames of ``renames`` whose new names make ``before`` into ``after`` (not
    ``before`` itself): the definition a ``RENAME COLUMN`` rewrote, which no one redefined;
    none when ``after`` is something else. A name two renames give other new names is left as
    it is (which one the text means no name says), so such a text is no rewrite."""
    if before is None or after is None or before == after or not renames:
        return ()
    new: dict[str, set[str]] = {}
    for _, old, renamed in renames:
        new.setdefault(old.lower(), set()).add(renamed)
    names = {old: next(iter(to)) for old, to in new.items() if len(to) == 1}
    used: set[str] = set()

    def renamed_token(match: re.Match[str]) -> str:
        token = match.group()
        if token.startswith("'"):
            return token  # a string literal: its words are no names
        quoted = token[0] in '"`['
        found = names.get((token[1:-1] if quoted else token).lower())
        if found is None:
            return token
        used.add(found)
        return f"{token[0]}{found}{token[-1]}" if quoted else found

    if _IDENTIFIER.sub(renamed_token, before) != after:
        return ()
    return tuple(r for r in renames if r[2] in used and r[1].lower() in names)


def renames_said(renames: tuple[Rename, ...]) -> str:
    """``renames`` in a message: ``column communities.a to b`` (``columns ... and ...``)."""
    said = [f"{table}.{old} to {new}" for table, old, new in renames]
    return f"column{'s' if len(said) > 1 else ''} {' and '.join(said)}"


# A string literal (matched whole, so its words are never renamed) or a name, bare or quoted
# ("name", `name`, [name]).
_IDENTIFIER = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[^\]]*\]|[A-Za-z_][\w$]*")
