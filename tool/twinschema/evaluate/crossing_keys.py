"""The ``value_compatibility`` warnings of a table's key (``crossing``): a SQLite rowid alias
against a PostgreSQL key with an identity BY DEFAULT or a sequence, where they part on an
explicit id, and on an explicit NULL id."""

from __future__ import annotations

from collections.abc import Callable

from twinschema.canonical import key_sequences
from twinschema.canonical.typemap_keys import ROWID_REUSE
from twinschema.evaluate.crossing_hints import HINT_NULL_ID, HINT_SEQUENCE, sequence_statement
from twinschema.model import (
    IDENTITY_AUTOINCREMENT,
    IDENTITY_BY_DEFAULT,
    IDENTITY_ROWID,
    IDENTITY_SEQUENCE,
    Column,
    Table,
)
from twinschema.model_shown import column_shown, columns_shown
from twinschema.records import Difference, Side
from twinschema.records.hint_ways import Offer

# ``crossing.warning``: a warning on a column pair (layer, sides, table, columns, text, hint).
Warning = Callable[[str, Side, Side, str, Column, Column, str, Offer], Difference]


def findings(
    left: Side, right: Side, layer: str, tables: tuple[Table, Table], warning: Warning
) -> list[tuple[bool, Difference]]:
    """A SQLite rowid alias against a PostgreSQL key with an identity BY DEFAULT or a sequence
    (the comparer's ``rowid-alias``): where they part, with the witness sequence of inserts.
    After an explicit id (every synced row has one), the next row that omits the id gets the
    next free id on SQLite and a duplicate key on PostgreSQL, whose sequence did not move.
    GENERATED ALWAYS, which rejects every explicit id, is the comparer's difference, not a
    warning here (stranger65 008)."""
    lt, rt = tables
    if len(lt.primary_key) != 1 or lt.primary_key != rt.primary_key:
        return []
    lc, rc = lt.column(lt.primary_key[0]), rt.column(rt.primary_key[0])
    if lc is None or rc is None:
        return []
    sqlite, pg = (lc, rc) if left.schema.dialect == "sqlite" else (rc, lc)
    if sqlite.identity not in (IDENTITY_ROWID, IDENTITY_AUTOINCREMENT):
        return []
    where, (own,) = column_shown(lt, rt, lc.name), columns_shown(lt, rt, [lc.name])
    reuse = f"; {ROWID_REUSE}" if sqlite.identity == IDENTITY_ROWID else ""
    if pg.identity not in (IDENTITY_BY_DEFAULT, IDENTITY_SEQUENCE):
        return []
    null_id = (
        f"{where}: an explicit NULL id (INSERT ... ({own}) VALUES (NULL), SQLite's idiom "
        "for the next id) gets the next id on SQLite and is rejected on PostgreSQL, whose key "
        "is NOT NULL (an identity or a serial default fills in only an omitted id)"
    )
    found = [(False, warning(layer, left, right, lt.name, lc, rc, null_id, HINT_NULL_ID))]
    # The witness at the id the sequence gives next (where a live database's stands, else its
    # START: 1 unless the options say else).
    first = key_sequences.first_id(pg.generator, pg.next_id)
    # SQLite's next id goes past the explicit one, and past the largest it had (where read).
    after = max(first + 1, sqlite.next_id or 0)
    largest = (
        pg.largest_id if key_sequences.behind_up(pg.generator, pg.next_id, pg.largest_id) else None
    )
    message = key_sequences.explicit_id_parting(where, own, (first, after), largest) + reuse
    ptable, read = (rt.physical or rt.name, right) if pg is rc else (lt.physical or lt.name, left)
    statement = sequence_statement(ptable, pg, read.schema.objects_read)
    hint = HINT_SEQUENCE.filled(sequence=statement)
    found.insert(0, (False, warning(layer, left, right, lt.name, lc, rc, message, hint)))
    return found
