"""Why a JSON member read as a value parts the dialects, said of the witness row: SQLite's
``json_extract`` (and ``->>``) gives a JSON number as a number and true as 1, PostgreSQL's
``->>`` the member's text; the general reason's ``{"k": 1}`` reads '1' on both sides in a text
context, so the member the witness holds is computed, as text, on each side and named
(stranger50 006, 046: ``{"k": true}`` is '1' and 'true', ``{"k": 1e4}`` '10000.0' and '1e4')."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from twinschema.evaluate.backends import Backend
from twinschema.evaluate.shown_probes import probe_text
from twinschema.model import ColumnType
from twinschema.records.dialects import DIALECT_NAMES
from twinschema.sql_expression import parse_expression

# Each side's database, the columns it runs on (with its types) and the witness row.
Run = tuple[Backend, Sequence[tuple[str, ColumnType]], tuple[Any, ...]]

# The sqlglot node of a JSON member read as a scalar, on both dialects.
MEMBER = "JSONExtractScalar"
# What each dialect makes of a member, said beside the value it gave.
_READS = {
    "sqlite": "json_extract and ->> give a JSON number as a number, true as 1",
    "postgresql": "->> gives the member's text",
}


def member_reason(
    dialects: tuple[str, str], texts: tuple[str, str], runs: tuple[Run, Run]
) -> str | None:
    """``a JSON member read as a value: the member reads as '1' on SQLite (...), 'true' on
    PostgreSQL (...)`` for the first member the two expressions read apart on the witness
    row; None where none is told apart (the general reason stands)."""
    found = [_members(dialects[n], texts[n], runs[n]) for n in (0, 1)]
    for left, right in zip(*found, strict=False):
        if left is None or right is None or left == right:
            continue
        said = [
            f"{probe_text(v)} on {DIALECT_NAMES[d]}" + (f" ({_READS[d]})" if d in _READS else "")
            for d, v in zip(dialects, (left, right), strict=True)
        ]
        return f"a JSON member read as a value: the witness's member reads as {said[0]}, {said[1]}"
    return None


def _members(dialect: str, text: str, run: Run) -> list[Any]:
    """Each member ``text`` reads (in the order written), as text, on the side's database for
    the witness row (``run``); None for one that cannot be computed."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    from twinschema.records import SQLGLOT_DIALECTS

    read = SQLGLOT_DIALECTS[dialect]
    try:
        tree = parse_expression(partial(sqlglot.parse_one, read=read), text)
    except (SqlglotError, ValueError):
        return []
    as_text = ColumnType(dialect, "text")
    found: list[Any] = []
    for node in tree.walk():
        if type(node).__name__ != MEMBER:
            continue
        backend, columns, row = run
        got = backend.computed(columns, node.sql(dialect=read), as_text, [row])
        outcome = got[0] if got else None
        found.append(outcome[1] if outcome is not None and outcome[0] else None)
    return found
