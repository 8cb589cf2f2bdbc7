"""Catalog queries of the PostgreSQL baseline for what follows the tables (``baseline``): each
row is a name, the statement that makes the object and the one that drops it."""

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
