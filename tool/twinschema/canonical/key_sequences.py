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

from twinschema.dialects.postgresql_nextval import dotted_parts, nextval_of
from twinschema.dialects.postgresql_sequences import INTEGER_MAX, parsed
from twinschema.model import ColumnType
from twinschema.records.hint_ways import Offer
from twinschema.sql_names import quoted

# What to do where a key's sequence counts otherwise than SQLite's rowid.
ROWID_SEQUENCE_HINT = Offer(
    "give the PostgreSQL key's sequence the options SQLite's rowid counts by (START 1, "
    "INCREMENT 1, no MAXVALUE below the type's, CACHE 1, NO CYCLE), or "
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


def behind(generator: str | None, next_id: int | None, largest_id: int | None) -> bool:
    """Whether a live database's key sequence (options ``generator``) stands at or below the
    largest id its key holds (``Column.largest_id``), or, descending (INCREMENT BY -1), at or
    above the smallest (``largest_id`` holds it then): its next insert that omits the key gets
    an id in use, a duplicate key where that id is taken, and again until the sequence passes
    it (rows 1..275, ``setval(..., 1)``: the next ``INSERT INTO artist(name)`` fails on
    PostgreSQL 16 and gets 276 on SQLite, stranger76 008; ids -1..-3 written by a sync beside
    a sequence from -1 down: the next insert fails on -1). Use never puts it there (a row that
    omits the key moves the sequence on; one with its id, as a sync writes, leaves it behind).
    A sequence ahead of the ids in use (gaps), an empty table, or one just past them after
    ``setval(s, max)`` (``min`` descending) is not behind."""
    options = None if generator is None else parsed(generator)
    if options is None or next_id is None or largest_id is None:
        return False
    return next_id >= largest_id if options.increment < 0 else next_id <= largest_id


def behind_up(generator: str | None, next_id: int | None, largest_id: int | None) -> bool:
    """``behind``, for an ascending sequence only (what ``explicit_id_parting`` says)."""
    return behind(generator, next_id, largest_id) and not descending(generator)


def descending(generator: str | None) -> bool:
    """Whether a key sequence's options (``generator``) step down (INCREMENT BY -1)."""
    options = None if generator is None else parsed(generator)
    return options is not None and options.increment < 0


def behind_parting(
    where: str,
    column: str,
    largest: int,
    late: tuple[str, int],
    other: tuple[str, str],
    down: bool = False,
) -> str:
    """The message of a key whose sequence is ``behind`` on one side: ``late`` that side's name
    and next id, ``other`` the other side's name and next id as said; ``down``: the sequence
    is descending (``largest`` the smallest id in use)."""
    said = "at or above the smallest" if down else "at or below the largest"
    return (
        f"the sequence of {where} in {late[0]} stands {said} {column} in use "
        f"there ({largest}): the next insert that omits it gets {late[1]} there, which fails "
        f"(duplicate key) where a row holds that id, until the sequence passes {largest}; it "
        f"gets {other[1]} in {other[0]} (rows written with their ids, as a sync writes them, "
        "and a setval by hand leave a sequence behind)"
    )


def behind_hint(
    table: str, column: str, sequence: str | None, sharers: tuple[str, ...], down: bool = False
) -> str:
    """What to run where a key's sequence is ``behind``: move it to the largest id in use
    (names quoted as they are; ``down``, descending: to the smallest). ``sequence``: the one its
    default draws from where the key does not own it (``Column.sequence``; ``the sequence of
    t.c`` where another key owns it), which ``pg_get_serial_sequence`` of this key does not
    find; ``sharers``: the other tables drawing from it, whose ids it must pass too."""
    found = None if sequence is None else setval_target(sequence)
    if found is None:
        found = f"pg_get_serial_sequence({_literal(quoted(table))}, {_literal(column)})"
    end = "min" if down else "max"
    statement = f"SELECT setval({found}, {end}({quoted(column)})) FROM {quoted(table)}"
    bound = "no more than the smallest" if down else "no less than the largest"
    also = f", and to {bound} id of {', '.join(sharers)}" if sharers else ""
    return f"set the sequence past the ids in use: {statement}{also}"


def setval_target(sequence: str) -> str | None:
    """``sequence`` (``Column.sequence``: the one a key's default draws from where it does not
    own it) as setval's first argument: a name as a literal (one given as text, ``nextval(('s'
    ::text)::regclass)``, by that name), the sequence another key owns (``the sequence of
    stage.id``) as that key's ``pg_get_serial_sequence``; None for a name computed otherwise."""
    owner = sequence.removeprefix("the sequence of ")
    if owner != sequence:
        parts = dotted_parts(owner)
        if parts is None or len(parts) < 2:
            return None
        table = ".".join(quoted(p) for p in parts[:-1])
        return f"pg_get_serial_sequence({_literal(table)}, {_literal(parts[-1])})"
    late = nextval_of(sequence)
    if late is not None:
        return _literal(late.name) if late.late else None
    return None if "(" in sequence else _literal(sequence)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def explicit_id_parting(where: str, own: str, ids: tuple[int, int], largest: int | None) -> str:
    """The warning of a rowid alias against a PostgreSQL key with an identity BY DEFAULT or a
    sequence: ``ids`` the id the sequence gives next and the one SQLite gives after an explicit
    row of that id. Said as what follows a row with an explicit id (every synced row has one),
    or, where the live sequence already stands at or below the ``largest`` id in use
    (``behind``), as the case now: no hypothetical row is needed (stranger76 008)."""
    first, after = ids
    if largest is not None:
        return (
            f"{where}: ids up to {largest} are in use in the PostgreSQL database and its sequence "
            f"stands at or below {largest} (rows written with their ids, as every synced row is, do not "
            f"move it): a row that omits the id gets {first} there now, a duplicate key where a "
            "row holds that id, and the next free id on SQLite: set the sequence after a sync "
            "(setval)"
        )
    return (
        f"{where}: after a row with an explicit id (INSERT ... ({own}) VALUES ({first}), "
        f"as every synced row has), a row that omits the id gets {after} on SQLite and "
        f"{first} again on PostgreSQL, a duplicate key (its sequence did not move): set the "
        "sequence after a sync (setval)"
    )
