"""A witness as data (stranger57 u1): the JSON report gave a difference's witness row only
inside its message's words. Each witness the stage writes (``checks.witness_written``) is a
``Written``: its text for the message and the ``Witness`` record, made from the row and each
side's verdict as data (never read back out of the words), which the stage sets on the
difference where it makes or annotates it (``StageContext.annotate``, ``merge``,
``dependent_difference``; ``Difference.given``: the first a difference is given). And an
"equal on N probes" names a few of its probe rows (``few_probes``), so a user sees which values
were tried."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from twinschema.evaluate.context import StageContext
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.witness_rows import row_text
from twinschema.records import Witness

if TYPE_CHECKING:
    from twinschema.evaluate.probe_sets import ProbeSet

# How many probe rows an "equal on N probes" names, and how long each may be written.
_FEW = 4
_LONGEST = 60


# Whether each side (left, right) accepts a witness row; None where both store it and part on
# what they store or compute (a generated value, a row in one side's partial index only).
Verdicts = tuple[bool, bool] | None


@dataclass(frozen=True)
class Written:
    """A witness as a message writes it (``text``) and as data (``witness``; None for one that
    is no single row: two rows a unique rule parts, ``index_keys``)."""

    text: str
    witness: Witness | None = None


def own_names(found: ProbeSet) -> tuple[str, ...]:
    """The columns of ``found`` as a witness's message names them: each by the name both
    databases give it where they share one (domain.yaml renamed it alike on both sides:
    ``duration_min``, what a person queries; s66msg), else by its logical name (``names``,
    which the witness's data keeps)."""
    return tuple(
        lc[0] if lc[0] == rc[0] else name
        for name, lc, rc in zip(found.names, found.left, found.right, strict=True)
    )


def made(
    st: StageContext, names: Sequence[str], row: Sequence[Any], said: str, verdicts: Verdicts
) -> Witness:
    """The witness row ``row`` (columns ``names``) as data: ``said``, what each side does with
    it, as the message says it, and ``verdicts``, whether each side accepts it (the side that
    accepts it where they part); its table is set where a difference is given it
    (``Difference.given``)."""
    accepts = None
    if verdicts is not None and verdicts[0] != verdicts[1]:
        accepts = "left" if verdicts[0] else "right"
    values = tuple(json_value(st.dialects, v) for v in row)
    return Witness(None, tuple(names), values, accepts, said)


def json_value(dialects: Sequence[str], value: Any) -> Any:
    """``value`` as JSON holds it: None, a bool, an int, a finite float and a string as they
    are, anything else (a Decimal, a date, bytes, an infinity) as the witness writes it; where
    the two ``dialects`` write it otherwise (bytes: ``X'6162'``, ``'\\x6162'::bytea``), each
    dialect's text by its name (stranger59 013: the message's words were cut into a value)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    texts = {d: probe_text(value, d) for d in dict.fromkeys(dialects)}
    return next(iter(texts.values())) if len(set(texts.values())) == 1 else texts


def few_probes(
    st: StageContext, rows: Sequence[Sequence[Any]], clock_days: Sequence[str] = ()
) -> tuple[str, ...]:
    """A few of ``rows`` (the first, the last, and evenly between), each as a witness writes
    a row, cut at ``_LONGEST`` characters: which values an "equal on N probes" tried. Rows
    that show one of ``clock_days`` (the days probed beside the clock: ``clock_steps.days``)
    are left out, so that what is shown does not change with the day a check runs."""
    texts = [row_text(st.dialects, row) for row in rows]
    texts = [t for t in texts if not any(day in t for day in clock_days)]
    if not texts:
        return ()
    picked = sorted({round(i * (len(texts) - 1) / (_FEW - 1)) for i in range(_FEW)})
    shown = [texts[i] for i in picked]
    return tuple(s if len(s) <= _LONGEST else s[: _LONGEST - 3] + "..." for s in shown)
