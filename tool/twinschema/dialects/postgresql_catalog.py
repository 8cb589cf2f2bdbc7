"""The catalog queries the PostgreSQL adapter sends, one per object kind for the whole schema (the
catalog's one-letter codes are in ``postgresql_codes``)."""

from __future__ import annotations

from functools import cache

from twinschema.dialects.postgresql_catalog_objects import SQL_COUNTS, SQL_OBJECTS
from twinschema.dialects.postgresql_catalog_sequences import (
    COLUMN_SEQUENCES,
    KEY_READ_FOR_MAX,
    SEQUENCE_FAILS,
)
from twinschema.dialects.postgresql_consistency import SQL_FINGERPRINT
from twinschema.dialects.postgresql_domain_sql import DOMAIN_DEFINITION, DOMAIN_LEVELS
from twinschema.dialects.postgresql_extensions import EXTENSION_CTES, EXTENSION_NAMES
from twinschema.dialects.postgresql_locale import SQL_DATABASE_LOCALE

# Every query takes the schema's name as %(schema)s and reads tables and partitioned tables that
# no extension owns. One row per column (a table without columns has one row with NULLs).
_TABLE_FILTER = """
    c.relkind IN ('r', 'p')
    AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                    AND e.objid = c.oid AND e.deptype = 'e')"""


# Sent after the fingerprint, before every query that prints an expression: the read schema
# alone on the search path, so that pg_get_expr, pg_get_constraintdef, pg_get_indexdef,
# pg_get_viewdef and format_type print the schema's own types, functions, sequences and tables
# unqualified (``'a'::mood``, not ``'a'::app.mood``; they qualify a name only when the path does
# not find it): two databases holding the same objects in differently named schemas read alike.
# A name of any other schema, ``public`` included, keeps its qualifier (``'a'::other.mood``), so
# it never reads as one of the checked schema's. For the read-only transaction only.
SQL_SEARCH_PATH = "SELECT set_config('search_path', quote_ident(%(schema)s), true)"


# Whether the session's TimeZone is UTC for a clock, whatever its name: the server's own zone
# data gives it UTC's local time at now and at each month of the coming year (DST included).
_ZONE_IS_UTC = """(
    SELECT bool_and(timezone(current_setting('TimeZone'), m) = timezone('UTC', m))
    FROM generate_series(0, 12) k, LATERAL (SELECT now() + k * interval '1 month' AS m) a)"""


# What the session's zone is, by what the server renders, not by its name (a link such as
# Asia/Calcutta, or 'UTC+3' against 'Etc/GMT+3', is one zone): a hash of its offset from UTC
# (the local rendering of each instant, less UTC's) at each hour of the coming year (the clock:
# defaults, CURRENT_DATE) and at every 7 days and 1 hour from 1850 to 2100 (values read in the
# zone: a CHECK over a stored timestamptz; the odd hour walks the samples through the hours of
# the day and the days of the week), and whether that offset is 0 all along. About 16 ms per
# read on a shared core, where each day at midnight (91,000 instants) took 134 ms.
_OFFSET = "extract(epoch from m::timestamp - timezone('UTC', m))::int"
_ZONE_NOW = f"""(
    SELECT md5(string_agg({_OFFSET}::text, ',' ORDER BY m))
    FROM (SELECT date_trunc('hour', timezone('UTC', now())) AT TIME ZONE 'UTC' AS h) a,
         generate_series(a.h, a.h + interval '366 days', interval '1 hour') m)"""
_ZONE_HISTORY = f"""(
    SELECT ROW(md5(string_agg({_OFFSET}::text, ',' ORDER BY m)), bool_and({_OFFSET} = 0))::text
    FROM generate_series(timestamptz '1850-01-01 00:00+00', timestamptz '2100-01-01 00:00+00',
                         interval '7 days 1 hour') m)"""


# What the zone's hashes hold for: the server (its postmaster's start: the zone data it runs
# with), the session's TimeZone and the hour they start at. The hashes were most of a read's
# server time (about 45 of 55 ms): a caller that has them for this key (from an earlier read on
# the same server, ``postgresql_read`` keeps them) passes it as %(zone_known)s and gets NULLs
# instead. The server compares the key itself, so a restarted or another server, or another
# TimeZone, computes them anew.
_ZONE_KEY = (
    "extract(epoch FROM pg_postmaster_start_time())::text || ' ' || current_setting('TimeZone')"
    " || ' ' || date_trunc('hour', timezone('UTC', now()))"
)
_ZONE_NEEDED = f"({_ZONE_KEY}) IS DISTINCT FROM %(zone_known)s"


# The schema, the role's USAGE on it, the role, the session's time zone and whether it is UTC,
# the names extensions of other schemas own (``postgresql_extensions``), the database's locale
# (``postgresql_locale``), the zone's hashes
# (NULL where the caller knows them) and what they hold for.
SQL_SCHEMA = f"""
WITH {EXTENSION_CTES}
SELECT n.oid, has_schema_privilege(n.oid, 'USAGE'), current_user::text,
       current_setting('TimeZone'), {_ZONE_IS_UTC}, {EXTENSION_NAMES}, {SQL_DATABASE_LOCALE},
       CASE WHEN {_ZONE_NEEDED} THEN {_ZONE_NOW} END,
       CASE WHEN {_ZONE_NEEDED} THEN {_ZONE_HISTORY} END, {_ZONE_KEY}
FROM pg_namespace n WHERE n.nspname = %(schema)s"""


# Catalog columns that only some server versions have are named in the query text chosen for the
# server's version (``queries``), once per connection: the text below holds them as {fields}.


def _version_fields(server_version: int) -> dict[str, str]:
    """The version-dependent parts of the queries, for ``server_version`` (160002 is 16.2).

    ``locale``: a collation's locale, colllocale (17+), colliculocale (15, 16) or collcollate
    (ICU before 15), of the collation ``co``. ``unique_nulls`` / ``index_nulls``: NULLS NOT
    DISTINCT (15+) of a UNIQUE constraint's index and of an index. ``set_null_columns``: the
    column numbers of ``ON DELETE SET NULL (cols)`` (15+), as an int2[]."""
    if server_version >= 170000:
        locale = "coalesce(co.colllocale, co.collcollate::text)"
    elif server_version >= 150000:
        locale = "coalesce(co.colliculocale, co.collcollate::text)"
    else:
        locale = "co.collcollate::text"
    if server_version >= 150000:
        return {
            "locale": locale,
            "unique_nulls": "ix.indnullsnotdistinct",
            "index_nulls": "i.indnullsnotdistinct",
            "set_null_columns": "con.confdelsetcols",
        }
    return {
        "locale": locale,
        "unique_nulls": "NULL::boolean",
        "index_nulls": "false",
        "set_null_columns": "NULL::int2[]",
    }


_SQL_COLUMNS = f"""
SELECT c.oid, c.relname::text, c.relrowsecurity, has_table_privilege(c.oid, 'SELECT'),
       a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
       a.attgenerated, pg_get_expr(d.adbin, d.adrelid), et.typtype, et.typname::text, et.oid,
       et.oid IS DISTINCT FROM t.oid,
       CASE WHEN et.typtype = 'd' THEN ({DOMAIN_DEFINITION}) END,
       co.collname::text, co.collisdeterministic, {{locale}},
       d.adbin IS NOT NULL,
       CASE WHEN sq.seqrelid IS NOT NULL THEN concat_ws(' ',
           'start', sq.seqstart, 'increment', sq.seqincrement,
           -- a bound beyond the column's own range is that range: the insert fails there
           -- either way (a bigint sequence OWNED BY an integer key)
           'minvalue', greatest(sq.seqmin, CASE a.atttypid
               WHEN 'int2'::regtype THEN -32768 WHEN 'int4'::regtype
               THEN -2147483648 ELSE sq.seqmin END),
           'maxvalue', least(sq.seqmax, CASE a.atttypid
               WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype
               THEN 2147483647 ELSE sq.seqmax END),
           'cache', sq.seqcache,
           CASE WHEN sq.seqcycle THEN 'cycle' ELSE 'no cycle' END) END,
       sq.owned IS TRUE, sq.owner::regclass::text || '.' || quote_ident(sq.owner_column),
       {SEQUENCE_FAILS},
       CASE WHEN et.typtype = 'd' THEN ({DOMAIN_LEVELS}) END,
       -- the other tables whose defaults draw from the same sequence (Column.shares_ids_with)
       CASE WHEN sq.seqrelid IS NOT NULL THEN ARRAY(
           SELECT DISTINCT sr.relname::text
           FROM pg_depend sp JOIN pg_attrdef sd ON sd.oid = sp.objid
           JOIN pg_class sr ON sr.oid = sd.adrelid
           WHERE sp.classid = 'pg_attrdef'::regclass AND sp.refclassid = 'pg_class'::regclass
             AND sp.refobjid = sq.seqrelid AND coalesce(pg_partition_root(sd.adrelid),
                 sd.adrelid) <> coalesce(pg_partition_root(c.oid), c.oid) ORDER BY 1) END,
       -- the sequence whose state (last_value, is_called) is read next (sequence_state), where
       -- the role may read it (SELECT on it, USAGE on its schema)
       CASE WHEN sq.readable THEN sq.seqrelid END,
       CASE WHEN sq.readable THEN sq.seqrelid::regclass::text END,
       {KEY_READ_FOR_MAX}
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = %(schema)s
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
LEFT JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type et ON et.oid = CASE
    WHEN t.typtype <> 'd' AND t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
LEFT JOIN pg_collation co ON co.oid = nullif(a.attcollation, t.typcollation)
LEFT JOIN {COLUMN_SEQUENCES} sq ON sq.relid = c.oid AND sq.attnum = a.attnum
WHERE {_TABLE_FILTER}
ORDER BY c.relname, a.attnum"""


# PRIMARY KEY, UNIQUE, FOREIGN KEY and CHECK constraints. A foreign key that references a
# partitioned table has one hidden child row per referenced partition: those are left out. Of
# a foreign key's last five columns, the first two name its triggers on its referenced table,
# ON DELETE (tgtype bit 8) and ON UPDATE (bit 16): a table's triggers fire in the order of their
# names; the last three are the tgenabled states of the triggers that enforce it on the child
# (RI_FKey_check_*) and on the parent, and the session's session_replication_role (replica: a
# trigger enabled as 'O' does not fire; ``postgresql_rows.key_off``).
_SQL_CONSTRAINTS = f"""
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
           SELECT {{unique_nulls}} FROM pg_index ix WHERE ix.indexrelid = con.conindid) END,
       con.condeferrable, con.condeferred, con.confmatchtype,
       ARRAY(SELECT a.attname::text
             FROM unnest({{set_null_columns}}) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
             ORDER BY k.ord),
       (SELECT min(t.tgname::text) FROM pg_trigger t WHERE t.tgconstraint = con.oid
          AND t.tgrelid = con.confrelid AND t.tgtype & 8 <> 0),
       (SELECT min(t.tgname::text) FROM pg_trigger t WHERE t.tgconstraint = con.oid
          AND t.tgrelid = con.confrelid AND t.tgtype & 16 <> 0),
       CASE WHEN con.contype = 'f' THEN (
           SELECT string_agg(DISTINCT tg.tgenabled::text, '') FROM pg_trigger tg
           JOIN pg_proc f ON f.oid = tg.tgfoid WHERE tg.tgconstraint = con.oid
           AND f.proname IN ('RI_FKey_check_ins', 'RI_FKey_check_upd')) END,
       CASE WHEN con.contype = 'f' THEN (
           SELECT string_agg(DISTINCT tg.tgenabled::text, '') FROM pg_trigger tg
           JOIN pg_proc f ON f.oid = tg.tgfoid WHERE tg.tgconstraint = con.oid
           AND f.proname NOT IN ('RI_FKey_check_ins', 'RI_FKey_check_upd')) END,
       current_setting('session_replication_role')
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
# collation makes equal; then the INCLUDE columns, NULLS NOT DISTINCT (15+), and whether the
# index is valid and ready (a failed CREATE INDEX CONCURRENTLY leaves one that is neither).
_SQL_INDEXES = f"""
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
                 co.collname::text, co.collisdeterministic, {{locale}})
             FROM generate_series(1, i.indnkeyatts) k
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]
             LEFT JOIN pg_opclass oc ON oc.oid = i.indclass[k - 1]
             LEFT JOIN pg_collation co
                 ON co.oid = nullif(i.indcollation[k - 1], coalesce(a.attcollation, 0))
             ORDER BY k),
       CASE WHEN 0 = ANY (i.indkey::int2[]) THEN pg_get_indexdef(i.indexrelid) END,
       ARRAY(SELECT a.attname::text FROM generate_series(i.indnkeyatts + 1, i.indnatts) k
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]
             ORDER BY k),
       {{index_nulls}}, i.indisvalid, i.indisready AND i.indislive
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


@cache
def queries(server_version: int) -> tuple[str, ...]:
    """The batched queries for a server of ``server_version`` (``connection.info.server_version``,
    160002 for 16.2), in the order they are sent, all in one snapshot. The fingerprint comes
    first: its result is kept even when a later query fails.

    Columns that only newer servers have are named directly in the text for those servers (an
    older server gets a constant): reading them through ``to_jsonb`` of the whole catalog row,
    so that one text served every version, made the constraint and index queries about twice
    as slow."""
    fields = _version_fields(server_version)
    return (
        SQL_FINGERPRINT,
        SQL_SEARCH_PATH,
        SQL_SCHEMA,
        _SQL_COLUMNS.format(**fields),
        _SQL_CONSTRAINTS.format(**fields),
        _SQL_INDEXES.format(**fields),
        SQL_ENUMS,
        SQL_POLICIES,
        SQL_COUNTS,
        SQL_TABLE_OPTIONS,
        SQL_ELSEWHERE,
        SQL_OBJECTS,
    )


# How many queries ``queries`` sends, whatever the server's version.
QUERY_COUNT = 12
