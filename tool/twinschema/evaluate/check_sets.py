"""A table's CHECKs on one side only, run as a whole against the other side's: one CHECK ``(p) =
(q)`` is the two CHECKs ``NOT p OR q`` and ``p OR NOT q`` (a row passes unless a CHECK is false,
and ``(p) = (q)`` is false exactly where one of the two is, in three-valued logic too), yet no
one of the two pairs with it (stranger51 109, 134: three CHECKs on one side only, no row parting
them). After ``checks`` paired what it could, each side's unpaired CHECK differences on a table,
grouped with those that share a column with them (on either side), are run as one conjunction a
side on probe rows (``checks.run_on_probes``, again with the clock fixed: ``clock_checks``);
where no row parts the two conjunctions they are one equivalence, "equal on N probes", and
else so are the two left by leaving out one CHECK of either side (``(p) = (q)`` against its
halves and ``pct < 100``: the one left out stays a CHECK on one side only). A group no such run
settles (``(p) = (q)`` against one of its halves and another CHECK) stays as it was: CHECKs on
one side each, which ``one_sided`` gives their witnesses.
"""

from __future__ import annotations

from twinschema.evaluate import clock_checks, probes
from twinschema.evaluate.checks import check_text, one_sided_checks, run_on_probes
from twinschema.evaluate.context import StageContext, find, logical_name, probe_count
from twinschema.records import Difference

# At most this many CHECKs on one side only in a group: more are left as they are.
_GROUPED = 8


def alike_sets(st: StageContext) -> None:
    """Settle each group of a table's unpaired one-sided CHECKs whose conjunction no probe row
    parts from the other side's (see the module docstring)."""
    tables = {d.table for d in st.comparison.differences if d.kind == "check" and d.table}
    for table in sorted(tables):
        lefts = _read(st, table, "left")
        rights = _read(st, table, "right")
        for lgroup, rgroup in _groups(lefts, rights):
            if lgroup and rgroup and max(len(lgroup), len(rgroup)) <= _GROUPED:
                _settle(st, table, lgroup, rgroup)


# A one-sided CHECK difference, its raw text, and the logical columns it reads.
_Read = tuple[Difference, str, frozenset[str]]


def _read(st: StageContext, table: str, side: str) -> list[_Read]:
    """``side``'s CHECK differences on ``table`` that the other side lacks, each with its text
    and the logical columns it reads (one that does not parse, or reads no column, is left)."""
    own = st.left if side == "left" else st.right
    found, _ = find(own, table, "")
    read: list[_Read] = []
    for d in one_sided_checks(st, table, side):
        text = check_text(found, d.left if side == "left" else d.right)
        reads = probes.reads(own.schema.dialect, text) if text is not None else None
        if text is not None and reads is not None and reads.columns:
            columns = frozenset(logical_name(own, table, c) for c in reads.columns)
            read.append((d, text, columns))
    return read


def _groups(lefts: list[_Read], rights: list[_Read]) -> list[tuple[list[_Read], list[_Read]]]:
    """The CHECKs of both sides in groups linked by the columns they share, in order."""
    groups: list[tuple[set[str], tuple[list[_Read], list[_Read]]]] = []
    for n, found in enumerate((lefts, rights)):
        for item in found:
            merged: tuple[set[str], tuple[list[_Read], list[_Read]]] = (set(item[2]), ([], []))
            for g in [g for g in groups if g[0] & item[2]]:
                merged[0].update(g[0])
                merged[1][0].extend(g[1][0])
                merged[1][1].extend(g[1][1])
                groups.remove(g)
            merged[1][n].append(item)
            groups.append(merged)
    return [g[1] for g in groups]


def _settle(st: StageContext, table: str, lgroup: list[_Read], rgroup: list[_Read]) -> None:
    """Settle the two groups where no row parts them; else the first found by leaving one CHECK
    of either side out (``(p) = (q)`` against its two halves and ``pct < 100``: the halves), the
    one left out staying a CHECK on one side only."""
    if _equal(st, table, lgroup, rgroup):
        return
    for n, group in enumerate((lgroup, rgroup)):
        for item in group if len(group) > 1 else []:
            kept = [i for i in group if i is not item]
            if _equal(st, table, *((kept, rgroup) if n == 0 else (lgroup, kept))):
                return


def _equal(st: StageContext, table: str, lgroup: list[_Read], rgroup: list[_Read]) -> bool:
    """Run the two groups as one conjunction a side; no row parting them makes them one
    equivalence in the place of their differences (True)."""
    ltext = " AND ".join(f"({text})" for _, text, _ in lgroup)
    rtext = " AND ".join(f"({text})" for _, text, _ in rgroup)
    run = run_on_probes(st, table, ltext, rtext, errors_reject=True, counted=False)
    if run is None or run.witness is not None:
        return False
    if clock_checks.at_fixed_moment(st, table, ltext, rtext) is not None:
        return False
    st.result.evaluated += 1
    found = [d for d, _, _ in lgroup + rgroup]
    st.drop(*found)
    st.equivalence(
        found[0],
        f"equal on {probe_count(run.judged)}",
        ", ".join(d.left or "" for d, _, _ in lgroup),
        ", ".join(d.right or "" for d, _, _ in rgroup),
    )
    return True
