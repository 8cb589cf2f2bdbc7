"""The catalog query parts that read a PostgreSQL domain column's definition through every level
of a domain over a domain (``postgresql_catalog`` sends them within its column query)."""

# A domain column's definition (``canonical.domains.domain_parts`` reads it): a domain over a
# domain (``CREATE DOMAIN b AS a CHECK ...``) read through every level down to its base type, as
# PostgreSQL 16 enforces it: the CHECKs and NOT NULL of every level (each refuses what it
# refuses, also one added by ALTER DOMAIN after the upper level was made), the base type's
# arguments and its collation below all levels. The DEFAULT is the column's domain's own: CREATE
# DOMAIN copies its base domain's DEFAULT where it writes none, and an insert reads no other
# level's (a later ALTER DOMAIN a SET DEFAULT leaves b's column without it, run on PostgreSQL 16).
DOMAIN_DEFINITION = """
    WITH RECURSIVE lv (oid, base, mod, not_null, depth) AS (
        SELECT et.oid, et.typbasetype, et.typtypmod, et.typnotnull, 0
        UNION ALL
        SELECT b.oid, b.typbasetype, b.typtypmod, b.typnotnull, lv.depth + 1
        FROM lv JOIN pg_type b ON b.oid = lv.base AND b.typtype = 'd' AND lv.depth < 64)
    SELECT concat_ws(' ',
        format_type(bottom.base, bottom.mod),
        (SELECT 'COLLATE "' || replace(dc.collname, '"', '""') || '"'
         FROM pg_collation dc JOIN pg_type bt ON bt.oid = bottom.base
         WHERE dc.oid = et.typcollation AND et.typcollation <> bt.typcollation),
        CASE WHEN (SELECT bool_or(l.not_null) FROM lv l) THEN 'NOT NULL' END,
        'DEFAULT ' || et.typdefault,
        (SELECT string_agg(DISTINCT pg_get_constraintdef(k.oid), ' '
                           ORDER BY pg_get_constraintdef(k.oid))
         FROM pg_constraint k WHERE k.contypid IN (SELECT l.oid FROM lv l)))
    FROM (SELECT l.base, l.mod FROM lv l ORDER BY l.depth DESC LIMIT 1) bottom"""


# Of a domain column's definition, for messages: the level that holds its NOT NULL (the nearest)
# and each level's CHECKs with their domain and name, as JSON {"not_null": name, "checks":
# [[definition, domain, name], ...]}.
DOMAIN_LEVELS = """
    WITH RECURSIVE lv (oid, base, not_null, depth) AS (
        SELECT et.oid, et.typbasetype, et.typnotnull, 0
        UNION ALL
        SELECT b.oid, b.typbasetype, b.typnotnull, lv.depth + 1
        FROM lv JOIN pg_type b ON b.oid = lv.base AND b.typtype = 'd' AND lv.depth < 64)
    SELECT json_build_object(
        'not_null', (SELECT t.typname::text FROM lv l JOIN pg_type t ON t.oid = l.oid
                     WHERE l.not_null ORDER BY l.depth LIMIT 1),
        'checks', (SELECT json_agg(json_build_array(pg_get_constraintdef(k.oid),
                                                    t.typname::text, k.conname::text)
                                   ORDER BY l.depth, k.conname)
                   FROM lv l JOIN pg_constraint k ON k.contypid = l.oid
                   JOIN pg_type t ON t.oid = l.oid))"""
