"""The footer that counts objects some comparison could not pair says what is true: an FTS
table the migrations layer compares (SQLite against SQLite) is still counted by the live
layer's comparisons across dialects, so "no layer compares them yet" was untrue (stranger64
010)."""

from __future__ import annotations

from twinschema.records import LayerResult, Report, Status
from twinschema.report import rich_report, text_report


def _report() -> Report:
    """A check whose migrations layer compared device.db's FTS table (and found it differs)
    while the live layer, across dialects, counted it as not compared."""
    report = Report()
    report.add(LayerResult("migrations", "chain at head", "device.db", Status.DRIFT))
    live = LayerResult("live", "device.db", "postgresql database", Status.IN_SYNC)
    live.note_not_compared("device.db", {"virtual_tables": 1})
    report.add(live)
    return report


def test_the_footer_says_which_comparisons_leave_objects_out() -> None:
    """Both renderers name the comparisons that leave the objects out, not every layer."""
    for rendered in (
        text_report.plain(_report(), verbose=False),
        rich_report.render(_report(), verbose=False, color=True, width=200),
    ):
        assert "no layer compares them" not in rendered
        assert "not compared in some comparisons above" in rendered
        assert "compared only between two sources of one dialect" in rendered
        assert "device.db: 1 virtual_tables" in rendered
