"""Two groups of CHECKs run against each other (``probe``; ``check_tables`` runs the pairs
``check_pairing`` makes, and a table's CHECKs as a whole): a witness row merges them into one
difference, none makes them one equivalence, "equal on N probes".
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from twinschema.canonical.typemap_operators import READ_OTHERWISE
from twinschema.evaluate import (
    clock_checks,
    clock_fixed,
    clock_reads,
    clock_steps,
    round_operands,
)
from twinschema.evaluate.checks import (
    check_of,
    check_text,
    run_on_probes,
    witness_written,
)
from twinschema.evaluate.context import StageContext, find, probe_count
from twinschema.evaluate.reasons import Parted
from twinschema.evaluate.sqlite_refusals import every_row_refused
from twinschema.evaluate.witness_fields import few_probes
from twinschema.model import Table
from twinschema.records import SQLGLOT_DIALECTS, Difference
from twinschema.sql_expression import parse_expression


def joined(table: Table | None, shown: list[str | None]) -> str | None:
    """The raw expressions of the CHECKs ``shown`` (as ``CHECK (...)``), as one conjunction;
    None when one is not found."""
    texts = [check_text(table, s) for s in shown]
    if not texts or any(t is None for t in texts):
        return None
    return texts[0] if len(texts) == 1 else " AND ".join(f"({t})" for t in texts)


def probe(
    st: StageContext, lds: list[Difference], rds: list[Difference], alone: bool = False,
    merge: bool = True, beside: bool = False, settle: bool = True,
) -> bool | None:  # fmt: skip
    """Run the CHECKs of ``lds`` (left) against those of ``rds`` (right), each side's as one
    conjunction, on probe rows (again with the clock fixed: ``clock_checks``). A row parting
    them merges them into one difference that names it (False); none makes them one
    equivalence, "equal on N probes" (True), unless ``alone`` and they part on a row the
    table's other CHECKs refuse (``ProbeRun.alone``: equal only beside those), which leaves
    them as they are (None, as where they cannot be run). Unless ``merge``, a row parting them
    leaves them as they are too (False), and only a run that settles them is counted. With
    ``beside``, two equal only beside the table's other CHECKs are one equivalence that says so.
    Unless ``settle``, nothing is recorded: True or False says whether a row parts them.
    """
    table = lds[0].table
    assert table is not None
    lt, _ = find(st.left, table, "")
    rt, _ = find(st.right, table, "")
    ltext, rtext = joined(lt, [d.left for d in lds]), joined(rt, [d.right for d in rds])
    if lt is None or ltext is None or rtext is None:
        return None
    run = run_on_probes(st, lt.name, ltext, rtext, errors_reject=True, counted=merge)
    if run is None:  # the differences say why, should they stay (``unjudged_checks``)
        st.unjudged.append(((*lds, *rds), lt.name, ltext, rtext))
        return None
    found, parting, said = run.probes, run.witness, ""
    if parting is not None:  # named with the clock fixed where it reads one (``steadied``)
        found, parting, said = clock_checks.steadied(st, lt.name, (ltext, rtext), found, parting)
    else:  # again with the clock fixed inside a second (``clock_checks``)
        at = clock_checks.at_fixed_moment(st, lt.name, ltext, rtext)
        apart = clock_reads.clocks_apart(st, (ltext, rtext)) if at is None else ""
        if apart:  # two clocks of one transaction: no row parts them at its start
            if merge:
                _clocks_apart(st, lds, rds, (ltext, rtext), apart)
            return False
        if at is None:
            if alone and not run.alone and not beside:
                return None
            if not settle:
                return True
            st.result.evaluated += not merge
            # says so where only beside others
            days = clock_steps.shown_days(tuple(zip(st.dialects, (ltext, rtext), strict=True)))
            shown = few_probes(st, run.judged_rows, days)
            _equal(st, lds, rds, run.judged, not run.alone, shown)
            return True
        (found, parting), said = at, f" with the clock at {clock_fixed.FIXED_MOMENT} UTC"
    if not merge:
        return False
    said = parting.said(st) + said + every_row_refused(st, found, (ltext, rtext), parting.row)
    lshown = ", ".join(d.left or "" for d in lds)
    rshown = ", ".join(d.right or "" for d in rds)
    one = len(lds) == len(rds) == 1
    before = list(st.comparison.differences)
    written = witness_written(st, found, parting.row, said, parting.verdicts)
    witnessed = Parted((found.left, found.right), found.backends, (parting.row,))
    st.merge(
        lds[0],
        rds[0],
        f"{'CHECK on' if one else 'CHECKs on'} {st.table_shown(lt.name)} "
        f"{'differs' if one else 'differ'}: "
        f"{each_side(st, (lshown, rshown), (ltext, rtext), witnessed)}"
        f"{domains_held(st, lds, rds)}; " + written.text,
        witness=written.witness,
    )
    if not one:  # one difference names both groups
        st.drop(*lds[1:], *rds[1:])
        st.comparison.differences = [
            d if any(d is b for b in before) else replace(d, left=lshown, right=rshown)
            for d in st.comparison.differences
        ]
    return False


def _clocks_apart(
    st: StageContext, lds: list[Difference], rds: list[Difference], texts: tuple[str, str],
    said: str,
) -> None:  # fmt: skip
    """``lds`` and ``rds`` as one difference with no witness row: they read different clocks of
    one transaction (``clock_reads``), which ``said`` says."""
    lshown = ", ".join(d.left or "" for d in lds)
    rshown = ", ".join(d.right or "" for d in rds)
    table = lds[0].table
    st.merge(
        lds[0],
        rds[0],
        f"CHECK on {st.table_shown(table or '')} differs: {each_side(st, (lshown, rshown), texts)}"
        f"{domains_held(st, lds, rds)}; {said}",
    )
    if len(lds) > 1 or len(rds) > 1:
        st.drop(*lds[1:], *rds[1:])


def domains_held(st: StageContext, lds: list[Difference], rds: list[Difference]) -> str:
    """Which domain holds each CHECK of ``lds`` (left) and ``rds`` (right) that is a PostgreSQL
    domain's read as its column's: `` (b.sql's is CHECK brix_min of domain brix)``, as a CHECK
    on one side only says it (``compare.checks``); "" where none is. The differs message named
    no domain, so the CHECK to change could not be found in the table (stranger70)."""
    notes = []
    for where, found in (("left", lds), ("right", rds)):
        table, _ = find(st.left if where == "left" else st.right, found[0].table or "", "")
        held = [
            c.domain.said()
            for d in found
            if (c := check_of(table, d.left if where == "left" else d.right)) is not None
            and c.domain is not None
        ]
        if held:
            are = "is" if len(held) == 1 else "are"
            notes.append(f"{st.side_name(where)}'s {are} {', '.join(held)}")
    return f" ({'; '.join(notes)})" if notes else ""


def each_side(
    st: StageContext, shown: tuple[str, str], texts: tuple[str, str], parted: Parted | None = None
) -> str:
    """What each side's CHECK is, as a message names them: ``A on a.sql, B on b.sql``. Written
    alike (two SQL files, one ``SET TimeZone`` before it), the text each database stored
    says what parts them (stranger57 030: ``'2020-01-01 00:00:00-05'`` against ``'... +00'``;
    the same text twice named nothing); stored alike too, the dialects read it otherwise.
    Across dialects the texts differ by each one's writing: what the CHECK calls says why
    (``read_otherwise``: SQLite's LIKE ignores ASCII case; stranger61 017; round() by its
    operand's type on the witness row ``parted``: ``round_operands``), else the texts."""
    left, right = st.side_name("left"), st.side_name("right")
    if shown[0] != shown[1]:
        return f"{shown[0]} on {left}, {shown[1]} on {right}"
    if st.cross:  # each dialect writes its own text: no session setting parts them
        said = round_operands.round_reason(st.dialects, texts, parted) if parted else None
        why = read_otherwise(st.left.schema.dialect, texts[0], said)
        if why:
            return f"{shown[0]} on both, which {left} and {right} read otherwise: {why}"
        return (
            f"{shown[0]} on both, which {left} and {right} read otherwise: {texts[0]} on "
            f"{left}, {texts[1]} on {right}"
        )
    if texts[0] != texts[1]:
        return (
            f"{shown[0]} on both, which each stored otherwise (a literal is read in the session's "
            f"settings, such as a SET TimeZone or DateStyle before it): {texts[0]} on {left}, "
            f"{texts[1]} on {right}"
        )
    return f"{shown[0]} on both, which {left} and {right} read otherwise"


def read_otherwise(dialect: str, text: str, rounding: str | None = None) -> str:
    """Why SQLite and PostgreSQL read one CHECK text otherwise, by the calls in ``text`` (of
    ``dialect``) that ``typemap_operators.READ_OTHERWISE`` names, joined; "" for none. Where
    ``rounding`` is given, it is round()'s reason (``round_operands``; "": none)."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        tree = parse_expression(partial(sqlglot.parse_one, read=SQLGLOT_DIALECTS[dialect]), text)
    except (SqlglotError, ValueError):
        return ""
    names = dict.fromkeys(type(node).__name__ for node in tree.walk())
    said = {**READ_OTHERWISE, **({} if rounding is None else {round_operands.ROUND: rounding})}
    return "; ".join(said[name] for name in names if said.get(name))


def _equal(
    st: StageContext, lds: list[Difference], rds: list[Difference], n: int, beside: bool = False,
    probes: tuple[str, ...] = (),
) -> None:  # fmt: skip
    """``lds`` and ``rds`` as one equivalence, "equal on N probes" (``beside`` the table's
    other CHECKs only; ``probes``: a few of them)."""
    if len(lds) == len(rds) == 1 and not beside:
        st.equal_on_probes(lds[0], rds[0], n, None, probes)
        return
    st.drop(*lds, *rds)
    st.equivalence(
        lds[0],
        f"equal on {probe_count(n)}" + (" beside the table's other CHECKs" if beside else ""),
        ", ".join(d.left or "" for d in lds),
        ", ".join(d.right or "" for d in rds),
        probes=probes,
    )
