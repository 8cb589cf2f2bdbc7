"""Clock defaults their own table's CHECKs refuse (``evaluate.clock_refusals``, stranger61 020,
021): the difference names the columns an insert omits, the CHECK, the values the defaults gave
at a fixed moment and the side that fails; the defaults' "current-time" equivalences are gone
(one side's insert fails, the other's stores). The golden cases' witness rows show the same on
the real databases at the real clock."""

from __future__ import annotations

from probes import Loader, compare_expected


def _default(loader: Loader, name: str) -> tuple[str, list[str]]:
    found = compare_expected(loader, name)
    (default,) = [d for d in found.differences if d.kind == "column_default"]
    rules = [f"{e.column}: {e.rule}" for e in found.equivalences]
    return default.message, rules


def test_two_clock_texts_a_table_check_refuses(loader: Loader) -> None:
    message, rules = _default(loader, "sl-pg.default-clock-texts-refused-by-table-check")
    assert message.startswith(
        "inserts that omit notes.created_at and notes.updated_at fail on SQLite at each of 4 "
        "moments tried, such as 2026-03-04 09:05:07 UTC: the table's CHECK (updated_at >= "
        "created_at) refuses their defaults ('2026-03-04T09:05:07.000Z', '2026-03-04 09:05:07')"
    ), message
    assert not [r for r in rules if "current-time" in r], rules


def test_a_clock_text_its_own_clock_check_refuses(loader: Loader) -> None:
    message, rules = _default(loader, "sl-pg.default-clock-text-refused-by-clock-check")
    assert message.startswith(
        "inserts that omit notes.created_at fail on SQLite at each of 4 moments tried, such as "
        "2026-03-04 09:05:07 UTC: the column's CHECK (created_at <= CURRENT_TIMESTAMP) refuses "
        "its default ('2026-03-04T09:05:07Z')"
    ), message
    assert not [r for r in rules if "current-time" in r], rules


def test_a_clock_text_its_check_stores_keeps_its_equivalence(loader: Loader) -> None:
    """Near miss: CURRENT_TIMESTAMP under its own CHECK is stored: no default difference."""
    found = compare_expected(loader, "sl-pg.default-clock-text-clock-check-near-miss")
    assert not [d for d in found.differences if d.kind == "column_default"]
    assert any("current-time" in e.rule for e in found.equivalences), found.equivalences


def test_clock_timestamp_read_after_now_is_refused_by_a_table_check(loader: Loader) -> None:
    """Stranger63 027: one PostgreSQL insert reads clock_timestamp() later than now() (the
    transaction's start), so CHECK (updated_at >= created_at) refuses the row its defaults make;
    the near misses (two now(); clock_timestamp() on the column the CHECK wants later) stay in
    sync with their equivalences."""
    name = "sl-pg.default-clock-timestamp-after-now-refused-by-table-check"
    message, rules = _default(loader, name)
    assert message.startswith(
        "inserts that omit notes.created_at and notes.updated_at fail on PostgreSQL at each of 4 "
        "moments tried, such as 2026-03-04 09:05:07 UTC (clock_timestamp() reads later than "
        "now(), the transaction's start)"
    ), message
    assert "(2026-03-04 09:05:07.001000+00:00, 2026-03-04 09:05:07+00:00)" in message, message
    assert not [r for r in rules if "current-time" in r or "by evaluation" in r], rules
    for near in ("table-check-near-miss", "table-check-later-near-miss"):
        found = compare_expected(loader, f"sl-pg.default-clock-timestamp-after-now-{near}")
        assert not [d for d in found.differences if d.kind == "column_default"], near
        rules = [e.rule for e in found.equivalences if e.column in ("created_at", "updated_at")]
        assert len([r for r in rules if "current-time" in r or "by evaluation" in r]) == 2, rules


def test_each_column_whose_clock_default_its_pin_refuses_is_reported_in_one_run(
    loader: Loader,
) -> None:
    """stranger86 005: the pins the hints advise on sold_at and expires_at, whose defaults
    write a fraction: only the first CHECK's column was reported, the next only once that was
    fixed. Each is reported now. Near miss: expires_at's default in whole seconds: only
    sold_at's."""
    for name, columns in (
        ("sl-pg.default-clock-texts-two-pins-refused", ["sold_at", "expires_at"]),
        ("sl-pg.default-clock-texts-two-pins-refused-near-miss", ["sold_at"]),
    ):
        found = compare_expected(loader, name)
        defaults = [d for d in found.differences if d.kind == "column_default"]
        assert [d.column for d in defaults] == columns, name
        for d in defaults:
            assert d.message.startswith(
                f"inserts that omit pass.{d.column} fail on SQLite at each of 4 moments tried"
            ), d.message
            assert "writes a fraction ('%f'), which the CHECK refuses: write '%S'" in d.hint
