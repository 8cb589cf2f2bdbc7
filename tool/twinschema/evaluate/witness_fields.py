"""A witness as data (stranger57 u1): the JSON report gave a difference's witness row only
inside its message's words. Each witness the stage writes (``checks.witness_text``) is kept
here as a ``Witness`` beside its text, and, once the stage is done, set on each difference
whose message names it (the first it names); and an "equal on N probes" names a few of its
probe rows (``few_probes``), so a user sees which values were tried."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from twinschema.evaluate.context import StageContext
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.witness_rows import row_text
from twinschema.records import Witness

# How many probe rows an "equal on N probes" names, and how long each may be written.
_FEW = 4
_LONGEST = 60


def kept(
    st: StageContext, text: str, names: Sequence[str], row: Sequence[Any], said: str,
    verdicts: tuple[bool, bool] | None = None,
) -> None:  # fmt: skip
    """Keep the witness written as ``text`` (columns ``names``, values ``row``; ``said``: what
    each side does with it, ``SQLite rejects, PostgreSQL accepts``, or ``verdicts``: whether
    each side accepts it) for ``attach``."""
    left, right = st.side_name("left"), st.side_name("right")
    if verdicts is None and said.startswith(f"{left} accepts, {right} rejects"):
        verdicts = (True, False)
    elif verdicts is None and said.startswith(f"{left} rejects, {right} accepts"):
        verdicts = (False, True)
    accepts = None
    if verdicts is not None and verdicts[0] != verdicts[1]:
        accepts = "left" if verdicts[0] else "right"
    values = tuple(_json_value(st, v) for v in row)
    st.witnesses.setdefault(text, Witness(None, tuple(names), values, accepts, said))


def _json_value(st: StageContext, value: Any) -> Any:
    """``value`` as JSON holds it: None, a bool, an int, a finite float and a string as they
    are, anything else (a Decimal, a date, bytes, an infinity) as the witness writes it; where
    the two dialects write it otherwise (bytes: ``X'6162'``, ``'\\x6162'::bytea``), each
    dialect's text by its name (stranger59 013: the message's words were cut into a value)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    texts = {d: probe_text(value, d) for d in dict.fromkeys(st.dialects)}
    return next(iter(texts.values())) if len(set(texts.values())) == 1 else texts


def attach(st: StageContext) -> None:
    """Set on each difference with no witness yet the first kept witness its message names
    (its table the difference's)."""
    if not st.witnesses:
        return
    result = []
    for d in st.comparison.differences:
        if d.witness is None:
            places = [(d.message.find(t), t) for t in st.witnesses if t in d.message]
            if places:
                found = st.witnesses[min(places)[1]]
                d = replace(d, witness=replace(found, table=d.table))
        result.append(d)
    st.comparison.differences = result


def few_probes(st: StageContext, rows: Sequence[Sequence[Any]]) -> tuple[str, ...]:
    """A few of ``rows`` (the first, the last, and evenly between), each as a witness writes
    a row, cut at ``_LONGEST`` characters: which values an "equal on N probes" tried."""
    if not rows:
        return ()
    picked = sorted({round(i * (len(rows) - 1) / (_FEW - 1)) for i in range(_FEW)})
    shown = [row_text(st.dialects, rows[i]) for i in picked]
    return tuple(s if len(s) <= _LONGEST else s[: _LONGEST - 3] + "..." for s in shown)
