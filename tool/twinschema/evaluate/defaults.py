"""Defaults judged by evaluation (see ``stage``): failures on their own dialect, default
differences settled or explained by what each side gives, and same-dialect calls that the
canonical form calls equal but that give different rows side by side."""

from __future__ import annotations

from dataclasses import replace

from twinschema.canonical import typemap
from twinschema.canonical.expr_idioms import IN_A_UTC_SESSION
from twinschema.definitions import visible_sql
from twinschema.evaluate import (
    clock_moments,
    dst_steps,
    expression_reads,
    json_list_rules,
    side_by_side,
    typed_defaults,
    zone_hints,
    zones,
)
from twinschema.evaluate.clock import in_utc
from twinschema.evaluate.clock_fixed import FIXED_MOMENT
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.default_findings import BOTH_FAIL, difference, is_default
from twinschema.evaluate.default_texts import default_text
from twinschema.evaluate.failing_defaults import clock_refused, omitting_fails, refused_alone
from twinschema.evaluate.refused_defaults import refusals
from twinschema.evaluate.run_values import same_rows
from twinschema.evaluate.time_kept import moments_kept_apart, shared_precision
from twinschema.evaluate.values import (
    CLASSES,
    CONSTANT,
    FAILED,
    NOT_EVALUATED,
    RANDOM_UUID,
    VARYING,
    Verdict,
    as_shared,
    same_class,
)
from twinschema.model import Column, Table
from twinschema.records import Difference, Equivalence
from twinschema.records.dialects import DIALECT_NAMES

# -- default differences ----------------------------------------------------------------


def differences(st: StageContext) -> None:
    """Judge each default difference by evaluation: settled ones become equivalences."""
    kept: list[Difference] = []
    for d in st.comparison.differences:
        judged = _judge(st, d) if d.kind == "column_default" and is_default(d) else d
        if judged is not None:
            kept.append(judged)
    st.comparison.differences = kept


def _judge(st: StageContext, d: Difference) -> Difference | None:
    """The difference as evaluation leaves it (annotated), or None when it is settled as
    an equivalence (recorded)."""
    if d.table is None or d.column is None or (d.table, d.column) in st.failed:
        return d
    lt, lc = find(st.left, d.table, d.column)
    rt, rc = find(st.right, d.table, d.column)
    if lt is None or rt is None or lc is None or rc is None:
        return d
    if omitting_fails(st, st.left, lt, lc) and omitting_fails(st, st.right, rt, rc):
        st.result.evaluated += 1
        st.equivalence(d, BOTH_FAIL)
        return None
    ltext, rtext = default_text(lc), default_text(rc)
    if ltext is None or rtext is None or lc.identity or rc.identity:
        return d
    if zones.zone_decides(st, lc, rc):  # the comparer named the zone: its hint says what fixes it
        return zone_hints.zoned(st, d, (lc, rc), clock=True)
    ld, rd = st.left.schema.dialect, st.right.schema.dialect
    if typed_defaults.type_made(st, d, (ld, ltext, lc), (rd, rtext, rc)):
        return None
    if st.cross:
        refused = refused_alone(st, (lt, lc), (rt, rc)) or _clock_refused(st, (lt, lc), (rt, rc))
        if refused is not None:
            st.result.evaluated += 1
            return replace(d, message=f"{d.message} (by evaluation: {refused})")
        listed, left = json_list_rules.judged(st, d, (ld, ltext, lc), (rd, rtext, rc))
        if listed:  # a JSON array text against an array, through that mapping
            return left
        return _judge_cross(st, d, (ld, ltext, lc), (rd, rtext, rc))
    return _judge_same(st, d, ld, (ltext, lc), (rtext, rc))


def _clock_refused(
    st: StageContext, left: tuple[Table, Column], right: tuple[Table, Column]
) -> str | None:
    """``failing_defaults.clock_refused`` of the first side whose clock default its own
    STRICT column refuses (stranger63 028); None where neither does."""
    found = (clock_refused(st, s, *tc) for s, tc in ((st.left, left), (st.right, right)))
    return next((f for f in found if f is not None), None)


def _judge_cross(
    st: StageContext, d: Difference, left: tuple[str, str, Column], right: tuple[str, str, Column]
) -> Difference | None:
    (ld, ltext, lc), (rd, rtext, rc) = left, right
    lv, rv = st.ev.single(ld, ltext, lc), st.ev.single(rd, rtext, rc)
    st.note(ld, rd)
    for dialect, verdict in ((ld, lv), (rd, rv)):
        if verdict.kind == FAILED:
            st.result.evaluated += 1
            return replace(
                d,
                message=f"inserts that omit {d.table}.{d.column} fail on "
                f"{DIALECT_NAMES[dialect]}: {verdict.error}",
            )
    if NOT_EVALUATED in (lv.kind, rv.kind):
        st.result.not_evaluated += 1
        return d
    st.result.evaluated += 1
    kind = typemap.shared_kind(lc.type, rc.type)
    if same_class(lv, rv, kind):
        # A clock of the server's own zone (CURRENT_DATE against SQLite's date('now')) or a
        # column that keeps a local time: the scratch server's UTC says nothing of it.
        zone = None
        if lv.kind in zones.ZONED:
            zone = zones.local_zone(st, lc, rc) or zones.clock_zone(st, lc, rc)
        what = _both_give(st, left, right, (lv, rv), kind)
        # Where the live server's zone parts them, its hint says so (stranger72 003).
        clock = lv.kind != CONSTANT
        if zone is not None:  # how each keeps it too (LOCALTIME(0) rounds: stranger50 024)
            message = (
                f"{d.message} (by evaluation both give {what} on a UTC server, "
                f"but PostgreSQL stores its local value (TimeZone {zone}) in a "
                f"{zones.pg_type(st, lc, rc)} column, SQLite UTC's)"
            )
            return zone_hints.zoned(st, replace(d, message=message), (lc, rc), clock)
        moved = clock_moments.apart(st.ev, left, right)
        if moved is not None:  # one class now, other values at another hour or day
            return replace(d, message=f"{d.message} (by evaluation: {moved})")
        moved = dst_steps.apart_across(st, left, right)
        if moved is not None:  # the zone's change back from summer time parts them
            message = f"{d.message} (by evaluation: {moved})"
            return zone_hints.zoned(st, replace(d, message=message), (lc, rc), clock)
        said, apart = zones.session_said(st, left, right, (lv, rv), kind)
        if apart:  # a live database's own zone parts them (stranger61 018)
            message = f"{d.message} (by evaluation both give {what}{apart})"
            return zone_hints.zoned(st, replace(d, message=message), (lc, rc), clock)
        rule = f"equal by evaluation: both give {what}{said}"
        st.equivalence(d, rule, utc_only=said == IN_A_UTC_SESSION)
        return None
    # A text format is shown only where it matters: in text columns.
    refused = refusals(st, (ld, lv, lc), (rd, rv, rc), kind)
    lsaid, rsaid = as_shared(lv, kind).describe(), as_shared(rv, kind).describe()
    if lv.kind == rv.kind == VARYING and lsaid == rsaid:  # not "X gives A, Y gives A"
        return replace(
            d,
            message=f"{d.message} (by evaluation: both give {lsaid}, drawn by two "
            "generators whose values no run tells alike; only random UUIDs and texts of hex "
            f"digits of one length and case are one shape{refused})",
        )
    day = clock_moments.unsteady_apart(st.ev, left, right, (lv, rv))  # the day they part
    return replace(
        d,
        message=f"{d.message} (by evaluation: {DIALECT_NAMES[ld]} gives "
        f"{lsaid}, {DIALECT_NAMES[rd]} gives {rsaid}{day}{refused})",
    )


def _both_give(
    st: StageContext, left: tuple[str, str, Column], right: tuple[str, str, Column],
    verdicts: tuple[Verdict, Verdict], kind: str | None,
) -> str:  # fmt: skip
    """What two defaults of one class both give, with how each keeps it where that differs
    (``SQLite keeps it truncated to the second, PostgreSQL rounded to the second``)."""
    (ld, ltext, lc), (rd, rtext, rc), (lv, rv) = left, right, verdicts
    if kind is None and lv.kind not in CLASSES:
        return "the same value"
    lsaid, rsaid = as_shared(lv, kind).describe(), as_shared(rv, kind).describe()
    if lv.kind == CONSTANT and lsaid != rsaid:  # one value, each dialect's spelling of it
        return f"the same value ({DIALECT_NAMES[ld]} {lsaid}, {DIALECT_NAMES[rd]} {rsaid})"
    what = shared_precision(as_shared(lv, kind), (ld, lv), (rd, rv))
    kept = moments_kept_apart(
        (ld, lv, lambda: st.ev.at_moment(ld, ltext, lc, FIXED_MOMENT)),
        (rd, rv, lambda: st.ev.at_moment(rd, rtext, rc, FIXED_MOMENT)),
    )
    return what + (f" ({kept})" if kept else "")


def _judge_same(
    st: StageContext,
    d: Difference,
    dialect: str,
    left: tuple[str, Column],
    right: tuple[str, Column],
) -> Difference | None:
    run = st.ev.side_by_side(dialect, left, right)
    st.note(dialect)
    if run is None or run.missing:
        st.result.not_evaluated += 1
        return d
    st.result.evaluated += 1
    if run.error is not None:
        return replace(
            d,
            message=f"{d.message} (inserts that omit {d.table}.{d.column} fail on "
            f"{DIALECT_NAMES[dialect]} on one side: {run.error})",
        )
    said, other = _shown(st, dialect, left), _shown(st, dialect, right)
    if same_rows(run) and _local(dialect, left[0]) == _local(dialect, right[0]) and said == other:
        moved = clock_moments.apart(st.ev, (dialect, *left), (dialect, *right))
        if moved is not None:  # one class now, other values at another hour or day
            return replace(d, message=f"{d.message} (by evaluation: {moved})")
        zoned = _zoned_alone(st, dialect, left, right)
        if zoned is not None:
            return replace(d, message=f"{d.message} (by evaluation: {zoned})")
        st.equivalence(d, f"equal by evaluation: both give {said}")
        return None
    if said == other:  # one class, different values side by side (statement vs transaction)
        said, other = side_by_side.why_apart(st.ev, dialect, (left, right), run), ""
    return replace(
        d, message=f"{d.message} (by evaluation: {said}{f' vs {other}' if other else ''})"
    )


def _zoned_alone(
    st: StageContext, dialect: str, left: tuple[str, Column], right: tuple[str, Column]
) -> str | None:
    """Where one of two PostgreSQL defaults stores what depends on the session's TimeZone and
    the other does not (``LOCALTIMESTAMP`` against ``now() AT TIME ZONE 'UTC'``): they agree
    in a UTC session only, said; None otherwise."""
    if dialect != "postgresql":
        return None
    zoned = [st.ev.reads_zone(*side) for side in (left, right)]
    if zoned[0] == zoned[1]:  # ...or, a step from the clock each, across summer time
        return dst_steps.apart(st.ev, dialect, left, right)
    one = "the first" if zoned[0] else "the second"
    return (
        f"they agree in a session whose TimeZone is UTC only: {one} depends on the session's zone"
    )


def _shown(st: StageContext, dialect: str, side: tuple[str, Column]) -> str:
    """What one side's default gives, in words alike on every run (never a time's value)."""
    return st.ev.single(dialect, side[0], side[1]).describe()


# -- same-dialect equivalences of two calls ------------------------------------------------


def equivalences(st: StageContext) -> None:
    """Re-run two calls or casts the canonical form calls equal: between sources of one
    dialect, rows that differ side by side make it a difference; across dialects, values of
    different classes do (``CAST(3.7 AS INTEGER)`` is 3 on SQLite, ``3.7::integer`` 4): a call
    only when a scratch PostgreSQL server is at hand (none is started for it), a dialect-
    dependent operator always (``'a' || 1.50``: 'a1.5' on SQLite, 'a1.50' on PostgreSQL)."""
    at_hand = not st.cross or st.ev.postgresql_at_hand()
    kept: list[Equivalence] = []
    dialect = st.left.schema.dialect
    for e in st.comparison.equivalences:
        if e.rule != "default" or e.column is None:
            kept.append(e)
            continue
        if ("(" in e.left + e.right and at_hand) or (st.cross and _dependent(st, e)):
            found = _recheck_cross(st, e) if st.cross else _recheck(st, dialect, e)
            if found is not None:
                st.comparison.differences.append(found)
                continue
        kept.append(e)
    st.comparison.equivalences = kept


def _dependent(st: StageContext, e: Equivalence) -> bool:
    """True when either side's default uses an operator whose result depends on the dialect."""
    for side in (st.left, st.right):
        _, column = find(side, e.table, e.column or "")
        text = default_text(column) if column is not None else None
        if text is not None and expression_reads.dependent_default(side.schema.dialect, text):
            return True
    return False


def _rechecked(st: StageContext, e: Equivalence) -> tuple[Column, Column, str, str] | None:
    """The two columns of a default equivalence, with their defaults as written (what runs);
    None when a column or a default is not there to run."""
    assert e.column is not None
    _, lc = find(st.left, e.table, e.column)
    _, rc = find(st.right, e.table, e.column)
    if lc is None or rc is None:
        return None
    ltext, rtext = default_text(lc), default_text(rc)
    if ltext is None or rtext is None:
        return None
    return lc, rc, ltext, rtext


def _undone(
    st: StageContext, e: Equivalence, column: str, message: str, fails: bool = False
) -> Difference:
    """The difference a default equivalence becomes when evaluation tells the two apart."""
    return difference(st, e.table, column, e.left, e.right, message, fails)


def _told_apart(e: Equivalence, column: str, said: str) -> str:
    """``default of t.c differs: a vs b (by evaluation: <said>)``."""
    left, right = visible_sql(e.left), visible_sql(e.right)
    return f"default of {e.table}.{column} differs: {left} vs {right} (by evaluation: {said})"


def _recheck(st: StageContext, dialect: str, e: Equivalence) -> Difference | None:
    """A difference when two calls the canonical form calls equal give different values
    side by side (and not merely different random values); else None."""
    columns = _rechecked(st, e)
    if columns is None:
        return None
    lc, rc, ltext, rtext = columns
    run = st.ev.side_by_side(dialect, (ltext, lc), (rtext, rc))
    st.note(dialect)
    if run is None or run.missing:
        st.result.not_evaluated += 1
        return None
    if run.error is not None:
        verdicts = tuple(
            (dialect, st.ev.single(dialect, t, c)) for t, c in ((ltext, lc), (rtext, rc))
        )
        found = _failed_side(st, e, lc.name, verdicts)
        if found is None:  # the pair fails together only (not a verdict on either default)
            st.result.not_evaluated += 1
        return found
    st.result.evaluated += 1
    said, other = _shown(st, dialect, (ltext, lc)), _shown(st, dialect, (rtext, rc))
    if _local(dialect, ltext) != _local(dialect, rtext) or said != other:  # rows may agree by luck
        return _undone(st, e, lc.name, _told_apart(e, lc.name, f"{said} vs {other}"))
    if same_rows(run):
        moved = clock_moments.apart(st.ev, (dialect, ltext, lc), (dialect, rtext, rc))
        return None if moved is None else _undone(st, e, lc.name, _told_apart(e, lc.name, moved))
    random = {RANDOM_UUID, VARYING}
    kinds = {st.ev.single(dialect, ltext, lc).kind, st.ev.single(dialect, rtext, rc).kind}
    if kinds <= random:
        return None  # two random values: no run tells two generators apart
    said = "rows inserted in one transaction get different values"
    return _undone(st, e, lc.name, _told_apart(e, lc.name, said))


def _local(dialect: str, expression: str) -> bool:
    """True when a SQLite expression reads the device's local time (``values.in_utc``)."""
    return in_utc(dialect, expression)[1]


def _recheck_cross(st: StageContext, e: Equivalence) -> Difference | None:
    """A difference when two defaults of different dialects that the canonical form calls
    equal give values of different classes; else None."""
    columns = _rechecked(st, e)
    if columns is None or (e.table, columns[0].name) in st.failed:
        return None
    lc, rc, ltext, rtext = columns
    ld, rd = st.left.schema.dialect, st.right.schema.dialect
    lv, rv = st.ev.single(ld, ltext, lc), st.ev.single(rd, rtext, rc)
    st.note(ld, rd)
    failed = _failed_side(st, e, lc.name, ((ld, lv), (rd, rv)))
    if failed is not None:
        return failed
    if NOT_EVALUATED in (lv.kind, rv.kind):
        st.result.not_evaluated += 1
        return None
    st.result.evaluated += 1
    if same_class(lv, rv, typemap.shared_kind(lc.type, rc.type)):
        moved = clock_moments.apart(st.ev, (ld, ltext, lc), (rd, rtext, rc))
        return None if moved is None else _undone(st, e, lc.name, _told_apart(e, lc.name, moved))
    said = f"{DIALECT_NAMES[ld]} gives {lv.describe()}, {DIALECT_NAMES[rd]} gives {rv.describe()}"
    return _undone(st, e, lc.name, _told_apart(e, lc.name, said))


def _failed_side(
    st: StageContext, e: Equivalence, column: str, verdicts: tuple[tuple[str, Verdict], ...]
) -> Difference | None:
    """The difference for a default that fails on its own dialect (an unknown function, a
    value out of its type's range), with the error; None when neither side failed. Such a
    default is always a difference, never "not evaluated": every insert that omits the column
    fails there, whatever the canonical form says of the two texts. None too when both
    fail: no statement parts them."""
    if all(verdict.kind == FAILED for _, verdict in verdicts):
        return None
    for dialect, verdict in verdicts:
        if verdict.kind == FAILED:
            st.result.evaluated += 1
            said = f"inserts that omit {e.table}.{column} fail on {DIALECT_NAMES[dialect]}"
            return _undone(st, e, column, f"{said}: {verdict.error}", fails=True)
    return None
