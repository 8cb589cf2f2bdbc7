"""The PostgreSQL adapter: type spellings reduced to ``ColumnType``, and a live schema reflected.

Reflection reads ``pg_catalog`` directly with psycopg 3 (SQLAlchemy's reflection is several times
slower on large schemas) in a fixed set of batched queries, one per object kind for the whole
schema, sent in a single pipeline: one round trip whatever the number of tables. The session is
read-only (``BEGIN READ ONLY``) and nothing is ever written.

What comes back is a *raw* ``Schema`` (see ``twinschema.dialects``): physical names, and defaults,
CHECK expressions, index predicates and expressions, and policy expressions exactly as PostgreSQL's
``pg_get_expr`` / ``pg_get_constraintdef`` / ``pg_get_indexdef`` print them.

Choices worth knowing:

* A type's schema is not kept (``app.email`` and ``email`` are both ``email``): both sides of a
  twin live in one schema each, and ``format_type`` qualifies names only off the search path.
* ``Schema.not_compared`` always has the same keys: views, materialized views, foreign tables,
  sequences, functions, triggers and exclusion constraints. Sequences owned by a column (serial,
  identity, ``OWNED BY``) are not counted: they are compared through that column's identity.
  Functions count every ``pg_proc`` entry (functions, procedures, aggregates) that no extension
  owns; triggers count the non-internal triggers of the schema's relations that are not excluded.
  Enum types are not counted: they are compared through the columns that use them.
* A foreign key to a table of another schema names it ``schema.table``.
* A role that cannot read the schema (no USAGE) or one of its tables (no SELECT) is an error, not
  a schema with tables missing: the checker must never report drift it merely failed to see.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import psycopg
from sqlalchemy.engine import URL

from twinschema.definitions import canonical_sql
from twinschema.dialects import Adapter, ReflectOptions, excluded
from twinschema.errors import DatabaseError
from twinschema.gcpause import without_gc
from twinschema.model import (
    IDENTITY_ALWAYS,
    IDENTITY_BY_DEFAULT,
    IDENTITY_SEQUENCE,
    OBJECT_FUNCTION,
    OBJECT_TRIGGER,
    OBJECT_VIEW,
    CheckConstraint,
    Column,
    ColumnPool,
    ColumnType,
    ForeignKey,
    Index,
    Policy,
    Schema,
    SchemaObject,
    Table,
    UniqueConstraint,
)
from twinschema.urls import redact, scrub

DIALECT = "postgresql"

# ---------------------------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------------------------

# Every accepted spelling of a built-in type -> the name format_type() prints. Lower case, single
# spaces, parameters removed. A name not listed here is kept as it is (tsvector, a domain, citext).
ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "character varying": "character varying",
        "varchar": "character varying",
        "char varying": "character varying",
        "character": "character",
        "char": "character",
        "text": "text",
        "integer": "integer",
        "int": "integer",
        "int4": "integer",
        "serial": "integer",
        "serial4": "integer",
        "bigint": "bigint",
        "int8": "bigint",
        "bigserial": "bigint",
        "serial8": "bigint",
        "smallint": "smallint",
        "int2": "smallint",
        "smallserial": "smallint",
        "serial2": "smallint",
        "boolean": "boolean",
        "bool": "boolean",
        "numeric": "numeric",
        "decimal": "numeric",
        "double precision": "double precision",
        "float8": "double precision",
        "float": "double precision",  # FLOAT without a precision is float8; FLOAT(p): see below
        "real": "real",
        "float4": "real",
        "timestamp with time zone": "timestamp with time zone",
        "timestamptz": "timestamp with time zone",
        "timestamp without time zone": "timestamp without time zone",
        "timestamp": "timestamp without time zone",
        "time without time zone": "time without time zone",
        "time": "time without time zone",
        "time with time zone": "time with time zone",
        "timetz": "time with time zone",
        "date": "date",
        "interval": "interval",
        "bytea": "bytea",
        "uuid": "uuid",
        "json": "json",
        "jsonb": "jsonb",
        "bit": "bit",
        "bit varying": "bit varying",
        "varbit": "bit varying",
    }
)

# Which ColumnType fields a type's parenthesised parameters fill.
_LENGTH, _PRECISION, _PRECISION_SCALE = "length", "precision", "precision_scale"
PARAMETERS: Mapping[str, str] = MappingProxyType(
    {
        "character varying": _LENGTH,
        "character": _LENGTH,
        "bit": _LENGTH,
        "bit varying": _LENGTH,
        "numeric": _PRECISION_SCALE,
        "timestamp with time zone": _PRECISION,
        "timestamp without time zone": _PRECISION,
        "time with time zone": _PRECISION,
        "time without time zone": _PRECISION,
        "interval": _PRECISION,
    }
)

# PostgreSQL's own defaults for a parameter left out: CHAR is CHAR(1), NUMERIC(p) is NUMERIC(p,0).
_DEFAULT_LENGTH: Mapping[str, int] = MappingProxyType({"character": 1, "bit": 1})

# FLOAT(p): p in 1..24 is real, 25..53 double precision (https://www.postgresql.org/docs/current/datatype-numeric.html).
_FLOAT_REAL_MAX_PRECISION = 24

_COLLATE = re.compile(r"\s+collate\s+.*$", re.IGNORECASE | re.DOTALL)
_ARRAY = re.compile(r"(?:\s*\[\s*\d*\s*\])+\s*$|\s+array(?:\s*\[\s*\d*\s*\])?\s*$", re.IGNORECASE)
_ARGS = re.compile(r"\s*\(([^()]*)\)")
# A possibly schema-qualified name; ``last`` is its final part.
_QUALIFIED = re.compile(r'^(?:(?:"(?:[^"]|"")*"|[^".]+)\.)+(?P<last>.+)$', re.DOTALL)


def parse_type(spelling: str) -> ColumnType:
    """Reduce a PostgreSQL type as ``format_type()`` or SQLAlchemy spells it to a ``ColumnType``.

    The name is the lower-case base name ``format_type()`` prints (``VARCHAR(40)`` and
    ``character varying(40)`` are both ``character varying`` with length 40), so that a spelling
    difference is never reported as drift. Unknown names (tsvector, a domain) are kept, lower-cased
    unless quoted; a type's schema qualifier and COLLATE clause are dropped.
    """
    return _parse_type(spelling)


@functools.lru_cache(maxsize=4096)
def _parse_type(spelling: str) -> ColumnType:
    # Cached: a reflected schema repeats a handful of spellings thousands of times.
    text = _COLLATE.sub("", spelling.strip())
    array_match = _ARRAY.search(text)
    array = array_match is not None
    if array_match is not None:
        text = text[: array_match.start()]
    args: list[str] = []
    args_match = _ARGS.search(text)
    if args_match is not None:
        args = [a.strip() for a in args_match.group(1).split(",") if a.strip()]
        text = text[: args_match.start()] + " " + text[args_match.end() :]
    text = text.strip()
    qualified = _QUALIFIED.match(text)
    if qualified is not None:
        text = qualified["last"].strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        name = text[1:-1].replace('""', '"')  # a quoted identifier: its case is its own
    else:
        name = " ".join(text.lower().split())
        if name == "float" and args and args[0].isdigit():
            precise = int(args[0]) > _FLOAT_REAL_MAX_PRECISION
            name, args = ("double precision" if precise else "real"), []
        name = ALIASES.get(name, name)
    return _with_parameters(name, args, array, spelling)


def _with_parameters(name: str, args: list[str], array: bool, raw: str) -> ColumnType:
    numbers = [int(a) for a in args if a.isdigit()]
    if len(numbers) != len(args):  # geometry(Point, 4326): keep the parameters in the name
        return ColumnType(
            DIALECT, f"{name}({','.join(a.lower() for a in args)})", array=array, raw=raw
        )
    role = PARAMETERS.get(name)
    if role is None and numbers:  # an unknown type: one number is a length, two a precision
        role = _LENGTH if len(numbers) == 1 else _PRECISION_SCALE
    if role == _LENGTH:
        length = numbers[0] if numbers else _DEFAULT_LENGTH.get(name)
        return ColumnType(DIALECT, name, length=length, array=array, raw=raw)
    if role == _PRECISION and numbers:
        return ColumnType(DIALECT, name, precision=numbers[0], array=array, raw=raw)
    if role == _PRECISION_SCALE and numbers:
        scale = numbers[1] if len(numbers) > 1 else 0
        return ColumnType(DIALECT, name, precision=numbers[0], scale=scale, array=array, raw=raw)
    return ColumnType(DIALECT, name, array=array, raw=raw)


# ---------------------------------------------------------------------------------------------
# Connecting
# ---------------------------------------------------------------------------------------------


def connect_kwargs(url: URL, options: ReflectOptions) -> dict[str, Any]:
    """psycopg ``connect()`` keyword arguments for a SQLAlchemy URL.

    Query parameters pass through as libpq parameters (``host=/tmp/x`` is a Unix socket
    directory, as the embedded server's URLs use); the URL's own parts fill in the rest.
    """
    kwargs: dict[str, Any] = {}
    for key, value in url.query.items():
        kwargs[key] = ",".join(value) if isinstance(value, tuple) else value
    parts = {"host": url.host, "port": url.port, "user": url.username, "password": url.password}
    for key, part in parts.items():
        if part is not None and part != "" and key not in kwargs:
            kwargs[key] = part
    if url.database:
        kwargs["dbname"] = url.database
    kwargs["connect_timeout"] = max(1, math.ceil(options.connect_timeout))
    kwargs.setdefault("application_name", "twinschema")
    return kwargs


def connect(url: URL, options: ReflectOptions) -> psycopg.Connection[tuple[Any, ...]]:
    """A read-only psycopg connection to ``url``: every transaction it opens is READ ONLY.

    Connection failures become a one-line ``DatabaseError`` naming the redacted URL.
    """
    try:
        conn = psycopg.connect(**connect_kwargs(url, options), autocommit=False)
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to {redact(url)}: {_one_line(exc, url)}") from None
    conn.read_only = True  # psycopg starts each transaction with BEGIN READ ONLY
    return conn


def _one_line(exc: BaseException, url: URL) -> str:
    return scrub(" ".join(str(exc).split()), url.password)


# ---------------------------------------------------------------------------------------------
# Reflecting
# ---------------------------------------------------------------------------------------------

# Every query takes the schema's name as %(schema)s and reads tables and partitioned tables that
# no extension owns. One row per column (a table without columns has one row with NULLs).
_TABLE_FILTER = """
    c.relkind IN ('r', 'p')
    AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                    AND e.objid = c.oid AND e.deptype = 'e')"""

SQL_SCHEMA = """
SELECT n.oid, has_schema_privilege(n.oid, 'USAGE'), current_user::text
FROM pg_namespace n WHERE n.nspname = %(schema)s"""

SQL_COLUMNS = f"""
SELECT c.oid, c.relname::text, c.relrowsecurity, has_table_privilege(c.oid, 'SELECT'),
       a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
       a.attgenerated, pg_get_expr(d.adbin, d.adrelid), et.typtype, et.typname::text, et.oid,
       et.oid IS DISTINCT FROM t.oid,
       CASE WHEN et.typtype = 'd' THEN concat_ws(' ',
           format_type(et.typbasetype, et.typtypmod),
           CASE WHEN et.typnotnull THEN 'NOT NULL' END,
           'DEFAULT ' || et.typdefault,
           (SELECT string_agg(pg_get_constraintdef(k.oid), ' ' ORDER BY pg_get_constraintdef(k.oid))
            FROM pg_constraint k WHERE k.contypid = et.oid)) END
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = %(schema)s
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
LEFT JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type et ON et.oid = CASE
    WHEN t.typtype <> 'd' AND t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
WHERE {_TABLE_FILTER}
ORDER BY c.relname, a.attnum"""

# PRIMARY KEY, UNIQUE, FOREIGN KEY and CHECK constraints. A foreign key that references a
# partitioned table has one hidden child row per referenced partition: those are left out.
SQL_CONSTRAINTS = f"""
SELECT con.conrelid, con.conname::text, con.contype,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
             ORDER BY k.ord),
       rn.nspname::text, rc.relname::text,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num
             ORDER BY k.ord),
       con.confdeltype, con.confupdtype,
       CASE WHEN con.contype = 'c' THEN pg_get_constraintdef(con.oid) END
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = %(schema)s
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.contype IN ('p', 'u', 'f', 'c') AND {_TABLE_FILTER}
  AND NOT EXISTS (SELECT 1 FROM pg_constraint pc
                  WHERE pc.oid = con.conparentid AND pc.conrelid = con.conrelid)
ORDER BY con.conname"""

# Indexes that no PRIMARY KEY, UNIQUE or EXCLUDE constraint owns (those are compared as the
# constraint). Key columns only: INCLUDE columns are not part of what an index matches.
SQL_INDEXES = f"""
SELECT i.indrelid, ic.relname::text, i.indisunique, am.amname::text,
       ARRAY(SELECT CASE WHEN i.indkey[k - 1] <> 0 THEN a.attname::text
                         ELSE pg_get_indexdef(i.indexrelid, k, true) END
             FROM generate_series(1, i.indnkeyatts) k
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]
             ORDER BY k),
       pg_get_expr(i.indpred, i.indrelid)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = %(schema)s
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE {_TABLE_FILTER}
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conrelid = i.indrelid
                  AND con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY ic.relname"""

# Labels of every enum type the schema's columns use (directly or as an array element).
SQL_ENUMS = """
SELECT e.enumtypid, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
FROM pg_enum e
WHERE e.enumtypid IN (
    SELECT CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = %(schema)s
    JOIN pg_type t ON t.oid = a.atttypid
    WHERE a.attnum > 0 AND c.relkind IN ('r', 'p'))
GROUP BY e.enumtypid"""

SQL_POLICIES = """
SELECT p.polrelid, p.polname::text, p.polcmd,
       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = %(schema)s
ORDER BY p.polname"""

# What the schema holds that is not compared. Triggers come as their tables' names (one entry
# per trigger) so that triggers of excluded tables are left out like the tables.
_NOT_EXTENSION = """NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = {catalog}::regclass
                                AND e.objid = {oid} AND e.deptype = 'e')"""
_REL = _NOT_EXTENSION.format(catalog="'pg_class'", oid="c.oid")
SQL_COUNTS = f"""
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = %(schema)s),
rel AS (SELECT c.oid, c.relkind FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM ns)
        AND {_REL})
SELECT
  (SELECT count(*) FROM rel WHERE relkind = 'v'),
  (SELECT count(*) FROM rel WHERE relkind = 'm'),
  (SELECT count(*) FROM rel WHERE relkind = 'f'),
  (SELECT count(*) FROM rel c WHERE c.relkind = 'S' AND NOT EXISTS (
       SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
       AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))),
  (SELECT count(*) FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM ns)
       AND {_NOT_EXTENSION.format(catalog="'pg_proc'", oid="p.oid")}),
  ARRAY(SELECT c.relname::text FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
        WHERE c.oid IN (SELECT oid FROM rel) AND NOT tg.tgisinternal),
  (SELECT count(*) FROM pg_constraint con WHERE con.contype = 'x'
       AND con.conrelid IN (SELECT oid FROM rel))"""

NOT_COMPARED_KEYS = (
    "views",
    "materialized_views",
    "foreign_tables",
    "sequences",
    "functions",
    "triggers",
    "exclusion_constraints",
)
# Of those, the kinds read as ``SchemaObject``s (see SQL_OBJECTS) and so no longer counted by the
# adapter: a comparison counts the ones it could not compare (``compare_objects``). Aggregates
# and window functions have no pg_get_functiondef: they stay counted, as "functions".
OBJECT_COUNT_KEYS = frozenset({"views", "materialized_views", "sequences", "triggers"})

# Views, triggers, functions and sequences print their definitions with the schema's own names
# unqualified (pg_get_viewdef qualifies a name only when the search path does not find it), so
# that two databases holding the same objects in differently named schemas read alike. Set for
# the read-only transaction only, just before SQL_OBJECTS.
SQL_SEARCH_PATH = "SELECT set_config('search_path', quote_ident(%(schema)s), true)"

# One row per view (materialized too), trigger, function or procedure, and sequence that no
# extension owns and no column owns (serial and identity sequences are compared as the column's
# identity): kind, name, table, a detail (a view's relkind and options, a trigger's tgenabled),
# the definition as the catalog prints it, and the schema's name as SQL quotes it.
_PROC = _NOT_EXTENSION.format(catalog="'pg_proc'", oid="p.oid")
SQL_OBJECTS = f"""
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = %(schema)s),
rel AS (SELECT c.oid, c.relkind, c.relname, c.reloptions FROM pg_class c
        WHERE c.relnamespace IN (SELECT oid FROM ns) AND {_REL})
SELECT 'view', c.relname::text, NULL::text,
       c.relkind::text || coalesce(' ' || array_to_string(c.reloptions, ', '), ''),
       pg_get_viewdef(c.oid, true), quote_ident(%(schema)s)
FROM rel c WHERE c.relkind IN ('v', 'm')
UNION ALL
SELECT 'trigger', tg.tgname::text, c.relname::text, tg.tgenabled::text,
       pg_get_triggerdef(tg.oid, false), quote_ident(%(schema)s)
FROM pg_trigger tg JOIN rel c ON c.oid = tg.tgrelid
WHERE NOT tg.tgisinternal AND tg.tgparentid = 0  -- a partition's clone is its parent's trigger
UNION ALL
SELECT 'function', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       NULL, NULL, pg_get_functiondef(p.oid), quote_ident(%(schema)s)
FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM ns) AND p.prokind IN ('f', 'p')
  AND {_PROC}
UNION ALL
SELECT 'sequence', s.sequencename::text, NULL, NULL,
       concat_ws(' ', 'as', s.data_type::regtype::text, 'start', s.start_value,
                 'minvalue', s.min_value, 'maxvalue', s.max_value, 'increment', s.increment_by,
                 'cache', s.cache_size, CASE WHEN s.cycle THEN 'cycle' ELSE 'no cycle' END),
       quote_ident(%(schema)s)
FROM pg_sequences s JOIN rel c ON c.relname = s.sequencename AND c.relkind = 'S'
WHERE s.schemaname = %(schema)s AND NOT EXISTS (
    SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
ORDER BY 1, 3, 2"""

# The catalog's one-letter codes, in the model's words.
FK_ACTION_CODES: Mapping[str, str] = MappingProxyType(
    {
        "a": "NO ACTION",
        "r": "RESTRICT",
        "c": "CASCADE",
        "n": "SET NULL",
        "d": "SET DEFAULT",
    }
)
IDENTITY_CODES: Mapping[str, str] = MappingProxyType(
    {"a": IDENTITY_ALWAYS, "d": IDENTITY_BY_DEFAULT}
)
POLICY_COMMANDS: Mapping[str, str] = MappingProxyType(
    {
        "*": "ALL",
        "r": "SELECT",
        "a": "INSERT",
        "w": "UPDATE",
        "d": "DELETE",
    }
)

# The batched queries, in the order they are sent.
QUERIES = (
    SQL_SCHEMA,
    SQL_COLUMNS,
    SQL_CONSTRAINTS,
    SQL_INDEXES,
    SQL_ENUMS,
    SQL_POLICIES,
    SQL_COUNTS,
    SQL_SEARCH_PATH,
    SQL_OBJECTS,
)


@dataclass
class _TableParts:
    """A table being assembled from the batched rows."""

    name: str
    row_level_security: bool
    columns: list[Column] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    uniques: list[UniqueConstraint] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    checks: list[CheckConstraint] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)

    def build(self) -> Table:
        return Table(
            name=self.name,
            columns=tuple(self.columns),
            primary_key=self.primary_key,
            foreign_keys=tuple(self.foreign_keys),
            uniques=tuple(self.uniques),
            indexes=tuple(self.indexes),
            checks=tuple(self.checks),
            row_level_security=self.row_level_security,
            policies=tuple(self.policies),
        )


def reflect(url: URL, options: ReflectOptions) -> Schema:
    """Read every table of ``options.schema`` of the live database at ``url``, read-only.

    The catalog is read in one pipeline of a fixed number of queries (see ``QUERIES``), so the
    cost does not grow in round trips with the number of tables.
    """
    conn = connect(url, options)
    try:
        return reflect_connection(conn, options, redact(url))
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot read {redact(url)}: {_one_line(exc, url)}") from None
    finally:
        conn.close()


@without_gc
def reflect_connection(
    conn: psycopg.Connection[Any], options: ReflectOptions, source: str
) -> Schema:
    """Reflect ``options.schema`` over an open psycopg connection (``reflect`` opens one).

    Runs exactly ``len(QUERIES)`` statements and rolls back; ``source`` labels the result and
    the errors (a redacted URL).
    """
    params = {"schema": options.schema}
    if psycopg.Pipeline.is_supported():  # one round trip; libpq < 14 sends them one by one
        with conn.pipeline():
            cursors = [conn.execute(sql, params) for sql in QUERIES]
    else:
        cursors = [conn.execute(sql, params) for sql in QUERIES]
    results: list[list[Any]] = [cur.fetchall() for cur in cursors]
    conn.rollback()
    (
        schema_rows,
        column_rows,
        constraint_rows,
        index_rows,
        enum_rows,
        policy_rows,
        count_rows,
        _search_path,
        object_rows,
    ) = results

    if not schema_rows:
        raise DatabaseError(f"schema {options.schema!r} does not exist in {source}")
    _, usage, role = schema_rows[0]
    if not usage:
        raise DatabaseError(
            f"role {role!r} lacks USAGE on schema {options.schema!r} in {source}: "
            f"GRANT USAGE ON SCHEMA {options.schema} TO {role}"
        )

    enums: dict[int, tuple[str, ...]] = {oid: tuple(labels) for oid, labels in enum_rows}
    tables = _tables(column_rows, enums, options.exclude)
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
    _add_constraints(parts_by_oid, constraint_rows, options.schema)
    _add_indexes(parts_by_oid, index_rows)
    _add_policies(parts_by_oid, policy_rows)

    views, matviews, foreign, sequences, functions, trigger_tables, exclusions = count_rows[0]
    triggers = sum(1 for name in trigger_tables if not excluded(name, options.exclude))
    counts = (views, matviews, foreign, sequences, functions, triggers, exclusions)
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
        objects=objects,
        objects_read=True,
    )


# pg_trigger.tgenabled: "O" (origin and local, the default) says nothing; the others are kept.
_TRIGGER_STATES: Mapping[str, str] = MappingProxyType(
    {"D": "disabled", "R": "enabled replica", "A": "enabled always"}
)


def schema_objects(
    rows: Sequence[Sequence[Any]], exclude: Sequence[str]
) -> tuple[SchemaObject, ...]:
    """The rows of SQL_OBJECTS as ``SchemaObject``s with canonical definitions, in key order.

    Triggers of excluded tables are left out, like their tables.
    """
    objects: list[SchemaObject] = []
    for kind, name, table, detail, definition, schema in rows:
        if table is not None and excluded(table, exclude):
            continue
        text = str(definition or "")
        if kind == OBJECT_VIEW:
            relkind, _, reloptions = str(detail).partition(" ")
            head = "materialized view" if relkind == "m" else "view"
            canonical = f"{head} {canonical_sql(text, False)}"
            canonical += f" with ( {reloptions} )" if reloptions else ""
        elif kind == OBJECT_TRIGGER:
            canonical = canonical_sql(_unqualified(text, schema, "ON"), False)
            state = _TRIGGER_STATES.get(str(detail))
            canonical += f" {state}" if state else ""
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


def _tables(
    rows: Sequence[Sequence[Any]], enums: Mapping[int, tuple[str, ...]], exclude: Sequence[str]
) -> dict[int, tuple[_TableParts, bool]]:
    """Tables (in name order) with their columns, keyed by oid, each with its readability."""
    tables: dict[int, tuple[_TableParts, bool]] = {}
    pool = ColumnPool()  # equal columns shared, as in every source
    current: _TableParts | None = None
    current_oid = None
    for (oid, table, rls, readable, name, spelling, notnull, identity, generated, default,
         typtype, typname, type_oid, array, domain) in rows:  # fmt: skip
        if oid != current_oid:
            current_oid = oid
            if excluded(table, exclude):  # rows come in table order: skip this one's rows
                current = None
            else:
                current = _TableParts(table, rls)
                tables[oid] = (current, readable)
        if current is None or name is None:
            continue
        if typtype == "e":
            ctype = ColumnType(DIALECT, "enum", values=enums.get(type_oid, ()), array=array,
                               raw=spelling)  # fmt: skip
        elif typtype == "d":  # a domain: its definition is part of the declared type
            ctype = ColumnType(DIALECT, typname, array=array, raw=spelling, definition=domain)
        else:
            ctype = _parse_type(spelling)
        column_identity = IDENTITY_CODES.get(identity)
        raw_default = default
        if generated:  # a generated column has an expression, not a default
            default = None
            raw_default = f"GENERATED ALWAYS AS ({raw_default}) STORED"
        elif default is not None and default.startswith("nextval("):
            default, column_identity = None, IDENTITY_SEQUENCE
        current.columns.append(
            pool.column(name, ctype, not notnull, default, column_identity, raw_default)
        )
    return tables


def _add_constraints(
    tables: Mapping[int, _TableParts], rows: Sequence[Sequence[Any]], schema: str
) -> None:
    for (oid, name, kind, columns, ref_schema, ref_table, ref_columns, on_delete, on_update,
         definition) in rows:  # fmt: skip
        parts = tables.get(oid)
        if parts is None:
            continue
        if kind == "p":
            parts.primary_key = tuple(columns)
        elif kind == "u":
            parts.uniques.append(UniqueConstraint(tuple(columns), name))
        elif kind == "f":
            parts.foreign_keys.append(
                ForeignKey(
                    columns=tuple(columns),
                    ref_table=ref_table if ref_schema == schema else f"{ref_schema}.{ref_table}",
                    ref_columns=tuple(ref_columns),
                    on_delete=FK_ACTION_CODES[on_delete],
                    on_update=FK_ACTION_CODES[on_update],
                    name=name,
                )
            )
        else:
            expression = check_expression(definition)
            parts.checks.append(CheckConstraint(expression, name, expression))


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


def _add_indexes(tables: Mapping[int, _TableParts], rows: Sequence[Sequence[Any]]) -> None:
    for oid, name, unique, method, expressions, where in rows:
        parts = tables.get(oid)
        if parts is not None:
            parts.indexes.append(Index(tuple(expressions), unique, where, method, name))


def _add_policies(tables: Mapping[int, _TableParts], rows: Sequence[Sequence[Any]]) -> None:
    for oid, name, command, using, with_check in rows:
        parts = tables.get(oid)
        if parts is not None:
            parts.policies.append(Policy(name, POLICY_COMMANDS[command], using, with_check))


class PostgreSQLAdapter:
    """The PostgreSQL dialect: ``format_type()`` spellings and ``pg_catalog`` reflection."""

    name: str = DIALECT

    def parse_type(self, spelling: str) -> ColumnType:
        """Reduce a type spelling to a ``ColumnType`` (see the module's ``parse_type``)."""
        return parse_type(spelling)

    def reflect(self, url: URL, options: ReflectOptions) -> Schema:
        """Read every table of ``options.schema``, read-only (see the module's ``reflect``)."""
        return reflect(url, options)

    def open_reader(self, url: URL, options: ReflectOptions) -> Callable[[], Schema]:
        """Nothing to do now: connecting is network waits, which belong in the reader too."""
        return functools.partial(reflect, url, options)


ADAPTER: Adapter = PostgreSQLAdapter()
