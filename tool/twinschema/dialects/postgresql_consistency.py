"""What keeps a PostgreSQL read consistent: a fingerprint of the schema's catalog rows (to see
that nothing changed between two reads) and the lock queries (how long a read waits, and who
holds the locks it would wait for)."""

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
