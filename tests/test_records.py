"""``twinschema.records``: results own their findings, statuses are enums, a difference says where
its fix goes, and an allowance for one dialect tests which side *has* the object, never how a
value is displayed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twinschema.canonical.normalize import canonicalize
from twinschema.compare import compare
from twinschema.dialects import adapter
from twinschema.domain_load import parse_domain
from twinschema.model import Column, Schema, Table
from twinschema.records import (
    DIFFERENCE_KINDS,
    Comparison,
    Difference,
    FixSide,
    FixSite,
    LayerResult,
    Report,
    Severity,
    Side,
    Status,
)
from twinschema.records.comparison import fix_site
from twinschema.report import render

DOMAIN = parse_domain("""
version: 1
tables:
  t:
    columns: {id: {kind: integer}}
    allow:
      - {kind: dialect_object, dialect: postgresql, name: row_level_security, reason: tenancy}
""")


def _side(dialect: str, rls: bool, file: str) -> Side:
    column = Column("id", adapter(dialect).parse_type("integer"), nullable=False)
    table = Table("t", columns=(column,), primary_key=("id",), row_level_security=rls)
    return Side(canonicalize(Schema(dialect, {"t": table})), file, file, file=file)


def _found(sqlite_rls: bool, pg_rls: bool) -> list[Difference]:
    left, right = _side("sqlite", sqlite_rls, "lite.py"), _side("postgresql", pg_rls, "pg.py")
    return compare(left, right, layer="models", domain=DOMAIN).differences


def test_an_allowance_for_one_dialect_matches_where_that_dialect_has_it() -> None:
    # Row-level security on PostgreSQL only: what domain.yaml allows.
    assert _found(sqlite_rls=False, pg_rls=True) == []
    # On SQLite's side only (it reads "on" left, "off" right): not what is allowed. Both
    # values are set ("on"/"off"), so only the record's ``present`` tells the sides apart.
    [difference] = [d for d in _found(sqlite_rls=True, pg_rls=False) if d.kind != "stale_allowance"]
    assert (difference.kind, difference.name) == ("dialect_object", "row_level_security")
    assert (difference.left, difference.right) == ("on", "off")
    assert difference.present is FixSide.LEFT
    assert difference.holds(FixSide.LEFT) and not difference.holds(FixSide.RIGHT)


def test_the_comparer_says_where_each_fix_goes() -> None:
    [difference] = _found(sqlite_rls=True, pg_rls=False)[:1]
    assert difference.fix == FixSite(FixSide.LEFT, "lite.py")


@pytest.mark.parametrize(
    ("left", "right", "files", "expected"),
    [
        (None, "x", ("a.py", "b.py"), FixSite(FixSide.LEFT, "a.py")),  # the side that lacks it
        ("x", None, ("a.py", "b.py"), FixSite(FixSide.RIGHT, "b.py")),
        ("x", "y", ("domain.yaml", "b.py"), FixSite(FixSide.RIGHT, "b.py")),  # the module
        ("x", "y", ("a.py", "b.py"), FixSite(FixSide.LEFT, "a.py")),
        (None, "x", (None, "b.py"), FixSite(FixSide.RIGHT, "b.py")),  # the file there is
        ("x", "y", (None, None), FixSite(FixSide.LEFT)),
    ],
)
def test_fix_site(
    left: str | None,
    right: str | None,
    files: tuple[str | None, str | None],
    expected: FixSite,
) -> None:
    assert fix_site(left, right, *files) == expected


def _difference(kind: str = "column_type", severity: Severity = Severity.ERROR) -> Difference:
    return Difference(
        layer="models", kind=kind, table="t", column="c", name="c", left="a", right="b",
        message="m", hint="h", severity=severity, left_source="a.py", right_source="b.py",
        fix=FixSite(FixSide.LEFT, "a.py", 3),
    )  # fmt: skip


def test_each_layer_owns_its_findings_and_the_report_lists_them_in_order() -> None:
    first = LayerResult("models", "a.py", "b.py", Status.IN_SYNC)
    second = LayerResult("live", "a.py", "db", "in_sync")  # a status given by its value
    assert second.status is Status.IN_SYNC
    warning = _difference("value_compatibility", Severity.WARNING)
    report = Report()
    report.add(first, Comparison(differences=[_difference()], tables=["t"]))
    report.add(second.record(Comparison(equivalences=[]), None))
    second.warnings.append(warning)
    assert first.status is Status.DRIFT and second.status is Status.IN_SYNC
    assert report.differences == first.differences == [_difference()]
    assert report.warnings == [warning]
    assert report.exit_code == 1 and not report.in_sync
    skipped = LayerResult("live", "a", "b", Status.SKIPPED, "no database")
    assert Report(layers=[skipped, second]).in_sync
    failed = Report(layers=[LayerResult("live", "a", "b", Status.ERROR, "unreachable")])
    assert failed.exit_code == 3 and failed.errors == failed.layers


def test_json_writes_statuses_severities_and_fixes_as_before_plus_the_fix() -> None:
    layer = LayerResult("models", "a.py", "b.py", Status.IN_SYNC)
    layer.found([_difference()])
    document = json.loads(render(Report(layers=[layer]), "json"))
    assert document["layers"] == [
        {
            "name": "models", "left": "a.py", "right": "b.py", "status": "drift",
            "message": None, "tables": [], "evaluated": 0, "not_evaluated": 0, "evaluated_on": {},
            "values_unprobed": "",  # why value_compatibility was not probed, when it was not
            "notes": [],  # what several of its differences share, said once (stranger80 005)
            "scope": "",  # what it looks at, where narrower than its sides (stranger83 011)
        }
    ]  # fmt: skip
    [written] = document["differences"]
    assert written["severity"] == "error"
    assert written["fix"] == {"side": "left", "file": "a.py", "line": 3}
    assert written["present"] is None


def test_a_hints_parts_stay_out_of_the_report() -> None:
    """``Difference.ways`` (the parts a one-sided object's hint is composed from) is for the
    stages that word a way otherwise; the JSON report writes what it wrote before."""
    from dataclasses import replace

    from twinschema.records.hint_ways import HintWays

    plain = _difference()
    parted = replace(plain, ways=HintWays("a.py", "b.py"))
    assert parted == plain  # not compared either
    assert parted.to_dict() == plain.to_dict() and "ways" not in parted.to_dict()


def test_a_hint_is_composed_from_its_parts_each_way_worded_by_its_own() -> None:
    """The usual two ways, then each worded otherwise by its part alone: a function the
    lacking side's dialect has not changes the first way only, a declaration the second."""
    from twinschema.records.hint_ways import HintWays

    usual = HintWays("b.sql", "a.sql", "allow it")
    assert (
        usual.text()
        == "add it to b.sql, or remove it from a.sql; if it differs on purpose, allow it"
    )
    lacked = HintWays("b.sql", "a.sql", lacked="typeof(integer)", lacked_in="PostgreSQL")
    assert lacked.text() == (
        "b.sql has no function typeof(integer) to run it: write the same rule in PostgreSQL's "
        "own terms there, or remove it from a.sql"
    )
    declared = HintWays(
        "the PostgreSQL database", "schemas/sqlite.py", declaration="domain.yaml:9 (views: v)"
    )
    assert declared.text() == (
        "add it to the PostgreSQL database, or remove its declaration from domain.yaml:9 (views: v)"
    )


def test_a_hints_cause_and_allowance_are_parts_a_later_stage_swaps() -> None:
    """The likely cause and the allowance clause are parts of their own: swapping one (the
    at-head pass's reference to its note; an allowance entry) leaves every other word, and
    what a comparator said after the parts, as it was; a part left empty says nothing
    (no "; if it differs on purpose, " without a clause). Both sides having the object, the
    hint is "make ... agree" and the same parts."""
    from dataclasses import replace

    from twinschema.records.hint_ways import ALLOW_PHRASE, HintWays

    ways = HintWays("b.py", "the PostgreSQL database", ALLOW_PHRASE, cause=" (at head)")
    made = replace(_difference(), hint=ways.text(), ways=ways).said_after("; then this")
    assert made.hint == (
        "add it to b.py, or remove it from the PostgreSQL database; if it differs on purpose, "
        "allow it in domain.yaml with a reason (at head); then this"
    )
    referred = made.reworded(replace(ways, cause=" (see the note)"))
    assert referred.hint == made.hint.replace(" (at head)", " (see the note)")
    allowed = referred.reworded(replace(referred.ways, allow=f"{ALLOW_PHRASE}: x"))
    assert allowed.hint.endswith("with a reason: x (see the note); then this")
    assert "then" not in allowed.to_dict() and allowed.to_dict()["hint"] == allowed.hint
    bare = HintWays("b.py", "a.py")
    assert bare.text() == "add it to b.py, or remove it from a.py"  # near miss: no clause
    agree = HintWays("a.py", "b.py", ALLOW_PHRASE, cause=" (c)", agree=True)
    assert agree.text() == (
        "make a.py and b.py agree; if it differs on purpose, allow it in domain.yaml with a "
        "reason (c)"
    )


def test_allowable_kinds_are_difference_kinds() -> None:
    from twinschema.records import ALLOWABLE_KINDS

    assert set(ALLOWABLE_KINDS) <= set(DIFFERENCE_KINDS)


def test_core_errors_are_plain_and_the_cli_maps_them_to_one_line_and_a_code(
    tmp_path: Path,
) -> None:
    """The core's errors know nothing of click; the CLI prints each as one line with its code."""
    import click
    from click.testing import CliRunner

    from twinschema.cli import cli
    from twinschema.errors import DatabaseError, TwinschemaError, UsageError

    assert not issubclass(TwinschemaError, click.ClickException)
    assert (UsageError.exit_code, DatabaseError.exit_code) == (2, 3)
    runner = CliRunner()
    usage = runner.invoke(cli, ["diff", "a.sql", "b.sql", "--domain", "d.yaml", "--no-domain"])
    assert usage.exit_code == 2
    assert usage.stderr == (
        "twinschema: error: twinschema diff: --domain and --no-domain exclude each other\n"
    )
    missing = tmp_path / "missing.db"
    database = runner.invoke(cli, ["inspect", f"sqlite:///{missing}"])
    assert database.exit_code == 3
    assert database.stderr.startswith("twinschema: error: ") and database.stderr.count("\n") == 1
    assert str(missing) in database.stderr and not missing.exists()


def test_the_cli_offers_the_layers_a_check_runs() -> None:
    """``--layer`` is spelled in the CLI (which imports no records at start-up): the same list."""
    from twinschema.cli.compare_commands import check
    from twinschema.records import LAYERS

    [layer] = [p for p in check.params if p.name == "layers"]
    assert tuple(layer.type.choices) == LAYERS  # type: ignore[attr-defined]
