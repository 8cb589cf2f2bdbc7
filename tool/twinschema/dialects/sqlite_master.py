"""``sqlite_master`` read: its rows by kind (tables, indexes, virtual tables, views and
triggers), and which tables a reflection reads (not SQLite's own, not a virtual table's shadow,
not excluded)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from twinschema.definitions import canonical_sql
from twinschema.dialects import ReflectOptions, excluded
from twinschema.dialects.sqlite_catalog import CatalogRow
from twinschema.dialects.sqlite_ddl import schema_object
from twinschema.dialects.sqlite_views import ViewFacts
from twinschema.dialects.sqlite_virtual import definition, parts, shadow_tables
from twinschema.model import OBJECT_TRIGGER, OBJECT_VIEW, OBJECT_VIRTUAL_TABLE, SchemaObject


@dataclass(slots=True)
class Listed:
    """``sqlite_master``'s rows by kind: each table's and index's SQL, the virtual tables, and
    the views, triggers and virtual tables as objects (read whole)."""

    table_sql: dict[str, str] = field(default_factory=dict)
    index_sql: dict[str, str] = field(default_factory=dict)
    virtual: list[tuple[str, str]] = field(default_factory=list)  # (name, sql)
    objects: list[SchemaObject] = field(default_factory=list)


def list_master(
    master: list[CatalogRow],
    options: ReflectOptions,
    views: Mapping[str, ViewFacts],
    triggers: Mapping[str, str],
) -> Listed:
    """``sqlite_master``'s rows sorted by kind (views and triggers of excluded tables left out);
    ``views`` holds what SQLite said of each view it compiles, ``triggers`` the statements of
    triggers whose double-quoted tokens SQLite settled."""
    listed = Listed()
    for kind, name, tbl, sql in master:
        if kind == "table":
            if str(sql or "")[:21].upper() == "CREATE VIRTUAL TABLE ":
                listed.virtual.append((name, sql))
                if not excluded(name, options.exclude):
                    text = str(sql)
                    listed.objects.append(
                        SchemaObject(
                            OBJECT_VIRTUAL_TABLE,
                            name,
                            canonical_sql(definition(text), True),
                            raw=text,
                            parts=parts(text),
                        )
                    )
            else:
                listed.table_sql[name] = sql or ""
        elif kind == "index":
            if sql is not None:
                listed.index_sql[name] = sql
        elif (
            kind in (OBJECT_VIEW, OBJECT_TRIGGER)
            and sql is not None
            and (kind == OBJECT_VIEW or not excluded(tbl, options.exclude))
        ):  # a trigger of an excluded table is left out with it
            settled = triggers.get(name) if kind == OBJECT_TRIGGER else None
            listed.objects.append(schema_object(kind, name, tbl, sql, views.get(name), settled))
    return listed


def kept_tables(listed: Listed, options: ReflectOptions) -> list[str]:
    """The tables to read, sorted: not SQLite's own, not a virtual table's shadow, not excluded.
    A virtual table is an object (``list_master``), compared as one."""
    skip: set[str] = set()
    for name, sql in listed.virtual:  # excluded or not, its shadows are never tables
        skip.update(shadow_tables(name, sql))
    return [
        name
        for name in sorted(listed.table_sql)
        if name.lower() not in skip
        and not name.lower().startswith("sqlite_")  # sqlite_sequence, sqlite_stat1..4
        and not excluded(name, options.exclude)
    ]


def virtual_names(virtual: list[tuple[str, str]]) -> set[str]:
    """The names of ``virtual``'s tables (``(name, sql)`` each) and of the shadow tables their
    modules made (lower-case): what a SQLite database holds that no metadata module declares
    as a table, so Alembic's autogenerate must not drop it."""
    names: set[str] = set()
    for name, sql in virtual:
        names.add(name.lower())
        names.update(shadow_tables(name, sql))
    return names
