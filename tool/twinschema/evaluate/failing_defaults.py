"""Defaults that fail on their own dialect (see ``stage``): every default of a SQLite side is
run, and one that fails is a difference naming the error, even where the other side's canonical
text matched, unless every insert that omits the column fails on the other side too
(``omitting_fails``: its default fails or its own CHECK refuses it, or NOT NULL with none): then
no statement parts them."""

from __future__ import annotations

from twinschema.evaluate.backends import REJECTED
from twinschema.evaluate.clock_fixed import FIXED_MOMENT
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.crossing import column_checks
from twinschema.evaluate.default_findings import BOTH_FAIL, difference, is_default
from twinschema.evaluate.default_texts import default_text, shown_default
from twinschema.evaluate.values import CONSTANT, FAILED, NOT_EVALUATED
from twinschema.model import OPTION_STRICT, Column, Table
from twinschema.records import Equivalence, Side
from twinschema.records.dialects import DIALECT_NAMES


def failures(st: StageContext) -> None:
    """Run every default of a SQLite side: one that fails is a difference, even where the
    other side's canonical text matched."""
    sides = [s for s in (st.left, st.right) if s.schema.dialect == "sqlite"]
    if not sides:
        return
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for side in sides:
        for table in side.schema.tables.values():
            for column in table.columns:
                text = default_text(column)
                if text is None:
                    continue
                verdict = st.ev.single("sqlite", text, column)
                if verdict.kind == FAILED:
                    key = (table.name, column.name.lower())
                    found.setdefault(key, []).append((side.label, verdict.error or ""))
    st.note("sqlite")
    for (table_name, column_name), where in sorted(found.items()):
        _failure(st, table_name, column_name, where)


def _failure(
    st: StageContext, table_name: str, column_name: str, where: list[tuple[str, str]]
) -> None:
    lt, lc = find(st.left, table_name, column_name)
    rt, rc = find(st.right, table_name, column_name)
    column = (lc or rc).name if (lc or rc) is not None else column_name  # type: ignore[union-attr]
    table = (lt or rt).name if (lt or rt) is not None else table_name  # type: ignore[union-attr]
    key = (table, column)
    st.failed.add(key)
    st.result.evaluated += 1
    _drop(st, key)
    error = where[0][1]
    if _both_fail(st, (lt, lc), (rt, rc)):
        _moot(st, table, lc, rc)
        return
    both = " (on both sides)" if len(where) > 1 else f" ({where[0][0]})"
    st.comparison.differences.append(
        difference(
            st,
            table,
            column,
            shown_default(lc),
            shown_default(rc),
            f"inserts that omit {table}.{column} fail on SQLite: {error}{both}",
            fails=True,
        )
    )


def _both_fail(
    st: StageContext,
    left: tuple[Table | None, Column | None],
    right: tuple[Table | None, Column | None],
) -> bool:
    """True when every insert that omits the column fails on both sides (``omitting_fails``)."""
    (lt, lc), (rt, rc) = left, right
    if lt is None or lc is None or rt is None or rc is None:
        return False
    return omitting_fails(st, st.left, lt, lc) and omitting_fails(st, st.right, rt, rc)


def _moot(st: StageContext, table: str, lc: Column | None, rc: Column | None) -> None:
    """Record the default of ``table``'s column as moot: inserts that omit it fail on both."""
    left, right = shown_default(lc) or "", shown_default(rc) or ""
    column = next((c.name for c in (lc, rc) if c is not None), "")
    layer = st.layer or "diff"
    seen = Equivalence(layer, table, column, BOTH_FAIL, left, right, st.left.label, st.right.label)
    st.comparison.equivalences.append(seen)


def both_fail(st: StageContext, table: str, lc: Column, rc: Column) -> bool:
    """True (recorded as moot) when every insert that omits the matched columns ``lc``, ``rc``
    of ``table`` fails on both sides (``omitting_fails``): a default PostgreSQL's type refuses
    (``varchar(1) DEFAULT 'abc'``) is no difference where SQLite's own CHECK refuses it too
    (``CHECK (length(c) <= 1)``; fuzz43 003, 008)."""
    lt, left = find(st.left, table, lc.name)
    rt, right = find(st.right, table, rc.name)
    if not _both_fail(st, (lt, left), (rt, right)):
        return False
    st.comparison.equivalences = [  # its "default" spelling rule gives way to the moot one
        e
        for e in st.comparison.equivalences
        if not (e.rule == "default" and (e.table, e.column) == (table, lc.name))
    ]
    _moot(st, table, left, right)
    return True


def _drop(st: StageContext, key: tuple[str, str]) -> None:
    """Forget the comparer's default findings on a column the stage re-judged."""
    st.comparison.differences = [
        d
        for d in st.comparison.differences
        if not (d.kind == "column_default" and (d.table, d.column) == key and is_default(d))
    ]
    st.comparison.equivalences = [
        e
        for e in st.comparison.equivalences
        if not (e.rule == "default" and (e.table, e.column) == key)
    ]


def omitting_fails(st: StageContext, side: Side, table: Table, column: Column) -> bool:
    """True when every insert that omits ``column`` fails on ``side``: NOT NULL with no default
    (and no generator), or a default that fails, or a constant default that the column's own
    CHECKs (those that read it alone) or its type refuse (``DEFAULT 'abc'`` under ``CHECK
    (length(c) <= 1)``). A CHECK over other columns too is not tried: False then."""
    text = default_text(column)
    if text is None:
        return not column.nullable and column.identity is None and column.generated is None
    dialect = side.schema.dialect
    verdict = st.ev.single(dialect, text, column)
    if verdict.kind == FAILED:
        return True
    if verdict.kind != CONSTANT:
        return False
    if verdict.value is None:
        return not column.nullable
    backend = st.ev.backend(dialect)
    checks = column_checks(side, table, column)
    # A STRICT table's type refuses what a plain one keeps (``INTEGER DEFAULT 'abc'``).
    stored = (
        backend.store(column.name, column.type, checks, [verdict.value], options=table.options)
        if backend
        else None
    )
    return stored is not None and stored[0] is REJECTED


def refused_alone(
    st: StageContext, left: tuple[Table, Column], right: tuple[Table, Column]
) -> str | None:
    """Where a side's constant default is refused by its own column (its CHECK or its type:
    ``BOOLEAN DEFAULT 'false' CHECK (c IN (0, 1))`` keeps the text 'false'), every insert that
    omits the column fails there: said so, not "SQLite gives 'false'" (fuzz43 010), nor, where
    both sides write the same constant, that SQLite stores 1.5 in a STRICT table's INTEGER
    column, which refuses it (stranger61 013)."""
    for side, (table, column) in ((st.left, left), (st.right, right)):
        text, dialect = default_text(column), side.schema.dialect
        if text is None:
            continue
        verdict = st.ev.single(dialect, text, column)
        if verdict.kind == CONSTANT and omitting_fails(st, side, table, column):
            return (
                f"inserts that omit {table.name}.{column.name} fail on "
                f"{DIALECT_NAMES[dialect]}: the column's CHECK or type refuses its default "
                f"{verdict.describe()}"
            )
    return None


def clock_refused(st: StageContext, side: Side, table: Table, column: Column) -> str | None:
    """Where a SQLite STRICT table's column refuses what its clock default gives (``INTEGER
    DEFAULT ((julianday('now') - 2440587.5) * 86400000)``: a REAL with a fraction at nearly
    every moment, which a STRICT INTEGER column refuses: "cannot store REAL value"), that
    inserts omitting it fail there, with the value at ``clock_fixed.FIXED_MOMENT``; not that SQLite
    stores the time with a fraction (stranger63 028). None where the value is stored, or the
    default reads no clock or cannot be moved."""
    text = default_text(column)
    if text is None or side.schema.dialect != "sqlite" or OPTION_STRICT not in table.options:
        return None
    verdict = st.ev.single("sqlite", text, column)
    if verdict.kind in (CONSTANT, FAILED, NOT_EVALUATED):
        return None
    ran = st.ev.at_moment("sqlite", text, column, FIXED_MOMENT)
    backend = st.ev.backend("sqlite")
    if ran is None or ran.error is not None or not ran.rows or backend is None:
        return None
    value = ran.rows[0][0]
    stored = backend.store(column.name, column.type, [], [value], options=table.options)
    if stored is None or stored[0] is not REJECTED:
        return None
    real = isinstance(value, float)
    shown = f"the REAL {value!r}" if real else f"the value {value!r}"
    whenever = ", as at nearly every moment: whenever the value has a fraction" if real else ""
    return (
        f"inserts that omit {table.name}.{column.name} fail on SQLite: its STRICT table's "
        f"{column.type.spelling()} column refuses what the default gives ({shown} at "
        f"{FIXED_MOMENT} UTC{whenever})"
    )
