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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The columns query's last two fields: the sequence's oid and its name (``regclass`` text,
# quoted and qualified as the session's search_path needs), NULL without SELECT on it.
_OID, _NAME = -2, -1
# A statement of the same shape that reads nothing, for a schema without such sequences (a
# read runs the same statements whatever the schema holds).
_NONE = "SELECT NULL::oid, NULL::bigint, NULL::boolean WHERE false"


def state_sql(column_rows: Sequence[Sequence[Any]]) -> str:
    """The statement that reads ``(oid, last_value, is_called)`` of each readable sequence the
    columns query found (its rows): one SELECT of each sequence relation, UNION ALL."""
    named = {row[_OID]: row[_NAME] for row in column_rows if row[_OID] is not None}
    if not named:
        return _NONE
    return " UNION ALL ".join(
        f"SELECT {int(oid)}::oid, last_value, is_called FROM {name}"
        for oid, name in sorted(named.items())
    )


def next_ids(state_rows: Sequence[Sequence[Any]]) -> Mapping[int, tuple[int, bool]]:
    """Each sequence's ``(last_value, is_called)`` by its oid, from the rows of ``state_sql``."""
    return {int(oid): (int(last), bool(called)) for oid, last, called in state_rows}


def next_id(state: tuple[int, bool] | None, increment: int | None) -> int | None:
    """The id the next insert that draws from a sequence in ``state`` gets (None where it was
    not read, or its INCREMENT is not known)."""
    if state is None or increment is None:
        return None
    last, called = state
    return last + increment if called else last
