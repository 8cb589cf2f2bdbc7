"""The fraction warning of an integer column pair names what its CHECKs do with a fraction
(stranger82 005), and the escaped-key JSON warning reaches a SQLite column declared JSON
(stranger82 003): each sentence proved on a real SQLite file and the suite's PostgreSQL, then
said by ``twinschema diff`` of those two live databases.

SQLite's INTEGER keeps 99.6 (a REAL); PostgreSQL's integer rounds it to 100 before its CHECK runs.
The CHECK pair stays the same (it agrees on whole numbers); the column pair's one fraction
warning takes a fraction a CHECK parts as its witness. Following the warning's hint (a STRICT
table, or the same CAST CHECK on both sides) leaves the pair in sync with no such warning.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.stored import stored_on_each, stored_on_sqlite
from support.testing import execute, sqlite_file

from twinschema.cli import cli

TABLE = "CREATE TABLE bikes (id {text} PRIMARY KEY, battery_pct {integer}{check}){strict}"
CK = ", CONSTRAINT ck_bikes_battery CHECK ({0})"


def _build(tmp_path: Path, pg_url: str, checks: tuple[str, str], strict: str = "") -> str:
    """The table on a SQLite file (its URL returned) and on ``pg_url``, each with its CHECK."""
    sqlite, pg = (CK.format(c) if c else "" for c in checks)
    sl = sqlite_file(
        tmp_path / "bikes.db",
        TABLE.format(text="TEXT NOT NULL", integer="INTEGER", check=sqlite, strict=strict) + ";",
    )
    execute(pg_url, TABLE.format(text="text", integer="integer", check=pg, strict=""))
    return sl


def _stored(tmp_path: Path, pg_url: str, value: Any) -> tuple[Any, Any]:
    """What each real database stores of ``value`` in battery_pct, a parameter as a sync
    writes it (SQLite: its value and storage class), or None where it refuses the row (rolled
    back on both)."""
    got = stored_on_each(
        tmp_path / "bikes.db",
        pg_url,
        ("INSERT INTO bikes VALUES ('1', ?)", (value,)),
        read=(
            "SELECT battery_pct, typeof(battery_pct) FROM bikes",
            "SELECT battery_pct FROM bikes",
        ),
    )
    postgresql = got.postgresql.read
    return got.sqlite.read, None if postgresql is None else postgresql[0]


def _warnings(sl: str, pg_url: str) -> tuple[int, list[str]]:
    """``twinschema diff`` of the two live databases: its exit code and the messages of its
    value_compatibility warnings on battery_pct."""
    result = CliRunner().invoke(
        cli, ["diff", sl, pg_url, "--no-domain", "--format", "json"], catch_exceptions=False
    )
    report = json.loads(result.stdout)
    column = [w["message"] for w in report["warnings"] if w["column"] == "battery_pct"]
    return result.exit_code, column


FRACTIONS = "the number {0} (not a whole number): "


@pytest.mark.parametrize(
    ("check", "value", "stored", "said"),
    [
        (
            "battery_pct < 100",
            99.6,
            ((99.6, "real"), None),
            "SQLite stores it, PostgreSQL rounds it to 100, which CHECK ck_bikes_battery "
            "refuses (a SQLite to PostgreSQL sync fails)",
        ),
        (
            "battery_pct % 5 = 0",
            0.7,
            ((0.7, "real"), None),
            "SQLite stores it, PostgreSQL rounds it to 1, which CHECK ck_bikes_battery "
            "refuses (a SQLite to PostgreSQL sync fails)",
        ),
        (
            "battery_pct >= 0",
            -0.4,
            (None, 0),
            "SQLite refuses it (CHECK ck_bikes_battery), PostgreSQL rounds it to 0 and stores "
            "it: an insert one side takes fails on the other, no sync does (0 crosses as it "
            "is); the number 1.5 (not a whole number): SQLite stores 1.5, PostgreSQL 2 "
            "(changed on the way)",
        ),
    ],
)
def test_the_warning_names_the_fraction_a_check_parts(
    tmp_path: Path, pg_url: str, check: str, value: float, stored: Any, said: str
) -> None:
    sl = _build(tmp_path, pg_url, (check, check))
    # Each sentence on the real databases: what each stores of the witness, with the CHECK...
    assert _stored(tmp_path, pg_url, value) == stored
    rounded = round(value)
    # ... what PostgreSQL's integer makes of it with no CHECK, and what the CHECK makes of that
    # whole number on each side (refused on PostgreSQL where the fraction was; else stored on
    # both: it crosses back), and 1.5, which both store, crossing as 2.
    execute(pg_url, "ALTER TABLE bikes DROP CONSTRAINT ck_bikes_battery")
    assert _stored(tmp_path, pg_url, value)[1] == rounded
    execute(pg_url, f"ALTER TABLE bikes ADD CONSTRAINT ck_bikes_battery CHECK ({check})")
    if stored[1] is None:
        assert _stored(tmp_path, pg_url, rounded)[1] is None
    else:
        assert _stored(tmp_path, pg_url, rounded) == ((rounded, "integer"), rounded)
        assert _stored(tmp_path, pg_url, 1.5) == ((1.5, "real"), 2)
    code, found = _warnings(sl, pg_url)
    assert code == 0  # the CHECKs are the same: a warning, not a difference
    assert [m for m in found if "not a whole number" in m] == [
        "bikes.battery_pct: " + FRACTIONS.format(value) + said
    ]


@pytest.mark.parametrize(
    ("checks", "strict"),
    [
        # The hint: the same CAST CHECK on both sides, or a STRICT table with INTEGER.
        (("battery_pct = CAST(battery_pct AS INTEGER) AND battery_pct < 100",) * 2, ""),
        (("battery_pct < 100",) * 2, " STRICT"),
        # No fraction stored on SQLite: PostgreSQL's 0 for -0.4 crosses back (near miss).
        (
            ("typeof(battery_pct) IN ('integer', 'null') AND battery_pct >= 0", "battery_pct >= 0"),
            "",
        ),
    ],
)
def test_no_fraction_warning_where_sqlite_keeps_none(
    tmp_path: Path, pg_url: str, checks: tuple[str, str], strict: str
) -> None:
    sl = _build(tmp_path, pg_url, checks, strict)
    for value in (99.6, -0.4, 1.5):
        sqlite, _ = _stored(tmp_path, pg_url, value)
        assert sqlite is None  # SQLite keeps no fraction
    code, found = _warnings(sl, pg_url)
    assert code == 0
    assert not [m for m in found if "not a whole number" in m], found


KIND_SQLITE = "json_type(details) = 'object' AND json_type(details, '$.kind') IS NOT NULL"
KIND_LIKE = "details LIKE '{%\"kind\"%'"


@pytest.mark.parametrize(
    ("sqlite", "pg", "warned"),
    [
        (
            ("JSON", KIND_SQLITE),
            ("jsonb", "jsonb_typeof(details) = 'object' AND details ? 'kind'"),
            True,
        ),
        (
            ("JSONB", KIND_SQLITE),
            ("jsonb", "jsonb_typeof(details) = 'object' AND details ? 'kind'"),
            True,
        ),
        (
            ("TEXT", KIND_SQLITE),
            ("jsonb", "jsonb_typeof(details) = 'object' AND details ? 'kind'"),
            True,
        ),
        # Near miss: text on PostgreSQL, whose CHECK reads the document as text, as SQLite's.
        (("JSON", KIND_LIKE), ("text", KIND_LIKE), False),
    ],
)
def test_escaped_key_warning_on_a_column_declared_json(
    tmp_path: Path, pg_url: str, sqlite: tuple[str, str], pg: tuple[str, str], warned: bool
) -> None:
    """A key written with an escape: PostgreSQL's jsonb finds it (stores the row, reads the key
    back unescaped), SQLite's json_type path does not (refuses the row), whatever SQLite type
    the column is declared (JSON: what sa.JSON renders on SQLite, NUMERIC affinity); where the
    server keeps text, both refuse it (no warning)."""
    sl = sqlite_file(
        tmp_path / "m.db",
        f"CREATE TABLE m (id TEXT NOT NULL PRIMARY KEY, details {sqlite[0]} NOT NULL, "
        f"CONSTRAINT ck_maint_kind CHECK ({sqlite[1]}));",
    )
    execute(
        pg_url,
        f"CREATE TABLE m (id text PRIMARY KEY, details {pg[0]} NOT NULL, CONSTRAINT ck_maint_kind "
        f"CHECK ({pg[1]}))",
    )
    doc = '{"ki\\u006ed": 1}'
    escaped_doc = stored_on_each(
        tmp_path / "m.db",
        pg_url,
        ("INSERT INTO m VALUES ('1', ?)", (doc,)),
        read=("SELECT details FROM m", "SELECT details::text FROM m"),
    )
    back = escaped_doc.postgresql.read
    assert (None if back is None else back[0]) == ('{"kind": 1}' if warned else None)
    assert not escaped_doc.sqlite.accepted
    plain = stored_on_sqlite(tmp_path / "m.db", ("INSERT INTO m VALUES ('1', ?)", ('{"kind": 1}',)))
    assert plain.accepted  # plainly written: stored
    result = CliRunner().invoke(
        cli, ["diff", sl, pg_url, "--no-domain", "--format", "json"], catch_exceptions=False
    )
    messages = [w["message"] for w in json.loads(result.stdout)["warnings"]]
    escaped = [m for m in messages if 'key "kind" with an escape' in m]
    assert bool(escaped) == warned, messages
    assert all("SQLite rejects, PostgreSQL accepts" in m for m in escaped)
