"""Groups of rows whose sum a double and a decimal answer differently, for views that sum a
number column one side keeps as a double and the other as an exact decimal (stranger81 003).

SQLite's REAL and NUMERIC affinity store 0.40 and 0.01 as doubles, and ``sum()`` of them is
0.41000000000000003; PostgreSQL's ``numeric`` sums them to 0.41. The probe rows met such a
pair or not by chance: the values a column takes follow its CHECKs' literals, so an unrelated
``CHECK (amount < 100000)`` decided whether a view of unpaid totals was "the same rows" (and
then an allowance written for the difference was called stale). Here each summed column of
such a pair gets, independent of any CHECK, groups of two rows of 2-decimal amounts whose
binary sum is inexact (0.1 + 0.2 is 0.30000000000000004), those both sides' columns take
(``view_fits``), on a few rows' values: as they are, and with fresh values in the other
columns (a group of its own where the view groups by them). Near miss: an INTEGER cents
column on both sides sums exactly and gets no such rows.

A view that divides (``/``) an aggregate of a column one side stores whole values of as
integers (``WHOLE_AS_INTEGER``: SQLite's NUMERIC affinity keeps 15.00 as 15) and the other as
a numeric or a double gets groups of two whole amounts whose sum is odd (15 and 16): SQLite's
``sum(price) / count(*)`` is then the integer division 31 / 2 = 15, PostgreSQL's 15.50
(stranger83 001: the fractional groups alone met only digits past a double's, and rounding
both sides was called "the same rows"). Near miss: SQLite's REAL keeps 15.0 a double, 15.5.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import repeat
from typing import Any

from twinschema.canonical import typemap
from twinschema.canonical.typemap_storage import DOUBLE_UNSCALED, WHOLE_AS_INTEGER
from twinschema.evaluate import view_copies, view_fits, view_met, view_placed, view_probes
from twinschema.evaluate.backends import Backend
from twinschema.evaluate.view_keys import Keys
from twinschema.model import Column, Schema, Table

# Pairs of amounts of at most 2 decimals whose sum as doubles is not the decimal sum, even
# summed exactly (a correctly rounded sum of the two doubles): the first pair a column takes
# on both sides is used (a CHECK may keep amounts positive, at least 1, or negative).
_PAIRS: tuple[tuple[Decimal, Decimal], ...] = tuple(
    (Decimal(a), Decimal(b))
    for a, b in (
        ("0.1", "0.2"),
        ("0.4", "0.01"),
        ("1.1", "2.2"),
        ("10.1", "20.2"),
        ("100.1", "200.2"),
        ("-0.1", "-0.2"),
        ("-1.1", "-2.2"),
    )
)
# Pairs of whole amounts whose sum is odd: their mean is no whole number, so a division of their
# sum by the group's count parts integer division from a numeric one (the first both take).
_WHOLE_PAIRS: tuple[tuple[Decimal, Decimal], ...] = tuple(
    (Decimal(a), Decimal(b)) for a, b in (("15", "16"), ("1", "2"), ("-1", "-2"))
)
# Whole amounts for the columns of a division of two or more columns, the first column the
# first amount and the others the second (the first both sides' columns take): their quotient
# either way round is no whole number (``split_s / km`` with 10 and 3: SQLite 3, PostgreSQL
# 3.33; stranger94a 002), where the pairs above put one amount in every column (15 / 15).
_SPREADS: tuple[tuple[Decimal, Decimal], ...] = tuple(
    (Decimal(a), Decimal(b)) for a, b in (("10", "3"), ("7", "2"), ("-10", "3"))
)
# A division in a view's SQL (a ``/`` between operands).
_DIVIDES = re.compile(r"[\w)\]]\s*/\s*[\w(]")
# The rows whose values the groups take (each twice: as they are, and with fresh values).
_TEMPLATES = 4
_AGGREGATE = re.compile(r"\b(?:sum|total|avg)\s*\(", re.I)
# An arithmetic operator beside a column (``quantity * unit_price``), not a comment's.
_BEFORE = re.compile(r"(?<![-/*])[-+*/]\s*(?:\"?\w+\"?\s*\.\s*)?$")
_AFTER = re.compile(r"^\s*(?:\+|\*(?!/)|-(?!-)|/(?!\*))")
Rows = list[tuple[Any, ...]]


def summed_columns(text: str, tables: tuple[Table, Table], columns: Sequence[str]) -> list[int]:
    """The indexes of ``columns`` the views' SQL ``text`` sums or computes with: read inside an
    aggregate (``sum``, ``total``, ``avg``, wherever it sits: ``COALESCE(SUM(l.amount), 0)``)
    or beside an arithmetic operator (``SUM(l.quantity * l.unit_price)``), whose two sides keep
    numbers apart: one side's dialect stores a fraction as a double (``DOUBLE_UNSCALED``:
    SQLite's REAL or NUMERIC affinity), the other's column is an exact decimal (``numeric``)."""
    inside = " ".join(_arguments(text))
    found = []
    for j, name in enumerate(columns):
        lc, rc = tables[0].column(name), tables[1].column(name)
        if lc is None or rc is None or not _parts(lc, rc):
            continue
        if any(_computed(view_probes.word(c.own_name), text, inside) for c in (lc, rc)):
            found.append(j)
    return found


def _computed(word: re.Pattern[str], text: str, inside: str) -> bool:
    """True when ``word`` is in an aggregate's argument text ``inside`` or beside an arithmetic
    operator of ``text`` (a near miss: ``COALESCE(count(*), 0)`` reads no column so)."""
    if word.search(inside):
        return True
    return any(
        _BEFORE.search(text[max(0, m.start() - 80) : m.start()]) or _AFTER.match(text[m.end() :])
        for m in word.finditer(text)
    )


def divided_columns(
    text: str, tables: tuple[Table, Table], columns: Sequence[str], summed: bool = True
) -> list[int]:
    """The indexes of ``columns`` an aggregate of the views' SQL ``text`` reads (any part of
    it, without ``summed``), where the text divides, whose one side stores a whole value as an
    integer (``WHOLE_AS_INTEGER``) and the other as a numeric or a double: a division of their
    sum is integer division on one side only."""
    if _DIVIDES.search(text) is None:
        return []
    inside = " ".join(_arguments(text)) if summed else text
    found = []
    for j, name in enumerate(columns):
        lc, rc = tables[0].column(name), tables[1].column(name)
        if lc is None or rc is None or not (_whole(lc, rc) or _whole(rc, lc)):
            continue
        if any(view_probes.word(c.own_name).search(inside) for c in (lc, rc)):
            found.append(j)
    return found


def _whole(integral: Column, other: Column) -> bool:
    """True when ``integral`` stores a whole value as an integer and ``other`` does not, keeping
    it as a numeric or a double."""
    if integral.type.array or other.type.array:
        return False
    whole = WHOLE_AS_INTEGER.get(integral.type.dialect, frozenset())
    kinds = typemap.kinds_of(other.type)
    keeps = WHOLE_AS_INTEGER.get(other.type.dialect, frozenset())
    return (
        bool(typemap.kinds_of(integral.type) & whole)
        and bool(kinds & {"numeric", "float"})
        and not kinds & keeps
    )


def _parts(left: Column, right: Column) -> bool:
    """True when one of the two columns keeps fractions as doubles and the other exactly."""
    for double, exact in ((left, right), (right, left)):
        doubled = double.type.dialect in DOUBLE_UNSCALED and not double.type.array
        kinds = typemap.kinds_of(double.type)
        if not doubled or not kinds & {"numeric", "float"}:
            continue
        if exact.type.dialect not in DOUBLE_UNSCALED and typemap.kinds_of(exact.type) == {
            "numeric"
        }:
            return True
    return False


def _arguments(text: str) -> list[str]:
    """The argument text of each aggregate call of ``text`` (to its closing parenthesis)."""
    found = []
    for match in _AGGREGATE.finditer(text):
        depth, at = 1, match.end()
        while at < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[at], 0)
            at += 1
        found.append(text[match.end() : at])
    return found


class Counter:
    """The next fresh value's number: each group of its own, and each parent or child row made
    for one, holds values no other holds (two groups under one owner sum together)."""

    def __init__(self) -> None:
        self.n = 0

    def next(self) -> int:
        """A number no earlier call gave."""
        self.n += 1
        return self.n - 1


def with_sums(
    schemas: tuple[Schema, Schema],
    pairs: Sequence[tuple[Table, Table]],
    columns: Sequence[Sequence[str]],
    fits: Sequence[Sequence[Sequence[Any]]],
    rows: Sequence[Sequence[tuple[Any, ...]]],
    own_keys: Sequence[Sequence[int]],
    text: str,
    backends: tuple[Backend | None, Backend | None],
    keys: Keys,
    units: list[list[Rows]] | None = None,
) -> list[Rows]:
    """``rows`` (per base table of a view) and, for each column ``summed_columns`` finds (and
    for all of a table's such columns together: ``quantity * unit_price``), groups of two rows
    holding the first pair of ``_PAIRS`` both sides' columns take, on the values of the first
    rows (as they are, and with values no row holds in the other columns), each key new. Each
    group gets rows of its own in the other base tables it joins (stranger84 001, 002): a parent
    row copied with a new key, which the group's rows name (a row naming a parent no probe row
    holds is dropped, and one naming an existing parent sums with its other rows), and one
    child row naming each group row (an inner join to a child keeps no parent without one).
    Each column ``divided_columns`` finds gets such groups of the first of ``_WHOLE_PAIRS`` both
    sides' columns take, the other columns an aggregate reads kept as the template has them;
    where it finds several, groups holding the pair in all of them too (a product of two whole
    factors, ``o.total * o.tip_pct / 100``: fix93), and groups holding 10 in the first and 3
    in the others (``_SPREADS``: ``split_s / km``, fix95b); a view filtering rows gets them for a
    column it divides outside an aggregate too, placed where its filters hold.
    ``units``, when given, receives each group with its parent and child rows (per base): the
    views are judged on them alone too (``view_placed.alone``), where no other probe row meeting
    the same filters sums with them (fix91)."""
    found = [list(r) for r in rows]
    counter = Counter()

    def linked(rows: list[Rows], fits: Any, keys: Keys, b: int, group: Rows, *rest: Any) -> Rows:
        before = [len(r) for r in rows]
        made = link_rows(rows, fits, keys, b, group, *rest)
        if units is not None:
            unit = [list(r[n:]) for r, n in zip(rows, before, strict=True)]
            unit[b] += made
            units.append(unit)
        return made

    filters = view_met.filters_of(text, pairs, columns)
    placing = None
    if view_met.wanted(filters):
        placed = (schemas, pairs, columns, fits, own_keys, filters, backends, keys)
        placing = view_placed.Placing(*placed, groups, linked)
    # A whole group's divisor an aggregate reads (sum(seats)) keeps its template's value: a
    # fresh one (7104) makes 31 / 14208 round to 0 on both sides.
    inside = " ".join(_arguments(text))
    for b, (tables, given) in enumerate(zip(pairs, columns, strict=True)):
        summed = summed_columns(text, tables, given) if rows[b] else []
        divided = divided_columns(text, tables, given) if rows[b] else []
        if rows[b] and not divided and placing is not None:
            # A filtered row view dividing a column (recheck90 j4: ``round(o.total * o.tip_pct
            # / 100, 2) ... WHERE t.code = 'TACO1'``): its probe rows with whole factors met
            # no filter, so the whole groups are placed where the filters hold (fix93).
            divided = divided_columns(text, tables, given, summed=False)
        summing = {k for k, name in enumerate(given) if _reads(tables, name, inside)}
        taken: dict[tuple[int, bool], list[Any]] = {}
        for j, whole in [(j, False) for j in summed] + [(j, True) for j in divided]:
            offered = [[v for pair in (_WHOLE_PAIRS + _SPREADS if whole else _PAIRS) for v in pair]]
            fitted = view_fits.fitted(schemas, tables, [given[j]], offered, [True], backends, False)
            taken[j, whole] = fitted[0] if fitted else []
        targets = [((j,), False) for j in summed] + (
            [(tuple(summed), False)] if len(summed) > 1 else []
        )
        # All the divided columns together, before each alone (fix93): ``o.total * o.tip_pct
        # / 100`` divides a whole product only where both factors are whole, and the template's
        # tip_pct was NULL or 100.01 wherever a filter held (the probe keys ran out before a
        # group placed last).
        wholes = ([(tuple(divided), True)] if len(divided) > 1 else []) + [
            ((j,), True) for j in divided
        ]
        plans: list[tuple[tuple[int, ...], bool, Any]] = []
        for target, whole in targets + wholes:
            held = [taken[j, whole] for j in target]
            pairs_of = _WHOLE_PAIRS if whole else _PAIRS
            pair = next((p for p in pairs_of if all(v in h for h in held for v in p)), None)
            plans.append((target, whole, pair))
        spread = _spread(divided, taken) if len(divided) > 1 else None
        if spread is not None:  # before the others: the probe keys may run out (fix93)
            plans.insert(len(targets), (tuple(divided), True, spread))
        for target, whole, pair in plans:
            kept = summing - set(target) if whole else set()
            if pair is not None:
                made = groups(found[b], fits[b], own_keys[b], target, pair, counter, kept)
                for group, fresh in made:
                    found[b] += linked(found, fits, keys, b, group, fresh, counter)
            if placing is not None:  # again where the views' own filters hold (stranger89 001)
                placing.place(found, b, target, pair, whole, kept, counter)
    return found


def _spread(
    divided: Sequence[int], taken: dict[tuple[int, bool], list[Any]]
) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...]] | None:
    """Two rows' amounts for the ``divided`` columns, the first of ``_SPREADS`` each column
    takes (the first column its first amount, the others its second); None where none."""
    for first, other in _SPREADS:
        amounts = tuple(first if i == 0 else other for i in range(len(divided)))
        if all(a in taken[j, True] for j, a in zip(divided, amounts, strict=True)):
            return amounts, amounts
    return None


def _amount(amount: Any, target: tuple[int, ...], k: int) -> Any:
    """Column ``k``'s value of a group row's ``amount``: one per column of ``target`` (a
    spread, ``_SPREADS``) or one for all."""
    return amount[target.index(k)] if isinstance(amount, tuple) else amount


def _reads(tables: tuple[Table, Table], name: str, text: str) -> bool:
    """True when ``text`` names column ``name`` as either side's table names it."""
    own = [t.column(name) for t in tables]
    return any(view_probes.word(c.own_name).search(text) for c in own if c is not None)


def groups(
    rows: Sequence[tuple[Any, ...]],
    values: Sequence[Sequence[Any]],
    keys: Sequence[int],
    target: tuple[int, ...],
    pair: tuple[Decimal, Decimal],
    counter: Counter,
    kept: frozenset[int] | set[int] = frozenset(),
    given: Sequence[tuple[Any, ...]] | None = None,
) -> list[tuple[Rows, bool]]:
    """Two rows per template (``_TEMPLATES`` of ``rows``, each as it is and made fresh but in
    the columns ``kept``), the columns ``target`` one amount of ``pair`` each, keys values no
    row uses; with whether the template was made fresh."""
    used = [{r[k] for r in rows} for k in range(len(values))]
    free = {k: [v for v in dict.fromkeys(values[k]) if v not in used[k]] for k in keys}
    spare = [[v for v in given if v not in used[k]] for k, given in enumerate(values)]
    made: list[tuple[Rows, bool]] = []
    for row in given if given is not None else list(dict.fromkeys(rows))[:_TEMPLATES]:
        n = counter.next()
        fresh = [
            row[k]
            if k in keys or k in target or k in kept
            else _spare(spare[k], row[k], n, used[k])
            for k in range(len(row))
        ]
        for template in [list(row)] + ([fresh] if fresh != list(row) else []):
            group: Rows = []
            for amount in pair:
                if any(not free[k] for k in keys):
                    return made
                group.append(
                    tuple(
                        free[k].pop(0)
                        if k in keys
                        else _amount(amount, target, k)
                        if k in target
                        else v
                        for k, v in enumerate(template)
                    )
                )
            made.append((group, template is fresh))
    return made


def _spare(spare: list[Any], value: Any, n: int, used: set[Any]) -> Any:
    """The first value of ``spare`` (taken), else ``unheld``'s: a value no row holds (a group's
    owner shared with a probe row sums their amounts too: 15 + 16 + 0.1 + 0.2 is no whole sum)."""
    return spare.pop(0) if spare else view_copies.unheld(value, n, used)


def link_rows(
    rows: list[Rows],
    fits: Sequence[Sequence[Sequence[Any]]],
    keys: Keys,
    b: int,
    group: Rows,
    fresh: bool,
    counter: Counter,
    meet: Callable[[int, tuple[Any, ...]], tuple[Any, ...]] | None = None,
) -> Rows:
    """``group`` (rows of base ``b``) naming, by each foreign key to another base, a parent row
    of its own added to ``rows``: a copy of the one it named (else the first) with a new key,
    and, for a fresh group, fresh values elsewhere too (a view grouping by the parent's name);
    and one child row added per group row for each base whose foreign key names ``b``."""
    linked = [list(r) for r in group]
    for ref in keys.references:
        parents = rows[ref.parent]
        if ref.child != b or ref.parent == b or not parents or linked[0][ref.at[0]] is None:
            continue
        named = tuple(linked[0][i] for i in ref.at)
        like = next((p for p in parents if tuple(p[i] for i in ref.to) == named), parents[0])
        # One number for the whole copy, as for its group (``Counter``).
        numbers = repeat(counter.next())
        made = view_copies.copied(rows, fits, keys, ref.parent, like, ref.to, numbers, fresh)
        if made is None:
            continue  # every key held: the group names the parent it named
        copy = meet(ref.parent, tuple(made)) if meet else tuple(made)
        rows[ref.parent].append(copy)
        for row in linked:
            for i, t in zip(ref.at, ref.to, strict=True):
                row[i] = copy[t]
    for ref in keys.references:
        children = rows[ref.child]
        if ref.parent != b or ref.child == b or not children:
            continue
        for row in linked:
            numbers = repeat(counter.next())
            child = view_copies.copied(rows, fits, keys, ref.child, children[0], (), numbers)
            if child is None:
                continue
            child = list(meet(ref.child, tuple(child))) if meet else child
            rows[ref.child].append(
                tuple(
                    row[ref.to[ref.at.index(i)]] if i in ref.at else v for i, v in enumerate(child)
                )
            )
    return [tuple(r) for r in linked]
