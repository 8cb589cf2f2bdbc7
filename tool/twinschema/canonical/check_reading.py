"""A CHECK's text read by its meaning in a canonical table: how an allowance's ``check:`` is
matched against the CHECK a difference shows.

A live PostgreSQL database prints a module's ``status IN ('a', 'b')`` as ``(status)::text = ANY
(ARRAY['a'::text, 'b'::text])``; SQLite keeps the text as written; a module may add parentheses,
spacing or case. Read in the dialect of the side the CHECK is on, in its table's columns (as
``normalize`` read it), two texts have one canonical form where they mean the same, so one
allowance written from any layer's message matches that CHECK in every layer, and ``n > 0``
never matches ``n >= 0``.
"""

from __future__ import annotations

from twinschema.canonical.check_scopes import (
    after_flags,
    before_flags,
    check_scope,
    flag_columns,
)
from twinschema.canonical.expressions import Scope, canonical
from twinschema.canonical.value_kinds import value_kind
from twinschema.model import Table
from twinschema.records.domain import check_text


def check_scopes(dialect: str, table: Table) -> tuple[Scope, Scope, frozenset[str]]:
    """The scopes ``normalize`` read ``table``'s CHECKs in (``check_scopes``), from the
    canonical table: before and after its flags, and those flags. Each column is named as its
    own database names it and by its logical name (an allowance may write either)."""
    declared = tuple(
        (name, column.name, value_kind(column.type))
        for column in table.columns
        for name in dict.fromkeys((column.own_name, column.name))
    )
    kinds = before_flags(dialect, declared)
    flags = flag_columns(declared, table.checks)
    not_null = tuple(c.name for c in table.columns if not c.nullable)
    return check_scope(kinds, not_null), check_scope(after_flags(kinds, flags), not_null), flags


def read_check(dialect: str, table: Table, text: str) -> str:
    """The canonical form of ``text``, a CHECK of ``table`` written in ``dialect`` (with or
    without ``CHECK (...)``), as ``normalize`` gives it: a flag's own list of 0 and 1 is read
    before the flags, any other CHECK after them."""
    before, after, flags = check_scopes(dialect, table)
    first = canonical(dialect, check_text(text), before)
    if not flags or first.column in flags:
        return first.text
    return canonical(dialect, check_text(text), after).text


def same_check(dialect: str, table: Table, written: str, shown: str) -> bool:
    """True when ``written`` (an allowance's ``check:``) and ``shown`` (a CHECK of ``table`` as
    a difference shows it) mean the same CHECK, both read as ``dialect`` in ``table``."""
    return read_check(dialect, table, written) == read_check(dialect, table, shown)
