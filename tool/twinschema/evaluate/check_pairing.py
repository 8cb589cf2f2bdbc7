"""CHECK differences of a table paired, to say which CHECK a row parts on (``check_tables`` runs
each pair, ``check_pairs.probe``, where a table's CHECKs as a whole part): the one on each side
(those the other side holds aside: ``held_checks``), else those over the same columns
(``_pairs_within``), named alike, written alike, parted by no probe row, or of one shape.
Split from ``check_pairs`` (one job each).
"""

from __future__ import annotations

from sqlglot import exp

from twinschema.canonical.expressions import across
from twinschema.evaluate import expression_reads, held_checks, named_checks, side_checks
from twinschema.evaluate.checks import check_text, telling
from twinschema.evaluate.context import StageContext, find, logical_name
from twinschema.evaluate.probe_sets import accept_vectors, probe_rows
from twinschema.records import Difference, Side
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
