"""Dialect facts as data: which PostgreSQL sequences give a key the ids SQLite's rowid gives.

SQLite's ``INTEGER PRIMARY KEY`` (with or without AUTOINCREMENT) gives an insert that omits the
key 1, then 2, 3, ... (the largest id + 1), in every connection alike, up to 9223372036854775807,
and never wraps round (AUTOINCREMENT then fails, ``database or disk is full``; a plain rowid
picks an unused id). A PostgreSQL identity or serial key matches that (the comparer's
``rowid-alias``) only where its sequence does too: START 1, INCREMENT 1, CACHE 1, NO CYCLE and
no MAXVALUE below the column's own range. Each other option parts on ordinary inserts, checked
on SQLite 3.40 and PostgreSQL (stranger69 001):

- START WITH 1000: two inserts get 1000, 1001 (SQLite 1, 2);
- INCREMENT BY 10: 1, 11;
- MAXVALUE 2: the third insert fails (``nextval: reached maximum value of sequence``);
- CYCLE: past MAXVALUE the sequence gives MINVALUE again (1, a duplicate key or a reused id);
- CACHE 20: two sessions that each insert a row get 1 and 21.

MINVALUE alone changes nothing once START is 1 (it is only where a cycle wraps to, and the
default START of an ascending sequence, which ``start`` already says).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from twinschema.model import ColumnType

# The largest value of each PostgreSQL integer type: a sequence's MAXVALUE at or past it is no
# bound of its own (the column's type fails there first). Unknown names: bigint's.
INTEGER_MAX: Mapping[str, int] = MappingProxyType(
    {"smallint": 32767, "integer": 2147483647, "bigint": 9223372036854775807}
)
INTEGER_MIN: Mapping[str, int] = MappingProxyType(
    {"smallint": -32768, "integer": -2147483648, "bigint": -9223372036854775808}
)
_BIGINT = "bigint"

# What to do where a key's sequence counts otherwise than SQLite's rowid.
ROWID_SEQUENCE_HINT = (
    "give the PostgreSQL key's sequence the options SQLite's rowid counts by (START 1, "
    "INCREMENT 1, no MAXVALUE below the type's, CACHE 1, NO CYCLE), or allow it in domain.yaml "
    "with a reason"
)

# ``start 1 increment 1 minvalue 1 maxvalue 2147483647 cache 1 no cycle``: ``Column.generator``.
_OPTIONS = re.compile(
    r"start (-?\d+) increment (-?\d+) minvalue (-?\d+) maxvalue (-?\d+) cache (\d+) (no cycle|cycle)"
)


@dataclass(frozen=True, slots=True)
class SequenceOptions:
    """A sequence's options, as ``Column.generator`` spells them."""

    start: int
    increment: int
    minvalue: int
    maxvalue: int
    cache: int
    cycle: bool


def parsed(generator: str) -> SequenceOptions | None:
    """The options a ``Column.generator`` text spells; None for a text of another shape."""
    found = _OPTIONS.fullmatch(generator)
    if found is None:
        return None
    start, increment, low, high, cache = (int(found.group(i)) for i in range(1, 6))
    return SequenceOptions(start, increment, low, high, cache, found.group(6) == "cycle")


def spelled(
    type_name: str,
    start: int | None = None,
    increment: int | None = None,
    minvalue: int | None = None,
    maxvalue: int | None = None,
    cache: int | None = None,
    cycle: bool = False,
) -> str:
    """The ``Column.generator`` text of a sequence created with these options (None: the
    option left out) on a PostgreSQL column of ``type_name``: PostgreSQL's defaults filled in
    (an ascending sequence from MINVALUE 1 to the type's largest value, a descending one from
    -1 down to its smallest), the bounds cut to the column's range, as the catalog reader
    prints a live database's."""
    step = 1 if increment is None else increment
    top, bottom = (
        INTEGER_MAX.get(type_name, INTEGER_MAX[_BIGINT]),
        INTEGER_MIN.get(type_name, INTEGER_MIN[_BIGINT]),
    )
    low = minvalue if minvalue is not None else (1 if step > 0 else bottom)
    high = maxvalue if maxvalue is not None else (top if step > 0 else -1)
    first = start if start is not None else (low if step > 0 else high)
    return (
        f"start {first} increment {step} minvalue {max(low, bottom)} maxvalue {min(high, top)} "
        f"cache {1 if cache is None else cache} {'cycle' if cycle else 'no cycle'}"
    )


def rowid_parting(generator: str | None, ctype: ColumnType) -> str | None:
    """Where a PostgreSQL key's sequence (``generator``, on a column of ``ctype``) gives other
    ids than SQLite's rowid: the witness, in words; None where it gives the same ones, or where
    its options are not known (a source that does not read them)."""
    options = None if generator is None else parsed(generator)
    if options is None:
        return None
    top = INTEGER_MAX.get(ctype.name, INTEGER_MAX[_BIGINT])
    first, step = options.start, options.increment
    if (first, step) != (1, 1):
        return (
            f"two inserts that omit it get {first}, {first + step} on PostgreSQL and 1, 2 on SQLite"
        )
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
            f"two sessions that each insert a row get 1 and {1 + options.cache} on PostgreSQL "
            f"(CACHE {options.cache}) and 1 and 2 on SQLite"
        )
    return None
