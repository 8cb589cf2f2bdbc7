"""Every report format rendered from a real check with injected drift, each validated: JUnit has a
test case per table per layer, GitHub annotations and SARIF results point at the file and line
where the fix goes, SARIF validates against the official 2.1.0 schema, JSON keeps its contract,
and the rich rendering appears on a terminal only, never in files, pipes or with --no-color."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from twinschema.cli import cli
from twinschema.records import DIFFERENCE_KINDS, Difference, LayerResult, Note, Report, Status
from twinschema.records.comparison import fix_site
from twinschema.report import FORMATS, render
from twinschema.report.locate import Locator
from twinschema.report.text_report import plain

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = ROOT / "tests" / "fixtures" / "sarif-schema-2.1.0.json"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
TABLES = {"communities", "profiles", "badges", "manifests", "shadow_states"}


def invoke(*args: str, color: bool = False, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), color=color, env=env, catch_exceptions=False)


def line_of(path: str, needle: str) -> int:
    """The 1-based line of the first line of ``path`` (under ROOT) containing ``needle``."""
    lines = (ROOT / path).read_text("utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if needle in text)


@pytest.fixture
def drifted(sqlite_url: str, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The project's two databases migrated to head, then edited by hand: a column added on
    PostgreSQL, an index dropped on SQLite."""
    monkeypatch.chdir(ROOT)
    env = {"LOCAL_DATABASE_URL": sqlite_url, "DATABASE_URL": pg_url}
    assert invoke("migrate", "local", env=env).exit_code == 0
    assert invoke("migrate", "remote", env=env).exit_code == 0
    for url, ddl in (
        (pg_url, "ALTER TABLE badges ADD COLUMN note text"),
        (sqlite_url, "DROP INDEX ix_profiles_wallet_address"),
    ):
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text(ddl))
        engine.dispose()
    return sqlite_url, pg_url


def check(urls: tuple[str, str], *args: str, color: bool = False) -> Result:
    return invoke(
        "check", "--layer", "domain", "--layer", "models", "--layer", "live",
        "--sqlite-url", urls[0], "--postgres-url", urls[1], *args, color=color,
    )  # fmt: skip


def report_of(urls: tuple[str, str]) -> dict[str, Any]:
    result = check(urls, "--format", "json")
    assert result.exit_code == 1, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


# Where each injected difference's fix goes: (layer, kind, table) -> (file, text on the line).
EXPECTED_FIX = {
    # PostgreSQL module vs its database, and the two databases: the column is only on the
    # server, which left its module (the pair's fix goes where that database's does).
    ("badges", "column_missing"): {("schemas/postgres.py", "badges = sa.Table(")},
    # SQLite module vs its database, and the two databases: the index is missing in the file.
    ("profiles", "index"): {("schemas/sqlite.py", "sa.Index(None, p.wallet_address)")},
}


def test_json_keeps_its_contract(drifted: tuple[str, str]) -> None:
    document = report_of(drifted)
    assert set(document) == {
        "in_sync", "exit_code", "layers", "differences", "equivalences", "not_compared", "warnings",
        "accepted",
    }  # fmt: skip
    # What domain.yaml accepted, each with its allowance's reason and line (allow81): the GIN
    # index on the server, in the modules and between the two databases.
    accepted = {(a["layer"], a["kind"], a["table"], a["name"]) for a in document["accepted"]}
    for layer in ("models", "live"):
        assert (layer, "index", "profiles", "ix_profiles_metadata_gin") in accepted, accepted
    for a in document["accepted"]:
        assert a["reason"] and a["file"].endswith("domain.yaml") and a["line"] > 0, a
    assert document["in_sync"] is False and document["exit_code"] == 1
    for layer in document["layers"]:
        assert {"name", "left", "right", "status", "message", "tables"} <= layer.keys()
        if layer["status"] in ("in_sync", "drift"):
            assert set(layer["tables"]) >= TABLES
    found = {(d["layer"], d["kind"], d["table"], d["column"]) for d in document["differences"]}
    assert found == {
        ("live", "column_missing", "badges", "note"),
        ("live", "index", "profiles", None),
    }
    assert len(document["differences"]) == 4  # each found by a module and by the other database
    # Every field but ``ways``, ``then`` and ``offer``, the parts its hint was composed from,
    # and ``pinned``, what an unpinned allowance's warning offers (the hint is written).
    for d in document["differences"]:
        unsaid = {"ways", "then", "offer", "pinned"}
        assert set(Difference.__dataclass_fields__) - unsaid == set(d)


def test_junit_has_a_case_per_table_per_layer(drifted: tuple[str, str], tmp_path: Path) -> None:
    layers = report_of(drifted)["layers"]
    out = tmp_path / "twinschema.xml"
    result = check(drifted, "--format", "junit", "--output", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    root = ET.fromstring(out.read_text("utf-8"))
    suites = root.findall("testsuite")
    assert len(suites) == len(layers)
    failing = []
    for suite, layer in zip(suites, layers, strict=True):
        assert suite.get("name") == f"{layer['name']}: {layer['left']} <> {layer['right']}"
        cases = suite.findall("testcase")
        assert sorted(c.get("name") for c in cases) == sorted(layer["tables"])
        assert {c.get("classname") for c in cases} == {layer["name"]}
        assert suite.get("tests") == str(len(cases))
        for case in cases:
            if case.find("failure") is not None:
                failing.append((layer["left"], case.get("name"), case.get("file")))
        assert suite.get("failures") == str(sum(c.find("failure") is not None for c in cases))
    # Failures only where there are differences: profiles (index) and badges (column), each in
    # its module-vs-database comparison and in the database-vs-database one.
    assert sorted((name, file) for _, name, file in failing) == [
        ("badges", "schemas/postgres.py"), ("badges", "schemas/postgres.py"),
        ("profiles", "schemas/sqlite.py"), ("profiles", "schemas/sqlite.py"),
    ]  # fmt: skip
    assert root.get("failures") == "4"
    assert root.get("tests") == str(sum(len(layer["tables"]) for layer in layers))


def test_github_annotations_point_at_the_file_and_line_of_the_fix(
    drifted: tuple[str, str],
) -> None:
    result = check(drifted, "--format", "github")
    assert result.exit_code == 1
    # Value warnings are ``::warning`` lines and layer evaluations ``::notice`` lines (see
    # test_evaluate_reports.py); the differences are the errors.
    lines = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert len(lines) == 4
    pattern = re.compile(
        r"^::error file=(?P<file>[^,]+),line=(?P<line>\d+),title=twinschema live%3A "
        r"(?P<kind>\w+) (?P<table>\w+)(?:\.\w+)?::(?P<message>.+)$"
    )
    for line in lines:
        match = pattern.match(line)
        assert match, line
        expected = {
            (file, line_of(file, text))
            for file, text in EXPECTED_FIX[(match["table"], match["kind"])]
        }
        assert (match["file"], int(match["line"])) in expected, line
        assert "postgresql://" not in line or ":***@" in line or "@" not in line


def test_sarif_validates_against_the_2_1_0_schema(drifted: tuple[str, str]) -> None:
    result = check(drifted, "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules][: len(DIFFERENCE_KINDS)] == list(DIFFERENCE_KINDS)
    differences = report_of(drifted)["differences"]
    errors = [r for r in run["results"] if r["level"] == "error"]  # the rest: value warnings
    assert len(errors) == len(differences)
    for sarif_result, d in zip(errors, differences, strict=True):
        assert sarif_result["ruleId"] == d["kind"]
        assert rules[sarif_result["ruleIndex"]]["id"] == d["kind"]
        assert sarif_result["level"] == "error"
        (location,) = sarif_result["locations"]
        physical = location["physicalLocation"]
        uri, line = physical["artifactLocation"]["uri"], physical["region"]["startLine"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        expected = {(f, line_of(f, text)) for f, text in EXPECTED_FIX[(d["table"], d["kind"])]}
        assert (uri, line) in expected
        assert location["logicalLocations"][0]["fullyQualifiedName"] == d["table"]
        assert sarif_result["partialFingerprints"]["twinschemaDifference/v1"]
    assert run["invocations"][0]["executionSuccessful"] is True
    # The same drift gives the same fingerprints run after run.
    again = json.loads(check(drifted, "--format", "sarif").stdout)["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in again] == [
        r["partialFingerprints"] for r in run["results"]
    ]


def test_every_format_renders_an_in_sync_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    for fmt in FORMATS:
        result = invoke("check", "--layer", "domain", "--layer", "models", "--format", fmt)
        assert result.exit_code == 0, (fmt, result.output)
        if fmt == "sarif":
            log = json.loads(result.stdout)
            jsonschema.validators.validator_for(schema)(schema).validate(log)
            assert all(r["level"] == "warning" for r in log["runs"][0]["results"])
        elif fmt == "junit":
            root = ET.fromstring(result.stdout)
            assert root.get("failures") == "0"
            assert root.get("tests") == str(3 * len(TABLES))
        elif fmt == "github":  # value warnings and evaluation notices only
            assert not [x for x in result.stdout.splitlines() if x.startswith("::error")]
        elif fmt == "text":
            assert result.stdout.endswith("in sync\n")


def test_sarif_of_a_database_that_could_not_be_read(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke(
        "check", "--layer", "live", "--sqlite-url", f"sqlite:///{tmp_path / 'missing.db'}",
        "--postgres-url", pg_url, "--format", "sarif",
    )  # fmt: skip
    assert result.exit_code == 3
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["level"] == "error"


# -- text: plain for files, pipes and --no-color; rich on a terminal ------------------------------


def test_plain_text_when_not_on_a_terminal(drifted: tuple[str, str], tmp_path: Path) -> None:
    piped = check(drifted)
    assert piped.exit_code == 1
    assert not ANSI.search(piped.stdout)
    assert "│" not in piped.stdout
    assert "[live] schemas/sqlite.py <> sqlite:///" in piped.stdout
    assert "    index: index ix_profiles_wallet_address" in piped.stdout
    assert piped.stdout.endswith("4 difference(s) found\n")
    assert "\naccepted by domain.yaml: " in piped.stdout  # counted, each listed with -v
    out = tmp_path / "report.txt"
    to_file = check(drifted, "--output", str(out), color=True)  # a terminal, but a file
    assert to_file.exit_code == 1
    assert out.read_text("utf-8") == piped.stdout
    no_color = check(drifted, "--no-color", color=True)  # a terminal, but --no-color
    assert no_color.stdout == piped.stdout


def test_rich_on_a_terminal(drifted: tuple[str, str]) -> None:
    result = check(drifted, color=True)
    assert result.exit_code == 1
    assert ANSI.search(result.stdout)
    text = ANSI.sub("", result.stdout)
    assert "│" in text  # the differences' tables
    assert "layers" in text.splitlines()[0]  # the summary table of the layers comes first
    for status in ("in sync", "drift"):
        assert status in text
    assert "ix_profiles_wallet_address" in text and "badges" in text
    assert "hint:" in text
    assert text.rstrip().endswith("4 difference(s) found")
    # What domain.yaml accepted: counted, and with -v each with its allowance's line and reason
    # (the server's GIN index, "GIN index for jsonb ..."; allow81).
    assert "accepted by domain.yaml: " in text and "--verbose or --format json lists" in text
    assert "GIN" not in text
    verbose = ANSI.sub("", check(drifted, "-v", color=True).stdout)
    assert re.search(r"accepted by domain\.yaml:\d+ ", verbose), verbose
    assert "GIN" in verbose
    for fmt in ("json", "junit", "github", "sarif"):  # other formats are never styled
        assert not ANSI.search(check(drifted, "--format", fmt, color=True).stdout)


def test_the_plain_renderer_is_the_text_format_without_color() -> None:
    report = _report(_difference("profiles", "tier", "column_type", "text", "int"))
    assert render(report, "text") == plain(report, False)
    assert not ANSI.search(render(report, "text"))
    assert ANSI.search(render(report, "text", color=True))


def test_the_check_command_imports_rich_only_for_a_terminal() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from twinschema.cli import cli\n"
        "r = CliRunner().invoke(cli, ['check', '--layer', 'models'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('rich' in sys.modules)\n"
        "r = CliRunner().invoke(cli, ['check', '--layer', 'models'], color=True)\n"
        "print('rich' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "True"]


# -- reports built from Difference records: the domain file as the place of the fix --------------


def _difference(
    table: str,
    column: str | None,
    kind: str,
    left: str | None,
    right: str | None,
    *,
    layer: str = "domain",
    left_source: str = "domain.yaml",
    right_source: str = "schemas/sqlite.py",
    files: tuple[str | None, str | None] = ("domain.yaml", "schemas/sqlite.py"),
) -> Difference:
    """A difference as a layer makes it: ``files`` are the files each side's fixes go to."""
    return Difference(
        layer=layer, kind=kind, table=table, column=column, name=column or table, left=left,
        right=right, message=f"{kind} on {table}", hint="fix it", left_source=left_source,
        right_source=right_source, fix=fix_site(left, right, *files),
    )  # fmt: skip


def _report(*differences: Difference) -> Report:
    """A report of one layer that found ``differences`` (the layer owns them)."""
    first = differences[0]
    layer = LayerResult(first.layer, first.left_source, first.right_source, Status.IN_SYNC)
    layer.found(differences)
    return Report(layers=[layer])


def test_domain_layer_fixes_point_into_the_module_or_domain_yaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    report = _report(
        # In domain.yaml, not in the module: add it to the module (its table's line).
        _difference("profiles", "ghost", "column_missing", "ghost", None),
        # In the module, not in domain.yaml: name it in domain.yaml (the table's key).
        _difference("profiles", "nickname", "domain_name", None, "nickname"),
        # A type the declared kind does not allow: the module's column.
        _difference("manifests", "checksum", "column_type", "text", "INTEGER"),
    )
    assert report.layers[0].status == Status.DRIFT
    github = render(report, "github").splitlines()
    assert (
        f"file=schemas/sqlite.py,line={line_of('schemas/sqlite.py', 'profiles = sa.Table(')}"
        in (github[0])
    )
    assert f"file=domain.yaml,line={line_of('domain.yaml', '  profiles:')}," in github[1]
    module_line = line_of("schemas/sqlite.py", "sa.Column(m.checksum")
    assert f"file=schemas/sqlite.py,line={module_line}," in github[2]
    log = json.loads(render(report, "sarif"))
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    starts = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in log["runs"][0]["results"]
    ]
    assert starts == [
        line_of("schemas/sqlite.py", "profiles = sa.Table("),
        line_of("domain.yaml", "  profiles:"),
        module_line,
    ]


def test_without_a_known_file_a_result_has_logical_locations_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    d = _difference(
        "t", "c", "column_type", "text", "integer", layer="diff",
        left_source="sqlite:///a.db", right_source="postgresql://u:***@h/db", files=(None, None),
    )  # fmt: skip
    report = _report(d)
    assert Locator.for_report(report).locate(d) is None
    assert render(report, "github").startswith("::error title=")
    (result,) = json.loads(render(report, "sarif"))["runs"][0]["results"]
    assert "physicalLocation" not in result["locations"][0]
    assert result["locations"][0]["logicalLocations"][1]["fullyQualifiedName"] == "t.c"


def test_an_unknown_format_is_a_usage_error() -> None:
    from twinschema.errors import UsageError

    with pytest.raises(UsageError, match="did you mean 'sarif'"):
        render(Report(), "sarif2")


def test_long_runs_tell_their_progress_to_a_listener(monkeypatch: pytest.MonkeyPatch) -> None:
    """The layers say what they are doing (the CLI shows it in its spinner on a terminal)."""
    from twinschema import commands, progress
    from twinschema.config import load_config

    monkeypatch.chdir(ROOT)
    seen: list[str] = []
    with progress.listening(seen.append):
        commands.check(load_config(), ["domain", "models"], None, None)
    assert seen == ["reading schemas.sqlite:metadata", "reading schemas.postgres:metadata"]
    progress.step("nobody listens now")  # and nothing happens
    assert len(seen) == 2


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("verbose", [False, True])
def test_every_format_says_a_comparisons_note_once(fmt: str, verbose: bool) -> None:
    """A note (what several hints of a comparison refer to instead of repeating it: stranger80
    005) is in every format, once, with the comparison it belongs to: text and rich under its
    header, JSON in its layer's ``notes`` as a record, GitHub in its notice, JUnit in its
    failures, SARIF as a notification. Near miss: a layer without notes says none."""
    noted = _difference(
        "t", "a", "column_missing", None, "text", layer="live", left_source="schemas/sqlite.py",
        right_source="the SQLite database", files=("schemas/sqlite.py", "schemas/sqlite.py"),
    )  # fmt: skip
    report = _report(noted)
    text = "The SQLite database is at its chain's head, so migrating it changes nothing. (...)"
    report.layers[0].notes.append(Note("at_head", "the SQLite database", text))
    other = LayerResult("live", "schemas/postgres.py", "the PostgreSQL database", Status.IN_SYNC)
    other.found([replace(noted, left_source=other.left, right_source=other.right)])
    report.layers.append(other)
    for color in (False, True) if fmt == "text" else (False,):
        out = render(report, fmt, verbose=verbose, color=color)
        said = " ".join(re.sub(r"\x1b\[[0-9;]*m", "", out).split())  # rich wraps it
        assert said.count("so migrating it changes nothing") == 1, out
    if fmt == "json":
        noted_layer, other_layer = json.loads(render(report, fmt))["layers"]
        assert noted_layer["notes"] == [
            {"kind": "at_head", "about": "the SQLite database", "text": text}
        ]
        assert other_layer["notes"] == []
    if fmt == "text":
        lines = plain(report, verbose).splitlines()
        header = lines.index("[live] schemas/sqlite.py <> the SQLite database")
        assert lines[header + 1] == f"  note: {text}", lines
        assert (
            lines[lines.index("[live] schemas/postgres.py <> the PostgreSQL database") + 1] == "  t"
        )
