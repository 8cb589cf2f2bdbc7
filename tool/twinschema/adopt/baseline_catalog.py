"""Catalog queries of the PostgreSQL baseline (``baseline``), for what comes before the tables
(enum types, domains, sequences) and what follows them: each row is a name, the statement that
makes the object and the one that drops it."""

from __future__ import annotations

PG_EXTENSIONS = """
SELECT extname, format('CREATE EXTENSION IF NOT EXISTS %I', extname),
       format('DROP EXTENSION IF EXISTS %I', extname)
FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY extname"""

PG_TRIGGERS = """
SELECT g.tgname, pg_get_triggerdef(g.oid), format('DROP TRIGGER IF EXISTS %I ON %I', g.tgname, c.relname)
FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND NOT g.tgisinternal AND c.relname <> 'alembic_version'
ORDER BY g.oid"""


PG_RULES = """
SELECT r.rulename, pg_get_ruledef(r.oid, true),
       format('DROP RULE IF EXISTS %I ON %I', r.rulename, c.relname)
FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND r.rulename <> '_RETURN'
  AND (c.relname = ANY(%(tables)s) OR c.relkind IN ('v', 'm'))
ORDER BY r.oid"""


# An exclusion constraint, added once its table exists: SQLAlchemy's reflection has none, and a
# chain without it builds a database that stores two overlapping rows the live one refuses
# (s71live).
PG_EXCLUSIONS = """
SELECT k.conname, format('ALTER TABLE %I ADD CONSTRAINT %I %s', c.relname, k.conname,
                         pg_get_constraintdef(k.oid)),
       format('ALTER TABLE %I DROP CONSTRAINT IF EXISTS %I', c.relname, k.conname)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND k.contype = 'x' AND c.relname = ANY(%(tables)s)
ORDER BY k.oid"""


# A domain's CHECK marked NOT VALID, added once the domain exists: ``CREATE DOMAIN`` takes no NOT
# VALID (PostgreSQL 16: syntax error at or near "VALID"), so the baseline that wrote it there
# failed on every new database (stranger75 015); ``ALTER DOMAIN ... ADD CONSTRAINT ... NOT VALID``
# is what the server ran. Dropped with its domain.
PG_DOMAIN_NOT_VALID = """
SELECT k.conname, format('ALTER DOMAIN %I ADD CONSTRAINT %I %s', t.typname, k.conname,
                         pg_get_constraintdef(k.oid)), ''
FROM pg_constraint k JOIN pg_type t ON t.oid = k.contypid
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = %(schema)s AND t.typtype = 'd' AND NOT k.convalidated
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = t.oid AND e.deptype = 'e')
ORDER BY t.oid, k.conname"""


_NOT_EXTENSION = """NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = {oid}
    AND e.deptype = 'e')"""

PG_ENUMS = (
    """
SELECT t.typname,
       format('CREATE TYPE %I AS ENUM (%s)', t.typname,
              (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
               FROM pg_enum e WHERE e.enumtypid = t.oid)),
       format('DROP TYPE %I', t.typname)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = %(schema)s AND t.typtype = 'e' AND """
    + _NOT_EXTENSION.format(oid="t.oid")
    + """
ORDER BY t.oid"""
)

PG_DOMAINS = (
    """
SELECT t.typname,
       format('CREATE DOMAIN %I AS %s%s%s%s%s', t.typname, format_type(t.typbasetype, t.typtypmod),
              (SELECT ' COLLATE ' || quote_ident(dc.collname)
               FROM pg_collation dc JOIN pg_type bt ON bt.oid = t.typbasetype
               WHERE dc.oid = t.typcollation AND t.typcollation <> bt.typcollation),
              CASE WHEN t.typdefault IS NOT NULL THEN ' DEFAULT ' || t.typdefault END,
              CASE WHEN t.typnotnull THEN ' NOT NULL' END,
              coalesce((SELECT string_agg(' CONSTRAINT ' || quote_ident(k.conname) || ' '
                                          || pg_get_constraintdef(k.oid), '' ORDER BY k.conname)
                        FROM pg_constraint k WHERE k.contypid = t.oid AND k.convalidated), '')),
       format('DROP DOMAIN IF EXISTS %I', t.typname)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = %(schema)s AND t.typtype = 'd' AND """
    + _NOT_EXTENSION.format(oid="t.oid")
    + """
ORDER BY t.oid"""
)

PG_SEQUENCES = """
SELECT s.sequencename,
       format('CREATE SEQUENCE %I AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s '
              'CACHE %s%s', s.sequencename, s.data_type, s.increment_by, s.min_value,
              s.max_value, s.start_value, s.cache_size, CASE WHEN s.cycle THEN ' CYCLE' END),
       format('DROP SEQUENCE IF EXISTS %I', s.sequencename)
FROM pg_sequences s JOIN pg_class c ON c.relname = s.sequencename
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname
WHERE s.schemaname = %(schema)s
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('i', 'e'))
ORDER BY c.oid"""

PG_OWNED_BY = """
SELECT c.relname, format('ALTER SEQUENCE %I OWNED BY %I.%I', c.relname, t.relname, a.attname), ''
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_depend d ON d.objid = c.oid AND d.deptype = 'a' AND d.refobjsubid > 0
JOIN pg_class t ON t.oid = d.refobjid
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
WHERE n.nspname = %(schema)s AND c.relkind = 'S' ORDER BY c.oid"""

PG_FUNCTIONS = (
    """
SELECT p.proname, pg_get_functiondef(p.oid),
       format('DROP %s IF EXISTS %I(%s)', CASE p.prokind WHEN 'p' THEN 'PROCEDURE'
              ELSE 'FUNCTION' END, p.proname, pg_get_function_identity_arguments(p.oid))
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = %(schema)s AND p.prokind IN ('f', 'p') AND """
    + _NOT_EXTENSION.format(oid="p.oid")
    + """
ORDER BY p.oid"""
)

PG_AGGREGATES = (
    """
SELECT p.proname,
       format('CREATE AGGREGATE %I(%s) (SFUNC = %s, STYPE = %s%s%s)', p.proname,
              pg_get_function_identity_arguments(p.oid), a.aggtransfn::regproc,
              format_type(a.aggtranstype, NULL),
              CASE WHEN a.aggfinalfn::oid <> 0 THEN ', FINALFUNC = ' || a.aggfinalfn::regproc END,
              CASE WHEN a.agginitval IS NOT NULL
                   THEN ', INITCOND = ' || quote_literal(a.agginitval) END),
       format('DROP AGGREGATE IF EXISTS %I(%s)', p.proname,
              pg_get_function_identity_arguments(p.oid))
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = %(schema)s AND """
    + _NOT_EXTENSION.format(oid="p.oid")
    + """
ORDER BY p.oid"""
)

PG_INDEXES = """
SELECT i.relname, pg_get_indexdef(i.oid), ''
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = %(schema)s AND t.relname = ANY(%(tables)s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)
ORDER BY i.oid"""

PG_VIEWS = (
    """
SELECT c.relname,
       format('CREATE %sVIEW %I AS %s', CASE c.relkind WHEN 'm' THEN 'MATERIALIZED ' ELSE '' END,
              c.relname, rtrim(pg_get_viewdef(c.oid, true), ';')),
       format('DROP %sVIEW IF EXISTS %I', CASE c.relkind WHEN 'm' THEN 'MATERIALIZED ' ELSE '' END,
              c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind IN ('v', 'm') AND """
    + _NOT_EXTENSION.format(oid="c.oid")
    + """
ORDER BY c.oid"""
)
