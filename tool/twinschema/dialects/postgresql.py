"""The PostgreSQL adapter: type spellings reduced to ``ColumnType``, and a live schema reflected.

Reflection reads ``pg_catalog`` directly with psycopg 3 (SQLAlchemy's reflection is several times
slower on large schemas) in a fixed set of batched queries, one per object kind for the whole
schema, sent in a single pipeline: one round trip whatever the number of tables (then one more for
the fingerprint below). The session is read-only and nothing is ever written.

A read sees one moment of the database: the queries run in one ``REPEATABLE READ READ ONLY``
transaction, so every catalog row they scan comes from the same snapshot. The ``pg_get_*``
functions and ``format_type`` do not: they read the catalog caches, which hold the latest
*committed* state, and they wait for a table's lock first (a concurrent ALTER TABLE holds ACCESS
EXCLUSIVE until it commits). So the read also fingerprints the schema's catalog rows (keys and
``xmin``, which every committed change renews) once inside the snapshot and once in a new
transaction after it: equal fingerprints mean that nothing committed between the snapshot and the
end of the read, so what those functions printed is the snapshot's moment too. A read that sees a
change (or a ``pg_get_*`` that found its object gone) is made again once, then given up with
"the schema changed while it was read". Every lock is waited for at most ``lock_timeout``.

What comes back is a *raw* ``Schema`` (see ``twinschema.dialects``): physical names, and defaults,
CHECK expressions, index predicates and expressions, and policy expressions exactly as PostgreSQL's
``pg_get_expr`` / ``pg_get_constraintdef`` / ``pg_get_indexdef`` print them.

Choices worth knowing:

* A type's schema is not kept (``app.email`` and ``email`` are both ``email``): both sides of a
  twin live in one schema each, and ``format_type`` qualifies names only off the search path.
  The read schema alone is that path (``SQL_SEARCH_PATH``), so defaults, CHECKs and other
  expressions name its types, functions and sequences unqualified too (``'a'::mood`` whatever
  the schema is called); those of any other schema (``public`` too) keep their qualifier,
  except the functions, types and operators an extension owns (``public.uuid_generate_v4()``
  reads ``uuid_generate_v4()``: an extension has one schema per database;
  ``postgresql_extensions``).
* ``Schema.not_compared`` always has the same keys: views, materialized views, foreign tables,
  sequences, functions, triggers, exclusion constraints and rules (a view's own ``_RETURN``
  rule is not counted). Sequences owned by a column (serial,
  identity, ``OWNED BY``) are not counted: they are compared through that column's identity.
  A ``nextval()`` default of a sequence the column does not own keeps that sequence's name,
  or the column that owns it (``Column.sequence``), and its options (``Column.generator``).
  Functions count every ``pg_proc`` entry (functions, procedures, aggregates) that no extension
  owns; triggers count the non-internal triggers of the schema's relations that are not excluded.
  Enum types are not counted: they are compared through the columns that use them.
* A foreign key to a table of another schema names it ``schema.table``.
* ``Schema.elsewhere`` names, for each table of another schema of the database that the read
  schema lacks, the schemas holding it: a table created in the wrong schema is reported as such.
* ``ON DELETE SET NULL (cols)`` (PostgreSQL 15+) is read from ``to_jsonb(pg_constraint)`` so
  that the same query runs on older servers.
* A role that cannot read the schema (no USAGE) or one of its tables (no SELECT) is an error, not
  a schema with tables missing: the checker must never report drift it merely failed to see.

The parts, by job: ``postgresql_types`` (type spellings, collations, operator classes),
``postgresql_catalog`` (the catalog queries), ``postgresql_read`` (connecting, one snapshot),
``postgresql_rows`` (rows into table parts), and this module (building the schema, the adapter).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import psycopg
from sqlalchemy.engine import URL

from twinschema.dialects import Adapter, ReflectOptions, excluded
from twinschema.dialects.postgresql_catalog import QUERY_COUNT, queries
from twinschema.dialects.postgresql_catalog_objects import NOT_COMPARED_KEYS, OBJECT_COUNT_KEYS
from twinschema.dialects.postgresql_codes import GENERATED_CODES, IDENTITY_CODES
from twinschema.dialects.postgresql_consistency import SQL_FINGERPRINT
from twinschema.dialects.postgresql_extensions import names_of, unqualify_rows
from twinschema.dialects.postgresql_locale import locale_of
from twinschema.dialects.postgresql_nextval import nextval_of
from twinschema.dialects.postgresql_read import (
    ATTEMPTS,
    STATEMENTS,
    SchemaChanged,
    connect,
    connect_kwargs,
    one_line,
    read_once,
)
from twinschema.dialects.postgresql_rows import (
    TableParts,
    add_constraints,
    add_indexes,
    add_policies,
    add_table_options,
    check_expression,
    schema_objects,
)
from twinschema.dialects.postgresql_sequence_state import largest_ids, next_id, next_ids
from twinschema.dialects.postgresql_sequences import parsed
from twinschema.dialects.postgresql_types import (
    DIALECT,
    collation_of,
    domain_levels,
    domain_relabels_dropped,
    named_collation,
    operator_class,
    parse_type,
    parse_type_cached,
)
from twinschema.errors import DatabaseError
from twinschema.model import (
    IDENTITY_SEQUENCE,
    OBJECT_FUNCTION,
    Collation,
    ColumnType,
    Generated,
    Schema,
)
from twinschema.model_pool import ColumnPool
from twinschema.urls import redact

# What callers import from here (the parts are modules of their own).
__all__ = [
    "ADAPTER",
    "DIALECT",
    "NOT_COMPARED_KEYS",
    "QUERY_COUNT",
    "SQL_FINGERPRINT",
    "STATEMENTS",
    "check_expression",
    "collation_of",
    "connect",
    "connect_kwargs",
    "named_collation",
    "operator_class",
    "parse_type",
    "queries",
    "reflect",
    "reflect_connection",
    "schema_objects",
]


def reflect(url: URL, options: ReflectOptions) -> Schema:
    """Read every table of ``options.schema`` of the live database at ``url``, read-only.

    The catalog is read in one pipeline of a fixed number of queries (see ``queries``), so the
    cost does not grow in round trips with the number of tables.
    """
    conn = connect(url, options)
    try:
        return reflect_connection(conn, options, redact(url))
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot read {redact(url)}: {one_line(exc, url)}") from None
    finally:
        conn.close()


def reflect_connection(
    conn: psycopg.Connection[Any], options: ReflectOptions, source: str
) -> Schema:
    """Reflect ``options.schema`` over an open psycopg connection (``reflect`` opens one).

    Each attempt runs exactly ``STATEMENTS`` statements and sees one moment of the database
    (see the module's docstring); a second attempt follows only when the schema changed during
    the first. ``source`` labels the result and the errors (a redacted URL).
    """
    for _ in range(ATTEMPTS):
        try:
            return _build(read_once(conn, options, source), options, source)
        except SchemaChanged:
            continue
    raise DatabaseError(
        f"cannot read {source}: the schema changed while it was read ({ATTEMPTS} attempts); "
        "run the check again once the migration or DDL is over"
    )


def _build(results: list[list[Any]], options: ReflectOptions, source: str) -> Schema:
    """The raw ``Schema`` from the rows of ``queries``."""
    (
        _,
        _search_path,
        schema_rows,
        column_rows,
        constraint_rows,
        index_rows,
        enum_rows,
        policy_rows,
        count_rows,
        option_rows,
        elsewhere_rows,
        object_rows,
        state_rows,
    ) = results

    if not schema_rows:
        raise DatabaseError(f"schema {options.schema!r} does not exist in {source}")
    (_, usage, role, timezone, timezone_utc, extension_pairs, locale, zone_now, history) = (
        schema_rows[0]
    )
    zone_history, _, always_utc = str(history).strip("()").partition(",")
    if not usage:
        raise DatabaseError(
            f"role {role!r} lacks USAGE on schema {options.schema!r} in {source}: "
            f"GRANT USAGE ON SCHEMA {options.schema} TO {role}"
        )

    # Expressions name an extension's functions, types and operators bare, wherever it is.
    names = names_of(extension_pairs)
    column_rows = unqualify_rows(column_rows, (9, 14), names)
    constraint_rows = unqualify_rows(constraint_rows, (9,), names)
    index_rows = unqualify_rows(index_rows, (4, 5, 7), names)
    policy_rows = unqualify_rows(policy_rows, (3, 4), names)
    option_rows = unqualify_rows(option_rows, (3,), names)
    object_rows = unqualify_rows(object_rows, (4,), names)

    enums: dict[int, tuple[str, ...]] = {oid: tuple(labels) for oid, labels in enum_rows}
    ends = (largest_ids(column_rows, state_rows), largest_ids(column_rows, state_rows, True))
    states = (next_ids(state_rows), *ends)
    tables = _tables(column_rows, enums, options.exclude, states)
    unreadable = [parts.name for parts, readable in tables.values() if not readable]
    if unreadable:
        shown = ", ".join(unreadable[:5]) + (
            f" and {len(unreadable) - 5} more" if len(unreadable) > 5 else ""
        )
        raise DatabaseError(
            f"role {role!r} cannot read table(s) {shown} of schema {options.schema!r} in "
            f"{source}: GRANT SELECT ON ALL TABLES IN SCHEMA {options.schema} TO {role}"
        )
    parts_by_oid = {oid: parts for oid, (parts, _) in tables.items()}
    add_constraints(parts_by_oid, constraint_rows, options.schema)
    add_indexes(parts_by_oid, index_rows)
    add_policies(parts_by_oid, policy_rows)
    add_table_options(parts_by_oid, option_rows)

    views, matviews, foreign, sequences, functions, trigger_tables, exclusions, rules = count_rows[
        0
    ]
    triggers = sum(1 for name in trigger_tables if not excluded(name, options.exclude))
    counts = (views, matviews, foreign, sequences, functions, triggers, exclusions, rules)
    objects = schema_objects(object_rows, options.exclude)
    not_compared = dict(zip(NOT_COMPARED_KEYS, map(int, counts), strict=True))
    for key in OBJECT_COUNT_KEYS:
        not_compared[key] = 0
    not_compared["functions"] -= sum(1 for o in objects if o.kind == OBJECT_FUNCTION)
    return Schema(
        dialect=DIALECT,
        tables=MappingProxyType({p.name: p.build() for p in parts_by_oid.values()}),
        source=source,
        not_compared=MappingProxyType(not_compared),
        elsewhere=MappingProxyType(
            {
                name: tuple(schemas)
                for name, schemas in elsewhere_rows
                if not excluded(name, options.exclude)
            }
        ),
        timezone=str(timezone),
        timezone_utc=bool(timezone_utc),
        zone_now=str(zone_now),
        zone_history=zone_history,
        timezone_utc_always=always_utc == "t",
        locale=locale_of(locale),
        objects=objects,
        objects_read=True,
    )


def drawn_sequence(default: str) -> str:
    """The sequence a ``nextval(...)`` default draws from: its name as the default prints it
    (``postgresql_nextval``), or the whole default where it names it otherwise
    (``nextval(('s'::text)::regclass)``, resolved when called)."""
    found = nextval_of(default)
    return default if found is None or found.late else found.name


Ends = Mapping[tuple[int, str], int]


def _tables(
    rows: Sequence[Sequence[Any]],
    enums: Mapping[int, tuple[str, ...]],
    exclude: Sequence[str],
    states: tuple[Mapping[int, tuple[int, bool]], Ends, Ends],
) -> dict[int, tuple[TableParts, bool]]:
    """Tables (in name order) with their columns, keyed by oid, each with its readability, and
    each key's next id from its sequence's state and the id in use farthest along its steps
    (``states``: ``postgresql_sequence_state``; the largest, the smallest for a descending
    sequence)."""
    tables: dict[int, tuple[TableParts, bool]] = {}
    pool = ColumnPool()  # equal columns shared, as in every source
    current: TableParts | None = None
    current_oid = None
    for (oid, table, rls, readable, name, spelling, notnull, identity, generated, default,
         typtype, typname, type_oid, array, domain, coll_name, coll_exact, coll_locale,
         _, generator, owned, owner, fails, levels, sharers, seq_oid, _, _) in rows:  # fmt: skip
        if oid != current_oid:
            current_oid = oid
            if excluded(table, exclude):  # rows come in table order: skip this one's rows
                current = None
            else:
                current = TableParts(table, rls)
                tables[oid] = (current, readable)
        if current is None or name is None:
            continue
        if typtype == "e":
            ctype = ColumnType(DIALECT, "enum", values=enums.get(type_oid, ()), array=array,
                               raw=spelling)  # fmt: skip
        elif typtype == "d":  # a domain: its definition (as read; normalize makes its CHECKs
            # canonical) is part of the declared type
            ctype = ColumnType(
                DIALECT,
                typname,
                array=array,
                raw=spelling,
                definition=domain_relabels_dropped(domain),
            )
            ctype = domain_levels(ctype, levels)
        else:
            ctype = parse_type_cached(spelling)
        column_identity = IDENTITY_CODES.get(identity)
        raw_default, sequence = default, None
        computed = None
        if generated:  # a generated column has an expression, not a default
            computed = Generated(default, GENERATED_CODES.get(generated, generated), default)
            default = raw_default = None
        elif default is not None and default.startswith("nextval("):
            default, column_identity = None, IDENTITY_SEQUENCE
            if not owned:  # a sequence the column does not own: which one it is
                sequence = (
                    f"the sequence of {owner}" if owner else drawn_sequence(raw_default or "")
                )
        collation = None if coll_name is None else collation_of(coll_name, coll_exact, coll_locale)
        column = pool.column(
            name,
            ctype,
            not notnull,
            default,
            column_identity,
            raw_default,
            collation,
            computed,
            generator if column_identity else None,
            sequence,
            fails,
            _next_id(states[0], seq_oid, generator) if column_identity else None,
        )
        options = None if generator is None else parsed(generator)
        farthest = states[2] if options is not None and options.increment < 0 else states[1]
        if column_identity and (largest := farthest.get((oid, name))) is not None:
            column = replace(column, largest_id=largest)
        current.columns.append(
            replace(column, shares_ids_with=tuple(sharers), borrows_ids=not owned)
            if sharers
            else column
        )
    return tables


def _next_id(
    states: Mapping[int, tuple[int, bool]], seq_oid: int | None, generator: str | None
) -> int | None:
    """The id the next insert that omits a column drawing from sequence ``seq_oid`` gets."""
    options = None if generator is None else parsed(generator)
    state = None if seq_oid is None else states.get(seq_oid)
    return next_id(state, None if options is None else options.increment)


class PostgreSQLAdapter:
    """The PostgreSQL dialect: ``format_type()`` spellings and ``pg_catalog`` reflection."""

    name: str = DIALECT

    def parse_type(self, spelling: str) -> ColumnType:
        """Reduce a type spelling to a ``ColumnType`` (see the module's ``parse_type``)."""
        return parse_type(spelling)

    def collation(self, name: str) -> Collation | None:
        """A collation by name (see the module's ``named_collation``); "default" is None."""
        return None if name == "default" else named_collation(name)

    def reflect(self, url: URL, options: ReflectOptions) -> Schema:
        """Read every table of ``options.schema``, read-only (see the module's ``reflect``)."""
        return reflect(url, options)


ADAPTER: Adapter = PostgreSQLAdapter()
