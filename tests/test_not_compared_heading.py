"""The footer that counts objects some comparison could not pair says, per kind counted, where
that kind is compared. An FTS table the migrations layer compares (SQLite against SQLite) is
still counted by the live layer's comparisons across dialects, so "no layer compares them yet"
was untrue (stranger64 010); a PostgreSQL rule reported across dialects (a difference of its
own) and counted by the module-against-database comparison, which cannot pair it, was said to be
compared "only between two sources of one dialect" (stranger72 012)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from pg_helpers import build, make_project, module_source

from twinschema.cli import cli
from twinschema.records import LayerResult, Report, Status
from twinschema.report import rich_report, text_report

RULES = (
    "rules: compared with every database, SQL file or chain, across dialects too (a difference "
    "of its own: the other dialect has none), never with a metadata module, which cannot hold one"
)
VIEWS = "views: compared between two sources of one dialect (databases, SQL files, chains);"


def _report(counts: dict[str, int]) -> Report:
    """A check whose migrations layer compared device.db's objects (and found they differ)
    while the live layer, across dialects, counted them as not compared."""
    report = Report()
    report.add(LayerResult("migrations", "chain at head", "device.db", Status.DRIFT))
    live = LayerResult("live", "device.db", "postgresql database", Status.IN_SYNC)
    live.note_not_compared("device.db", counts)
    report.add(live)
    return report


def _rendered(counts: dict[str, int]) -> tuple[str, str]:
    return (
        text_report.plain(_report(counts), verbose=False),
        rich_report.render(_report(counts), verbose=False, color=True, width=400),
    )


def test_the_footer_says_which_comparisons_leave_objects_out() -> None:
    """Both renderers name the comparisons that leave the objects out, not every layer."""
    for rendered in _rendered({"virtual_tables": 1}):
        assert "no layer compares them" not in rendered
        assert "not compared in some comparisons above" in rendered
        assert "virtual_tables: compared only between two SQLite sources" in rendered
        assert "device.db: 1 virtual_tables" in rendered
        assert "rules" not in rendered  # only the kinds counted are explained


def test_the_footer_says_rules_are_compared_across_dialects() -> None:
    """Rules counted: the heading says they are compared across dialects, triggers (the near
    miss) within one dialect only, views across dialects by their columns and on probe rows."""
    for rendered in _rendered({"rules": 1, "views": 2, "triggers": 1}):
        assert RULES in " ".join(rendered.split()), rendered
        assert "triggers: compared between two sources of one dialect" in " ".join(
            rendered.split()
        ), rendered
        assert (
            "views: compared between two sources of one dialect (databases, SQL files, "
            "chains); across dialects one both sides hold is compared by its columns and run "
            "on probe rows" in " ".join(rendered.split())
        ), rendered
        heading = rendered.split("device.db: 1 rules")[0]
        assert "rules, " not in heading and ", rules" not in heading, heading


def test_a_rule_reported_across_dialects_is_not_said_compared_within_one(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On real databases: a rule and a view made by hand on PostgreSQL. The rule is a live pair
    difference (the other dialect has none) and counted by the module's comparison; the footer
    says where each kind is compared, and the view (not compared across dialects) is counted."""
    project = make_project(tmp_path)
    build(pg_url, module_source())
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE RULE items_keep AS ON DELETE TO items DO INSTEAD NOTHING"))
            conn.execute(sa.text("CREATE VIEW named AS SELECT name FROM items"))
    finally:
        engine.dispose()
    monkeypatch.chdir(tmp_path)
    args = ["check", "--layer", "live", "--no-color"]
    result = CliRunner().invoke(
        cli, [*args, "--sqlite-url", project.sqlite, "--postgres-url", pg_url]
    )
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "rule: rule items_keep on items exists only in " in out, out
    assert "(a postgresql rule: the other dialect has none" in out, out
    footer = out.split("not compared in some comparisons above", 1)[1]
    assert RULES in footer, footer
    assert VIEWS in footer, footer
    assert "1 rules" in footer and "1 views" in footer, footer
    assert "rules, " not in footer.splitlines()[0], footer
