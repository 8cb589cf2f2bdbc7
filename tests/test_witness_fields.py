"""A witness as data is made from data and set where its difference is made (review mend):
which side accepts the row comes from the verdicts the stage holds, never from the words it
wrote (``said``), and the ``Witness`` goes on the difference the stage annotates, merges or
makes with it, not on whichever difference's message holds the same words."""

from __future__ import annotations

from probes import Loader, case_named, compared_sides

from twinschema.evaluate import witness_fields
from twinschema.evaluate.checks import witness_written
from twinschema.evaluate.context import StageContext
from twinschema.records import Difference, Witness

# A case compared on two real SQLite databases: a StageContext to make witnesses in.
CASE = "sl-sl.check-null-refused-by-not-null-near-miss"
SAID = "a.sql rejects, b.sql accepts"


def _stage(loader: Loader) -> StageContext:
    comparison, (left, right) = compared_sides(loader, case_named(CASE))
    return StageContext(comparison, left, right, loader.evaluator)


def _difference(table: str, message: str) -> Difference:
    return Difference("diff", "check", table, None, None, "CHECK (n > 0)", None, message, "")


def test_the_side_that_accepts_is_the_verdicts_not_the_words(loader: Loader) -> None:
    """Words that say the opposite of the verdicts: the verdicts decide; no verdicts (both
    sides store the row), or alike ones, name no side, whatever the words say."""
    st = _stage(loader)
    assert witness_fields.made(st, ("n",), (0,), SAID, (True, False)).accepts == "left"
    assert witness_fields.made(st, ("n",), (0,), SAID, (False, True)).accepts == "right"
    assert witness_fields.made(st, ("n",), (0,), SAID, None).accepts is None
    assert witness_fields.made(st, ("n",), (0,), SAID, (True, True)).accepts is None


def test_a_witness_lands_on_the_difference_given_it(loader: Loader) -> None:
    """Two differences whose messages would both hold the witness's words: only the one the
    stage annotates with it gets it (with its own table), and a difference keeps the first
    witness it is given (the first its message names)."""
    st = _stage(loader)
    written = witness_written(st, ("n",), (0,), SAID, (False, True))
    mine = _difference("t", "CHECK on t differs")
    other = _difference("u", f"CHECK on u differs, unlike t's {written.text}")
    st.comparison.differences = [mine, other]
    st.annotate(written.text, mine, witness=written.witness)
    got, kept = st.comparison.differences
    assert got.message == f"CHECK on t differs; {written.text}"
    assert got.witness == Witness("t", ("n",), (0,), "right", SAID)
    assert kept.witness is None
    later = witness_written(st, ("n",), (5,), "a.sql accepts, b.sql rejects", (True, False))
    st.annotate(later.text, got, witness=later.witness)
    assert st.comparison.differences[0].witness == got.witness


def test_a_merged_difference_has_the_witness_its_message_names(loader: Loader) -> None:
    """A left-only and a right-only CHECK merged into one difference: the merged message's
    witness, on the merged difference's table."""
    st = _stage(loader)
    written = witness_written(st, ("n",), (0,), SAID, (False, True))
    left = _difference("t", "CHECK on t on a.sql only")
    right = Difference("diff", "check", "t", None, None, None, "CHECK (n >= 0)", "b only", "")
    st.comparison.differences = [left, right]
    st.merge(left, right, f"CHECK on t differs; {written.text}", witness=written.witness)
    (merged,) = st.comparison.differences
    assert merged.witness == Witness("t", ("n",), (0,), "right", SAID)
