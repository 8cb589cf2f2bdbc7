"""PostgreSQL sequence options as ``Column.generator`` spells them (the catalog reader's text):
PostgreSQL's defaults and each integer type's range, to spell a metadata module's identity as a
live database's reads, and to read the text back (``canonical.key_sequences``, ``adopt``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

# The largest value of each PostgreSQL integer type: a sequence's MAXVALUE at or past it is no
# bound of its own (the column's type fails there first). Unknown names: bigint's.
INTEGER_MAX: Mapping[str, int] = MappingProxyType(
    {"smallint": 32767, "integer": 2147483647, "bigint": 9223372036854775807}
)
INTEGER_MIN: Mapping[str, int] = MappingProxyType(
    {"smallint": -32768, "integer": -2147483648, "bigint": -9223372036854775808}
)
_BIGINT = "bigint"

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
