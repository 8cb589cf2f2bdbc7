"""Catalog rows of constraints, indexes, policies, table options and schema objects turned into
the parts of the model's tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from twinschema.definitions import canonical_sql, sql_tokens
from twinschema.dialects import excluded
from twinschema.dialects.postgresql_codes import FK_ACTION_CODES, FK_MATCH_CODES, POLICY_COMMANDS
from twinschema.dialects.postgresql_types import collation_of
from twinschema.dialects.postgresql_views import (
    old_new_as_named,
    scalar_null_tests,
    sole_relation_unqualified,
)
from twinschema.model import (
    OBJECT_FUNCTION,
    OBJECT_RULE,
    OBJECT_TRIGGER,
    OBJECT_VIEW,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Policy,
    SchemaObject,
    Table,
    UniqueConstraint,
    element_flags,
)
from twinschema.sql_names import sql_name


@dataclass
class TableParts:
    """A table being assembled from the batched rows."""

    name: str
    row_level_security: bool
    columns: list[Column] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    primary_key_deferral: tuple[bool, bool] = (False, False)  # DEFERRABLE, INITIALLY DEFERRED
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    uniques: list[UniqueConstraint] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    invalid_indexes: list[Index] = field(default_factory=list)
    checks: list[CheckConstraint] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    force_row_level_security: bool = False
    unlogged: bool = False
    partitioned: str = ""

    def build(self) -> Table:
        return Table(
            name=self.name,
            columns=tuple(self.columns),
            primary_key=self.primary_key,
            primary_key_deferrable=self.primary_key_deferral[0],
            primary_key_initially_deferred=self.primary_key_deferral[1],
            foreign_keys=tuple(self.foreign_keys),
            uniques=tuple(self.uniques),
            indexes=tuple(self.indexes),
            checks=tuple(self.checks),
            row_level_security=self.row_level_security,
            policies=tuple(self.policies),
            force_row_level_security=self.force_row_level_security,
            unlogged=self.unlogged,
            partitioned=self.partitioned,
            invalid_indexes=tuple(self.invalid_indexes),
        )


# pg_trigger.tgenabled: "O" (origin and local, the default) says nothing; the others are kept.
# In a database whose session_replication_role is replica, "R" fires as "O" does elsewhere, and
# "O" does not fire.
_TRIGGER_STATES: Mapping[str, str] = MappingProxyType(
    {
        "D": "disabled",
        "R": "enabled replica",
        "A": "enabled always",
        "D replica": "disabled",
        "O replica": "not fired (the database's session_replication_role is replica)",
        "A replica": "enabled always",
    }
)


# How a message says each of those states, and the statement that makes the object fire as
# usual again ({what}: TRIGGER or RULE; s71live, stranger71 008: "disabled" was a bare token).
_STATE_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "disabled": "disabled (it never fires)",
        "enabled replica": "enabled only for replica sessions (it does not fire in others)",
        "enabled always": "enabled always (it fires in replica sessions too)",
    }
)
_USUAL = "ALTER TABLE {table} ENABLE {what} {name}"


def _switched(
    kind: str, name: str, table: str | None, canonical: str, detail: object
) -> SchemaObject | None:
    """A trigger or rule with its state read (``SchemaObject.state``), None for other kinds."""
    if kind not in (OBJECT_TRIGGER, OBJECT_RULE):
        return None
    state = _TRIGGER_STATES.get(str(detail), "")
    words = _STATE_WORDS.get(state, state)
    usual = _USUAL.format(table=sql_name(table or ""), what=kind.upper(), name=sql_name(name))
    return SchemaObject(
        kind,
        name,
        canonical + (f" {state}" if state else ""),
        table,
        state=words,
        unstated=canonical,
        usual=usual if state and not str(detail).endswith("replica") else "",
    )


def schema_objects(
    rows: Sequence[Sequence[Any]], exclude: Sequence[str]
) -> tuple[SchemaObject, ...]:
    """The rows of SQL_OBJECTS as ``SchemaObject``s with canonical definitions, in key order.

    Triggers of excluded tables are left out, like their tables.
    """
    objects: list[SchemaObject] = []
    for kind, name, table, detail, definition, schema, tests_rows, columns in rows:
        if table is not None and excluded(table, exclude):
            continue
        text = str(definition or "")
        if kind == OBJECT_VIEW:
            relkind, _, reloptions = str(detail).partition(" ")
            head = "materialized view" if relkind == "m" else "view"
            tokens = old_new_as_named(sql_tokens(text, False, keep_quoted=True))
            tokens = sole_relation_unqualified(tokens)  # 15's forms as 16 prints them
            if not tests_rows:  # every IS NULL test is on a scalar: NOT x IS NULL is x IS NOT NULL
                tokens = scalar_null_tests(tokens)
            canonical = f"{head} {' '.join(tokens)}"
            canonical += f" with ( {reloptions} )" if reloptions else ""
            names = tuple(str(c) for c in columns or ())
            objects.append(SchemaObject(kind, name, canonical, table, text, columns=names))
            continue
        elif kind in (OBJECT_TRIGGER, OBJECT_RULE):
            word = "ON" if kind == OBJECT_TRIGGER else "TO"
            canonical = canonical_sql(_unqualified(text, schema, word), False)
            switched = _switched(kind, name, table, canonical, detail)
            assert switched is not None
            objects.append(replace(switched, raw=text))
            continue
        elif kind == OBJECT_FUNCTION:
            canonical = canonical_sql(_unqualified(text, schema, "FUNCTION", "PROCEDURE"), False)
        else:
            canonical = text
        objects.append(SchemaObject(kind, name, canonical, table, text))
    return tuple(sorted(objects, key=lambda o: o.key))


def _unqualified(definition: str, quoted_schema: str, *words: str) -> str:
    """``definition`` with the schema's name taken off the first name after one of ``words``:
    pg_get_functiondef always qualifies the function (``FUNCTION app.f(``), pg_get_triggerdef
    the table (``ON app.t``), whatever the search path."""
    for word in words:
        qualified = f" {word} {quoted_schema}."
        if qualified in definition:
            return definition.replace(qualified, f" {word} ", 1)
    return definition


def add_constraints(
    tables: Mapping[int, TableParts], rows: Sequence[Sequence[Any]], schema: str
) -> None:
    """Add the catalog's constraint rows to the parts of the tables they belong to."""
    triggers: dict[int, list[tuple[str | None, str | None]]] = {}
    for (oid, name, kind, columns, ref_schema, ref_table, ref_columns, on_delete, on_update,
         definition, include, nulls_not_distinct, deferrable, deferred, match,
         set_columns, on_delete_trigger, on_update_trigger, child_states, parent_states,
         role) in rows:  # fmt: skip
        parts = tables.get(oid)
        if parts is None:
            continue
        if kind == "f":
            triggers.setdefault(oid, []).append((on_delete_trigger, on_update_trigger))
        if kind == "p":
            parts.primary_key = tuple(columns)
            parts.primary_key_deferral = (bool(deferrable), bool(deferred))
        elif kind == "u" and include:  # UNIQUE (a) INCLUDE (b): a unique index with INCLUDE
            parts.indexes.append(
                Index(
                    tuple(columns),
                    unique=True,
                    name=name,
                    nulls=(),
                    opclasses=(),
                    include=tuple(include),
                    nulls_distinct=not nulls_not_distinct,
                )
            )
        elif kind == "u":
            parts.uniques.append(
                UniqueConstraint(
                    tuple(columns),
                    name,
                    not nulls_not_distinct,
                    deferrable=bool(deferrable),
                    initially_deferred=bool(deferred),
                )
            )
        elif kind == "f":
            parts.foreign_keys.append(
                ForeignKey(
                    columns=tuple(columns),
                    ref_table=ref_table if ref_schema == schema else f"{ref_schema}.{ref_table}",
                    ref_columns=tuple(ref_columns),
                    on_delete=FK_ACTION_CODES[on_delete],
                    on_update=FK_ACTION_CODES[on_update],
                    name=name,
                    deferrable=deferrable,
                    initially_deferred=deferred,
                    match=FK_MATCH_CODES.get(match, match),
                    on_delete_columns=_set_columns(tuple(set_columns), tuple(columns)),
                    off_child=key_off(child_states, role, parts.name),
                    off_parent=key_off(parent_states, role, str(ref_table)),
                )
            )
        else:
            expression = check_expression(definition)
            parts.checks.append(CheckConstraint(expression, name, expression))
    for oid, names in triggers.items():
        _add_firing_order(tables[oid], names)


def _add_firing_order(parts: TableParts, names: list[tuple[str | None, str | None]]) -> None:
    """Each foreign key's place in the order PostgreSQL fires its table's keys' actions: that
    of their triggers' names (``RI_ConstraintTrigger_a_<oid>``, in creation order but compared
    as text), on DELETE and on UPDATE. Left unknown where a key has no such trigger."""
    if any(d is None or u is None for d, u in names):
        return
    on_delete = sorted(range(len(names)), key=lambda i: str(names[i][0]))
    on_update = sorted(range(len(names)), key=lambda i: str(names[i][1]))
    parts.foreign_keys = [
        replace(fk, fires=(on_delete.index(i), on_update.index(i)))
        for i, fk in enumerate(parts.foreign_keys)
    ]


def key_off(states: str | None, role: str, table: str) -> str | None:
    """Why the triggers that enforce a foreign key on ``table`` (their pg_trigger.tgenabled
    ``states``) do not all fire in a session of the database (``role``: its
    session_replication_role), or None where they do: ``A`` fires always, ``R`` in replica
    sessions only, ``O`` in the others (origin, local), ``D`` never."""
    replica = role == "replica"
    silent = sorted(set(states or "") - {"A", "R" if replica else "O"})
    if not silent:
        return None
    if silent == ["O"]:
        return "the database's session_replication_role is replica: its triggers do not fire"
    if "D" in silent:
        return f"its triggers on {table} are disabled"
    return f"its triggers on {table} fire in replica sessions only"


def _set_columns(listed: tuple[str, ...], columns: tuple[str, ...]) -> tuple[str, ...]:
    """ON DELETE SET NULL (cols): the listed columns, () when they are all the key's columns
    (the same as no list)."""
    return () if set(listed) >= set(columns) else listed


_CHECK_SUFFIXES = (" NOT VALID", " NO INHERIT")


def check_expression(definition: str) -> str:
    """The expression inside ``CHECK (...)`` as ``pg_get_constraintdef`` prints a CHECK."""
    text = definition.strip()
    stripped = True
    while stripped:
        stripped = False
        for suffix in _CHECK_SUFFIXES:
            if text.endswith(suffix):
                text, stripped = text[: -len(suffix)].rstrip(), True
    if text.startswith("CHECK (") and text.endswith(")"):
        return text[len("CHECK (") : -1]
    return text


def add_indexes(tables: Mapping[int, TableParts], rows: Sequence[Sequence[Any]]) -> None:
    """Add the catalog's index rows to the parts of the tables they belong to. One that is not
    valid goes to the table's invalid indexes; one that is not ready either (no write updates
    it: it refuses no row) not to its indexes."""
    for (oid, name, unique, method, expressions, where, elements, definition, include,
         not_distinct, valid, ready) in rows:  # fmt: skip
        parts = tables.get(oid)
        if parts is None:
            continue
        columns = {c.name for c in parts.columns}
        options = [int(e[0] or 0) for e in elements]
        descending = [bool(o & INDOPTION_DESC) for o in options]
        index = Index(
            tuple(expressions),
            unique,
            where,
            method,
            name,
            descending=element_flags(descending, False),
            collations=element_flags(
                (
                    None
                    if e[2] is None or not _written_collation(text, columns, definition)
                    else collation_of(e[2], e[3], e[4])
                    for e, text in zip(elements, expressions, strict=True)
                ),
                None,
            ),
            nulls=element_flags(
                (
                    _NULLS[bool(o & INDOPTION_NULLS_FIRST)]
                    if bool(o & INDOPTION_NULLS_FIRST) != desc
                    else ""
                    for o, desc in zip(options, descending, strict=True)
                ),
                "",
            ),
            opclasses=element_flags((e[1] or "" for e in elements), ""),
            include=tuple(include),
            nulls_distinct=not not_distinct,
            ready=ready,
        )
        if ready:
            parts.indexes.append(index)
        if not valid:
            parts.invalid_indexes.append(index)


def _written_collation(element: str, columns: set[str], definition: str | None) -> bool:
    """True when an index element's collation is its own: a column's always (the query keeps
    only one that differs from the column's), an expression's when the index definition writes
    it (``lower(a) COLLATE "C"``; the catalog also holds the one it derives from ``a``)."""
    if element in columns:
        return True
    text = definition or ""
    return f"{element} COLLATE " in text or f"{element}) COLLATE " in text


# pg_index.indoption bits (src/include/catalog/pg_index.h); a NULLS placement is kept only where
# it is not the default for its direction (NULLS LAST for ASC, NULLS FIRST for DESC).
INDOPTION_DESC = 1


INDOPTION_NULLS_FIRST = 2


_NULLS = {True: "NULLS FIRST", False: "NULLS LAST"}


def add_policies(tables: Mapping[int, TableParts], rows: Sequence[Sequence[Any]]) -> None:
    """Add the catalog's row-level security policies to the parts of their tables."""
    for oid, name, command, using, with_check, permissive, roles in rows:
        parts = tables.get(oid)
        if parts is not None:
            parts.policies.append(
                Policy(
                    name,
                    POLICY_COMMANDS[command],
                    using,
                    with_check,
                    permissive=permissive,
                    roles=tuple(sorted(roles)),
                )
            )


def add_table_options(tables: Mapping[int, TableParts], rows: Sequence[Sequence[Any]]) -> None:
    """Add the catalog's table options (forced RLS, unlogged, partition key) to their tables."""
    for oid, force, unlogged, partition_key in rows:
        parts = tables.get(oid)
        if parts is not None:
            parts.force_row_level_security = force
            parts.unlogged = unlogged
            parts.partitioned = partition_key
