"""Clock defaults under a UNIQUE rule, a unique index or a primary key (see ``stage``).

SQLite ``at TEXT DEFAULT CURRENT_TIMESTAMP UNIQUE`` and PostgreSQL ``at timestamptz DEFAULT
date_trunc('second', now()) UNIQUE`` are one "current time" as defaults, yet the rule parts
them: SQLite reads its clock once per statement, PostgreSQL's now() once per transaction, so one
transaction with two inserts a second apart stores two rows on SQLite 3.40 and is refused on
PostgreSQL 16.2 (duplicate key; stranger66 012). Any default that reads the clock is judged so,
whatever it keeps of it (a second, a minute, an hour, a date, a time of day, a Unix second, a
Julian day; stranger68 001, 010): how often each side reads its clock
(``clock_reads.read_once_per``) decides which moments the two rows' defaults read in each of
``_PATTERNS`` (two inserts in one transaction, across a second, a minute, an hour, midnight and
a new year; one INSERT of two rows; two transactions close in time, across the half of a second,
a minute, an hour and a day, where a rounding parts from a truncation); each side's default is
run at those moments (``Evaluator.at_moment``) and where one side's two values are one (the rule
refuses the second row) and the other's are two, the pair is a ``column_default`` difference
naming the inserts. ``date_trunc('second', statement_timestamp())`` beside CURRENT_TIMESTAMP
reads and keeps the clock as SQLite does: it stays in sync, and is the hint where it is so (run
through the same patterns first; ``_AS_SQLITE`` for the other units).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from twinschema.evaluate.clock_reads import PER_CALL, PER_STATEMENT, PER_TRANSACTION, read_once_per
from twinschema.evaluate.clock_refusals import clock_columns, drop_equivalences
from twinschema.evaluate.context import StageContext
from twinschema.evaluate.default_findings import difference
from twinschema.evaluate.default_texts import default_text, shown_default
from twinschema.evaluate.fixed_moments import value_of
from twinschema.evaluate.values import CLASSES, RANDOM_UUID
from twinschema.model import Column, Table
from twinschema.records.dialects import DIALECT_NAMES
from twinschema.records.hint_ways import Offer

# The classes of default judged here: each reads the clock, at some granularity (a Unix
# second, a Julian day, a time of day, a date, the minute a moment truncates to...).
_JUDGED = CLASSES - {RANDOM_UUID}


@dataclass(frozen=True)
class Pattern:
    """Two inserts that each omit the column: what they are, and the moments (UTC) the two
    rows' defaults read, by how often the default reads its clock."""

    how: str
    reads: dict[str, tuple[str, str]]


def _later(first: str, second: str) -> str:
    """``second`` as a message shows it after ``first``: its time alone on the same day."""
    return second[11:] if second[:10] == first[:10] else second


def _one_transaction(across: str, first: str, second: str) -> Pattern:
    """Two inserts of one row 1.5 seconds apart in one transaction, at ``first`` and
    ``second``: a clock read once per transaction gives both ``first``."""
    return Pattern(
        f"in one transaction, two inserts of one row 1.5 seconds apart{across} (BEGIN; INSERT "
        f"at {first} UTC; INSERT at {_later(first, second)}; COMMIT)",
        {
            PER_TRANSACTION: (first, first),
            PER_STATEMENT: (first, second),
            PER_CALL: (first, second),
        },
    )


def _one_insert(first: str, second: str) -> Pattern:
    """One INSERT of two rows at ``first``: a clock read at each row reads ``second`` (a
    microsecond later) for the second row."""
    return Pattern(
        f"one INSERT of two rows at {first} UTC (a statement read at each row reads the "
        f"second row a microsecond later, {_later(first, second)})",
        {PER_TRANSACTION: (first, first), PER_STATEMENT: (first, first), PER_CALL: (first, second)},
    )


def _two_transactions(first: str, second: str) -> Pattern:
    """Two inserts, each its own transaction, at ``first`` and ``second``."""
    return Pattern(
        f"two inserts, each its own transaction, at {first} and {_later(first, second)} UTC",
        dict.fromkeys((PER_TRANSACTION, PER_STATEMENT, PER_CALL), (first, second)),
    )


_A, _B = "2026-03-04 09:05:07.2", "2026-03-04 09:05:08.7"
_EDGE = ("2026-03-04 09:05:07.999999", "2026-03-04 09:05:08")
_SECOND = ("2026-03-04 09:05:07.4", "2026-03-04 09:05:07.6")  # across the half second
_EARLY = ("2026-03-04 09:05:07.1", "2026-03-04 09:05:07.3")  # within one half
_MILLI = ("2026-03-04 09:05:07.4", "2026-03-04 09:05:07.4003")
# A default keeps the clock to some unit (a second, a minute, an hour, a day, a year), by
# truncation or rounding: two reads on either side of that unit's boundary are two values of a
# truncation (one of a rounding, and one of a read once per transaction), two reads on either
# side of its half two values of a rounding (stranger68 001: date_trunc('minute', now()) parts
# from SQLite's minute in a transaction across a minute; LOCALTIME(0) rounds).
_PATTERNS = (
    _one_transaction("", _A, _B),
    _one_insert(*_EDGE),
    _two_transactions(*_SECOND),
    _two_transactions(*_EARLY),
    _two_transactions(*_MILLI),
    _one_transaction(" across a minute", "2026-03-04 09:05:59.2", "2026-03-04 09:06:00.7"),
    _one_transaction(" across an hour", "2026-03-04 09:59:59.2", "2026-03-04 10:00:00.7"),
    _one_transaction(" across midnight", "2026-03-04 23:59:59.2", "2026-03-05 00:00:00.7"),
    _one_transaction(" across a new year", "2026-12-31 23:59:59.2", "2027-01-01 00:00:00.7"),
    _one_insert("2026-12-31 23:59:59.999999", "2027-01-01 00:00:00"),
    _two_transactions("2026-03-04 09:05:29.9", "2026-03-04 09:05:30.1"),
    _two_transactions("2026-03-04 09:29:59.9", "2026-03-04 09:30:00.1"),
    _two_transactions("2026-03-04 11:59:59.9", "2026-03-04 12:00:00.1"),
)
# The PostgreSQL default read as SQLite reads its clock, by what SQLite's keeps of a moment
# (its value at ``_MILLI[0]``): each reads statement_timestamp(), in UTC whatever the
# session's TimeZone.
_AS_SQLITE = {
    "2026-03-04 09:05:07": "date_trunc('second', statement_timestamp())",
    "2026-03-04 09:05:07.400": "date_trunc('milliseconds', statement_timestamp())",
    "2026-03-04 09:05:00": "date_trunc('minute', statement_timestamp())",
    "2026-03-04 09:00:00": (
        "(date_trunc('hour', statement_timestamp() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
    ),
    "2026-03-04": "(statement_timestamp() AT TIME ZONE 'UTC')::date",
    "09:05:07": "date_trunc('second', statement_timestamp() AT TIME ZONE 'UTC')::time",
    "1772615107": "floor(extract(epoch from statement_timestamp()))",
}


@dataclass(frozen=True)
class Parting:
    """The inserts of ``pattern`` refused as duplicates on side ``refusing`` (0 left, 1 right)
    and stored on the other; ``values``: each side's two rows' values."""

    pattern: Pattern
    values: tuple[tuple[Any, Any], tuple[Any, Any]]
    refusing: int


def unique_clock_defaults(st: StageContext) -> None:
    """Add a ``column_default`` difference for each column of two dialects' tables whose clock
    defaults a unique rule both sides have over it parts (``_PATTERNS``)."""
    if not st.cross:
        return
    for name, lt in st.left.schema.tables.items():
        rt = st.right.schema.tables.get(name)
        if rt is None:
            continue
        for column, rule in _candidates(st, lt, rt):
            lc, rc = lt.named(column), rt.named(column)
            assert lc is not None and rc is not None
            found = parting(st, (lc, rc))
            if found is not None:
                _report(st, (lt, rt), (lc, rc), rule, found)


def _keys(table: Table) -> dict[frozenset[str], str]:
    """The unique rules of ``table`` over plain columns (its primary key, UNIQUE rules, full
    unique indexes), as sets of logical column names (lower case), each with how it is shown."""
    found: dict[frozenset[str], str] = {}
    rules = [("PRIMARY KEY", table.primary_key)]
    rules += [("UNIQUE", u.columns) for u in table.uniques]
    rules += [
        ("UNIQUE INDEX", i.expressions)
        for i in table.indexes
        if i.unique and i.where is None and all(table.named(e) is not None for e in i.expressions)
    ]
    for what, columns in rules:
        named = [table.named(c) for c in columns]
        if columns and all(c is not None for c in named):
            names = [c.name for c in named if c is not None]
            found.setdefault(frozenset(n.lower() for n in names), f"{what} ({', '.join(names)})")
    return found


def _candidates(st: StageContext, lt: Table, rt: Table) -> list[tuple[str, str]]:
    """(column, rule) for each rule both tables have that covers exactly one column whose
    default reads the clock on both sides (its other columns an insert gives alike)."""
    clocked = [
        {c.name.lower() for c in clock_columns(side, table).values()}
        for side, table in ((st.left, lt), (st.right, rt))
    ]
    right_keys = _keys(rt)
    found = []
    for key, shown in _keys(lt).items():
        if key not in right_keys:
            continue
        timed = [k for k in key if k in clocked[0] or k in clocked[1]]
        if len(timed) == 1 and timed[0] in clocked[0] and timed[0] in clocked[1]:
            found.append((timed[0], shown))
    return sorted(dict.fromkeys(found))


def parting(st: StageContext, columns: tuple[Column, Column]) -> Parting | None:
    """The first of ``_PATTERNS`` whose two rows the defaults of ``columns`` (left, right) make
    one value on one side and two on the other; None where none does, or a side's default is
    no current moment (``_JUDGED``) or cannot be run at a moment."""
    dialects = st.dialects
    texts = [default_text(c) for c in columns]
    reads = []
    for dialect, text, column in zip(dialects, texts, columns, strict=True):
        if text is None or st.ev.single(dialect, text, column).kind not in _JUDGED:
            return None
        reads.append(read_once_per(dialect, text))
    for pattern in _PATTERNS:
        values = []
        for dialect, text, column, once in zip(dialects, texts, columns, reads, strict=True):
            if once is None or text is None:
                return None
            got = tuple(
                value_of(st.ev.at_moment(dialect, text, column, m)) for m in pattern.reads[once]
            )
            if None in got:
                return None
            values.append(got)
        one = [v[0] == v[1] for v in values]
        if one[0] != one[1]:
            return Parting(pattern, (values[0], values[1]), one.index(True))
    return None


def _shown(value: Any) -> str:
    """A value as the message shows it: text quoted, a moment as PostgreSQL gives it."""
    return f"'{value}'" if isinstance(value, str) else str(value)


def _report(
    st: StageContext, tables: tuple[Table, Table], columns: tuple[Column, Column], rule: str,
    found: Parting,
) -> None:  # fmt: skip
    """The difference on the column (its default equivalences dropped), with its witness and a
    hint that the same patterns prove."""
    table, (lc, rc) = tables[0].name, columns
    where = f"{table}.{lc.name}"
    no, yes = found.refusing, 1 - found.refusing
    names = [DIALECT_NAMES[d] for d in st.dialects]
    texts = [default_text(c) or "" for c in columns]
    once = [read_once_per(d, t) for d, t in zip(st.dialects, texts, strict=True)]
    said = (
        f"inserts that omit {where} part under {rule}: {found.pattern.how}: {names[no]}'s "
        f"{texts[no]} (read {once[no]}) gives both rows {_shown(found.values[no][0])}, so its "
        f"rule refuses the second as a duplicate; {names[yes]}'s {texts[yes]} (read "
        f"{once[yes]}) gives {_shown(found.values[yes][0])} and "
        f"{_shown(found.values[yes][1])}, and stores both"
    )
    drop_equivalences(st, table, [(lc, rc)], True)
    st.result.evaluated += 1
    existing = next(
        (d for d in st.comparison.differences
         if d.kind == "column_default" and d.table == table and d.column == lc.name),
        None,
    )  # fmt: skip
    if existing is not None:
        st.annotate(said, existing)
        return
    made = difference(st, table, lc.name, shown_default(lc), shown_default(rc), said)
    st.comparison.differences.append(made.offering(_hint(st, columns, where)))


def _hint(st: StageContext, columns: tuple[Column, Column], where: str) -> Offer:
    """Give the PostgreSQL side a default read once per statement and kept as SQLite keeps it,
    spelled out where the patterns find it in sync with the SQLite side's default."""
    sqlite = 0 if st.dialects[0] == "sqlite" else 1
    own = columns[sqlite]
    text = default_text(own) or ""
    kept = value_of(st.ev.at_moment("sqlite", text, own, _MILLI[0]))
    spelled = _AS_SQLITE.get(str(kept))
    if spelled is not None:
        pg = replace(columns[1 - sqlite], default=spelled, raw_default=spelled)
        pair = (own, pg) if sqlite == 0 else (pg, own)
        if parting(st, pair) is None:
            return Offer(
                f"give {where} a PostgreSQL default read once per statement and kept as "
                f"SQLite's {text} keeps the clock ({spelled}), or "
            )
    return Offer(
        f"give {where} a PostgreSQL default read once per statement (statement_timestamp()) "
        "and kept to the same precision as SQLite's, or "
    )
