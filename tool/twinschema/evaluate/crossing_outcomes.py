"""What the two sides of a column pair did with its probe values (``crossing``): the order the
warnings judge them in (a number past the scale that a CHECK parts first), what a number the
one side rounds and the other refuses says, the moved moments that say nothing, and how a stored
value is shown and compared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from twinschema.evaluate.backends import REJECTED
from twinschema.evaluate.crossing_literals import OFFSET, UNMOVED
from twinschema.evaluate.crossing_values import FINER
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.value_convert import convert
from twinschema.records.dialects import DIALECT_NAMES


def parted_first(
    values: list[tuple[str, Any]], got: tuple[list[Any], list[Any]],
    bare: Callable[[int], list[Any] | None],
) -> list[tuple[tuple[str, Any], Any, Any]]:  # fmt: skip
    """Each probe value of a column with what each side stored (``got``, left and right:
    ``REJECTED`` where it refused it), in the order the warnings judge them: among the numbers
    past the scale (one warning a column), first those one side's CHECK refuses and the other
    side stores, a positive one first, then the smallest (SQLite's REAL under ``BETWEEN 0 AND
    99.99`` refuses 99.994, PostgreSQL's numeric(4,2) rounds it to 99.99 before its CHECK runs
    and stores it; stranger73 009), then the others (1.001, which both store, each its own
    way); every other value in place. A CHECK refuses it where that side's column with no
    CHECK stores it (``bare``: side 0 or 1, run only where a number past the scale parts):
    PostgreSQL refusing 999.996 in a numeric(5,2) is its precision, not a CHECK."""
    rows = list(zip(values, *got, strict=True))
    finer = [i for i, ((said, _), _, _) in enumerate(rows) if FINER in said]
    split = [i for i in finer if (rows[i][1] is REJECTED) != (rows[i][2] is REJECTED)]
    stored = {n: bare(n) for n in {1 if rows[i][1] is not REJECTED else 0 for i in split}}

    def by_check(i: int) -> bool:  # refused where its column alone stores it
        n = 1 if rows[i][1] is not REJECTED else 0
        alone = stored.get(n)
        return alone is not None and alone[i] is not REJECTED

    checked = sorted(
        (i for i in split if by_check(i)),
        key=lambda i: (Decimal(rows[i][0][1]) < 0, abs(Decimal(rows[i][0][1]))),
    )
    order = checked + [i for i in finer if i not in checked]
    placed = dict(zip(finer, order, strict=True))
    return [rows[placed.get(i, i)] for i in range(len(rows))]


def finer_parted(
    said: str, got: tuple[tuple[str, Any], tuple[str, Any]]
) -> tuple[bool, str] | None:
    """The warning's text for a number past the scale that one side rejects and the other
    stores (``parted_first``), where what it stores crosses back (99.99: no sync breaks, so
    ``crossing_judged.judged`` says nothing): an insert one side takes fails on the other; None for
    any other value or outcome."""
    (ld, a), (rd, b) = got
    if FINER not in said or (a is REJECTED) == (b is REJECTED):
        return None
    (keeps, kept), refuses = ((ld, a), rd) if b is REJECTED else ((rd, b), ld)
    return False, (
        f"{DIALECT_NAMES[refuses]} rejects it, {DIALECT_NAMES[keeps]} stores it as {value_shown(kept)} "
        f"({INSERT_PARTS}): an insert one side takes fails on the other, but no sync does "
        f"(what crosses is {value_shown(kept)}, which both accept), so the CHECKs are the same; "
        "the other way round, a row one side stores as written and the other refuses rounded, "
        "a sync fails and the CHECK pair is a difference"
    )


# What a scale warning on an insert one side refuses and the other stores rounded says: what
# crosses a sync is the rounded value, which breaks none (``finer_parted``).
INSERT_PARTS = "rounded to the scale before its CHECK runs"


def moved_days(
    values: list[tuple[str, Any]], got: tuple[list[Any], list[Any]]
) -> tuple[list[tuple[str, Any]], tuple[list[Any], list[Any]]]:
    """``values`` and what each side stored of them (``got``), without ``offset_moments``'
    moments at UTC, and without each moved moment that the side refusing it also refuses at
    UTC on its day where the other side stores that: the sides part on the moment's form, not
    on the day the offset moves it to.
    SQLite's ``CHECK (d IS date(d))`` refuses '2024-01-31T23:30:00-05:00' and
    '2024-01-31T12:00:00+00:00' alike (a pin to days as written), while PostgreSQL's date
    stores 2024-01-31 and hands back '2024-01-31', which the pin stores: no finding (s77misc;
    a pin refuses '2024-1-31', which PostgreSQL stores, as little). ``strftime('%w', d) <> '0'``
    stores Saturday's noon at UTC and refuses its 23:30 at -05:00 (Sunday in UTC), and on a
    Sunday PostgreSQL refuses both while SQLite stores Sunday 23:30 at -05:00: findings."""
    at_utc = {str(v)[:10]: i for i, (said, v) in enumerate(values) if said == UNMOVED}
    if not at_utc:
        return values, got
    kept = []
    for i, (said, value) in enumerate(values):
        if said == UNMOVED:
            continue
        noon = at_utc.get(str(value)[:10]) if OFFSET in said else None
        if noon is not None and any(
            side[i] is REJECTED and side[noon] is REJECTED and other[noon] is not REJECTED
            for side, other in (got, got[::-1])
        ):
            continue
        kept.append(i)
    return [values[i] for i in kept], ([got[0][i] for i in kept], [got[1][i] for i in kept])


def value_shown(value: Any) -> str:
    """A value as a warning names it: text quoted as SQL writes it, a date or time in ISO form,
    any other as Python prints it."""
    if isinstance(value, str):
        return probe_text(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def kept_as_written(kind: str | None, written: Any, kept: Any) -> bool:
    """True when a column stored ``written`` as it was written (read as the logical ``kind``
    reads both), or as a value no other column is given in its place (not a number or text):
    what crosses a sync, and what a CHECK witness is judged on (``stored_rows``), is the
    value stored."""
    return same(convert(kept, kind), convert(written, kind)) or not isinstance(
        kept, int | float | Decimal | str
    )


def same(a: Any, b: Any) -> bool:
    """One value: of one type and equal, a NaN with a NaN too (a numeric keeps 'NaN')."""
    return type(a) is type(b) and (bool(a == b) or bool(a != a and b != b))
