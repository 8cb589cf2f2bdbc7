"""The evaluation stage's part for views across dialects (s76views): each view both sides hold
with the same columns is run on probe rows (``view_answers``) and becomes a ``view``
difference with its witness rows, an equivalence "the same rows on N probe rows", or a
warning naming it when it could not be run (never a silent "in sync")."""

from __future__ import annotations

from twinschema.canonical.typemap_operators import DIVISION_INTEGRAL
from twinschema.canonical.view_logical import logical_view_text
from twinschema.evaluate import view_local
from twinschema.evaluate.context import StageContext
from twinschema.evaluate.view_answers import (
    ViewVerdict,
    answers_text,
    view_witness,
    views_to_run,
    witness_text,
)
from twinschema.evaluate.view_wall import WALL_NOTE
from twinschema.model import OBJECT_VIEW, SchemaObject
from twinschema.records import Difference, Equivalence, Witness
from twinschema.records.differences import Severity
from twinschema.records.pins import digest

# The rule of an equivalence of two views that returned the same rows.
SAME_RULE = "view answers: the same rows"


def views(st: StageContext) -> None:
    """Judge the views both sides (of two dialects, both having read their objects) hold."""
    left, right = st.left.schema, st.right.schema
    if not st.cross or not (left.objects_read and right.objects_read):
        return
    reported = {d.name for d in st.comparison.differences if d.kind == OBJECT_VIEW}
    names = [n for n in views_to_run(left, right) if n not in reported]
    if not names:
        return
    dialects = st.dialects
    backends = (st.ev.backend(dialects[0]), st.ev.backend(dialects[1]))
    st.note(*dialects)
    for name in names:
        verdict, device = view_local.compare((left, right), name, backends)
        pair = (_view(st.left.schema.objects, name), _view(st.right.schema.objects, name))
        texts = (pair[0].raw.strip(), pair[1].raw.strip())
        if verdict.same is None:
            st.comparison.warnings.append(_undecided(st, verdict, texts))
            continue
        st.result.evaluated += 1
        _counted(st, name)
        if verdict.same:
            st.comparison.equivalences.append(
                Equivalence(
                    layer=st.layer or "diff",
                    table=name,
                    column=None,
                    rule=f"{SAME_RULE} on {verdict.probed} probe rows",
                    left=texts[0],
                    right=texts[1],
                    left_source=st.left.label,
                    right_source=st.right.label,
                )
            )
        else:
            st.comparison.differences.append(_parted(st, verdict, texts, device))


def _view(objects: tuple[SchemaObject, ...], name: str) -> SchemaObject:
    return next(o for o in objects if o.kind == OBJECT_VIEW and o.name == name)


def _counted(st: StageContext, name: str) -> None:
    """View ``name`` was compared: where a side counted it under not_compared (a view
    domain.yaml declares is checked, not counted), it is counted no more."""
    key = (OBJECT_VIEW, "", name)
    for label in (st.left.label, st.right.label):
        keys, counts = (
            st.comparison.counted.get(label, set()),
            st.comparison.not_compared.get(label),
        )
        if key not in keys or not counts or not counts.get("views"):
            continue
        keys.discard(key)
        counts["views"] -= 1
        if not counts["views"]:
            del counts["views"]
        if not counts:
            del st.comparison.not_compared[label]


def _parted(
    st: StageContext, verdict: ViewVerdict, texts: tuple[str, str], device: str = ""
) -> Difference:
    """The difference of a view whose two sides return other rows on ``verdict``'s witness
    (``device``: where SQLite's side was run as on a device off UTC, ``view_local``)."""
    said = answers_text(verdict, (st.side_name("left"), st.side_name("right")))
    return _view_difference(
        st,
        verdict,
        texts,
        f"view {verdict.view} returns other rows on each side {witness_text(verdict)}: {said} "
        f"(run on the same {verdict.probed} probe rows in scratch copies of its tables)"
        + (f"; {WALL_NOTE}" if verdict.walled else "")
        + (f"; {device}" if device else ""),
        _first_hint(verdict)
        + f"make view {verdict.view} select the same rows on both sides (the witness shows "
        "where they part), or declare it for one dialect in domain.yaml; if it differs on "
        f"purpose, allow it there, pinned to both definitions (either changed later is "
        f"reported): views: {{{verdict.view}: {{allow: [{_pinned(st, texts)}]}}}}",
        witness=view_witness(verdict, said, st.dialects),
    )


def _pinned(st: StageContext, texts: tuple[str, str]) -> str:
    """The allowance of a view pinned to each side's definition by its digest (stranger81 005:
    unpinned, ``{kind: view}`` allowed any later change of the view too, silently), each
    read by the logical names, which a rename revision leaves as they were (recheck86 item 4)."""
    schemas = (st.left.schema, st.right.schema)
    pins = ", ".join(
        f'{d}: "{digest(logical_view_text(t, s) or t)}"'
        for d, t, s in zip(st.dialects, texts, schemas, strict=True)
    )
    return f"{{kind: view, sides: {{{pins}}}, reason: ...}}"


# The hint of answers that part only past a double's digits (stranger79 007): what to write.
# Both forms return the same rows (golden sl-pg.view-answers-avg-round-same, -avg-float8-same).
_PAST_DOUBLE = (
    "on this witness they part only past a double's 15-17 digits (SQLite computes avg(), a "
    "division and a sum of REAL or NUMERIC values not whole as a double, PostgreSQL as numeric "
    "with more digits): round both sides to the digits the application shows (round(avg(x), "
    "2) on both, round(sum(x), 2) for money), or make PostgreSQL's a double too "
    "(avg(x)::float8, (1.0 * a / b)::float8); "
)
# ...and where the views divide and read a column SQLite keeps whole values of as integers
# (NUMERIC affinity: 15.00 is 15), rounding is not enough: checked on SQLite 3.40 and
# PostgreSQL 16 with 15.00 and 16.00 in one group, round(sum(price) / count(*), 2) is 15.0
# against 15.50, round(sum(price) * 1.0 / count(*), 2) on both and SQLite's
# round(CAST(sum(price) AS REAL) / count(*), 2) are 15.5 against 15.50 (golden
# sl-pg.view-divide-whole-*).
_INTEGRAL = (
    f"{DIVISION_INTEGRAL}: SQLite stores a whole NUMERIC value as an integer (15.00 as 15), "
    "so its / may divide two integers, (15.00 + 16.00) / 2 is 15 there and 15.50 on "
    "PostgreSQL, and rounding both sides keeps that: make SQLite's a division of doubles "
    "(a * 1.0 / b on both: sum(x) * 1.0 / count(*); or CAST(a AS REAL) / b on SQLite), then "
    "round both sides to the digits the application shows; "
)


def _first_hint(verdict: ViewVerdict) -> str:
    """What the hint of a parted view says first: the server's TimeZone where only it parts
    them (``_zone_hint``); of its numbers, ``_PAST_DOUBLE`` where the
    witness parts only past a double's digits, and ``_INTEGRAL`` (what really makes them
    alike) where SQLite's integer division of whole values is what parts them on the witness
    (``view_doubled``; stranger83 001: "round both sides" alone left 15 against 15.50; not
    where the views divide but part on something else, recheck86 (3): a quarter's integer
    division over a second-60 witness got it)."""
    said = _zone_hint(verdict) + (_PAST_DOUBLE if verdict.past_double else "")
    said += _INTEGRAL if verdict.divided else ""
    return f"{said}or " if said else ""


def _zone_hint(verdict: ViewVerdict) -> str:
    """Where only the checked PostgreSQL database's TimeZone parts the views (run again with
    its session in UTC, at the same moments, they return the same rows: recheck86 (2),
    stranger86's routes_this_month under America/Los_Angeles; recheck88's revenue_weekly, which
    reads no clock), the hint names the zone as the cause and its fixes first, as a clock
    default's does (``zone_hints``): the zone set to UTC, and, where PostgreSQL's view rewritten
    to read its dates and times in UTC returned SQLite's rows in that zone too (``view_utc``;
    recheck88: ``(now() AT TIME ZONE 'UTC')::date`` for CURRENT_DATE alone left ``sold_at::date``
    in the zone), each rewrite; no rewrite is offered that was not run so."""
    if verdict.zoned is None:
        return ""
    said = (
        f"the PostgreSQL database's TimeZone ({verdict.zoned}) parts them, not the views' SQL "
        "(run with its sessions in UTC at the same moments, they return the same rows): set it "
        "to UTC (`ALTER DATABASE ... SET timezone TO 'UTC'`, or `ALTER ROLE ... SET timezone "
        "TO 'UTC'` where the role sets it; new sessions take it)"
    )
    if not verdict.mend:
        return said + "; "
    rewrites = "; ".join(
        ("" if view == verdict.view else f"in view {view}: ")
        + ", ".join(f"`{old}` as `{new}`" for old, new in edits)
        for view, edits in verdict.mend
    )
    return (
        f"{said}, or make PostgreSQL's view read its dates and times in UTC, as it was run here "
        f"in {verdict.zoned} at the same moments with the same rows as SQLite's: write, in this order, "
        f"{rewrites} (and a revision for it); "
    )


def _undecided(st: StageContext, verdict: ViewVerdict, texts: tuple[str, str]) -> Difference:
    """The warning of a view whose answers could not be compared."""
    return _view_difference(
        st,
        verdict,
        texts,
        f"view {verdict.view}: what it returns on each side was not compared "
        f"({verdict.reason}); its columns are the same, its rows may not be",
        f"compare view {verdict.view} by hand on both databases, or declare it for one "
        "dialect in domain.yaml",
        severity=Severity.WARNING,
    )


def _view_difference(
    st: StageContext,
    verdict: ViewVerdict,
    texts: tuple[str, str],
    message: str,
    hint: str,
    witness: Witness | None = None,
    severity: Severity = Severity.ERROR,
) -> Difference:
    """The record of view ``verdict.view`` between the stage's two sides."""
    return Difference(
        layer=st.layer or "diff",
        kind=OBJECT_VIEW,
        table=verdict.view,
        column=None,
        name=verdict.view,
        left=texts[0],
        right=texts[1],
        message=message,
        hint=hint,
        severity=severity,
        left_source=st.left.label,
        right_source=st.right.label,
        witness=witness,
    )
