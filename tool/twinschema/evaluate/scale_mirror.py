"""A CHECK on one side only that mirrors the other side's scale (stranger83 005): SQLite's
``price NUMERIC(6,2) CHECK (round(price, 2) = price)`` against PostgreSQL's ``price
numeric(6,2)`` without it refuses 0.001, which PostgreSQL stores as 0.00, which the CHECK
accepts; every value PostgreSQL's numeric(6,2) holds the CHECK accepts. So every row one side
stores crosses a sync unchanged or as what the other side makes of it, and no sync fails
either way: the rule a CHECK pair is judged by (``stored_rows.ROUNDED_REVERSE``: ``price >= 0``
on both, -0.004 refused by SQLite and stored as 0.00 by PostgreSQL, "the CHECKs are the
same"), applied to the CHECK on one side only. It is settled as an equivalence where:

- each probe row it refuses and the other side stores is one the other side stores changed,
  a number rounded (``Parting.written_only``: the CHECK accepts what was stored), and
- the CHECK accepts what the other side stores of every probe row that side takes.

Where no probe row parts the sides, numbers one to three decimals finer than the other side's
scale are tried (``_finer``): ``round(x, 3) = x`` against numeric(6,2) refuses 0.0001, stored
as 0.00 there (recheck of stranger85: it was a difference whose witness was 'NaN'). A row
holding NaN decides nothing here: NaN is the column pair's own warning (``nan_crossing``).

Near misses that stay differences (checked on SQLite 3.40 and PostgreSQL 16, golden
``sl-pg.check-one-sided-scale-*``): ``round(x, 1) = x`` against numeric(6,2) (0.05, which
PostgreSQL holds as written), ``round(x, 2) = x`` against numeric(6,3) (0.001 held as written),
against an unscaled numeric or a double (nothing rounded). An upper-case UUID PostgreSQL
stores lower-cased is no number: a ``c = lower(c)`` CHECK stays a difference with its
witness as written (stranger57 131).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from twinschema.canonical import typemap
from twinschema.evaluate.backends import REJECTED
from twinschema.evaluate.context import StageContext, probe_count
from twinschema.evaluate.generated_refusals import stored_only
from twinschema.evaluate.probe_sets import ProbeSet, accept_vectors
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.stored_rows import Judged, Parting, partings, stored_by
from twinschema.records import Difference


def settle(
    st: StageContext, d: Difference, side: str, tried: ProbeSet, texts: tuple[str, str],
    verdicts: Sequence[Judged], refused: Sequence[Parting],
) -> bool:  # fmt: skip
    """Record the one-sided CHECK of ``d`` (on ``side``, ``texts`` the two sides' CHECKs run
    on ``tried``, judged ``verdicts``) as one equivalence where ``refused``, the rows it
    refuses that the other side stores, are all numbers the other side rounds into it, and
    it accepts what the other side stores of each row that side takes; True when settled."""
    n = 0 if side == "left" else 1
    # A NaN is the column pair's own matter (``nan_crossing``): it decides no CHECK here.
    refused = [p for p in refused if not _nan(p)]
    if not refused:  # no witness among the probe rows: numbers finer than the other's scale
        refused, more = _finer(st, d, (n, tried), texts)
        verdicts = [*verdicts, *more]
    if not refused or not all(_rounded(p) for p in refused):
        return False
    other = "right" if side == "left" else "left"
    taken = [row for row, a, b in verdicts if (a, b)[1 - n]]
    stored = stored_by(st, other, d.table or "", tried, taken)
    held = list(dict.fromkeys(s for s in stored.values() if REJECTED not in s))
    if not held:
        return False
    columns = (tried.left, tried.right)[n]
    if not all(ok is True for ok in tried.backends[n].try_rows(columns, texts[n], held, True)):
        return False
    first = refused[0]
    assert first.stored is not None
    where = st.side_name(other)
    rule = (
        f"a CHECK on one side only that refuses only numbers {where} rounds to its scale on "
        f"the way in ({_shown(first.row)} is stored as {_shown(first.stored)} there, which it "
        f"accepts) and accepts every value {where} stores: no sync fails either way, as a "
        f"CHECK pair is judged: equal on {probe_count(len(verdicts))}"
    )
    st.settle_one_sided(d, side, rule)
    return True


def _finer(
    st: StageContext, d: Difference, at: tuple[int, ProbeSet], texts: tuple[str, str]
) -> tuple[list[Parting], list[Judged]]:
    """Where no probe row parts the sides, the rows the CHECK on side ``at[0]`` (of ``at[1]``'s
    one column) refuses and the other side stores among numbers one to three decimals finer
    than the other side's NUMERIC scale, and one plus each, with how both judged them: SQLite's
    ``round(price_band, 3) = price_band`` refuses 0.0001, which PostgreSQL's numeric(6,2)
    stores as 0.00, which it accepts (recheck of stranger85: no probe row held such a number,
    and the text 'NaN', the column pair's own matter, was named as its witness)."""
    n, tried = at
    columns = (tried.right, tried.left)[n]  # the other side's
    if len(columns) != 1 or d.table is None:
        return [], []
    ctype = columns[0][1]
    if ctype.scale is None or ctype.scale < 0 or "numeric" not in typemap.kinds_of(ctype):
        return [], []
    fine = [Decimal(1).scaleb(-(ctype.scale + k)) for k in (1, 2, 3)]
    rows = tuple((v,) for v in (*fine, *(1 + v for v in fine)))
    found = replace(tried, rows=rows)
    judged = stored_only(st, d.table, found, accept_vectors(found, *texts, True))
    split = partings(st, d.table, found, texts, judged, written=True)
    return [p for p in split if p.right == (n == 0)], judged


def _rounded(parting: Parting) -> bool:
    """True for a row the other side stored changed only by rounding its numbers, whose
    stored row the CHECK accepts (``written_only``)."""
    if not parting.written_only or parting.stored is None:
        return False
    pairs = list(zip(parting.row, parting.stored, strict=True))
    changed = [(w, s) for w, s in pairs if w != s]
    return bool(changed) and all(_number(w) and _number(s) for w, s in changed)


def _nan(parting: Parting) -> bool:
    """True for a row holding a NaN, written or as stored."""
    return any(v != v for v in (*parting.row, *(parting.stored or ())))


def _number(value: Any) -> bool:
    """True for a finite number (not a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _shown(row: tuple[Any, ...]) -> str:
    """A row's values as a witness names them: one alone, several in parentheses."""
    values = ", ".join(probe_text(v) for v in row)
    return values if len(row) == 1 else f"({values})"
