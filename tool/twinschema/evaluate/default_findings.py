"""The records the evaluation stage makes of defaults: a ``column_default`` difference with
its hint, which findings are of a default (not of an identity), and the rule of two defaults
that fail alike."""

from __future__ import annotations

from twinschema.evaluate.context import StageContext
from twinschema.records import Difference
from twinschema.records.hint_ways import Offer

# The rule of two defaults that each fail on their own side: every insert that omits the
# column fails on both, and one that names it uses neither, so no statement parts them.
BOTH_FAIL = "moot by evaluation: inserts that omit it fail on both sides"


def difference(
    st: StageContext, table: str, column: str, left: str | None, right: str | None, message: str,
    fails: bool = False,
) -> Difference:  # fmt: skip
    """A ``column_default`` difference the stage found, with its hint: where an insert
    ``fails``, a default each side can evaluate; else one that gives the same value on each."""
    layer = st.layer or "diff"
    where = "each side" if st.cross else "it"
    offer = (
        None
        if fails
        else Offer(
            f"give {table}.{column} defaults that give the same value on both sides (the "
            "message says what each gives), or "
        )
    )
    hint = f"give {table}.{column} a default that {where} can evaluate, or none"
    return Difference(
        layer=layer,
        kind="column_default",
        table=table,
        column=column,
        name=column,
        left=left,
        right=right,
        message=message,
        hint=hint if offer is None else offer.text(),
        offer=offer,
        left_source=st.left.label,
        right_source=st.right.label,
    )


def is_default(d: Difference) -> bool:
    """True for a default finding, not an identity one (both are ``column_default``)."""
    return not (d.left or "").startswith("identity ") and not (d.right or "").startswith(
        "identity "
    )
