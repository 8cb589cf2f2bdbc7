"""Clock defaults beside a column the insert gives, under a CHECK that reads both (see ``stage``;
``clock_refusals`` runs the CHECKs over clock defaults alone).

SQLite ``created_at TEXT DEFAULT CURRENT_TIMESTAMP`` and PostgreSQL ``created_at timestamptz
DEFAULT now()`` are one "current time" as defaults, and ``CHECK (due_at >= created_at)`` is one
CHECK on probe rows that give both columns. An insert that gives ``due_at`` alone parts them:
SQLite's default keeps the second the insert runs in, PostgreSQL's the moment, so a ``due_at`` in
that second before the clock's fraction ('2026-12-04 16:31:05' or '...05.000001' at 16:31:05.75,
or the second written with 'T') is stored by real SQLite 3.40 and refused by real PostgreSQL
16.2. So each such row is made here on each side with the clock at each of ``TEXT_MOMENTS`` (the
defaults and the CHECKs read the same moment, as one insert does), the given column holding that
moment's second, written as SQLite's clock writes it, with 'T', with a microsecond, and as the
moment itself; where one side's CHECKs (those over the same columns) refuse a row the other's
store, the defaults are a ``column_default`` difference that names the moment and the row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from twinschema.canonical.identifiers import catalog_key
from twinschema.evaluate import clock_checks, clock_reads, expression_reads, probes
from twinschema.evaluate.clock_fixed import FIXED_MOMENT, at_fixed_moment
from twinschema.evaluate.clock_refusals import (
    clock_columns,
    drop_equivalences,
    run_at,
    session_zone,
)
from twinschema.evaluate.context import StageContext
from twinschema.evaluate.default_findings import difference
from twinschema.evaluate.default_texts import default_text, shown_default
from twinschema.evaluate.fixed_moments import TEXT_MOMENTS, value_of
from twinschema.evaluate.shown_probes import quoted
from twinschema.evaluate.time_kept import moment_kept
from twinschema.model import Column, Table
from twinschema.records import Side
from twinschema.records.dialects import DIALECT_NAMES
from twinschema.records.hint_ways import Offer

# The kinds of a given column tried beside the clock's defaults: moments, which SQLite keeps as
# text and PostgreSQL as moments.
_GIVEN_KINDS = frozenset({"timestamp", "timestamptz"})


@dataclass(frozen=True)
class Parting:
    """A row (``values``, each side's, by ``names``: logical column names in table order) that
    the ``refusing`` side's CHECKs (``check``) refuse and the other's store at ``moment``."""

    names: tuple[str, ...]
    clocked: tuple[str, ...]
    given: tuple[str, ...]
    check: str
    values: tuple[tuple[Any, ...], tuple[Any, ...]]
    moment: str
    refusing: int  # 0: left, 1: right


def refused_beside_given(st: StageContext) -> None:
    """Add a ``column_default`` difference for each table where a row its clock defaults make
    beside a given moment is refused by one side's CHECKs and stored by the other's."""
    for name, lt in st.left.schema.tables.items():
        rt = st.right.schema.tables.get(name)
        if rt is None:
            continue
        for names, clocked, given in _column_sets(st, (lt, rt)):
            found = _parting(st, (lt, rt), names, clocked, given)
            if found is not None:
                _report(st, (lt, rt), found)
                break


def _column_sets(
    st: StageContext, tables: tuple[Table, Table]
) -> list[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """The logical column names (table order) each CHECK of either side reads where it reads a
    column whose default reads the clock on both sides and a moment column that has no such
    default on either, with those two parts; none for a SQLite CHECK that reads the clock
    through a function (it refuses every row: said elsewhere)."""
    sides = (st.left, st.right)
    clocked = [set(clock_columns(s, t)) for s, t in zip(sides, tables, strict=True)]
    found: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for side, table in zip(sides, tables, strict=True):
        dialect = side.schema.dialect
        for text, reads, _ in expression_reads.table_checks(dialect, table):
            if dialect == "sqlite" and clock_checks.refuses_every_row(text):
                continue
            own = [c for c in table.columns if catalog_key(dialect, c.own_name) in reads]
            pairs = [_pair(tables, c.name) for c in own]
            if len(own) != len(reads) or any(p is None for p in pairs):
                continue
            timed, given = [], []
            for column, pair in zip(own, pairs, strict=True):
                assert pair is not None
                on = [_key(sides[k], pair[k]) in clocked[k] for k in (0, 1)]
                if all(on):
                    timed.append(column.name)
                elif not any(on) and probes.kind_of(*pair) in _GIVEN_KINDS:
                    given.append(column.name)
                else:
                    break
            else:
                if timed and given:
                    names = tuple(c.name for c in tables[0].columns if c.name in {*timed, *given})
                    found.setdefault(names, (tuple(timed), tuple(given)))
    return [(names, *parts) for names, parts in found.items()]


def _pair(tables: tuple[Table, Table], name: str) -> tuple[Column, Column] | None:
    """The two sides' columns of logical ``name``, where both have it."""
    left, right = (t.named(name) for t in tables)
    return (left, right) if left is not None and right is not None else None


def _given_values(moment: str) -> list[str]:
    """What an insert may give a moment column at ``moment``: its second as SQLite's clock
    writes it, with 'T', with a microsecond, and the moment itself."""
    at = dt.datetime.fromisoformat(moment)
    second = at.replace(microsecond=0)
    found = [
        second.isoformat(" "),
        second.isoformat("T"),
        second.isoformat(" ", timespec="microseconds").replace(".000000", ".000001"),
        at.isoformat(" "),
    ]
    return list(dict.fromkeys(found))


def _parting(
    st: StageContext, tables: tuple[Table, Table], names: tuple[str, ...],
    clocked: tuple[str, ...], given: tuple[str, ...],
) -> Parting | None:  # fmt: skip
    """The first row of ``names`` (``clocked`` from the defaults, ``given`` the same moment
    text) one side's CHECKs refuse and the other's store, at the first of ``TEXT_MOMENTS``."""
    sides = (st.left, st.right)
    columns = [tuple(t.named(n) for n in names) for t in tables]
    for moment in TEXT_MOMENTS:
        runs = [_defaults(st, s, c, clocked, moment) for s, c in zip(sides, columns, strict=True)]
        made = [m for m in runs if m is not None]
        if len(made) != 2:
            continue
        for value in _given_values(moment):
            rows = [tuple(value if n in given else m[n] for n in names) for m in made]
            got = [
                _judged(st, s, t, c, r, moment)
                for s, t, c, r in zip(sides, tables, columns, rows, strict=True)
            ]
            verdicts = [g[0] for g in got]
            if set(verdicts) == {True, False}:
                refusing = verdicts.index(False)
                return Parting(
                    names, clocked, given, got[refusing][1], (rows[0], rows[1]), moment, refusing
                )
    return None


def _defaults(
    st: StageContext, side: Side, columns: tuple[Column | None, ...], clocked: tuple[str, ...],
    moment: str,
) -> dict[str, Any] | None:  # fmt: skip
    """The values ``side``'s clock defaults of ``clocked`` give in an insert at ``moment``, by
    logical name; None where one cannot be run."""
    found = {}
    for column in columns:
        if column is None or column.name not in clocked:
            continue
        text = default_text(column)
        run = run_at(st, side, text, column, moment) if text else None
        if run is None or run.error is not None or not run.rows:
            return None
        found[column.name] = value_of(run)
    return found


def _key(side: Side, column: Column) -> str:
    """``column``'s name as ``clock_columns`` keys it (the dialect's identifier rules)."""
    return catalog_key(side.schema.dialect, column.own_name)


def _judged(
    st: StageContext, side: Side, table: Table, columns: tuple[Column | None, ...],
    row: tuple[Any, ...], moment: str,
) -> tuple[bool | None, str]:  # fmt: skip
    """Whether ``side``'s CHECKs over ``columns`` (only those) store ``row`` with the clock at
    ``moment`` (None: not known), and those CHECKs as written."""
    dialect = side.schema.dialect
    own = {catalog_key(dialect, c.own_name) for c in columns if c is not None}
    texts = [
        t for t, reads, _ in expression_reads.table_checks(dialect, table) if reads and reads <= own
    ]
    backend = st.ev.backend(dialect)
    if not texts or backend is None:
        return None, ""
    check = " AND ".join(f"({t})" for t in texts) if len(texts) > 1 else texts[0]
    zone = session_zone(side)
    later = clock_reads.later_reads(dialect, check, moment)
    fixed = at_fixed_moment(dialect, later, moment, local_in_session=zone is not None) or later
    shape = [(c.own_name, c.type) for c in columns if c is not None]
    return backend.try_rows(shape, fixed, [row], zone=zone)[0], check


def _wrapped(text: str) -> str:
    """``text`` in one pair of parentheses (as written where it has them around it all)."""
    depth = 0
    for at, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and at < len(text) - 1:
            return f"({text})"
    return text if text.startswith("(") else f"({text})"


def _shown(values: tuple[Any, ...]) -> str:
    """Values as the messages show them: text quoted, a moment PostgreSQL gives as it is."""
    return ", ".join(quoted(v) if isinstance(v, str) else str(v) for v in values)


def _report(st: StageContext, tables: tuple[Table, Table], found: Parting) -> None:
    """The difference on the first clock-defaulted column (its default equivalences dropped)."""
    table = tables[0].name
    sides = (st.left, st.right)
    names = [DIALECT_NAMES[s.schema.dialect] for s in sides]
    if names[0] == names[1]:
        names = [st.side_name("left"), st.side_name("right")]
    no, yes = found.refusing, 1 - found.refusing
    omitted = " and ".join(f"{table}.{c}" for c in found.clocked)
    given = " and ".join(f"{table}.{c}" for c in found.given)
    said = (
        f"inserts that omit {omitted} and give {given} fail on {names[no]} at {found.moment} "
        f"UTC where {names[yes]} stores them: its CHECK {_wrapped(found.check)} refuses "
        f"({', '.join(found.names)}) = ({_shown(found.values[no])}), {names[yes]}'s CHECKs "
        f"store ({_shown(found.values[yes])}) ({_why(st, tables, found)})"
    )
    first = found.clocked[0]
    lc, rc = (t.named(first) for t in tables)
    assert lc is not None and rc is not None
    pairs = [(tables[0].named(c), tables[1].named(c)) for c in found.clocked]
    drop_equivalences(st, table, [(a, b) for a, b in pairs if a is not None], True)
    st.result.evaluated += 1
    existing = next(
        (d for d in st.comparison.differences
         if d.kind == "column_default" and d.table == table and d.column == first),
        None,
    )  # fmt: skip
    if existing is not None:
        st.annotate(said, existing)
        return
    made = difference(st, table, first, shown_default(lc), shown_default(rc), said)
    st.comparison.differences.append(made.offering(_hint(st, tables, found)))


def _why(st: StageContext, tables: tuple[Table, Table], found: Parting) -> str:
    """Why the row parts the two sides: a live PostgreSQL database's TimeZone (its default is
    the local time there), SQLite comparing a given moment spelled with 'T' as text, or how
    the defaults keep the clock."""
    zone = _zone_read(st, tables, found)
    if zone is not None:
        return f"the PostgreSQL database's TimeZone is {zone}: its default is the local time there"
    spelled = _spelled_t(st, found)
    if spelled is not None:
        return (
            f"SQLite compares text, where {quoted(spelled[0])} sorts after {quoted(spelled[1])} "
            "('T' after the space), PostgreSQL the moments, which are one"
        )
    return "the defaults keep the clock otherwise: a given moment in the clock's second parts them"


def _zone_read(st: StageContext, tables: tuple[Table, Table], found: Parting) -> str | None:
    """The TimeZone of a live PostgreSQL database off UTC where one of its clocked columns'
    defaults stores what depends on the session's zone (``now()::timestamp``, run in two zones
    to tell); None where none does: ``now() AT TIME ZONE 'UTC'`` stores UTC's time in a
    Kolkata session too (stranger67 003), so the zone is not why the row parts."""
    for side, table in zip((st.left, st.right), tables, strict=True):
        zone = session_zone(side)
        if zone is None:
            continue
        for name in found.clocked:
            column = table.named(name)
            text = default_text(column) if column is not None else None
            if column is not None and text is not None and st.ev.reads_zone(text, column):
                return zone
    return None


def _spelled_t(st: StageContext, found: Parting) -> tuple[str, str] | None:
    """The given value written with 'T' and SQLite's default value it was compared with, where
    that is the row that parts the sides (a SQLite side's text, the date and time apart by 'T');
    None otherwise."""
    if "sqlite" not in st.dialects:
        return None
    row = found.values[st.dialects.index("sqlite")]
    given = [v for n, v in zip(found.names, row, strict=True) if n in found.given]
    made = [v for n, v in zip(found.names, row, strict=True) if n in found.clocked]
    if not given or not made or not isinstance(given[0], str) or "T" not in given[0]:
        return None
    return given[0], str(made[0])


def _hint(st: StageContext, tables: tuple[Table, Table], found: Parting) -> Offer:
    """What makes the row go: SQLite's CHECK reading one spelling (a given moment with 'T'),
    defaults that keep the clock to the same second (where the PostgreSQL one does not yet:
    a hint never asks for what is there, stranger66 002)."""
    omitted = " and ".join(f"{tables[0].name}.{c}" for c in found.clocked)
    fixes = []
    if _spelled_t(st, found) is not None:
        given = found.given[0]
        fixes.append(
            f"have SQLite's CHECK compare one spelling, replace({given}, 'T', ' ') in place of "
            f"{given}"
        )
    if not _second_kept(st, tables, found):
        fixes.append(
            f"give {omitted} defaults that keep the clock to the same second on both sides "
            "(date_trunc('second', now()) beside CURRENT_TIMESTAMP)"
        )
    if not fixes:
        fixes.append(f"give {omitted} defaults that give the same value on both sides")
    return Offer(f"{'; and '.join(fixes)}; or ")


def _second_kept(st: StageContext, tables: tuple[Table, Table], found: Parting) -> bool:
    """True when each side's default of the clocked columns keeps the clock truncated to the
    second (SQLite's CURRENT_TIMESTAMP, PostgreSQL's date_trunc('second', now()))."""
    for side, table in zip((st.left, st.right), tables, strict=True):
        for name in found.clocked:
            column = table.named(name)
            text = default_text(column) if column is not None else None
            if column is None or text is None:
                return False
            run = st.ev.at_moment(side.schema.dialect, text, column, FIXED_MOMENT)
            if moment_kept(run, dt.timedelta(0)) != "truncated to the second":
                return False
    return True
