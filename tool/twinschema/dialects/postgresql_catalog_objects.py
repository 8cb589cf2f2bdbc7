"""The PostgreSQL catalog queries for what a schema holds besides its tables: the counts of
what is not compared, and the views, triggers, functions and sequences read as
``SchemaObject``s (sent by ``postgresql_catalog.queries`` with the others)."""

from __future__ import annotations

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
OBJECT_COUNT_KEYS = frozenset(
    {"views", "materialized_views", "sequences", "triggers", "rules", "exclusion_constraints"}
)


# One row per view (materialized too), trigger, rule (not a view's own ``_RETURN``), function
# or procedure, and sequence that no
# extension owns and no column owns (serial and identity sequences are compared as the column's
# identity): kind, name, table, a detail (a view's relkind and options, a trigger's tgenabled,
# then `` replica`` where the database's session_replication_role is replica; a rule's
# ev_enabled),
# the definition as the catalog prints it, the schema's name as SQL quotes it, and for a view
# whether one of its IS [NOT] NULL tests is on a row value (``postgresql_views``).
_PROC = _NOT_EXTENSION.format(catalog="'pg_proc'", oid="p.oid")


SQL_OBJECTS = f"""
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = %(schema)s),
rel AS (SELECT c.oid, c.relkind, c.relname, c.reloptions FROM pg_class c
        WHERE c.relnamespace IN (SELECT oid FROM ns) AND {_REL})
SELECT 'view', c.relname::text, NULL::text,
       c.relkind::text || coalesce(' ' || array_to_string(c.reloptions, ', '), ''),
       pg_get_viewdef(c.oid, true), quote_ident(%(schema)s),
       EXISTS (SELECT 1 FROM pg_rewrite r WHERE r.ev_class = c.oid
               AND r.ev_action::text LIKE '%%:argisrow true%%'),
       ARRAY(SELECT a.attname::text FROM pg_attribute a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
FROM rel c WHERE c.relkind IN ('v', 'm')
UNION ALL
SELECT 'trigger', tg.tgname::text, c.relname::text,
       tg.tgenabled::text || CASE current_setting('session_replication_role')
                             WHEN 'replica' THEN ' replica' ELSE '' END,
       pg_get_triggerdef(tg.oid, false), quote_ident(%(schema)s), NULL, NULL
FROM pg_trigger tg JOIN rel c ON c.oid = tg.tgrelid
WHERE NOT tg.tgisinternal AND tg.tgparentid = 0  -- a partition's clone is its parent's trigger
UNION ALL
SELECT 'function', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       NULL, NULL, pg_get_functiondef(p.oid), quote_ident(%(schema)s), NULL, NULL
FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM ns) AND p.prokind IN ('f', 'p')
  AND {_PROC}
UNION ALL
SELECT 'rule', rw.rulename::text, c.relname::text, rw.ev_enabled::text,
       pg_get_ruledef(rw.oid, false), quote_ident(%(schema)s), NULL, NULL
FROM pg_rewrite rw JOIN rel c ON c.oid = rw.ev_class WHERE rw.rulename <> '_RETURN'
UNION ALL
SELECT 'exclusion', con.conname::text, c.relname::text, NULL,
       pg_get_constraintdef(con.oid, true), quote_ident(%(schema)s), NULL, NULL
FROM pg_constraint con JOIN rel c ON c.oid = con.conrelid WHERE con.contype = 'x'
UNION ALL
SELECT 'sequence', s.sequencename::text, NULL, NULL,
       concat_ws(' ', 'as', s.data_type::regtype::text, 'start', s.start_value,
                 'minvalue', s.min_value, 'maxvalue', s.max_value, 'increment', s.increment_by,
                 'cache', s.cache_size, CASE WHEN s.cycle THEN 'cycle' ELSE 'no cycle' END),
       quote_ident(%(schema)s), NULL, NULL
FROM pg_sequences s JOIN rel c ON c.relname = s.sequencename AND c.relkind = 'S'
WHERE s.schemaname = %(schema)s AND NOT EXISTS (
    SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
ORDER BY 1, 3, 2"""
