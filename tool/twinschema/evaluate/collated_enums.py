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
from twinschema.records import Difference, GuessedWitness


def witnesses(st: StageContext) -> None:
    """Settle each enum difference the comparer guessed a witness for (a label in another
    case, ``Comparison.guessed``) on probe rows of both real databases: a true witness in its
    place, or the difference dropped where no probe parts the two."""
    for d in list(st.comparison.differences):
        guessed = st.comparison.guessed.get((d.table or "", d.column or ""))
        if d.kind != "enum" or d.witness is None or guessed is None:
            continue
        _settle(st, d, guessed)


def _settle(st: StageContext, d: Difference, guessed: GuessedWitness) -> None:
    """Run the probe values of the guessed witness's column on both sides: ``guessed.listed``
    ("left" or "right") is the side whose IN list takes the collation."""
    table, column, listed = guessed.table, guessed.column, guessed.listed
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
            _named(st, d, lc, row[0], guessed)
            return
    if judged:
        st.drop(d)
        st.probed_equivalence(d, d, judged, column)


def _candidates(st: StageContext, table: str, column: str, labels: tuple[str, ...]) -> list[str]:
    """The probe values of a text column holding ``labels``: theirs and ``case_probes``'s."""
    found = [v for v in values_for("text", (), labels) if isinstance(v, str)]
    return list(dict.fromkeys([*found, *case_probes(st, table, [column])]))


def _named(
    st: StageContext, d: Difference, lc: Column, value: str, guessed: GuessedWitness
) -> None:
    """``d`` with ``value`` as its witness in place of the comparer's guess: its message is
    the guess's ``lead`` and the new witness, its data the new row."""
    assert d.witness is not None
    listed = guessed.listed
    other = "right" if listed == "left" else "left"
    said = f"{st.side_name(listed)} accepts, {st.side_name(other)} rejects"
    if (value,) == d.witness.values:
        return
    named = replace(
        d,
        message=f"{guessed.lead}witness ({lc.name}) = {row_text(st.dialects, (value,))}: {said}",
        witness=replace(d.witness, values=(value,), said=said),
    )
    st.comparison.differences = [named if x is d else x for x in st.comparison.differences]
