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
* ``Schema.not_compared`` always has the same keys: views, materialized views, foreign tables,
  sequences, functions, triggers, exclusion constraints and rules (a view's own ``_RETURN``
  rule is not counted). Sequences owned by a column (serial,
  identity, ``OWNED BY``) are not counted: they are compared through that column's identity.
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
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import psycopg
from sqlalchemy.engine import URL

from twinschema.definitions import canonical_sql
from twinschema.dialects import Adapter, ReflectOptions, excluded
from twinschema.errors import DatabaseError
from twinschema.expressions import domain_definition
from twinschema.model import (
    EQUALITY_CASE,
    EQUALITY_CASE_ACCENT,
    EQUALITY_EXACT,
    GENERATED_STORED,
    GENERATED_VIRTUAL,
    IDENTITY_ALWAYS,
    IDENTITY_BY_DEFAULT,
    IDENTITY_SEQUENCE,
    OBJECT_FUNCTION,
    OBJECT_TRIGGER,
    OBJECT_VIEW,
    CheckConstraint,
    Collation,
    Column,
    ColumnPool,
    ColumnType,
    ForeignKey,
    Generated,
    Index,
    Policy,
    Schema,
    SchemaObject,
    Table,
    UniqueConstraint,
    element_flags,
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
    """A read-only psycopg connection to ``url``: every transaction it opens is READ ONLY, and
    REPEATABLE READ so that all its statements see one snapshot.

    Connection failures become a one-line ``DatabaseError`` naming the redacted URL.
    """
    try:
        conn = psycopg.connect(**connect_kwargs(url, options), autocommit=False)
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to {redact(url)}: {_one_line(exc, url)}") from None
    _snapshot_transactions(conn)
    return conn


def _snapshot_transactions(conn: psycopg.Connection[Any]) -> None:
    # psycopg starts each transaction with BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY.
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True


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
SELECT n.oid, has_schema_privilege(n.oid, 'USAGE'), current_user::text,
       current_setting('TimeZone')
FROM pg_namespace n WHERE n.nspname = %(schema)s"""

# The locale of a collation: colllocale (17+), colliculocale (15, 16), collcollate (ICU before 15),
# read through to_jsonb so that one query text serves every version. Its columns: co.
_COLLATION_LOCALE = """coalesce(to_jsonb(co) ->> 'colllocale', to_jsonb(co) ->> 'colliculocale',
                co.collcollate::text)"""

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
            FROM pg_constraint k WHERE k.contypid = et.oid)) END,
       co.collname::text, co.collisdeterministic, {_COLLATION_LOCALE},
       d.adbin IS NOT NULL,
       (SELECT concat_ws(' ', 'start', s.seqstart, 'increment', s.seqincrement,
                         -- a bound beyond the column's own range is that range: the insert
                         -- fails there either way (a bigint sequence OWNED BY an integer key)
                         'minvalue', greatest(s.seqmin, CASE a.atttypid
                             WHEN 'int2'::regtype THEN -32768 WHEN 'int4'::regtype
                             THEN -2147483648 ELSE s.seqmin END),
                         'maxvalue', least(s.seqmax, CASE a.atttypid
                             WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype
                             THEN 2147483647 ELSE s.seqmax END),
                         'cache', s.seqcache,
                         CASE WHEN s.seqcycle THEN 'cycle' ELSE 'no cycle' END)
        FROM pg_depend q JOIN pg_sequence s ON s.seqrelid = q.objid
        WHERE q.classid = 'pg_class'::regclass AND q.refclassid = 'pg_class'::regclass
          AND q.refobjid = c.oid AND q.refobjsubid = a.attnum AND q.deptype IN ('a', 'i')
        ORDER BY s.seqrelid LIMIT 1)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = %(schema)s
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
LEFT JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type et ON et.oid = CASE
    WHEN t.typtype <> 'd' AND t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation
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
       CASE WHEN con.contype = 'c' THEN pg_get_constraintdef(con.oid) END,
       CASE WHEN con.contype = 'u' THEN ARRAY(
           SELECT a.attname::text FROM pg_index ix
           CROSS JOIN LATERAL generate_series(ix.indnkeyatts + 1, ix.indnatts) k
           JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k - 1]
           WHERE ix.indexrelid = con.conindid ORDER BY k) END,
       CASE WHEN con.contype = 'u' THEN (
           SELECT (to_jsonb(ix) ->> 'indnullsnotdistinct')::boolean FROM pg_index ix
           WHERE ix.indexrelid = con.conindid) END,
       con.condeferrable, con.condeferred, con.confmatchtype,
       ARRAY(SELECT a.attname::text  -- read as JSON: the column is new in PostgreSQL 15
             FROM jsonb_array_elements_text(CASE
                 WHEN jsonb_typeof(to_jsonb(con) -> 'confdelsetcols') = 'array'
                 THEN to_jsonb(con) -> 'confdelsetcols' ELSE '[]' END) k(num)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num::int2)
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
# constraint). Key columns make what an index matches; then, per key column, its options
# (indoption: bit 1 DESC, bit 2 NULLS FIRST), its operator class when not the type's default,
# and its collation when not its column's own (an expression's: any, with the whole definition,
# which writes COLLATE only where it is not the one the expression derives), with what that
# collation makes equal; then the INCLUDE columns and NULLS NOT DISTINCT (15+).
SQL_INDEXES = f"""
SELECT i.indrelid, ic.relname::text, i.indisunique, am.amname::text,
       ARRAY(SELECT CASE WHEN i.indkey[k - 1] <> 0 THEN a.attname::text
                         ELSE pg_get_indexdef(i.indexrelid, k, true) END
             FROM generate_series(1, i.indnkeyatts) k
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]
             ORDER BY k),
       pg_get_expr(i.indpred, i.indrelid),
       ARRAY(SELECT json_build_array(
                 i.indoption[k - 1],
                 CASE WHEN oc.opcdefault THEN '' ELSE oc.opcname::text END,
                 co.collname::text, co.collisdeterministic, {_COLLATION_LOCALE})
             FROM generate_series(1, i.indnkeyatts) k
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]
             LEFT JOIN pg_opclass oc ON oc.oid = i.indclass[k - 1]
             LEFT JOIN pg_collation co ON co.oid = i.indcollation[k - 1]
                 AND i.indcollation[k - 1] <> coalesce(a.attcollation, 0)
             ORDER BY k),
       CASE WHEN 0 = ANY (i.indkey::int2[]) THEN pg_get_indexdef(i.indexrelid) END,
       ARRAY(SELECT a.attname::text FROM generate_series(i.indnkeyatts + 1, i.indnatts) k
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]
             ORDER BY k),
       coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false)
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
       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
       p.polpermissive,
       ARRAY(SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE pg_get_userbyid(r.oid)::text END
             FROM unnest(p.polroles) r(oid) ORDER BY 1)
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = %(schema)s
ORDER BY p.polname"""

# Table attributes beyond columns and constraints, for the tables that have one: FORCE ROW
# LEVEL SECURITY, UNLOGGED, and the partition key of a partitioned table.
SQL_TABLE_OPTIONS = f"""
SELECT c.oid, c.relforcerowsecurity, c.relpersistence = 'u',
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = %(schema)s
WHERE {_TABLE_FILTER}
  AND (c.relforcerowsecurity OR c.relpersistence = 'u' OR c.relkind = 'p')"""

# Tables of other schemas of the database whose names the compared schema lacks, with those
# schemas: a table missing here may have been created in (or moved to) another schema.
SQL_ELSEWHERE = f"""
SELECT c.relname::text, array_agg(DISTINCT n.nspname::text ORDER BY n.nspname::text)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname <> %(schema)s AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp\\_%%'
  AND NOT c.relispartition AND {_TABLE_FILTER}
  AND c.relname NOT IN (SELECT t.relname FROM pg_class t JOIN pg_namespace tn
                        ON tn.oid = t.relnamespace AND tn.nspname = %(schema)s)
GROUP BY c.relname"""

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
       AND con.conrelid IN (SELECT oid FROM rel)),
  (SELECT count(*) FROM pg_rewrite rw WHERE rw.ev_class IN (SELECT oid FROM rel)
       AND rw.rulename <> '_RETURN')"""

NOT_COMPARED_KEYS = (
    "views",
    "materialized_views",
    "foreign_tables",
    "sequences",
    "functions",
    "triggers",
    "exclusion_constraints",
    "rules",
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
FK_MATCH_CODES: Mapping[str, str] = MappingProxyType({"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"})
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

# The schema's catalog rows, reduced to their count and a sum of hashes of their keys and
# ``xmin``s: any committed change to them (a row added, removed or updated) changes it. It covers
# every catalog row that the queries read or that a pg_get_* function or format_type looks up:
# the schema, its relations (tables, indexes, sequences, views) and the tables its foreign keys
# reference, their columns, defaults, indexes, constraints, policies and triggers, the types the
# columns use (their elements, enum labels and schemas), and the schema's functions. A sum, not
# an ordered list: no sort, and two moments that differ collide with a chance of 2^-64.
SQL_FINGERPRINT = """
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = %(schema)s),
own AS (SELECT c.oid, c.relkind, c.xmin FROM pg_class c JOIN ns ON c.relnamespace = ns.oid),
ref AS (SELECT DISTINCT con.confrelid AS oid FROM pg_constraint con
        JOIN own ON con.conrelid = own.oid WHERE con.confrelid <> 0),
col AS (SELECT a.attrelid, a.attnum, a.atttypid, a.xmin FROM pg_attribute a
        WHERE a.attnum > 0 AND (a.attrelid IN (SELECT oid FROM own WHERE relkind IN ('r', 'p'))
                                OR a.attrelid IN (SELECT oid FROM ref))),
typ AS (SELECT t.oid, t.typelem, t.typnamespace, t.xmin FROM pg_type t
        WHERE t.oid IN (SELECT atttypid FROM col)),
typs AS (SELECT oid, typnamespace, xmin FROM typ
         UNION SELECT t.oid, t.typnamespace, t.xmin FROM typ JOIN pg_type t ON t.oid = typ.typelem)
SELECT count(*), sum(hashtextextended(k, 0)::numeric) FROM (
  SELECT 'n' || n.oid || ':' || n.xmin FROM pg_namespace n
  WHERE n.oid IN (SELECT oid FROM ns UNION SELECT typnamespace FROM typs
                  UNION SELECT c.relnamespace FROM pg_class c JOIN ref ON c.oid = ref.oid)
  UNION ALL SELECT 'r' || oid || ':' || xmin FROM own
  UNION ALL SELECT 'R' || c.oid || ':' || c.xmin FROM ref JOIN pg_class c ON c.oid = ref.oid
  UNION ALL SELECT 'a' || attrelid || '.' || attnum || ':' || xmin FROM col
  UNION ALL SELECT 'd' || d.oid || ':' || d.xmin FROM own JOIN pg_attrdef d ON d.adrelid = own.oid
  UNION ALL SELECT 'i' || i.indexrelid || ':' || i.xmin FROM own
            JOIN pg_index i ON i.indrelid = own.oid
  UNION ALL SELECT 'k' || con.oid || ':' || con.xmin FROM pg_constraint con
            WHERE con.conrelid IN (SELECT oid FROM own) OR con.connamespace IN (SELECT oid FROM ns)
  UNION ALL SELECT 'p' || p.oid || ':' || p.xmin FROM own JOIN pg_policy p ON p.polrelid = own.oid
  UNION ALL SELECT 'g' || tg.oid || ':' || tg.xmin FROM own
            JOIN pg_trigger tg ON tg.tgrelid = own.oid
  UNION ALL SELECT 't' || oid || ':' || xmin FROM typs
  UNION ALL SELECT 'e' || e.oid || ':' || e.xmin FROM typs JOIN pg_enum e ON e.enumtypid = typs.oid
  UNION ALL SELECT 'f' || p.oid || ':' || p.xmin FROM pg_proc p JOIN ns ON p.pronamespace = ns.oid
) AS catalog_rows (k)"""

# Sent first, in the read's transaction: how long any lock is waited for (SET LOCAL, in ms).
SQL_LOCK_TIMEOUT = "SELECT set_config('lock_timeout', %(lock_timeout)s, true)"

# Who holds (or waits ahead of a read for) an ACCESS EXCLUSIVE lock on the schema's relations or
# on the catalogs: the only mode that blocks the ACCESS SHARE locks a read takes. An index is
# named by its table; names are schema-qualified and quoted where SQL needs it. Holders first.
SQL_LOCKED = """
SELECT DISTINCT format('%%I.%%I', COALESCE(tn.nspname, n.nspname), COALESCE(t.relname, c.relname)),
       l.mode, l.granted
FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indexrelid = c.oid
LEFT JOIN pg_class t ON t.oid = i.indrelid
LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.pid <> pg_backend_pid()
  AND l.database IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
  AND n.nspname IN (%(schema)s, 'pg_catalog')
ORDER BY 3 DESC, 1"""

# The batched queries, in the order they are sent, all in one snapshot. The fingerprint comes
# first: its result is kept even when a later query fails.
QUERIES = (
    SQL_FINGERPRINT,
    SQL_SCHEMA,
    SQL_COLUMNS,
    SQL_CONSTRAINTS,
    SQL_INDEXES,
    SQL_ENUMS,
    SQL_POLICIES,
    SQL_COUNTS,
    SQL_TABLE_OPTIONS,
    SQL_ELSEWHERE,
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
    force_row_level_security: bool = False
    unlogged: bool = False
    partitioned: str = ""

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
            force_row_level_security=self.force_row_level_security,
            unlogged=self.unlogged,
            partitioned=self.partitioned,
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


# Statements one attempt runs: the lock timeout and the batched queries in the snapshot, then
# the lock timeout again and the fingerprint in a new transaction.
STATEMENTS = len(QUERIES) + 3

# A read that saw the schema change is made this many times in all before it gives up.
ATTEMPTS = 2


class _SchemaChanged(Exception):
    """The catalog changed between a read's snapshot and the end of the read."""


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
            return _build(_read_once(conn, options, source), options, source)
        except _SchemaChanged:
            continue
    raise DatabaseError(
        f"cannot read {source}: the schema changed while it was read ({ATTEMPTS} attempts); "
        "run the check again once the migration or DDL is over"
    )


def _read_once(
    conn: psycopg.Connection[Any], options: ReflectOptions, source: str
) -> list[list[Any]]:
    """The rows of ``QUERIES`` from one snapshot; ``_SchemaChanged`` when the schema's catalog
    committed a change between the snapshot and the end of the read."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.rollback()
    _snapshot_transactions(conn)
    params = _params(options)
    cursors: list[psycopg.Cursor[Any]] = []
    try:
        with _maybe_pipeline(conn):
            conn.execute(SQL_LOCK_TIMEOUT, params)
            cursors = [conn.execute(sql, params) for sql in QUERIES]
        results: list[list[Any]] = [cur.fetchall() for cur in cursors]
        conn.commit()  # the snapshot ends; the fingerprint below is read in a new one
        now = _fingerprint_now(conn, params)
    except psycopg.errors.LockNotAvailable:
        conn.rollback()
        raise DatabaseError(_locked_message(conn, options, source)) from None
    except psycopg.Error:
        if conn.broken:
            raise
        # A pg_get_* function can fail on an object a concurrent DDL just dropped: a change.
        conn.rollback()
        before = _fetched(cursors[0]) if cursors else None
        if before is not None and before != _fingerprint_now(conn, params):
            raise _SchemaChanged from None
        raise
    if results[0] != now or _unprintable(results):
        raise _SchemaChanged
    return results


def _params(options: ReflectOptions) -> dict[str, str]:
    """The queries' parameters: the schema, and the lock timeout as PostgreSQL spells it."""
    milliseconds = max(1, math.ceil(options.lock_timeout * 1000))
    return {"schema": options.schema, "lock_timeout": f"{milliseconds}ms"}


@contextmanager
def _maybe_pipeline(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """One round trip for the batch where libpq can (14 and later); else one per statement."""
    if psycopg.Pipeline.is_supported():
        with conn.pipeline():
            yield
    else:
        yield


def _fetched(cursor: psycopg.Cursor[Any]) -> Any:
    """A cursor's rows, or None when its statement did not run (a batch that failed first)."""
    try:
        return cursor.fetchall()
    except psycopg.Error:
        return None


def _fingerprint_now(conn: psycopg.Connection[Any], params: Mapping[str, str]) -> Any:
    """The fingerprint in a transaction of its own, under the same lock timeout (SET LOCAL, so
    that nothing outlives it on a pooled server connection)."""
    try:
        with _maybe_pipeline(conn):
            conn.execute(SQL_LOCK_TIMEOUT, params)
            cursor = conn.execute(SQL_FINGERPRINT, params)
        return cursor.fetchall()
    finally:
        if not conn.broken:
            conn.rollback()


def _unprintable(results: Sequence[Sequence[Any]]) -> bool:
    """True when a pg_get_* function printed NULL for an object the snapshot holds: the object
    was dropped (and committed) after the snapshot was taken."""
    columns, constraints, indexes = results[2], results[3], results[4]
    return (
        any(row[18] and row[9] is None for row in columns)  # a default pg_get_expr lost
        or any(row[2] == "c" and row[9] is None for row in constraints)  # a CHECK's definition
        or any(None in row[4] for row in indexes)
    )


def _locked_message(conn: psycopg.Connection[Any], options: ReflectOptions, source: str) -> str:
    """Which table a lock timeout waited for, and in which lock mode: read in ``pg_locks`` once
    the wait is over (the error itself names neither)."""
    waited = f"lock_timeout ({options.lock_timeout:g} s) ran out"
    advice = "run the check again when it is released, or raise lock_timeout in [tool.twinschema]"
    params = _params(options)
    try:
        with _maybe_pipeline(conn):
            conn.execute(SQL_LOCK_TIMEOUT, params)
            cursor = conn.execute(SQL_LOCKED, params)
        rows = cursor.fetchall()
    except psycopg.Error:
        rows = []
    if not conn.broken:
        conn.rollback()
    held = [row for row in rows if row[2]] or rows
    if not held:
        return (
            f"cannot read {source}: a table of schema {options.schema!r} stayed locked by "
            f"another session and {waited}; {advice}"
        )
    names = list(dict.fromkeys(name for name, _, _ in held))
    modes = " and ".join(sorted({_lock_mode(mode) for _, mode, _ in held}))
    how = "held" if held[0][2] else "requested first"
    noun = "table" if len(names) == 1 else "tables"
    return (
        f"cannot read {source}: {noun} {', '.join(names)} locked {modes} ({how} by another session), and "
        f"{waited}; {advice}"
    )


def _lock_mode(mode: str) -> str:
    """``AccessExclusiveLock`` as SQL spells it: ``ACCESS EXCLUSIVE``."""
    words = re.findall(r"[A-Z][a-z]*", mode.removesuffix("Lock"))
    return " ".join(words).upper()


def _build(results: list[list[Any]], options: ReflectOptions, source: str) -> Schema:
    """The raw ``Schema`` from the rows of ``QUERIES``."""
    (
        _,
        schema_rows,
        column_rows,
        constraint_rows,
        index_rows,
        enum_rows,
        policy_rows,
        count_rows,
        option_rows,
        elsewhere_rows,
        _search_path,
        object_rows,
    ) = results

    if not schema_rows:
        raise DatabaseError(f"schema {options.schema!r} does not exist in {source}")
    _, usage, role, timezone = schema_rows[0]
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
    _add_table_options(parts_by_oid, option_rows)

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
         typtype, typname, type_oid, array, domain, coll_name, coll_exact, coll_locale,
         _, generator) in rows:  # fmt: skip
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
            definition = domain_definition(DIALECT, domain)
            ctype = ColumnType(DIALECT, typname, array=array, raw=spelling, definition=definition)
        else:
            ctype = _parse_type(spelling)
        column_identity = IDENTITY_CODES.get(identity)
        raw_default = default
        computed = None
        if generated:  # a generated column has an expression, not a default
            computed = Generated(default, GENERATED_CODES.get(generated, generated), default)
            default = raw_default = None
        elif default is not None and default.startswith("nextval("):
            default, column_identity = None, IDENTITY_SEQUENCE
        collation = None if coll_name is None else collation_of(coll_name, coll_exact, coll_locale)
        current.columns.append(
            pool.column(
                name,
                ctype,
                not notnull,
                default,
                column_identity,
                raw_default,
                collation,
                computed,
                generator if column_identity else None,
            )
        )
    return tables


def _add_constraints(
    tables: Mapping[int, _TableParts], rows: Sequence[Sequence[Any]], schema: str
) -> None:
    for (oid, name, kind, columns, ref_schema, ref_table, ref_columns, on_delete, on_update,
         definition, include, nulls_not_distinct, deferrable, deferred, match,
         set_columns) in rows:  # fmt: skip
        parts = tables.get(oid)
        if parts is None:
            continue
        if kind == "p":
            parts.primary_key = tuple(columns)
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
            parts.uniques.append(UniqueConstraint(tuple(columns), name, not nulls_not_distinct))
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
                )
            )
        else:
            expression = check_expression(definition)
            parts.checks.append(CheckConstraint(expression, name, expression))


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


def _add_indexes(tables: Mapping[int, _TableParts], rows: Sequence[Sequence[Any]]) -> None:
    for (oid, name, unique, method, expressions, where, elements, definition, include,
         not_distinct) in rows:  # fmt: skip
        parts = tables.get(oid)
        if parts is None:
            continue
        columns = {c.name for c in parts.columns}
        options = [int(e[0] or 0) for e in elements]
        descending = [bool(o & INDOPTION_DESC) for o in options]
        parts.indexes.append(
            Index(
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
            )
        )


def _written_collation(element: str, columns: set[str], definition: str | None) -> bool:
    """True when an index element's collation is its own: a column's always (the query keeps
    only one that differs from the column's), an expression's when the index definition writes
    it (``lower(a) COLLATE "C"``; the catalog also holds the one it derives from ``a``)."""
    if element in columns:
        return True
    text = definition or ""
    return f"{element} COLLATE " in text or f"{element}) COLLATE " in text


# The built-in operator classes that are the default of every index method they belong to
# (``pg_opclass.opcdefault`` on PostgreSQL 16; ``inet_ops`` is not: it is GiST's default only).
# The catalog says whether an index uses its type's default operator class; a model names one
# by name only: one of these named in a model is the default, as the catalog would say.
DEFAULT_OPCLASSES = frozenset(
    {
        "aclitem_ops", "array_ops", "bit_minmax_ops", "bit_ops", "bool_ops", "box_inclusion_ops",
        "box_ops", "bpchar_minmax_ops", "bpchar_ops", "bytea_minmax_ops", "bytea_ops",
        "char_minmax_ops", "char_ops", "cid_ops", "circle_ops", "date_minmax_ops", "date_ops",
        "enum_ops", "float4_minmax_ops", "float4_ops", "float8_minmax_ops", "float8_ops",
        "inet_inclusion_ops", "int2_minmax_ops", "int2_ops", "int4_minmax_ops", "int4_ops",
        "int8_minmax_ops", "int8_ops", "interval_minmax_ops", "interval_ops", "jsonb_ops",
        "macaddr8_minmax_ops", "macaddr8_ops", "macaddr_minmax_ops", "macaddr_ops", "money_ops",
        "multirange_ops", "name_minmax_ops", "name_ops", "numeric_minmax_ops", "numeric_ops",
        "oid_minmax_ops", "oid_ops", "oidvector_ops", "pg_lsn_minmax_ops", "pg_lsn_ops",
        "point_ops", "poly_ops", "quad_point_ops", "range_inclusion_ops", "range_ops",
        "record_ops", "text_minmax_ops", "text_ops", "tid_minmax_ops", "tid_ops",
        "time_minmax_ops", "time_ops", "timestamp_minmax_ops", "timestamp_ops",
        "timestamptz_minmax_ops", "timestamptz_ops", "timetz_minmax_ops", "timetz_ops",
        "tsquery_ops", "tsvector_ops", "uuid_minmax_ops", "uuid_ops", "varbit_minmax_ops",
        "varbit_ops", "xid8_ops", "xid_ops",
    }
)  # fmt: skip


def operator_class(name: str) -> str:
    """An operator class as an ``Index`` keeps it: "" for a built-in default one."""
    return "" if name.lower() in DEFAULT_OPCLASSES else name


# pg_index.indoption bits (src/include/catalog/pg_index.h); a NULLS placement is kept only where
# it is not the default for its direction (NULLS LAST for ASC, NULLS FIRST for DESC).
INDOPTION_DESC = 1
INDOPTION_NULLS_FIRST = 2
_NULLS = {True: "NULLS FIRST", False: "NULLS LAST"}

# pg_attribute.attgenerated: 's' stored (12+), 'v' virtual (18+).
GENERATED_CODES: Mapping[str, str] = MappingProxyType(
    {"s": GENERATED_STORED, "v": GENERATED_VIRTUAL}
)

# What a nondeterministic ICU collation makes equal, by its strength: the ``ks`` keyword of a
# BCP 47 locale (und-u-ks-level2) or the older ``colStrength`` attribute (@colStrength=secondary).
# Level 3 and above tell case apart: only a nondeterministic collation below it merges values.
ICU_STRENGTHS: Mapping[str, str] = MappingProxyType(
    {
        "level1": EQUALITY_CASE_ACCENT,
        "primary": EQUALITY_CASE_ACCENT,
        "level2": EQUALITY_CASE,
        "secondary": EQUALITY_CASE,
    }
)
_ICU_STRENGTH = re.compile(r"(?:-ks-|colstrength=)([a-z0-9]+)", re.IGNORECASE)


def collation_of(name: str, deterministic: bool | None, locale: str | None) -> Collation:
    """A PostgreSQL collation other than the default, with what it makes equal.

    A deterministic collation never makes different strings equal (it may sort them its own
    way); a nondeterministic one (ICU) does, as far as its strength says (``ICU_STRENGTHS``).
    ``deterministic`` None means only the name is known (a metadata module): see
    ``named_collation``.
    """
    if deterministic is None:
        return named_collation(name)
    if deterministic:
        return Collation(name, EQUALITY_EXACT)
    strength = _ICU_STRENGTH.search(locale or "")
    equality = ICU_STRENGTHS.get(strength.group(1).lower()) if strength else None
    return Collation(name, equality or f"nondeterministic {locale}")


# The collations every PostgreSQL server has, all deterministic (initdb creates one per locale of
# the system (en_US, en_US.utf8) and per ICU locale (de-DE-x-icu), all deterministic too.
_BUILTIN_DETERMINISTIC = frozenset({"c", "posix", "ucs_basic", "unicode", "default"})
_LOCALE_NAME = re.compile(r"^(?:[a-z]{2,3}(?:_[a-z]{2})?(?:\.[a-z0-9-]+)?|.+-x-icu)$", re.I)


def named_collation(name: str) -> Collation:
    """A collation known by name only (a metadata module's ``String(collation=...)``): a built-in
    or a locale-named one is deterministic; any other may be a nondeterministic collation that
    a migration creates, so what it makes equal is unknown (None)."""
    if name.lower() in _BUILTIN_DETERMINISTIC or _LOCALE_NAME.match(name):
        return Collation(name, EQUALITY_EXACT)
    return Collation(name, None)


def _add_policies(tables: Mapping[int, _TableParts], rows: Sequence[Sequence[Any]]) -> None:
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


def _add_table_options(tables: Mapping[int, _TableParts], rows: Sequence[Sequence[Any]]) -> None:
    for oid, force, unlogged, partition_key in rows:
        parts = tables.get(oid)
        if parts is not None:
            parts.force_row_level_security = force
            parts.unlogged = unlogged
            parts.partitioned = partition_key


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

    def open_reader(self, url: URL, options: ReflectOptions) -> Callable[[], Schema]:
        """Nothing to do now: connecting is network waits, which belong in the reader too."""
        return functools.partial(reflect, url, options)


ADAPTER: Adapter = PostgreSQLAdapter()
