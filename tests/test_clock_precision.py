"""The precision each side keeps of the current moment, said beside a cross-dialect clock
equivalence (``canonical.clock_precision``; the verdicts on whole schemas are the golden cases
sl-pg.default-now-current-timestamp, sl-pg.default-now-strftime-subsecond and
sl-pg.eval-current-time-text-vs-time-column with its near misses)."""

from __future__ import annotations

import pytest

from twinschema.canonical import clock_precision


@pytest.mark.parametrize(
    ("dialect", "text", "precision", "kept"),
    [
        ("sqlite", "CURRENT_TIMESTAMP", None, "whole seconds"),
        ("sqlite", "strftime('%Y-%m-%d %H:%M:%f', 'now')", None, "milliseconds"),
        ("sqlite", "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", None, "whole seconds"),
        ("sqlite", "strftime('%Y-%m-%d %H:%M', 'now')", None, "whole minutes"),
        ("postgresql", "CURRENT_TIMESTAMP", None, "microseconds"),
        ("postgresql", "LOCALTIMESTAMP", 3, "milliseconds"),
        ("postgresql", "CURRENT_TIMESTAMP", 0, "whole seconds, rounded"),
        ("postgresql", "CURRENT_DATE", None, None),
    ],
)
def test_what_a_current_time_idiom_keeps(
    dialect: str, text: str, precision: int | None, kept: str | None
) -> None:
    """Each idiom's precision: SQLite's from its text, PostgreSQL's from the column's type."""
    assert clock_precision.kept(dialect, text, precision) == kept


def test_the_note_says_each_precision_only_where_they_differ() -> None:
    """Near miss included: two sides keeping the same precision leave the rule bare."""
    sl, pg = ("sqlite", "whole seconds"), ("postgresql", "microseconds")
    said = "SQLite keeps whole seconds, PostgreSQL microseconds"
    assert clock_precision.noted("current-time", sl, pg) == f"current-time ({said})"
    zoned = "current-time (the server's TimeZone is UTC)"
    assert clock_precision.noted(zoned, sl, pg) == (
        f"current-time (the server's TimeZone is UTC; {said})"
    )
    same = ("postgresql", "milliseconds")
    assert clock_precision.noted("current-time", ("sqlite", "milliseconds"), same) == (
        "current-time"
    )
