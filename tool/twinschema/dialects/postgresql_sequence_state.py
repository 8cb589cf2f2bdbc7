"""Where each key's sequence stands on a live PostgreSQL database: the id its next insert that
omits the key gets (``Column.next_id``).

A sequence's options are not where it stands: ``ALTER TABLE t ALTER COLUMN id SET START WITH
1000`` on a sequence already made (used or not) moves nothing, and the next two inserts still
get 1, 2 (START decides only where a RESTART, or ``TRUNCATE ... RESTART IDENTITY``, goes back
to); ``RESTART WITH 1000`` moves it and changes no option (stranger70 008, run on PostgreSQL
16.2). The next id is ``last_value + INCREMENT`` once the sequence was called, ``last_value``
before (``is_called`` false: a new or restarted sequence, or ``setval(s, n, false)``). The
catalog does not hold them (``pg_sequence_last_value`` is NULL whenever is_called is false), so
they are read from the sequences themselves, each a one-row relation, in one statement for the
whole schema after the catalog queries, in their snapshot (a sequence is no MVCC relation: its
row is what it is when read). Only sequences the role may SELECT from are read.

Beside each, the largest id in use of each key drawing from it (``Column.largest_id``), in the
same statement and snapshot: ``max()`` of a key a unique index holds alone (one index descent;
``postgresql_catalog_sequences.KEY_READ_FOR_MAX`` says which), per key, not per sequence: of two
tables sharing one sequence, an insert into each collides only with that table's own ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The columns query's first and fifth fields (the table's oid, the column's name) and its last
# three: the sequence's oid and its name (``regclass`` text, quoted and qualified as the
# session's search_path needs), NULL without SELECT on it; the table and key as the server
# quotes them, where their largest id is read.
_TABLE, _COLUMN, _OID, _NAME, _KEY = 0, 4, -3, -2, -1
# A statement of the same shape that reads nothing, for a schema without such sequences (a
# read runs the same statements whatever the schema holds).
_NONE = "SELECT NULL::oid, NULL::bigint, NULL::boolean, NULL::bigint[], NULL::bigint[] WHERE false"


def _keys(column_rows: Sequence[Sequence[Any]]) -> dict[int, list[Sequence[Any]]]:
    """Each readable sequence's oid with the rows of the keys whose largest id is read beside it,
    in row order (the order of the statement's array, and of ``largest_ids``)."""
    keys: dict[int, list[Sequence[Any]]] = {}
    for row in column_rows:
        if row[_OID] is not None:
            keys.setdefault(int(row[_OID]), [])
            if row[_KEY] is not None:
                keys[int(row[_OID])].append(row)
    return keys


def state_sql(column_rows: Sequence[Sequence[Any]]) -> str:
    """The statement that reads ``(oid, last_value, is_called, largest ids, smallest ids)`` of
    each readable sequence the columns query found (its rows): one SELECT of each sequence
    relation, with the ``max()`` and the ``min()`` (a descending sequence's end: INCREMENT BY
    -1) of each key drawing from it that ``KEY_READ_FOR_MAX`` names, UNION ALL."""
    named = {row[_OID]: row[_NAME] for row in column_rows if row[_OID] is not None}
    if not named:
        return _NONE
    keys = _keys(column_rows)
    return " UNION ALL ".join(
        f"SELECT {int(oid)}::oid, last_value, is_called, "
        + ", ".join(
            "ARRAY["
            + ", ".join(f"(SELECT {f}({r[_KEY][1]}) FROM {r[_KEY][0]})" for r in keys[int(oid)])
            + "]::bigint[]"
            for f in ("max", "min")
        )
        + f" FROM {name}"
        for oid, name in sorted(named.items())
    )


def next_ids(state_rows: Sequence[Sequence[Any]]) -> Mapping[int, tuple[int, bool]]:
    """Each sequence's ``(last_value, is_called)`` by its oid, from the rows of ``state_sql``."""
    return {int(row[0]): (int(row[1]), bool(row[2])) for row in state_rows}


def largest_ids(
    column_rows: Sequence[Sequence[Any]],
    state_rows: Sequence[Sequence[Any]],
    smallest: bool = False,
) -> Mapping[tuple[int, str], int]:
    """The largest id in use (with ``smallest``, the smallest) of each key read beside its
    sequence, by (table oid, column name): none for an empty table."""
    keys = _keys(column_rows)
    found: dict[tuple[int, str], int] = {}
    for row in state_rows:
        for key, largest in zip(keys.get(int(row[0]), ()), row[4 if smallest else 3], strict=True):
            if largest is not None:
                found[(int(key[_TABLE]), str(key[_COLUMN]))] = int(largest)
    return found


def next_id(state: tuple[int, bool] | None, increment: int | None) -> int | None:
    """The id the next insert that draws from a sequence in ``state`` gets (None where it was
    not read, or its INCREMENT is not known)."""
    if state is None or increment is None:
        return None
    last, called = state
    return last + increment if called else last
