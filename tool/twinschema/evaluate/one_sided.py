"""The witness of a CHECK on one side only: the CHECK is run on probe rows (``probe_sets.probe_rows``)
against the other side's own CHECKs over the same columns, or sharing one with them (none:
every row its columns hold), on the rows its own table's other CHECKs over those columns
accept (a table's CHECKs mean their conjunction: stranger70 003),
and the first row the CHECK rejects that the other side stores is named in the difference
(``x INTEGER CHECK (typeof(x) = 'integer')`` against ``x integer``: NULL, which the CHECK
rejects). A NULL is tried only in a column both sides leave nullable: elsewhere NULL is the
column's own difference, not the CHECK's; a row the other side stores changed is a witness only
if the CHECK rejects what it stored too (``stored_rows.partings``: PostgreSQL's 0.00 for 0.001
passes ``n = round(n, 2)``). The difference stands whether or not a row is found, unless
the CHECK's own column type already keeps it (``type_kept``: an equivalence), across
dialects it keeps exactly the other side's integer range (``_type_range``) or numeric(p,s)
range (``precision_mirror``), or a CHECK of
either table refuses each probe row it refuses, and no row parts the tables (``_implied``: an
equivalence, counted as evaluated); else only the witness is added, and the counts of
evaluated pairs stay those of the stage's own judgements.
"""

from __future__ import annotations

from dataclasses import replace

from twinschema.canonical import typemap, typemap_storage
from twinschema.canonical.identifiers import catalog_key
from twinschema.evaluate import (
    expression_reads,
    json_list_rules,
    pin_twins,
    precision_mirror,
    scale_mirror,
    storage_classes,
    strict_kept,
    time_twins,
    type_kept,
    unported_checks,
    uuid_twins,
)
from twinschema.evaluate.checks import check_text, telling, witness_written
from twinschema.evaluate.context import StageContext, find, logical_name, probe_count
from twinschema.evaluate.generated_inline import computed_from, inline_generated
from twinschema.evaluate.generated_refusals import stored_only
from twinschema.evaluate.generated_rows import bounded_products
from twinschema.evaluate.probe_sets import ProbeSet, accept_vectors, probe_rows
from twinschema.evaluate.side_checks import checks_within, generated_inlined, sharing
from twinschema.evaluate.sqlite_refusals import every_row_refused
from twinschema.evaluate.statements import probe_column
from twinschema.evaluate.stored_rows import Parting, nulls_where_both_allow, partings
from twinschema.model import Table
from twinschema.records import Difference


def witnesses(st: StageContext) -> None:
    """Add a witness row to each CHECK difference that only one side has, where one is found;
    settle one that refuses no row the other side stores beside its own table's other CHECKs
    (``_implied``). One settled so is no longer among those the next is judged beside: of
    ``w > 10`` and ``w >= 11`` on one side only, one stays, with its witness."""
    implied: set[tuple[str, str, str]] = set()
    for d in [d for d in st.comparison.differences if d.kind == "check"]:
        if d.table is not None and (d.left is None) != (d.right is None):
            side = "left" if d.left is not None else "right"
            d = pin_twins.retold(st, unported_checks.retold(st, d, side), side)
            _witness(st, d, side, implied)


def _witness(
    st: StageContext, d: Difference, side: str, implied: set[tuple[str, str, str]]
) -> None:
    assert d.table is not None
    own, other = (st.left, st.right) if side == "left" else (st.right, st.left)
    table, _ = find(own, d.table, "")
    text = raw = check_text(table, d.left if side == "left" else d.right)
    if text is not None and table is not None:
        # No INSERT gives a generated column a value: the witness names what computes it
        # (stranger48 004: ``total < 1000`` beside ``total AS (qty * price)`` named (total)).
        text = generated_inlined(own.schema.dialect, table, text)
    found = expression_reads.reads(own.schema.dialect, text) if text is not None else None
    if table is None or text is None or found is None or not found.columns:
        return
    columns = {logical_name(own, d.table, c) for c in found.columns}
    if any(find(other, d.table, c)[1] is None for c in columns):
        return  # a column missing on the other side is a difference of its own
    # A generated column holds only values of its type too: the CHECK as written is settled
    # (stranger56 018: ``is_corp boolean GENERATED ... CHECK (is_corp IN (false, true))``).
    if type_kept.settle(st, d, side, raw or text) or strict_kept.settle(st, d, side, raw or text):
        return  # its own column's type refuses all it refuses: no difference
    # The other side's CHECKs that share a column with these, and theirs in turn, are run too
    # (their columns probed): a row CHECK (a > 0 AND b > 0) refuses there is no witness of a
    # CHECK (a > 0) here, whatever b holds.
    columns = sharing(other, d.table, columns)
    others = checks_within(other, d.table, columns)
    ltext, rtext = (text, others) if side == "left" else (others, text)
    # Its own table's other CHECKs over these columns (those settled as implied aside): a
    # table's CHECKs mean their conjunction, so a witness is a row they all accept (stranger70
    # 003: ``w > 10`` beside ``w >= 50``, against ``w >= 50``, refuses no row of its own).
    gone = {raw or text} | {t for s, tb, t in implied if (s, tb) == (side, d.table)}
    rest = checks_within(own, d.table, columns, leave_out=gone)
    wide = text if rest == "TRUE" else f"({text}) AND {rest}"
    rows = probe_rows(st, table.name, *((wide, rtext) if side == "left" else (ltext, wide)),
                      counted=False)  # fmt: skip
    if rows is None:
        return
    # ...and two columns whose product a CHECK bounds, at its largest (stranger57 110's near
    # miss: ``a * b BETWEEN -32768 AND 32000`` at (161, 200), a smallint PostgreSQL stores)
    bare = _computed(own.schema.dialect, table, raw or text)
    more = bounded_products(st, d.table, (bare, rtext) if side == "left" else (ltext, bare), rows)
    every = nulls_where_both_allow(st, d.table, replace(rows, rows=rows.rows + more))
    twins = uuid_twins.spelled(every, side) + time_twins.spelled(every, side)
    every = replace(every, rows=every.rows + twins)
    tried = beside(every, side, rest)
    # A row the other side's generated column fails to store is refused there (stranger57
    # 110: PostgreSQL's ``area smallint AS (a * b)`` at (200, 200)).
    verdicts = stored_only(st, d.table, tried, accept_vectors(tried, ltext, rtext, True))
    split = partings(st, d.table, tried, (ltext, rtext), verdicts, written=True)
    refused = [p for p in split if p.right == (side == "left")]  # its own side rejects them
    # Only numbers the other side rounds into it, and it takes all that side stores: no sync
    # fails, as a CHECK pair is judged (stranger83 005: ``round(x, 2) = x`` on numeric(6,2)).
    if scale_mirror.settle(st, d, side, tried, (ltext, rtext), verdicts, refused):
        return
    # A uuid's other spellings alone, each stored as the text the CHECK accepts: nothing to
    # write on PostgreSQL (stranger86 006: ``length(id) = 36``).
    d = uuid_twins.retold(st, d, side, columns, refused)
    assert d.table is not None
    for parted in refused:
        said = parted.said(st) + every_row_refused(st, rows, (ltext, rtext), parted.row)
        written = witness_written(st, rows, parted.row, said, parted.verdicts)
        st.annotate(written.text, d, witness=written.witness)
        return
    # Every row the other side's table stores (its CHECKs over these columns too) passes this
    # CHECK: where that table holds what the CHECK's one column's narrow type holds, the CHECK
    # is the type's range (stranger57 027: beside ``CHECK (lo <= hi)`` on both sides).
    mine = [(a, b) if side == "left" else (b, a) for _, a, b in verdicts]
    # A CHECK on a generated column is run on that column as it is (its range, not what
    # computes it: SQLite's ``area INTEGER AS (a * b) CHECK (area BETWEEN -32768 AND 32767)``
    # against ``area smallint AS (a * b)``, whose storing refuses the same rows).
    one = expression_reads.reads(own.schema.dialect, raw) if raw is not None else None
    kept = verdicts and all(ours or not theirs for ours, theirs in mine)
    if kept and one is not None and len(one.columns) == 1:
        column = next(iter(one.columns))
        _type_range(st, d, side, raw or text, len(verdicts), column)
        # ...or, across dialects, exactly what the other side's numeric(p,s) holds.
        if any(d is f for f in st.comparison.differences):
            precision_mirror.settle(st, d, side, raw or text, len(verdicts), column)
    present = any(d is f for f in st.comparison.differences)
    if kept and present and one is not None:  # SQLite's JSON array CHECK on a mapped list
        names = frozenset(logical_name(own, d.table, c) for c in one.columns)
        if json_list_rules.settle_one_sided(st, d, side, names, len(verdicts)):
            return
    if kept and present and _implied(st, d, side, every, (ltext, rtext), rest):
        implied.add((side, d.table, raw or text))
    elif any(d is f for f in st.comparison.differences):  # a difference still: its witness
        _apart_by_class(st, d, side, every, (ltext, rtext), rest)


def _apart_by_class(
    st: StageContext, d: Difference, side: str, every: ProbeSet, texts: tuple[str, str],
    rest: str,
) -> None:  # fmt: skip
    """Name the witness of the one-sided CHECK of ``d``, a difference no probe row showed, among
    the rows holding a value ``side`` keeps in another storage class (``storage_classes``):
    SQLite's ``typeof(harvest_year) = 'integer'`` against PostgreSQL's integer, witness 0.5,
    which SQLite refuses and PostgreSQL stores as 1 (stranger79 008). Only a witness is added:
    no verdict is judged on these rows (a fraction is the column pair's own matter)."""
    assert d.table is not None
    found = storage_classes.rows(every, side, st.dialects)
    if not found.rows:
        return
    tried = beside(found, side, rest)
    verdicts = stored_only(st, d.table, tried, accept_vectors(tried, *texts, True))
    for parted in partings(st, d.table, tried, texts, verdicts, written=True):
        if parted.right == (side == "left"):  # the CHECK's own side rejects it
            # Said as written only: what the other side stored of it need not be what crosses
            # (PostgreSQL's date keeps '20240101' as 2024-01-01, which SQLite's CHECK accepts).
            said = replace(parted, refused_as=None).said(st)
            if parted.stored is not None and any(v != v for v in parted.stored):
                said = _nan_said(st, parted, side)
            written = witness_written(st, found, parted.row, said, parted.verdicts)
            st.annotate(written.text, d, witness=written.witness)
            return


def _nan_said(st: StageContext, parted: Parting, side: str) -> str:
    """What the witness 'NaN' of a CHECK on one side only says (recheck of stranger85: "it stores
    'NaN', which SQLite accepts" read as a contradiction): the text is refused as written on the
    CHECK's side, which keeps it as text, and the number the other side stores from it crosses
    as NULL (SQLite has no NaN), which is the column pair's NaN warning, not this CHECK's."""
    own, other = st.side_name(side), st.side_name("right" if side == "left" else "left")
    said = replace(parted, refused_as=None, stored=None).said(st)
    return (
        f"{said} (as written: {own} keeps it as text, which its CHECK refuses; {other} stores "
        f"the number NaN, which {own} has no value for: a sync writes NULL there, the column's "
        "own NaN warning)"
    )


def _computed(dialect: str, table: Table, text: str) -> str:
    """``text`` with each generated column read as the bare expression computing it
    (``computed_from``: no affinity wrapped round it, so ``area BETWEEN 0 AND 32000`` reads as
    the product ``a * b`` it bounds)."""
    stored = {catalog_key(dialect, c.own_name) for c in table.columns if c.generated is None}
    return inline_generated(dialect, text, computed_from(dialect, table, stored)) or text


def _type_range(st: StageContext, d: Difference, side: str, text: str, n: int, name: str) -> None:
    """A CHECK on one side that keeps exactly the range the other side's narrow integer type
    holds (``x INTEGER CHECK (x BETWEEN -32768 AND 32767)`` against ``x smallint``), which no
    probe row parts from the other side: one equivalence, "the type's range as a CHECK", not
    a difference (stranger36: the warning's own hint, a CHECK on the side that stores it,
    turned an exit 0 into an exit 1). The range's ends and one past each are run first."""
    own, other = (st.left, st.right) if side == "left" else (st.right, st.left)
    if not st.cross or d.table is None:
        return
    logical = logical_name(own, d.table, name)
    column = find(other, d.table, logical)[1]
    mine = find(own, d.table, logical)[1]
    narrow = typemap_storage.NARROW_INTEGERS.get(other.schema.dialect, frozenset())
    kinds = sorted(typemap.kinds_of(column.type) & narrow) if column is not None else []
    backend = st.ev.backend(own.schema.dialect)
    if len(kinds) != 1 or mine is None or backend is None:
        return
    low, high = typemap_storage.INTEGER_RANGES[kinds[0]]
    ends = [(low - 1,), (low,), (high,), (high + 1,)]
    if backend.try_rows([probe_column(mine)], text, ends, True) != [False, True, True, False]:
        return
    rule = f"{kinds[0]}'s range as a CHECK: equal on {probe_count(n)}"
    st.settle_one_sided(d, side, rule, kinds[0], counted=False)


def beside(found: ProbeSet, side: str, rest: str) -> ProbeSet:
    """The rows of ``found`` that ``rest``, ``side``'s other CHECKs, accept (all, for ``TRUE``):
    a row one of them refuses is no witness of the CHECK judged, whatever it makes of it."""
    if rest == "TRUE":
        return found
    n = 0 if side == "left" else 1
    columns = found.left if side == "left" else found.right
    got = found.backends[n].try_rows(columns, rest, found.rows, True)
    return replace(found, rows=tuple(r for r, ok in zip(found.rows, got, strict=True) if ok))


def _implied(
    st: StageContext, d: Difference, side: str, every: ProbeSet, texts: tuple[str, str],
    rest: str,
) -> bool:  # fmt: skip
    """Settle the one-sided CHECK of ``d`` where no probe row parts the two tables (a row the
    other side stores that it refuses, its own table's other CHECKs accepting it: none was
    found), it refuses some probe row (``texts``, run on ``every`` row), and each row it refuses
    a CHECK refuses too: its own table's other ones (``rest``) or the other side's. A table's
    CHECKs mean their conjunction, so it is one equivalence, "equal on N probes" as a CHECK
    pair is (stranger70 003: ``w > 10`` beside ``w >= 50``; ``length(grp) <= 2`` beside an IN
    list). Where only the other side's column type refuses what it refuses, the probes may miss
    the value it is there for (``round(n) = n`` on an INTEGER refuses 1.5, which no probe holds
    where no CHECK names a fraction): it stays a difference, as one no probe row exercises. A
    row the other side's column cannot hold (2147483648 in an integer) counts neither way."""
    n = 0 if side == "left" else 1
    mine, theirs = (every.left, every.right)[n], (every.left, every.right)[1 - n]
    own, other = every.backends[n], every.backends[1 - n]
    rows = every.rows
    refused = own.try_rows(mine, texts[n], rows, True)
    everywhere = [True] * len(rows)
    ours = own.try_rows(mine, rest, rows, True) if rest != "TRUE" else everywhere
    others = texts[1 - n]
    there = other.try_rows(theirs, others, rows, True) if others != "TRUE" else everywhere
    judged = [(r, ok, ok) for r, ok in zip(rows, refused, strict=True) if ok is not None]
    if not telling(judged) or all(ok for _, ok, _ in judged):
        return False
    # Each refused row: refused by a CHECK of either table (``a``, ``b`` False), or one the
    # other side's column cannot hold at all (``b`` None: 2147483648 in an integer), no sign.
    verdicts = [(a, b) for ok, a, b in zip(refused, ours, there, strict=True) if ok is False]
    if not any(False in v for v in verdicts) or any(a is not False and b for a, b in verdicts):
        return False
    over = "no CHECK" if others == "TRUE" else f"CHECK {others}"
    where = st.side_name("right" if side == "left" else "left")
    rule = (
        f"a CHECK on one side only that no row parts: each row it refuses, {where}'s CHECKs "
        f"or its own table's other CHECKs refuse too: equal on {probe_count(len(judged))}"
    )
    st.settle_one_sided(d, side, rule, over)
    return True
