"""Clock defaults that their own table's CHECKs refuse (see ``stage``): an insert that omits
columns whose defaults read the clock stores, on each side, the row those defaults make at one
moment, and each CHECK that reads only such columns judges that row.

SQLite ``created_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`` and ``updated_at
TEXT DEFAULT CURRENT_TIMESTAMP`` under ``CHECK (updated_at >= created_at)``: the space of
'2026-12-04 10:59:59' sorts before the 'T' of '2026-12-04T10:59:59.032Z', so every insert that
omits both fails on SQLite, while PostgreSQL's two ``now()`` pass the same CHECK (stranger61
021); ``CHECK (created_at <= CURRENT_TIMESTAMP)`` over the first alone refuses it at every
moment too (020). Each default is judged against the other side's by its class (both "the
current time"), never against the CHECK that reads it on its own side: so each side's row is
made here with the clock at each of ``TEXT_MOMENTS`` (``clock_fixed.at_fixed_moment``, in the
defaults and in the CHECK alike, as one statement reads one clock), and where one side's CHECK
refuses it and the other side's CHECKs store theirs, the defaults are a ``column_default``
difference that says so (as ``defaults`` says of a constant default its column's CHECK refuses).
A SQLite CHECK that reads the clock through a function refuses every row anyway
(``clock_checks.every_row_refused``) and is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from twinschema.canonical.identifiers import catalog_key
from twinschema.evaluate import clock_checks, clock_reads, expression_reads
from twinschema.evaluate.backends import Run
from twinschema.evaluate.clock_fixed import at_fixed_moment, reads_clock
from twinschema.evaluate.context import StageContext
from twinschema.evaluate.default_findings import difference
from twinschema.evaluate.default_texts import default_text, shown_default
from twinschema.evaluate.fixed_moments import TEXT_MOMENTS, value_of
from twinschema.evaluate.shown_probes import quoted
from twinschema.model import Column, Table
from twinschema.records import Difference, Side
from twinschema.records.dialects import DIALECT_NAMES
from twinschema.records.hint_ways import Offer


@dataclass(frozen=True)
class Refusal:
    """A CHECK of one side that refuses the row its clock defaults make at ``moment``: the
    CHECK as written, the columns it reads (table order) and the values their defaults gave."""

    check: str
    columns: tuple[Column, ...]
    values: tuple[Any, ...]
    moment: str
    every: bool  # refused at each of ``TEXT_MOMENTS``


def refused_clock_defaults(st: StageContext) -> None:
    """Add a ``column_default`` difference for each table where one side's CHECK refuses the
    row its clock defaults make and the other side's CHECKs store theirs at that moment."""
    for name, lt in st.left.schema.tables.items():
        rt = st.right.schema.tables.get(name)
        if rt is None:
            continue
        for side, table, other, twin in ((st.left, lt, st.right, rt), (st.right, rt, st.left, lt)):
            # Each CHECK that refuses its columns' defaults, in one run (stranger86 005:
            # ``expires_at``'s pin came up only once ``sold_at``'s default was fixed); a column
            # is reported once, under the first CHECK that reads it.
            told: set[str] = set()
            for found in _refusals(st, side, table, twin):
                if told & {c.name for c in found.columns}:
                    continue
                if _stores(st, other, twin, table, found):
                    _report(st, side, table, twin, found)
                    told |= {c.name for c in found.columns}
            if told:
                break


def clock_columns(side: Side, table: Table) -> dict[str, Column]:
    """The columns of ``table`` whose default reads the clock, by their own name's key in its
    dialect (``identifiers.catalog_key``: PostgreSQL's ``"At"`` and ``at`` are two columns)."""
    dialect = side.schema.dialect
    found = {}
    for column in table.columns:
        text = default_text(column)
        if text is None or column.generated is not None or column.identity is not None:
            continue
        if reads_clock(dialect, text):
            found[catalog_key(dialect, column.own_name)] = column
    return found


def _checks_over(side: Side, table: Table) -> list[tuple[str, tuple[Column, ...]]]:
    """The CHECKs (conjuncts) of ``table`` that read only columns whose default reads the
    clock, each with those columns in table order; none a SQLite CHECK that reads the clock
    through a function (it refuses every row: said elsewhere)."""
    dialect = side.schema.dialect
    clocked = clock_columns(side, table)
    found = []
    for text, names, _ in expression_reads.table_checks(dialect, table):
        if not names or not names <= clocked.keys():
            continue
        if dialect == "sqlite" and clock_checks.refuses_every_row(text):
            continue
        columns = tuple(c for c in table.columns if catalog_key(dialect, c.own_name) in names)
        found.append((text, columns))
    return found


def _verdict(
    st: StageContext, side: Side, check: str, columns: tuple[Column, ...], moment: str
) -> tuple[bool | None, tuple[Any, ...]]:
    """Whether ``check`` stores the row the defaults of ``columns`` make at ``moment`` (None:
    not known), and that row."""
    dialect = side.schema.dialect
    values = []
    for column in columns:
        text = default_text(column)
        run = run_at(st, side, text, column, moment) if text is not None else None
        if run is None or run.error is not None or not run.rows:
            return None, ()
        values.append(value_of(run))
    backend = st.ev.backend(dialect)
    if backend is None:
        return None, ()
    zone = session_zone(side)
    later = clock_reads.later_reads(dialect, check, moment)
    fixed = at_fixed_moment(dialect, later, moment, local_in_session=zone is not None) or later
    shape = [(c.own_name, c.type) for c in columns]
    return backend.try_rows(shape, fixed, [tuple(values)], zone=zone)[0], tuple(values)


def run_at(st: StageContext, side: Side, text: str, column: Column, moment: str) -> Run | None:
    """What the default ``text`` of ``column`` gives in an insert at ``moment`` on ``side``:
    PostgreSQL's statement and call clocks read a little later than its transaction's start
    (``clock_reads.later_reads``: ``clock_timestamp()`` against ``now()``, stranger63 027), and
    a live PostgreSQL database off UTC runs it in its own TimeZone (``session_zone``: its
    ``timestamp DEFAULT now()`` stores the local time there, stranger66 001)."""
    dialect, zone = side.schema.dialect, session_zone(side)
    later = clock_reads.later_reads(dialect, text, moment)
    if zone is not None and at_fixed_moment(dialect, later, moment) is not None:
        return st.ev.moment_in(later, column, zone, moment)
    if later == text or at_fixed_moment(dialect, later, moment) is not None:
        return st.ev.at_moment(dialect, later, column, moment)
    backend = st.ev.backend(dialect)  # every clock read is a literal now: run it as it is
    return backend.run([(later, column.type)], zone=zone) if backend is not None else None


def session_zone(side: Side) -> str | None:
    """The TimeZone a live PostgreSQL database's sessions run in, where it is not UTC (what its
    inserts read the local time in); None for any other source."""
    schema = side.schema
    if schema.dialect != "postgresql" or not schema.timezone or schema.timezone_utc:
        return None
    return schema.timezone


def _refusals(st: StageContext, side: Side, table: Table, twin: Table) -> list[Refusal]:
    """The CHECKs of ``side``'s ``table`` that refuse the row their clock defaults make at one
    of ``TEXT_MOMENTS``, where each column they read has a default on ``twin`` too, in order."""
    found = []
    for check, columns in _checks_over(side, table):
        if any(twin_column(twin, c) is None for c in columns):
            continue
        refused = []
        for moment in TEXT_MOMENTS:
            verdict, values = _verdict(st, side, check, columns, moment)
            if verdict is False:
                refused.append((moment, values))
        if refused:
            moment, values = refused[0]
            every = len(refused) == len(TEXT_MOMENTS)
            found.append(Refusal(check, columns, values, moment, every))
    return found


def twin_column(twin: Table, column: Column) -> Column | None:
    """The column of the other side's table matched with ``column``, where it has a default."""
    found = twin.named(column.name)
    return found if found is not None and default_text(found) is not None else None


def _stores(st: StageContext, other: Side, twin: Table, table: Table, found: Refusal) -> bool:
    """True when the other side stores its own defaults of the same columns at the moment
    ``found`` was refused at: none of its CHECKs over its clock-defaulted columns refuses
    them, and each of its columns' defaults reads the clock."""
    clocked = clock_columns(other, twin)
    for column in found.columns:
        mate = twin_column(twin, column)
        if mate is None or catalog_key(other.schema.dialect, mate.own_name) not in clocked:
            return False
    for check, columns in _checks_over(other, twin):
        verdict, _ = _verdict(st, other, check, columns, found.moment)
        if verdict is not True:
            return False
    return True


def _report(st: StageContext, side: Side, table: Table, twin: Table, found: Refusal) -> None:
    """The difference on the first column ``found`` reads (its default equivalences dropped:
    one side's insert fails, the other's stores)."""
    dialect, other = side.schema.dialect, (st.right if side is st.left else st.left)
    names = " and ".join(f"{table.name}.{c.name}" for c in found.columns)
    one = len(found.columns) == 1
    whose = "the column's CHECK" if one else "the table's CHECK"
    values = ", ".join(quoted(str(v)) if isinstance(v, str) else str(v) for v in found.values)
    when = (
        f"at each of {len(TEXT_MOMENTS)} moments tried, such as {found.moment} UTC"
        if found.every
        else f"at {found.moment} UTC"
    )
    texts = [found.check, *(default_text(c) or "" for c in found.columns)]
    if dialect == "postgresql" and clock_reads.statement_only(texts):
        when += (
            " in a statement after a BEGIN (as a sync writes; a lone autocommit insert reads "
            "statement_timestamp() as now())"
        )
    elif dialect == "postgresql" and texts != [
        clock_reads.later_reads(dialect, t, found.moment) for t in texts
    ]:
        when += " (clock_timestamp() reads later than now(), the transaction's start)"
    said = (
        f"inserts that omit {names} fail on {DIALECT_NAMES[dialect]} {when}: {whose} "
        f"({found.check}) refuses {'its default' if one else 'their defaults'} ({values}), "
        f"which {DIALECT_NAMES[other.schema.dialect]}'s CHECKs store"
    )
    pairs = [(c, twin.named(c.name)) for c in found.columns]
    drop_equivalences(st, table.name, pairs, side is st.left)
    st.result.evaluated += 1
    first, mate = pairs[0]
    lc, rc = (first, mate) if side is st.left else (mate, first)
    existing = next(
        (d for d in st.comparison.differences
         if d.kind == "column_default" and d.table == table.name and d.column == first.name),
        None,
    )  # fmt: skip
    if existing is not None:
        st.annotate(said, existing)
        return
    made: Difference = difference(
        st, table.name, first.name, shown_default(lc), shown_default(rc), said
    )
    fix = "one text format" if dialect == "sqlite" else "one clock, such as now() for each"
    if dialect == "sqlite" and _fraction_refused(found):
        # stranger86 005: the copied '%f' defaults under the one-UTC-form pin the hints advise.
        fix += ": its default writes a fraction ('%f'), which the CHECK refuses: write '%S'"
    hint = Offer(
        f"give {names} defaults whose values {whose} accepts on {DIALECT_NAMES[dialect]} ({fix}), or "
    )
    st.comparison.differences.append(made.offering(hint))


def _fraction_refused(found: Refusal) -> bool:
    """True where each refused default is SQLite's strftime() with '%f' that gave a fraction
    ('09:05:07.000Z') and the CHECK pins whole seconds ('%S' and no '%f')."""
    texts = [default_text(c) or "" for c in found.columns]
    return (
        all("%f" in t for t in texts)
        and "%S" in found.check
        and "%f" not in found.check
        and all(isinstance(v, str) and re.search(r":\d\d\.\d", v) for v in found.values)
    )


def drop_equivalences(
    st: StageContext, table: str, pairs: list[tuple[Column, Column | None]], left: bool
) -> None:
    """Forget the equivalences that call these columns' two defaults the same."""
    shown = set()
    for column, mate in pairs:
        mine, theirs = shown_default(column), shown_default(mate)
        shown.add((column.name, mine, theirs) if left else (column.name, theirs, mine))
    st.comparison.equivalences = [
        e
        for e in st.comparison.equivalences
        if not (e.table == table and (e.column, e.left, e.right) in shown)
    ]
