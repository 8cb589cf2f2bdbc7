"""Probe values and reruns particular to generated columns (see ``generated``).

``bound_landings``: a generated column whose own type is limited on one side only (a NUMERIC
precision, PostgreSQL's integer or smallint: ``reasons.limited``) fails there where its
expression reaches the type's ends; the ends are inverted through the expression
(``landings``) so that the source values that reach them are probe values: ``g smallint AS
(x - 1000)`` beside ``CHECK (x BETWEEN 0 AND 40000)`` parts the dialects at x = 33768 only
(SQLite stores g = 32768, PostgreSQL fails "smallint out of range"), a value no CHECK literal
and no type bound of x itself comes near.

``as_stored``: a row the two sides' generated columns part on, where a side stores a column the
expression reads changed, is run again as that side stored it, on both sides: ``g numeric(5,2)
AS (x)`` over x numeric(5,2) computes 0.001 on SQLite and 0.00 on PostgreSQL, which stored x
as 0.00; from x = 0.00 both compute 0.00. g is the same function of x as stored, and x's own
storage is the column pair's ``value_compatibility`` warning (``crossing``), as a CHECK's
parting row is re-run on the stored row (``stored_rows.partings``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from twinschema.canonical import typemap
from twinschema.evaluate import expression_reads, scaled_values
from twinschema.evaluate.backends import REJECTED, Computed
from twinschema.evaluate.check_ends import CORNER_COLUMNS
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.probe_sets import ProbeSet
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.stored_rows import stored_by
from twinschema.evaluate.type_refusals import enforced_bound, narrower_integer, typed_on
from twinschema.model import Column

# A probe row with what each side's generated column holds for it.
Outcomes = tuple[tuple[Any, ...], Computed, Computed]


def scale_targets(columns: tuple[Column, Column]) -> tuple[Decimal, ...]:
    """One decimal past the generated column's NUMERIC scale on the side that rounds to it on
    store (``typemap_storage.ENFORCES_SCALE``): 0.001 and 0.005 for s = 2, which PostgreSQL's
    numeric(5,2) stores as 0.00 and 0.01, SQLite's as computed (``g numeric(5,2) AS (x)`` over
    a double x); none where neither side rounds, or both do."""
    from twinschema.canonical.typemap_storage import ENFORCES_SCALE

    rounds = [c.type.dialect in ENFORCES_SCALE and c.type.scale is not None for c in columns]
    if rounds[0] == rounds[1]:
        return ()
    scale = columns[0 if rounds[0] else 1].type.scale or 0
    return (Decimal(1).scaleb(-scale - 1), Decimal(5).scaleb(-scale - 1))


def bound_targets(columns: tuple[Column, Column]) -> tuple[Decimal, ...]:
    """The values at and just past the ends of the generated column's type on the side that
    limits it: a NUMERIC(p,s) bound B = 10^(p-s) and B less half a unit of scale s (rounded up
    onto B on store), each signed; a narrow integer's smallest and largest value and one past
    each (``typemap_storage.INTEGER_RANGES``); ``scale_targets``."""
    from twinschema.canonical.typemap_storage import INTEGER_RANGES, NARROW_INTEGERS

    found: list[Decimal] = []
    bound = enforced_bound(columns)
    if bound is not None:
        scale = next((c.type.scale or 0 for c in columns if c.type.precision is not None), 0)
        below = bound - Decimal(5).scaleb(-scale - 1)
        found += [bound, -bound, below, -below]
    for column in columns if narrower_integer(columns) else ():
        narrow = typemap.kinds_of(column.type) & NARROW_INTEGERS.get(column.type.dialect, set())
        for kind in sorted(narrow):
            low, high = INTEGER_RANGES[kind]
            found += [Decimal(v) for v in (high, high + 1, low, low - 1)]
    return tuple(dict.fromkeys(found + list(scale_targets(columns))))


def bound_landings(
    columns: tuple[Column, Column], texts: tuple[str, str]
) -> tuple[tuple[str, Decimal], ...]:
    """(source column, value) where either side's expression lands on ``bound_targets``
    (none for a bare copy, whose source is probed at the bound as such)."""
    targets = bound_targets(columns)
    if not targets:
        return ()
    listed = ", ".join(str(t) for t in targets)
    found: list[tuple[str, Decimal]] = []
    for column, text in zip(columns, texts, strict=True):
        reads = expression_reads.reads(column.type.dialect, f"({text}) IN ({listed})")
        found += reads.landed if reads is not None else ()
    return tuple(dict.fromkeys(found))


def as_stored(
    st: StageContext, table: str, found: ProbeSet, parting: list[Outcomes],
    rerun: Callable[[list[tuple[Any, ...]]], list[Outcomes]],
) -> list[Outcomes]:  # fmt: skip
    """``parting`` with each row a side stores changed replaced by what ``rerun`` (both sides'
    expressions on the rows given) finds parting among its stored versions: none where both
    compute alike from the same stored values, in ``parting``'s order."""
    if not parting:
        return parting
    rows = [row for row, _, _ in parting]
    stored = [stored_by(st, side, table, found, rows) for side in ("left", "right")]
    versions: list[list[tuple[Any, ...]]] = []
    for row in rows:
        kept = dict.fromkeys(s.get(row, row) for s in stored)
        versions.append([v for v in kept if v != row and REJECTED not in v])
    again = list(dict.fromkeys(v for found_versions in versions for v in found_versions))
    still = {w[0]: w for w in rerun(again)} if again else {}
    kept_rows: dict[tuple[Any, ...], Outcomes] = {}  # by row: a stored row once
    for outcome, changed in zip(parting, versions, strict=True):
        for w in [still[v] for v in changed if v in still] if changed else [outcome]:
            kept_rows.setdefault(w[0], w)
    return list(kept_rows.values())


def inexact_pairs(found: ProbeSet) -> tuple[tuple[Any, ...], ...]:
    """For an expression of two or more scaled number columns, rows with two of them at values
    whose double sum, difference or product is no decimal of theirs (0.1 + 0.2 is
    0.30000000000000004 on SQLite, 0.3 on PostgreSQL), the others at their first value; those
    ``found`` lacks. The cross product of their probe values cuts such fractions away."""
    scaled = [
        n for n, ((_, lt), (_, rt)) in enumerate(zip(found.left, found.right, strict=True))
        if (lt.scale or rt.scale or 0) > 0
    ]  # fmt: skip
    if len(scaled) < 2:
        return ()
    first = next(iter(found.rows), tuple(None for _ in found.names))
    rows = []
    for n, m in itertools.permutations(scaled[:CORNER_COLUMNS], 2):
        for a, b in _INEXACT:
            row = list(first)
            row[n], row[m] = a, b
            rows.append(tuple(row))
    have = set(found.rows)
    return tuple(r for r in dict.fromkeys(rows) if r not in have)


# One-decimal pairs whose double sum, difference or product SQLite computes off the decimal:
# 0.1 + 0.2, 0.3 - 0.1 (0.19999999999999998), 0.7 + 0.1 (0.7999999999999999), 0.1 * 0.3.
_INEXACT = tuple(
    (Decimal(a), Decimal(b)) for a, b in (("0.1", "0.2"), ("0.3", "0.1"), ("0.7", "0.1"))
)


# At most this many whole literals of an expression are tried as factors (``scaled_products``).
_FACTORS = 3


def scaled_products(
    st: StageContext, table: str, texts: tuple[str, str]
) -> tuple[tuple[str, Decimal], ...]:
    """(column, value) for each NUMERIC(p,s) column an expression reads and each whole literal
    c of it: the values whose double times c is not the double of the exact product
    (``scaled_values.inexact_times``): SQLite computes ``CAST(x * 1000 AS INTEGER)`` on a
    double, PostgreSQL on the stored numeric, and at x = 2.01 they give 2009 and 2010, a row
    both store as written; and for each constant d it divides by, the multiples of d whose
    double quotient misses the whole number (``scaled_values.inexact_quotients``: 3.3 for
    ``floor(x / 1.1)``, 2 on SQLite, 3 on PostgreSQL)."""
    sides = (st.left, st.right)
    reads = [expression_reads.reads(s.schema.dialect, t) for s, t in zip(sides, texts, strict=True)]
    if reads[0] is None or reads[1] is None:
        return ()
    numbers = dict.fromkeys(n for r in reads if r for n in r.numbers if n == int(n))
    factors = [int(n) for n in numbers][:_FACTORS]
    divisors = _divisors(st, texts)[:_FACTORS]
    found: list[tuple[str, Decimal]] = []
    for name in sorted({c.lower() for r in reads if r for c in r.columns}):
        scales = [c.type.scale for c in (find(s, table, name)[1] for s in sides) if c]
        scale = next((s for s in scales if s is not None), None)
        for factor in factors if scale is not None else ():
            found += [(name, v) for v in scaled_values.inexact_times(scale, factor)]
        for divisor in divisors if scale is not None else ():
            found += [(name, v) for v in scaled_values.inexact_quotients(scale, divisor)]
    return tuple(dict.fromkeys(found))


def bounded_products(
    st: StageContext, table: str, texts: tuple[str, str], found: ProbeSet
) -> tuple[tuple[Any, ...], ...]:
    """Rows of ``found`` with a product of two columns that a table's CHECK bounds
    (``unit_price * quantity < 100000000``, over columns the expressions ``texts`` read, or
    one of ``texts`` itself: ``area BETWEEN 0 AND 32000`` over ``area AS (a * b)``) one
    either side of its bound, beside each number of those CHECKs in the other column: the
    largest products the table lets in, where an expression over them may overflow on one side
    only (fix-witness 002's near miss: quantity = 999 beside unit_price = 100000 makes
    9990000000 in PostgreSQL's int4 ``unit_price * quantity * (100 - discount_pct)``, which
    SQLite computes on). Each is a row of ``found`` holding that number, the product's other
    column set (at most ``_PER_PRODUCT`` rows each)."""
    names = [n.lower() for n in found.names]
    rows: list[tuple[Any, ...]] = []
    for side, text in zip((st.left, st.right), texts, strict=True):
        own = find(side, table, "")[0]
        reads = expression_reads.reads(side.schema.dialect, text)
        if own is None or reads is None:
            continue
        read = reads.keys
        checks = [
            r for _, c, r in expression_reads.table_checks(side.schema.dialect, own) if c <= read
        ]
        checks.append(reads)  # ...or the expression itself (a CHECK read through its column)
        numbers = tuple(dict.fromkeys(n for r in checks for n in r.numbers if n.is_finite()))
        for a, b, limit in (p for r in checks for p in r.products):
            for column, other in ((a, b), (b, a)):
                at, by = _at(side, table, names, column), _at(side, table, names, other)
                if at is None or by is None:
                    continue
                for k in (k for k in numbers if k):
                    for target in (limit - 1, limit + 1):
                        rows += _beside(found.rows, at, target / k, by, k)
    return tuple(dict.fromkeys(rows))


_PER_PRODUCT = 8


def _at(side: Any, table: str, names: list[str], own: str) -> int | None:
    """Where the column ``own`` (a side's own name) stands in a probe row of ``names``."""
    from twinschema.evaluate.context import logical_name

    name = logical_name(side, table, own).lower()
    return names.index(name) if name in names else None


def _beside(
    rows: tuple[tuple[Any, ...], ...], at: int, value: Decimal, by: int, other: Decimal
) -> list[tuple[Any, ...]]:
    """Rows of ``rows`` whose column ``by`` holds ``other``, with column ``at`` set to
    ``value`` (a whole number floored and ceiled where the column holds integers)."""
    found: list[tuple[Any, ...]] = []
    for row in rows:
        held = row[by]
        if held is None or isinstance(held, bool) or held != other:
            continue
        whole = isinstance(row[at], int)
        # (math's floor and ceil: a Decimal's // truncates, so -(-160.005 // 1) is 160)
        for v in {math.floor(value), math.ceil(value)} if whole else {value}:
            found.append((*row[:at], v, *row[at + 1 :]))
        if len(found) >= _PER_PRODUCT:
            break
    return found


def _divisors(st: StageContext, texts: tuple[str, str]) -> list[Decimal]:
    """The constants either side's expression divides by (``landings.divisors``)."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    from twinschema.evaluate.landings import divisors
    from twinschema.records import SQLGLOT_DIALECTS

    found: list[Decimal] = []
    for side, text in zip((st.left, st.right), texts, strict=True):
        try:
            found += divisors(sqlglot.parse_one(text, read=SQLGLOT_DIALECTS[side.schema.dialect]))
        except (SqlglotError, ValueError):
            continue
    return list(dict.fromkeys(found))


def scale_reason(
    st: StageContext, table: str, columns: tuple[Column, Column],
    outcomes: tuple[Computed, Computed] | None,
) -> str | None:  # fmt: skip
    """Why a generated column parts the dialects where both store the witness but one side's
    column rounds it to its declared scale (``scale_targets``): ``t.g is numeric(5,2) on
    PostgreSQL, which rounds to 2 decimals on store (0.00 there, 0.001 on SQLite)``. None
    elsewhere, and where the other side's value rounded to the scale is not the rounding
    side's (then the expressions part on more than the scale)."""
    from twinschema.canonical.typemap_storage import ENFORCES_SCALE

    if outcomes is None or not scale_targets(columns) or not (outcomes[0][0] and outcomes[1][0]):
        return None
    n = 0 if columns[0].type.dialect in ENFORCES_SCALE else 1
    if not _rounds_onto(outcomes[1 - n][1], outcomes[n][1], columns[n].type.scale or 0):
        return None  # the other side's value, rounded to the scale, is still another
    other = "right" if n == 0 else "left"
    return (
        f"{typed_on(st, table, columns, n)}, which rounds to {columns[n].type.scale} decimals on "
        f"store ({probe_text(outcomes[n][1])} there, {probe_text(outcomes[1 - n][1])} on "
        f"{st.side_name(other)})"
    )


def _rounds_onto(kept: Any, rounded: Any, scale: int) -> bool:
    """True when ``kept`` (a number as computed) rounded half away from zero to ``scale`` is
    ``rounded`` (0.6666666666666666 onto 0.67 at scale 2)."""
    from decimal import ROUND_HALF_UP, DecimalException

    try:
        exact = Decimal(str(kept)).quantize(Decimal(1).scaleb(-scale), ROUND_HALF_UP)
        return exact == Decimal(str(rounded))
    except (DecimalException, ValueError):
        return False
