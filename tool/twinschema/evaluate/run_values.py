"""Values as the scratch databases return them, compared as the stages compare them: equal only
of one type (SQLite's 1 is not its 1.0)."""

from __future__ import annotations

from typing import Any

from twinschema.evaluate.backends import Run


def same_rows(run: Run) -> bool:
    """True when every row of a side-by-side run holds the same value twice."""
    return all(equal(row[0], row[1]) for row in run.rows)


def equal(a: Any, b: Any) -> bool:
    """Equal values of the same type (SQLite's 1 is not its 1.0)."""
    return type(a) is type(b) and bool(a == b)
