"""CHECK differences of a table paired, to say which CHECK a row parts on (``check_tables`` uses
them where a table's CHECKs as a whole part): the one on each side (those the other side holds
aside: ``held_checks``), else those over the same columns (``_pairs_within``); and two groups
of CHECKs run against each other (``probe``): a witness row merges them into one difference,
none makes them one equivalence, "equal on N probes".
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from sqlglot import exp

from twinschema.canonical.expressions import across
from twinschema.canonical.typemap_operators import READ_OTHERWISE
from twinschema.evaluate import (
    clock_checks,
    clock_fixed,
    clock_reads,
    clock_steps,
    expression_reads,
    held_checks,
    named_checks,
    round_operands,
    side_checks,
)
from twinschema.evaluate.checks import (
    check_of,
    check_text,
    run_on_probes,
    telling,
    witness_written,
)
from twinschema.evaluate.context import StageContext, find, logical_name, probe_count
from twinschema.evaluate.probe_sets import accept_vectors, probe_rows
from twinschema.evaluate.reasons import Parted
from twinschema.evaluate.sqlite_refusals import every_row_refused
from twinschema.evaluate.witness_fields import few_probes
from twinschema.model import Table
from twinschema.records import SQLGLOT_DIALECTS, Difference, Side
from twinschema.sql_expression import parse_expression


def check_pairs(st: StageContext) -> list[tuple[Difference, Difference]]:
    """The ``check`` differences that pair up on a table: the one on each side (those the
    other side holds aside: ``held_checks``), else those over the same columns
    (``_pairs_within``)."""
    by_table: dict[str, tuple[list[Difference], list[Difference]]] = {}
    for d in st.comparison.differences:
        if d.kind == "check" and d.table is not None:
            by_table.setdefault(d.table, ([], []))[0 if d.left is not None else 1].append(d)
    pairs: list[tuple[Difference, Difference]] = []
    for table, (lefts, rights) in by_table.items():
        if len(lefts) != 1 or len(rights) != 1:
            lefts, rights = held_checks.without_held(st, table, lefts, rights)
        if len(lefts) == len(rights) == 1:
            if reads_alike(st, table, lefts[0], rights[0]):
                pairs.append((lefts[0], rights[0]))
            continue
        lsets = _by_columns(st.left, table, [(d, d.left) for d in lefts])
        rsets = _by_columns(st.right, table, [(d, d.right) for d in rights])
        for columns, found in lsets.items():
            pairs += _pairs_within(st, table, found, rsets.get(columns, []))
    return pairs


# At most this many CHECKs over the same columns on each side are tried against each other.
_PAIRED_WITHIN = 4


def _pairs_within(
    st: StageContext, table: str, lefts: list[Difference], rights: list[Difference]
) -> list[tuple[Difference, Difference]]:
    """Pairs of CHECKs over the same columns: the one on each side; those named alike
    (``named_checks``); else, of a few on each side, those written alike, then those no probe
    row parts by themselves (not through the table's other CHECKs, which make any two of one
    conjunction alike), then those alike but for their literals (``_shape``: ``a < 10`` and ``a
    < 100`` beside ``a > 0`` and ``a > 5``, two pairs, each its own difference, witness and
    allowance: stranger68 009 had them one difference, "CHECK (a > 0), CHECK (a < 10)", which
    an allowance of one pair missed and an allowance of its glued text hid both by), then the
    one left on each side (``c0 > 7.25`` and ``c0 < 20.5``, which an integer column's canonical
    forms tell apart across dialects). Several left on both sides stay CHECKs on one side each."""
    if len(lefts) == len(rights) == 1:
        return [(lefts[0], rights[0])]
    named = named_checks.named_pairs(lefts, rights) if st.cross else []  # by name first
    if named:
        lefts = [d for d in lefts if all(d is not n for n, _ in named)]
        rights = [d for d in rights if all(d is not n for _, n in named)]
        return named + _pairs_within(st, table, lefts, rights)
    if not lefts or not rights or max(len(lefts), len(rights)) > _PAIRED_WITHIN:
        return []
    lt, _ = find(st.left, table, "")
    rt, _ = find(st.right, table, "")
    texts = {id(d): check_text(lt, d.left) for d in lefts}
    texts |= {id(d): check_text(rt, d.right) for d in rights}

    def written(d: Difference) -> str:  # letter case and spacing aside
        return " ".join((d.left or d.right or "").lower().split())

    def alike(ld: Difference, rd: Difference) -> bool:
        ltext, rtext = texts[id(ld)], texts[id(rd)]
        if ltext is None or rtext is None:
            return False
        ltext, rtext = side_checks.through_generated(st, table, (ltext, rtext))
        found = probe_rows(st, table, ltext, rtext, counted=False)
        judged = accept_vectors(found, ltext, rtext, True) if found is not None else []
        return telling(judged) and all(a == b for _, a, b in judged)

    shapes = {id(d): _shape(st, st.left, table, d.left) for d in lefts}
    shapes |= {id(d): _shape(st, st.right, table, d.right) for d in rights}

    def shaped(ld: Difference, rd: Difference) -> bool:  # one rule, its literals changed
        return shapes[id(ld)] is not None and shapes[id(ld)] == shapes[id(rd)]

    pairs: list[tuple[Difference, Difference]] = []
    rest = list(rights)
    for same in (lambda ld, rd: written(ld) == written(rd), alike, shaped):
        for ld in [ld for ld in lefts if all(ld is not p for p, _ in pairs)]:
            twin = next((rd for rd in rest if same(ld, rd)), None)
            if twin is not None:
                pairs.append((ld, twin))
                rest.remove(twin)
    left_over = [ld for ld in lefts if all(ld is not p for p, _ in pairs)]
    if len(left_over) == len(rest) == 1:
        pairs.append((left_over[0], rest[0]))
    return pairs


# Inclusive comparisons, each with its strict form: one shape (``_shape``).
_BOUNDS: tuple[tuple[type[exp.Expr], type[exp.Expr]], ...] = ((exp.GTE, exp.GT), (exp.LTE, exp.LT))


def _shape(st: StageContext, side: Side, table_name: str, shown: str | None) -> str | None:
    """The canonical form of the CHECK ``shown`` of ``side``'s ``table_name`` (across dialects,
    the form compared across), each literal made a placeholder and each inclusive bound strict
    (``a >= 0`` is ``a > ?``): two CHECKs of one shape are one rule whose bounds or values
    differ. None where it is not found or does not parse."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    table, _ = find(side, table_name, "")
    check = (
        next((c for c in table.checks if f"CHECK ({c.shown()})" == shown), None) if table else None
    )
    if check is None:
        return None
    text = across(check.expression)[0] if st.cross else check.expression
    try:
        tree = parse_expression(sqlglot.parse_one, text)
    except (SqlglotError, ValueError):
        return None

    def strict(node: exp.Expr) -> exp.Expr:  # a bound kept or dropped is the same rule's
        for inclusive, made in _BOUNDS:
            if isinstance(node, inclusive):
                return made(this=node.this, expression=node.expression)
        return node

    tree = tree.transform(strict)  # then each literal, those under a bound made strict too
    return str(
        tree.transform(lambda n: exp.Placeholder() if isinstance(n, exp.Literal) else n).sql()
    )


def reads_alike(st: StageContext, table: str, ld: Difference, rd: Difference) -> bool:
    """True when the CHECK of ``ld`` (left) and that of ``rd`` (right) read a logical column in
    common: only then are they one rule changed, one CHECK differing. Two that share no column
    are two CHECKs on one side each, each with its own witness and allowance (stranger67 010:
    SQLite's ``feat IS NULL OR feat LIKE '%Trailers%'`` against PostgreSQL's ``ry >= 1901``,
    paired, let an allowance of the first hide the second). One whose columns cannot be read
    is not known to be the same rule either."""
    lreads = _reads(st.left, table, ld.left)
    rreads = _reads(st.right, table, rd.right)
    return bool(lreads and rreads and lreads & rreads)


def _reads(side: Side, table_name: str, shown: str | None) -> frozenset[str]:
    """The logical columns the CHECK ``shown`` of ``side``'s ``table_name`` reads, a generated
    column also as those it computes from; empty where it does not parse."""
    table, _ = find(side, table_name, "")
    raw = check_text(table, shown)
    if raw is None:
        return frozenset()
    dialect = side.schema.dialect
    inlined = side_checks.generated_inlined(dialect, table, raw)
    found = [expression_reads.reads(dialect, raw), expression_reads.reads(dialect, inlined)]
    return frozenset(
        logical_name(side, table_name, c) for f in found if f is not None for c in f.columns
    )


def _by_columns(
    side: Side, table_name: str, shown: list[tuple[Difference, str | None]]
) -> dict[frozenset[str], list[Difference]]:
    """Check differences of one side grouped by the logical columns they read (``deliveryDate``
    on SQLite is ``delivery_date`` on PostgreSQL where domain.yaml names it so)."""
    table, _ = find(side, table_name, "")
    grouped: dict[frozenset[str], list[Difference]] = {}
    for d, text in shown:
        raw = check_text(table, text)
        if (
            raw is not None
            and (found := expression_reads.reads(side.schema.dialect, raw)) is not None
        ):
            key = frozenset(logical_name(side, table_name, c) for c in found.columns)
            grouped.setdefault(key, []).append(d)
    return grouped


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
