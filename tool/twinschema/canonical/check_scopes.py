"""The scopes a table's CHECKs are read in, one definition for ``normalize`` (which reads them)
and ``check_reading`` (which reads an allowance's ``check:`` as ``normalize`` read the CHECK).

A column is named (name an expression writes, logical name, declared value kind as
``value_kinds.value_kind`` gives it). A CHECK is read twice over: before the table's flags, a
SQLite BOOLEAN column is NUMERIC (it holds 2 and 'yes': ``b = 1`` is no ``b`` there,
stranger57 214); an integer or boolean column that a CHECK keeps to 0 and 1 is a flag, and
after the flags it is a boolean (how SQLite spells one: ``active = 1`` reads as ``active``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from twinschema.canonical.expressions import Scope
from twinschema.model import CheckConstraint

# A column as a scope names it: (name an expression writes, logical name, value kind).
Named = tuple[str, str, str]


def before_flags(dialect: str, declared: Sequence[Named]) -> tuple[Named, ...]:
    """The columns ``declared`` with the kinds a CHECK is first read in: a SQLite BOOLEAN is
    NUMERIC until a CHECK keeps it to 0 and 1."""
    sqlite = dialect == "sqlite"
    return tuple((n, lg, "numeric" if sqlite and k == "boolean" else k) for n, lg, k in declared)


def flag_columns(declared: Sequence[Named], checks: Iterable[CheckConstraint]) -> frozenset[str]:
    """The logical names of the integer or boolean columns of ``declared`` that one of the
    canonical ``checks`` keeps to the list 0 and 1: the table's flags."""
    listed = {c.column for c in checks if c.values is not None and set(c.values) == {"0", "1"}}
    return frozenset(lg for _, lg, k in declared if lg in listed and k in ("integer", "boolean"))


def after_flags(kinds: Sequence[Named], flags: frozenset[str]) -> tuple[Named, ...]:
    """The columns ``kinds`` (``before_flags``) with each flag a boolean."""
    return tuple((n, lg, "boolean" if lg in flags else k) for n, lg, k in kinds)


def check_scope(columns: Sequence[Named], not_null: Sequence[str]) -> Scope:
    """The scope a CHECK is read in: ``columns``, and the logical names of the NOT NULL columns
    (their ``IS NOT NULL`` test in the CHECK's top AND adds nothing)."""
    return Scope(tuple(columns), check=True, not_null=tuple(not_null))
