"""A date, timestamp or time column compared with a string literal in a CHECK or a partial-index
predicate (``d BETWEEN '2020-01-01' AND '2020-12-31'``, ``WHERE d > '2024-01-01'``,
``starts >= '08:00'``): SQLite keeps the column's values as text and compares text, PostgreSQL
compares dates or times. On values written in ISO form the two agree; another spelling
PostgreSQL reads ('2020-12-31 10:00', '2020-6-1', '8:30', '08:00:00') parts them. As for TEXT
standing for a timestamp under a UNIQUE rule, this is a ``value_compatibility`` warning naming
the spelling and what each side does with it, not a difference: the expressions mean the same on
the values an application writes in one form. A spelling SQLite's CHECKs refuse by format alone
(``starts IS time(starts)``, a GLOB) is none, and so is one they pass as NULL, reading it
through a date or time function that cannot (``time('7:00')``): that is the CHECKs' own
difference (``null_spellings``). A CHECK's literal is not tried here in its hour-24 or second-60
spelling ('2025-12-31T24:00:00Z' for '2026-01-01T00:00:00Z'): a CHECK pair parted by one is a
``check`` difference (``offset_checks``, s79time); a partial index's predicate still is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from twinschema.canonical.identifiers import catalog_key
from twinschema.evaluate import check_conjuncts, expression_reads
from twinschema.evaluate.backends import REJECTED, Backend, Computed
from twinschema.evaluate.date_spellings import KINDS, offset_spellings, spellings
from twinschema.evaluate.handed_back import handed_back, taken_back
from twinschema.model import Column, ColumnType, Index, Table
from twinschema.model_shown import column_shown
from twinschema.records import Difference, Side
from twinschema.records.dialects import DIALECT_NAMES

_IN_INDEX = ColumnType("any", "integer", raw="integer")


# How a warning is made (``crossing.warning``: layer, left, right, table, left column, right
# column, message), passed in so that this module does not import the one that calls it.
Warn = Callable[[str, Side, Side, str, Column, Column, str], Difference]


def findings(
    left: Side,
    right: Side,
    backends: dict[str, Backend],
    layer: str,
    tables: tuple[Table, Table],
    warning: Warn,
) -> list[tuple[bool, Difference]]:
    """The warnings of one table pair (SQLite against PostgreSQL): each date, timestamp or time
    column whose CHECKs or partial-index predicates compare it with a date or time literal, with
    the first spelling of such a literal on which the two sides part (each with whether a SQLite
    to PostgreSQL sync fails on it)."""
    from twinschema.canonical import typemap

    dialects = (left.schema.dialect, right.schema.dialect)
    if set(dialects) != {"sqlite", "postgresql"}:
        return []
    found: list[tuple[bool, Difference]] = []
    lt, rt = tables
    for lc in lt.columns:
        rc = rt.column(lc.name)
        kind = typemap.shared_kind(lc.type, rc.type) if rc is not None else None
        if rc is None or kind not in KINDS:
            continue
        pair = _Pair(left, right, backends, layer, lt, rt, lc, rc, warning, kind)
        found += pair.check_finding() + pair.predicate_findings()
    return found


class _Pair:
    """One column pair of a table pair, and the expressions that read it alone."""

    def __init__(
        self,
        left: Side,
        right: Side,
        backends: dict[str, Backend],
        layer: str,
        lt: Table,
        rt: Table,
        lc: Column,
        rc: Column,
        warning: Warn,
        kind: str | None = None,
    ) -> None:
        self.sides = (left, right)
        self.kind = kind
        self.warning = warning
        self.backends = (backends[left.schema.dialect], backends[right.schema.dialect])
        self.layer, self.tables, self.columns = layer, (lt, rt), (lc, rc)

    def _reads_alone(self, n: int, text: str) -> expression_reads.Reads | None:
        found = expression_reads.reads(self.sides[n].schema.dialect, text)
        # An expression reads its side's own names (domain.yaml may rename: ``opensAt``).
        name = catalog_key(self.sides[n].schema.dialect, self.columns[n].own_name)
        if found is None or {c.lower() for c in found.columns} != {name}:
            return None
        return found

    def _checks(self, n: int) -> list[str]:
        texts = [c.raw or c.expression for c in self.tables[n].checks]
        return [t for t in texts if self._reads_alone(n, t) is not None]

    def _literals(self, texts: Sequence[str]) -> list[str]:
        found: list[str] = []
        for n, side in enumerate(self.sides):
            for text in texts:
                reads = expression_reads.reads(side.schema.dialect, text)
                if reads is not None and self._reads_alone(n, text) is not None:
                    found += reads.strings
        return list(dict.fromkeys(found))

    def _refused_by_format(self, n: int, values: list[str]) -> list[bool] | None:
        """For each value: whether side ``n``'s CHECK conjuncts that read this column alone and
        no literal to spell refuse it (``starts IS time(starts)``, a GLOB): a spelling kept out
        by format, not parted by text order. None where they cannot be run."""
        name = catalog_key(self.sides[n].schema.dialect, self.columns[n].own_name)
        plain = [
            text
            for text, read, got in expression_reads.table_checks(
                self.sides[n].schema.dialect, self.tables[n]
            )
            if read == {name} and not spellings(got.strings, self.kind)
        ]
        if not plain:
            return [False] * len(values)
        column = self.columns[n]
        got = self.backends[n].store(column.own_name, column.type, plain, values)
        return None if got is None else [v is REJECTED for v in got]

    def _passed_as_null(self, n: int, checks: list[str], values: list[str]) -> list[bool] | None:
        """For each value: whether side ``n``'s ``checks`` (SQLite's) pass it as NULL, reading it
        through a date or time function that cannot (``time('7:00')``): no text compared, the
        CHECKs' own difference (``null_spellings``). None where they cannot be run."""
        if not checks:
            return [False] * len(values)
        test = [f"({' AND '.join(f'({t})' for t in checks)}) IS NOT NULL"]
        column = self.columns[n]
        got = self.backends[n].store(column.own_name, column.type, test, values)
        return None if got is None else [v is REJECTED for v in got]

    def _sqlite(self) -> int:
        return 0 if self.sides[0].schema.dialect == "sqlite" else 1

    def check_finding(self) -> list[tuple[bool, Difference]]:
        """The first spelling of a CHECK's date literal one side's CHECKs accept and the other's
        reject."""
        checks = (self._checks(0), self._checks(1))
        literals = self._literals([*checks[0], *checks[1]])
        values = spellings(literals, self.kind, wall=False)
        if not values or not (checks[0] or checks[1]):
            return []
        got = [
            b.store(c.own_name, c.type, ch, values)
            for b, c, ch in zip(self.backends, self.columns, checks, strict=True)
        ]
        sq = self._sqlite()
        refused = self._refused_by_format(sq, values)
        nulls = self._passed_as_null(sq, checks[sq], values)
        if got[0] is None or got[1] is None or refused is None or nulls is None:
            return []
        found: list[tuple[bool, Difference]] = []
        parted = [
            (value, 0 if b is REJECTED else 1)
            for value, a, b, out, null in zip(values, got[0], got[1], refused, nulls, strict=True)
            if (a is REJECTED) != (b is REJECTED) and not out and not null
        ]
        pg = got[1 - sq]
        kept = dict(zip(values, pg, strict=True)) if pg is not None else {}
        for value, keeps in self._named(parted, literals):
            shown = " AND ".join(f"CHECK ({t})" for t in checks[sq]) or "its CHECK"
            what = stored_or_rejected(self.sides, keeps)
            if keeps != sq and value in kept:
                what = self._handed_back(kept[value], checks[sq]) or what
            found.append((keeps == sq, self._finding(value, shown, what, literals)))
        return found

    def _handed_back(self, stored: Any, checks: list[str]) -> str | None:
        """Where PostgreSQL stores a spelling SQLite's CHECKs refuse ('2024-1-5' under
        ``d <= '2024-01-05'``) and hands it back in ISO form ('2024-01-05'), which those CHECKs
        take: what a warning says then (no sync fails, only an insert of the text itself on
        SQLite: s79time); None where SQLite refuses that form too, or it cannot be run."""
        sq = self._sqlite()
        column = self.columns[sq]
        store = self.backends[sq].store
        back = taken_back(stored, lambda v: store(column.own_name, column.type, checks, v))
        return handed_back("PostgreSQL", "SQLite", back) if back is not None else None

    def _named(
        self, parted: list[tuple[str, int]], literals: Sequence[str]
    ) -> list[tuple[str, int]]:
        """Of the spellings that part the sides (each with what it says), those a warning names:
        the first, and against a timestamptz the first a UTC offset moves across a literal too
        (another cause: a literal with a time of day parts on its day alone first, stranger59
        020)."""
        first = parted[:1]
        if self.kind != "timestamptz" or not first or self._moved(first[0][0], literals):
            return first
        return first + [p for p in parted if self._moved(p[0], literals)][:1]

    def _moved(self, value: str, literals: Sequence[str]) -> bool:
        """True when ``value`` is a moment whose UTC offset moves it across one of
        ``literals`` (``offset_spellings``), against a timestamptz."""
        return self.kind == "timestamptz" and any(value in offset_spellings(x) for x in literals)

    def predicate_findings(self) -> list[tuple[bool, Difference]]:
        """Each pair of partial indexes on the same elements whose predicates read this column
        alone: the first spelling of a date literal the row is in one index with, not the
        other."""
        found: list[tuple[bool, Difference]] = []
        for li, ri in self._index_pairs():
            written = (li.raw_where or li.where or "", ri.raw_where or ri.where or "")
            wheres = tuple(self._alone_part(n, w) or "" for n, w in enumerate(written))
            literals = self._literals(wheres)
            values = spellings(literals, self.kind)
            if not values:
                continue
            got = [
                b.computed([(c.own_name, c.type)], in_index(w), _IN_INDEX, [(v,) for v in values])
                for b, c, w in zip(self.backends, self.columns, wheres, strict=True)
            ]
            if got[0] is None or got[1] is None:
                continue
            parted = [
                (value, 0 if inside[0] else 1)
                for value, inside in (
                    (v, (_inside(a), _inside(b)))
                    for v, a, b in zip(values, got[0], got[1], strict=True)
                )
                if None not in inside and inside[0] != inside[1]
            ]
            sq = self._sqlite()
            for value, within in self._named(parted, literals):
                what = in_index_on(self.sides, within)
                shown = f"WHERE {written[sq]}"
                # A second such row is a duplicate in a unique index on one side only.
                push = li.unique and within != sq
                found.append((push, self._finding(value, shown, what, literals)))
        return found

    def _index_pairs(self) -> list[tuple[Index, Index]]:
        return partial_index_pairs(self.tables, lambda n, w: self._alone_part(n, w) is not None)

    def _alone_part(self, n: int, where: str) -> str | None:
        """What of side ``n``'s predicate reads this column alone (``check_conjuncts.within``)."""
        read = self.sides[n].schema.dialect, where
        return check_conjuncts.within(*read, lambda text: self._reads_alone(n, text) is not None)

    def _finding(self, value: str, shown: str, what: str, literals: Sequence[str]) -> Difference:
        lt = self.tables[0]
        lc, rc = self.columns
        sq = self._sqlite()
        moved = self._moved(value, literals)
        message = (
            f"{column_shown(lt, self.tables[1], lc.name)}: the text {value!r}"
            + (" (its UTC offset moves it across the literal)" if moved else "")
            + " is a date or time to "
            f"{dialect_name(self.sides[1 - sq])} but text to {dialect_name(self.sides[sq])}, whose {shown} "
            f"compares it as text with a {'time' if self.kind == 'time' else 'date'} literal: {what}"
        )
        return self.warning(self.layer, self.sides[0], self.sides[1], lt.name, lc, rc, message)


def partial_index_pairs(
    tables: tuple[Table, Table], fits: Callable[[int, str], bool]
) -> list[tuple[Index, Index]]:
    """The partial indexes both tables have on the same elements, unique alike, each left one
    paired with the first right one; ``fits(side, predicate)`` (0 left, 1 right) keeps those
    whose predicates (as written) are worth running."""
    lt, rt = tables
    pairs = []
    for li in lt.indexes:
        if li.where is None or not fits(0, li.raw_where or li.where):
            continue
        for ri in rt.indexes:
            if (
                ri.where is not None
                and ri.unique == li.unique
                and [e.lower() for e in ri.expressions] == [e.lower() for e in li.expressions]
                and fits(1, ri.raw_where or ri.where)
            ):
                pairs.append((li, ri))
                break
    return pairs


def in_index(predicate: str) -> str:
    """1 for a row inside a partial index with ``predicate``, else 0 (NULL keeps it out)."""
    return f"CASE WHEN ({predicate}) THEN 1 ELSE 0 END"


def stored_or_rejected(sides: tuple[Side, Side], keeps: int) -> str:
    """What a warning says of a value side ``keeps`` stores and the other's CHECK rejects."""
    kept, other = dialect_name(sides[keeps]), dialect_name(sides[1 - keeps])
    return f"{kept} stores it, {other} rejects it (a {kept} to {other} sync fails)"


def in_index_on(sides: tuple[Side, Side], within: int) -> str:
    """What a warning says of a row in side ``within``'s partial index only."""
    kept, other = dialect_name(sides[within]), dialect_name(sides[1 - within])
    return f"the row is in the partial index on {kept}, not on {other}"


def _inside(outcome: Computed | None) -> bool | None:
    if outcome is None or not outcome[0]:
        return None
    value: Any = outcome[1]
    return bool(value)


def dialect_name(side: Side) -> str:
    return DIALECT_NAMES[side.schema.dialect]
