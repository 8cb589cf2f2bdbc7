"""The witness of an enum carried by a CHECK ... IN list under a collation that makes other
values equal, against a native enum of the same labels (``compare.collated_lists``): the comparer
names a label in another case, which the listed side's other CHECKs may refuse
(``status GLOB '[a-z]*'`` refuses 'CLOSED'; stranger70 011-q3). Here the labels' probe values
(``probes.values_for``, with ``case_probes``: 'oPEN', 'cLOSED') run on the real databases,
each side's column as declared (its collation too) under all of that side's CHECKs on it: the
first the listed side stores and the other refuses is the witness; where none is, the two accept
the same values on every probe and the difference is dropped as "equal on N probes"."""

from __future__ import annotations

from dataclasses import replace

from twinschema.evaluate.case_probes import case_probes
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.probes import values_for
from twinschema.evaluate.side_checks import checks_within
from twinschema.evaluate.statements import probe_column
from twinschema.evaluate.witness_rows import row_text
from twinschema.model import Column
from twinschema.records import Difference


def witnesses(st: StageContext) -> None:
    """Settle each enum difference the comparer named a witness for (a label in another case,
    ``Witness.accepts`` the listed side) on probe rows of both real databases: a true witness
    in its place, or the difference dropped where no probe parts the two."""
    for d in list(st.comparison.differences):
        w = d.witness
        if d.kind != "enum" or w is None or w.accepts is None or d.table is None:
            continue
        if d.column is None or not d.message.endswith(w.said):
            continue
        _settle(st, d, d.table, d.column, w.accepts)


def _settle(st: StageContext, d: Difference, table: str, column: str, listed: str) -> None:
    """Run the probe values of ``column`` on both sides: ``listed`` ("left" or "right") is the
    side whose IN list takes the collation."""
    lc, rc = find(st.left, table, column)[1], find(st.right, table, column)[1]
    if lc is None or rc is None:
        return
    cols = (lc, rc)
    backends = (st.ev.backend(st.left.schema.dialect), st.ev.backend(st.right.schema.dialect))
    st.note(*st.dialects)
    lb, rb = backends
    if lb is None or rb is None:
        return
    labels = tuple(v for c in cols for v in (c.type.values or ()))
    rows = [(v,) for v in _candidates(st, table, column, labels)]
    got = []
    for backend, side, col in zip((lb, rb), (st.left, st.right), cols, strict=True):
        checks = checks_within(side, table, {column.lower()})
        got.append(backend.try_rows([probe_column(col)], checks, rows, errors_reject=True))
    at = 0 if listed == "left" else 1
    judged = 0
    for row, verdicts in zip(rows, zip(*got, strict=True), strict=True):
        mine, theirs = verdicts[at], verdicts[1 - at]
        judged += mine is not None
        if mine and not theirs:  # a value the enum's type refuses gives None: not stored
            _named(st, d, lc, row[0], listed)
            return
    if judged:
        st.drop(d)
        st.probed_equivalence(d, d, judged, column)


def _candidates(st: StageContext, table: str, column: str, labels: tuple[str, ...]) -> list[str]:
    """The probe values of a text column holding ``labels``: theirs and ``case_probes``'s."""
    found = [v for v in values_for("text", (), labels) if isinstance(v, str)]
    return list(dict.fromkeys([*found, *case_probes(st, table, [column])]))


def _named(st: StageContext, d: Difference, lc: Column, value: str, listed: str) -> None:
    """``d`` with ``value`` as its witness in place of the comparer's."""
    assert d.witness is not None
    other = "right" if listed == "left" else "left"
    said = (
        f"witness ({lc.name}) = {row_text(st.dialects, (value,))}: "
        f"{st.side_name(listed)} accepts, {st.side_name(other)} rejects"
    )
    if said == d.witness.said:
        return
    named = replace(
        d,
        message=d.message.removesuffix(d.witness.said) + said,
        witness=replace(d.witness, values=(value,), said=said),
    )
    st.comparison.differences = [named if x is d else x for x in st.comparison.differences]
