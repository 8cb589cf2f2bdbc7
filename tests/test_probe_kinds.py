"""Probe values per column kind (``evaluate.probes.values_for``): every kind the checker probes
has values of its own beyond NULL, so no pair is "equal on 1 probes" (the NULL row); dates hold
the calendar's corners; integers the numbers an integer division parts from floor(); text the
case-flipped text a LIKE pattern with an ESCAPE matches."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from twinschema.canonical import typemap
from twinschema.evaluate.checks import telling
from twinschema.evaluate.probes import values_for

# Kinds an extension brings (pgvector, PostGIS): no value of their own is made up.
UNPROBED = {"vector", "geometry"}


@pytest.mark.parametrize("kind", [k for k in typemap.SPECIFICITY if k not in UNPROBED])
def test_every_kind_has_values_beyond_null(kind: str) -> None:
    own = [v for v in values_for(kind, (), ()) if v is not None]
    assert len(own) >= 2, f"{kind}: {own}"


def test_date_probes_hold_the_calendars_corners() -> None:
    days = [dt.date.fromisoformat(v) for v in values_for("date", (), ()) if v is not None]
    assert any((d + dt.timedelta(days=1)).day == 1 and d.day == 31 for d in days)  # a 31st
    assert dt.date(2024, 2, 29) in days  # a leap day
    assert any(d.month == d.day == 1 and d.weekday() == 6 for d in days)  # Sunday, January 1st
    assert any(d.month == 12 and d.day == 31 for d in days)  # a year's end
    for kind in ("timestamp", "timestamptz"):
        moments = [v for v in values_for(kind, (), ()) if v is not None]
        assert any(m.startswith("2024-02-29") for m in moments), kind
        assert any(m.startswith("2023-01-01") for m in moments), kind


@pytest.mark.parametrize(
    ("literals", "parting"),
    [
        (("2", "-1"), -3),  # x / 2 >= -1: -1 on SQLite, floor(-1.5) = -2
        (("3", "-1"), -4),  # x / 3 >= -1
        (("2", "-3"), -7),  # x / 2 < -3: -3 on SQLite, floor(-3.5) = -4
    ],
)
def test_integer_probes_hold_what_division_does_not_divide(
    literals: tuple[str, ...], parting: int
) -> None:
    assert parting in values_for("integer", tuple(Decimal(n) for n in literals), ())


@pytest.mark.parametrize(
    ("strings", "parting"),
    [(("a\\%", "\\"), "A%"), (("ab!_", "!"), "AB_")],
)
def test_text_probes_hold_an_escaped_patterns_text_in_each_case(
    strings: tuple[str, ...], parting: str
) -> None:
    assert parting in values_for("text", (), strings)


def test_rows_of_nulls_alone_tell_nothing() -> None:
    assert not telling([((None,), True, True), ((None, None), False, False)])
    assert telling([((None,), True, True), ((1,), True, True)])
