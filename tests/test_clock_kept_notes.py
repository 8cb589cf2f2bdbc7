"""What each side keeps of a clock default, said where it sets them apart (stranger48 020 c2):
SQLite's CURRENT_TIME in a TEXT column keeps 'HH:MM:SS', PostgreSQL's in a timetz keeps a zone
offset ('08:54:13.617737+00'); the reason names the offset, not only the fraction. Near miss: a
time column without zone keeps no offset, and is one current time of day."""

from __future__ import annotations

import re

from probes import Loader, case_named, compare_expected, stored_default


def test_a_timetz_default_is_said_to_keep_its_zone_offset(loader: Loader) -> None:
    name = "sl-pg.eval-current-time-text-vs-timetz"
    found = compare_expected(loader, name)
    (default,) = [d for d in found.differences if d.kind == "column_default"]
    assert (
        "PostgreSQL stores the current time of day with a zone offset ('HH:MM:SS.ffffff+00')"
        in default.message
    ), default.message
    assert "fraction" not in default.message, default.message
    case = case_named(name)
    with loader.load("sqlite", case.sql("a")) as a, loader.load("postgresql", case.sql("b")) as b:
        kept = (
            stored_default(loader, "sqlite", a, "t", {"id": 1}, "tm"),
            stored_default(loader, "postgresql", b, "t", {"id": 1}, "tm"),
        )
    assert re.fullmatch(r"\d\d:\d\d:\d\d", kept[0]), kept
    assert kept[1].utcoffset() is not None, kept  # a time of day with its zone's offset


def test_a_time_column_keeps_no_offset(loader: Loader) -> None:
    """The near miss: PostgreSQL's time (no zone) stores no offset: no difference, and the
    equivalence says the fraction each keeps."""
    name = "sl-pg.eval-current-time-text-vs-time-column"
    found = compare_expected(loader, name)
    assert found.differences == []
    case = case_named(name)
    with loader.load("postgresql", case.sql("b")) as b:
        kept = stored_default(loader, "postgresql", b, "t", {"id": 1}, "tm")
    assert kept.utcoffset() is None, kept
