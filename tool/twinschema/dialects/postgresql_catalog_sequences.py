"""The parts of the PostgreSQL columns query (``postgresql_catalog``) that read the sequence
behind each column: which one it draws from, whether a ``nextval()`` default's sequence exists,
and the key whose largest id in use ``postgresql_sequence_state`` reads beside it."""

from __future__ import annotations

# The sequence behind each column: the one it owns (serial, identity, OWNED BY), else the one its
# default draws from (nextval('s')), with the column owning that one where one does (a
# partition's or INHERITS child's key draws from its parent's); one per column: the one its
# default draws from, owned or not (a serial whose default a hand edit pointed at another
# table's sequence takes its ids from that one: recheck75 010), else of two it owns the first
# created (``init``'s baselines until stranger72 007 made a SERIAL beside the sequence they
# created, both owned by the key, the default drawing from the SERIAL's: the other's options
# were read). Read once for the database and joined, not looked up per column.
COLUMN_SEQUENCES = """(
    SELECT DISTINCT ON (relid, attnum) * FROM (
        SELECT q.refobjid AS relid, q.refobjsubid AS attnum, true AS owned,
               EXISTS (SELECT 1 FROM pg_depend dd JOIN pg_attrdef dad ON dad.oid = dd.objid
                       WHERE dd.classid = 'pg_attrdef'::regclass
                         AND dd.refclassid = 'pg_class'::regclass AND dd.refobjid = s.seqrelid
                         AND dad.adrelid = q.refobjid AND dad.adnum = q.refobjsubid) AS drawn,
               s.seqrelid,
               s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
               NULL::oid AS owner, NULL::name AS owner_column
        FROM pg_sequence s
        JOIN pg_depend q ON q.classid = 'pg_class'::regclass AND q.objid = s.seqrelid
             AND q.refclassid = 'pg_class'::regclass AND q.deptype IN ('a', 'i')
        UNION ALL
        SELECT ad.adrelid, ad.adnum, false, true, s.seqrelid,
               s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
               o.refobjid, oa.attname
        FROM pg_depend q
        JOIN pg_attrdef ad ON ad.oid = q.objid
        JOIN pg_sequence s ON s.seqrelid = q.refobjid
        LEFT JOIN pg_depend o ON o.classid = 'pg_class'::regclass AND o.objid = s.seqrelid
             AND o.refclassid = 'pg_class'::regclass AND o.deptype IN ('a', 'i')
        LEFT JOIN pg_attribute oa ON oa.attrelid = o.refobjid AND oa.attnum = o.refobjsubid
        WHERE q.classid = 'pg_attrdef'::regclass AND q.refclassid = 'pg_class'::regclass
    ) found
    CROSS JOIN LATERAL (
        SELECT has_sequence_privilege(found.seqrelid, 'SELECT')
               AND has_schema_privilege(sc.relnamespace, 'USAGE') AS readable
        FROM pg_class sc WHERE sc.oid = found.seqrelid) r
    ORDER BY relid, attnum, drawn DESC, owned DESC, seqrelid, owner, owner_column
)"""


# Where a nextval() default draws from no sequence the catalog ties to it (``nextval('s'::text)``
# records no dependency, so DROP SEQUENCE s leaves it behind), whether its name finds one: the
# error each insert that omits the column gets, else NULL. A name that finds no relation fails
# only where it names none in any schema (another could be on the application's search path) or
# names its schema; only plain names are looked up (to_regclass raises on a malformed one).
_NEXTVAL_TEXT = r"$re$^nextval\(\('((?:[^']|'')*)'::[a-z ]+\)::regclass\)$$re$"
_PLAIN_SEQUENCE = r"""$re$^("([^"]|"")+"|[^".\s]+)(\.("([^"]|"")+"|[^".\s]+))?$$re$"""
SEQUENCE_FAILS = f"""CASE WHEN sq.seqrelid IS NULL AND d.adbin IS NOT NULL THEN (
    SELECT CASE WHEN r.oid IS NULL
                THEN 'relation "' || array_to_string(p.parts, '.') || '" does not exist'
                WHEN r.relkind <> 'S' THEN '"' || r.relname || '" is not a sequence' END
    FROM (SELECT replace(substring(pg_get_expr(d.adbin, d.adrelid) FROM {_NEXTVAL_TEXT}),
                         '''''', '''') AS seq) m
    CROSS JOIN LATERAL (SELECT CASE WHEN m.seq ~ {_PLAIN_SEQUENCE} THEN parse_ident(m.seq) END,
                               CASE WHEN m.seq ~ {_PLAIN_SEQUENCE} THEN to_regclass(m.seq) END
                       ) p (parts, found)
    LEFT JOIN pg_class r ON r.oid = p.found
    WHERE p.parts IS NOT NULL AND (r.oid IS NOT NULL OR cardinality(p.parts) = 2 OR NOT EXISTS (
        SELECT 1 FROM pg_class o WHERE o.relname = p.parts[1]))) END"""


# The table and key, as the server quotes them (``regclass`` text, ``quote_ident``), whose
# largest id in use ``postgresql_sequence_state`` reads beside the sequence the key draws from
# (``Column.largest_id``): only an integer column that a unique index holds alone (a primary key,
# a UNIQUE, a unique index without predicate), whose max() that index serves in one descent, of a
# table the role may SELECT from; NULL otherwise. A sequence standing at or below it hands out an
# id in use: the next insert that omits the key fails (duplicate key) where that id is taken.
KEY_READ_FOR_MAX = """CASE WHEN sq.readable AND has_table_privilege(c.oid, 'SELECT')
           AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
           AND EXISTS (SELECT 1 FROM pg_index ui WHERE ui.indrelid = c.oid AND ui.indisunique
                       AND ui.indnkeyatts = 1 AND ui.indkey[0] = a.attnum
                       AND ui.indpred IS NULL AND ui.indexprs IS NULL)
       THEN ARRAY[c.oid::regclass::text, quote_ident(a.attname)] END"""
