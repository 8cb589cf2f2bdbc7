"""Each comparison (``LayerResult``) owns its differences and notes, and the text reports render
them from it, never by joining them back on the string triple (layer, left, right): two
comparisons that happen to be named alike are two headings, each with its own differences and
its own notes (issue 16, "Results are records, not prose")."""

from __future__ import annotations

import re

import pytest

from twinschema.records import Difference, LayerResult, Note, Report, Status
from twinschema.report.rich_report import render as rich_render
from twinschema.report.text_report import plain

ANSI = re.compile(r"\x1b\[[0-9;]*m")
HEADER = "[live] schemas/sqlite.py <> the SQLite database"


def _result(table: str, note: str | None) -> LayerResult:
    """A ``live`` comparison named like every other one here that found one missing column
    of ``table`` (and says ``note`` once, if any)."""
    result = LayerResult("live", "schemas/sqlite.py", "the SQLite database", Status.IN_SYNC)
    result.found(
        [
            Difference(
                layer="live", kind="column_missing", table=table, column="c", name="c",
                left="c", right=None, message=f"c of {table} missing", hint="add it",
                left_source=result.left, right_source=result.right,
            )
        ]
    )  # fmt: skip
    if note is not None:
        result.notes.append(Note("at_head", "the SQLite database", note))
    return result


def _twins() -> Report:
    return Report(layers=[_result("first", "note of the first"), _result("second", None)])


@pytest.mark.parametrize("verbose", [False, True])
def test_two_comparisons_named_alike_keep_their_own_differences_and_notes(
    verbose: bool,
) -> None:
    """Two headings, each with its table and only its own note. The old join merged them under
    one heading (one ``second`` under the first's header) and said the last one's notes (none)
    for both."""
    lines = plain(_twins(), verbose).splitlines()
    headers = [n for n, line in enumerate(lines) if line == HEADER]
    assert len(headers) == 2, lines
    first, second = headers
    assert lines[first + 1 : first + 4] == [
        "  note: note of the first",
        "  first",
        "    column_missing: c of first missing. [left: c | right: -] hint: add it",
    ]
    assert lines[second + 1 : second + 3] == [
        "  second",
        "    column_missing: c of second missing. [left: c | right: -] hint: add it",
    ]
    assert sum("note of the first" in line for line in lines) == 1


def test_two_comparisons_named_alike_near_miss_one_comparison_is_one_heading() -> None:
    """Near miss: one comparison with two tables is one heading, its note once, both tables
    under it."""
    one = _result("first", "note of the first")
    one.found(_result("second", None).differences)
    lines = plain(Report(layers=[one]), False).splitlines()
    assert lines.count(HEADER) == 1
    header = lines.index(HEADER)
    assert lines[header + 1 : header + 3] == ["  note: note of the first", "  first"]
    assert "  second" in lines[header + 3 :]


def test_rich_keeps_two_comparisons_named_alike_apart() -> None:
    """The terminal rendering: a table per comparison, each counting its own difference, the
    note of the first said once."""
    # Whitespace folded: a table's title wraps at the table's width.
    out = " ".join(
        ANSI.sub("", rich_render(_twins(), verbose=False, color=True, width=200)).split()
    )
    assert out.count(f"{HEADER}: 1 difference(s)") == 2, out
    assert f"{HEADER}: 2 difference(s)" not in out
    assert out.count("note of the first") == 1
