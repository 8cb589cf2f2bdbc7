"""Dialect facts as data: which PostgreSQL sequences give a key the ids SQLite's rowid gives.

SQLite's ``INTEGER PRIMARY KEY`` (with or without AUTOINCREMENT) gives an insert that omits the
key 1, then 2, 3, ... (the largest id + 1), in every connection alike, up to 9223372036854775807,
and never wraps round (AUTOINCREMENT then fails, ``database or disk is full``; a plain rowid
picks an unused id). A PostgreSQL identity or serial key matches that (the comparer's
``rowid-alias``) only where its sequence does too: START 1, INCREMENT 1, CACHE 1, NO CYCLE and
no MAXVALUE below the column's own range. Each other option parts on ordinary inserts, checked
on SQLite 3.40 and PostgreSQL (stranger69 001):

- START WITH 1000: two inserts get 1000, 1001 (SQLite 1, 2) on a new database, and after a
  restart (``TRUNCATE ... RESTART IDENTITY``) on any: ``SET START WITH 1000`` on a sequence
  already made moves nothing until then (stranger70 008);
- INCREMENT BY 10: 1, 11;
- MAXVALUE 2: the third insert fails (``nextval: reached maximum value of sequence``);
- CYCLE: past MAXVALUE the sequence gives MINVALUE again (1, a duplicate key or a reused id);
- CACHE 20: two sessions that each insert a row get 1 and 21.

MINVALUE alone changes nothing once START is 1 (it is only where a cycle wraps to, and the
default START of an ascending sequence, which ``start`` already says).
"""

from __future__ import annotations

from dataclasses import replace

from twinschema.dialects.postgresql_sequences import INTEGER_MAX, parsed
from twinschema.model import ColumnType

# What to do where a key's sequence counts otherwise than SQLite's rowid.
ROWID_SEQUENCE_HINT = (
    "give the PostgreSQL key's sequence the options SQLite's rowid counts by (START 1, "
    "INCREMENT 1, no MAXVALUE below the type's, CACHE 1, NO CYCLE), or allow it in domain.yaml "
    "with a reason"
)


# How each side goes back to its first id, for a witness that holds after it only.
_RESTART = (
    "after a restart (TRUNCATE ... RESTART IDENTITY on PostgreSQL; on SQLite the rows deleted, "
    "and with AUTOINCREMENT the table's sqlite_sequence row) and in a database built from the "
    "same DDL"
)


def rowid_parting(
    generator: str | None,
    ctype: ColumnType,
    pg_next: int | None = None,
    sqlite_next: int | None = None,
) -> str | None:
    """Where a PostgreSQL key's sequence (``generator``, on a column of ``ctype``) gives other
    ids than SQLite's rowid: the witness, in words; None where it gives the same ones, or where
    its options are not known (a source that does not read them). ``pg_next`` and
    ``sqlite_next``: the ids each live database's next insert that omits the key gets
    (``Column.next_id``), None where not read. The options decide the verdict (where a
    sequence stands is data); the witness says what the next inserts get on the databases read,
    and what START gives after a restart where that is not what they get now (``SET START WITH
    1000`` on a sequence already made: 1, 2 until a restart; stranger70 008)."""
    options = None if generator is None else parsed(generator)
    if options is None:
        return None
    top = INTEGER_MAX.get(ctype.name, INTEGER_MAX["bigint"])
    first, step = options.start, options.increment
    pg_now = first if pg_next is None else pg_next
    sqlite_now = 1 if sqlite_next is None else sqlite_next
    if (first, step) != (1, 1):
        fresh = f"{first}, {first + step} on PostgreSQL and 1, 2 on SQLite"
        if pg_next is None:  # not read (a metadata module, a sequence the role may not read)
            return f"in a new database or after a restart, two inserts that omit it get {fresh}"
        if sqlite_now == 1 and pg_now == first:
            return f"two inserts that omit it get {fresh}"
        if (pg_now, step) == (sqlite_now, 1):
            now = f"{pg_now}, {pg_now + 1} on both databases"
        else:
            now = f"{pg_now}, {pg_now + step} on PostgreSQL and {sqlite_now}, {sqlite_now + 1} on SQLite"
        return f"two inserts that omit it get {now} now; {_RESTART}, they get {fresh}"
    if options.maxvalue < top:
        return (
            f"the insert after id {options.maxvalue} (its MAXVALUE) fails on PostgreSQL and gets "
            f"{options.maxvalue + 1} on SQLite"
        )
    if options.cycle:
        return (
            f"past id {options.maxvalue} PostgreSQL gives {options.minvalue} again (CYCLE), "
            "which SQLite never does"
        )
    if options.cache != 1:
        return (
            f"two sessions that each insert a row get {pg_now} and {pg_now + options.cache} on "
            f"PostgreSQL (CACHE {options.cache}) and {sqlite_now} and {sqlite_now + 1} on SQLite"
        )
    return None


def first_id(generator: str | None, next_id: int | None = None) -> int:
    """The id a key's sequence gives next: where a live database's stands (``next_id``), else
    its START (1 where its options are not known)."""
    if next_id is not None:
        return next_id
    options = None if generator is None else parsed(generator)
    return 1 if options is None else options.start


def generators_parting(
    left: str | None, right: str | None, left_next: int | None, right_next: int | None
) -> str:
    """What two sequences' options (``Column.generator`` texts of one dialect) part, in words:
    the ids the next rows get; where only START differs and both live databases' sequences
    stand at one id (``Column.next_id``: ``SET START WITH`` on one moved nothing), that id now,
    and START's ids as what a restart or a new database gives."""
    lopts, ropts = (None if g is None else parsed(g) for g in (left, right))
    if lopts is None or ropts is None or left_next is None or left_next != right_next:
        return "the ids the next rows get"
    if replace(lopts, start=0) != replace(ropts, start=0):
        return "the ids the next rows get"
    return (
        f"the next insert gets {left_next} on both now; after a restart (TRUNCATE ... RESTART "
        f"IDENTITY) and in a database built from the same DDL, {lopts.start} vs {ropts.start}"
    )


def short_of_start(generator: str | None, next_id: int | None) -> bool:
    """Whether a live database's key sequence (options ``generator``) stands short of its START:
    its next id below START for an ascending sequence, above it for a descending one, and NO
    CYCLE. Use never puts it there (``nextval`` moves it on from START, a restart goes back to
    START, an explicit id moves nothing); only a hand ``setval`` or ``RESTART WITH`` does, and the
    next insert that omits the key then gets an id a database made from the same DDL never
    hands out (START 1000, ``setval(..., 1, false)``: 1, not 1000; checked on PostgreSQL 16).
    A sequence moved past START by use is data, as rows are, and is not short of it."""
    options = None if generator is None else parsed(generator)
    if options is None or next_id is None or options.cycle:
        return False
    behind = next_id - options.start
    return behind != 0 and (behind > 0) != (options.increment > 0)
