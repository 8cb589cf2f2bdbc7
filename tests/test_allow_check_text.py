"""An allowance names a CHECK named on neither side by its expression, ``check:`` (stranger60
023): the hint of such a difference gives that allowance, which then allows that CHECK alone;
``check:`` belongs to kind check only. Real SQLite and PostgreSQL (the golden cases
``sl-pg.allow-check-*`` give the verdicts; this test the hints and the loader)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from pg_helpers import invoke_afresh

from twinschema.domain_load import load_domain
from twinschema.errors import DomainError

CASES = Path(__file__).parent / "fixtures" / "probes"
ARGS = ["--dialect-a", "sqlite", "--dialect-b", "postgresql", "--format", "json"]


def _diff(folder: Path, *domain: str) -> dict[str, object]:
    args = ["diff", *domain, *ARGS, "a.sql", "b.sql"]
    result = invoke_afresh(args, folder, dict(os.environ))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return dict(json.loads(result.stdout))


def test_the_hint_of_an_unnamed_check_gives_the_allowance_by_its_text(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(CASES / "sl-pg.allow-check-by-text-hides-no-other", folder)
    report = _diff(folder, "--no-domain")
    hints = {d["left"]: d["hint"] for d in report["differences"] if d["kind"] == "check"}
    assert hints == {
        # PostgreSQL has no json_valid(jsonb) (``unported_checks``): "add it to b.sql" cannot be done.
        "CHECK (json_valid(attributes))": "b.sql has no function json_valid(jsonb) to run it: write "
        "the same rule in PostgreSQL's own terms there, or remove it from a.sql; if it "
        "differs on purpose, allow it in domain.yaml with a reason: this CHECK, named on neither "
        'side, alone by {kind: check, dialect: sqlite, check: "json_valid(attributes)", '
        "reason: ...}",
        "CHECK (stock <= 100000)": "add it to b.sql, or remove it from a.sql; if it differs on "
        "purpose, allow it in domain.yaml with a reason: this CHECK, named on neither side, "
        'alone by {kind: check, dialect: sqlite, check: "stock <= 100000", reason: ...}',
    }, hints
    # Written as the first hint says: that CHECK alone is allowed.
    report = _diff(folder, "--domain", "domain.yaml")
    kinds = [(d["kind"], d["left"]) for d in report["differences"]]
    assert kinds == [("check", "CHECK (stock <= 100000)")], kinds


def test_the_broad_allowance_s_hint_gives_one_allowance_per_check(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(CASES / "sl-pg.allow-check-kind-alone-broad", folder)
    report = _diff(folder, "--domain", "domain.yaml")
    (broad,) = report["differences"]
    assert broad["kind"] == "broad_allowance" and broad["severity"] == "warning", broad
    assert broad["hint"] == (
        "domain.yaml:10: write one allowance per CHECK that differs on purpose, in place of "
        'this one: {kind: check, dialect: sqlite, check: "json_valid(attributes)", reason: '
        '...}; {kind: check, dialect: sqlite, check: "stock <= 100000", reason: ...}'
    ), broad["hint"]
    # Done as it says (the stock CHECK left out, it is no difference on purpose): reported.
    text = (folder / "domain.yaml").read_text()
    narrow = text.replace(
        "dialect: sqlite, reason", 'dialect: sqlite, check: "json_valid(attributes)", reason'
    )
    (folder / "domain.yaml").write_text(narrow)
    report = _diff(folder, "--domain", "domain.yaml")
    assert [d["kind"] for d in report["differences"]] == ["check"], report["differences"]


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ('{kind: index, check: "x > 0", reason: r}', "for kind: check only"),
        ('{kind: check, check: "CHECK ()", reason: r}', "may not be empty"),
    ],
)
def test_check_belongs_to_kind_check_and_names_an_expression(
    tmp_path: Path, entry: str, error: str
) -> None:
    path = tmp_path / "domain.yaml"
    path.write_text(
        f"version: 1\ntables:\n  t:\n    columns:\n      x:\n    allow:\n      - {entry}\n"
    )
    with pytest.raises(DomainError, match=error):
        load_domain(path)
    near = '{kind: check, check: "CHECK ((x > 0))", reason: r}'  # the near miss: loads
    path.write_text(
        f"version: 1\ntables:\n  t:\n    columns:\n      x:\n    allow:\n      - {near}\n"
    )
    (allowance,) = load_domain(path).allowances()
    assert allowance.check == "x > 0"
    assert allowance.describe() == "check t CHECK (x > 0)"


def test_a_check_pair_named_by_postgresql_alone_gets_the_allowance_by_its_text(
    tmp_path: Path,
) -> None:
    """SQLite's unnamed CHECK (n > 0) paired with PostgreSQL's CHECK (n >= 0), which PostgreSQL
    names child_n_check: the hint gives the allowance by its text, as for a CHECK named on
    neither side (it gave none: stranger62 005), and written as it says, that allowance puts
    the two in sync; so does the golden case's ``dialect: sqlite`` form, which left
    PostgreSQL's CHECK "only in" its database."""
    folder = tmp_path / "case"
    shutil.copytree(CASES / "sl-pg.allow-check-by-text-dialect-allows-its-pair", folder)
    report = _diff(folder, "--no-domain")
    (pair,) = [d for d in report["differences"] if d["kind"] == "check"]
    assert (pair["left"], pair["right"]) == ("CHECK (n > 0)", "CHECK (n >= 0)"), pair
    # Pinned to both sides' CHECKs (stranger68 003: by SQLite's text alone it allowed any later
    # CHECK of PostgreSQL's).
    entry = '{kind: check, checks: {sqlite: "n > 0", postgresql: "n >= 0"}, reason: ...}'
    named = "unnamed on sqlite, named child_n_check on postgresql"  # stranger67 010
    assert pair["hint"].endswith(f"this CHECK, {named}, alone by {entry}"), pair
    assert _diff(folder, "--domain", "domain.yaml")["differences"] == []
    domain = (folder / "domain.yaml").read_text()
    written = domain.replace('dialect: sqlite, check: "n > 0"', 'check: "n > 0"')
    assert written != domain
    (folder / "domain.yaml").write_text(written)
    assert _diff(folder, "--domain", "domain.yaml")["differences"] == []


def test_a_broad_allowance_counts_both_stages_and_one_named_check_once(tmp_path: Path) -> None:
    """A kind-only allowance hides ck_a (a > 0 against a > 1: two halves, one CHECK) before the
    evaluation stage and the unnamed pair n > 0 / n >= 0 after it: the warning names the two
    CHECKs, one allowance each (it named ck_a's halves, with a ``dialect:`` that allows
    neither, and not the n pair); written as it says, they put the two in sync."""
    folder = tmp_path / "case"
    shutil.copytree(CASES / "sl-pg.allow-check-kind-alone-broad-across-stages", folder)
    report = _diff(folder, "--domain", "domain.yaml")
    (broad,) = report["differences"]
    assert broad["kind"] == "broad_allowance", broad
    assert (
        "allows 2 CHECK differences here, not one: CHECK (a > 0); CHECK (n > 0);"
        in (broad["message"])
    ), broad["message"]
    entries = (
        '{kind: check, name: ck_a, checks: {sqlite: "a > 0", postgresql: "a > 1"}, reason: ...}; '
        '{kind: check, checks: {sqlite: "n > 0", postgresql: "n >= 0"}, reason: ...}'
    )
    assert broad["hint"].endswith(f"in place of this one: {entries}"), broad["hint"]
    text = (folder / "domain.yaml").read_text()
    kind_alone = "      - {kind: check, reason: "
    assert kind_alone in text
    written = text.replace(
        kind_alone,
        '      - {kind: check, name: ck_a, reason: "a"}\n      - {kind: check, check: "n > 0", reason: ',
    )
    (folder / "domain.yaml").write_text(written)
    assert _diff(folder, "--domain", "domain.yaml")["differences"] == []


SQLITE_U = "CREATE TABLE u (id INTEGER PRIMARY KEY, w INTEGER {checks});\n"
POSTGRES_U = (
    "CREATE TABLE u (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, w integer {checks});\n"
)
ALLOWING = """version: 1
tables:
  u:
    columns:
      id: {{kind: bigint}}
      w: {{kind: integer}}
    allow:
      - {{kind: check, dialect: {dialect}, check: "w <= 250", reason: "device limit"}}
"""


def _one_allowed(folder: Path, allowed: str, mine: str, theirs: str) -> None:
    """a.sql (SQLite) and b.sql (PostgreSQL), the ``allowed`` dialect's table with the CHECKs
    ``mine``, the other's with ``theirs``, and a domain.yaml allowing ``allowed``'s w <= 250."""
    folder.mkdir()
    sqlite, postgres = (mine, theirs) if allowed == "sqlite" else (theirs, mine)
    (folder / "a.sql").write_text(SQLITE_U.format(checks=sqlite))
    (folder / "b.sql").write_text(POSTGRES_U.format(checks=postgres))
    (folder / "domain.yaml").write_text(ALLOWING.format(dialect=allowed))


@pytest.mark.parametrize("allowed", ["sqlite", "postgresql"])
def test_a_dialect_check_allowance_allows_that_check_and_not_the_pair(
    tmp_path: Path, allowed: str
) -> None:
    """{kind: check, dialect: D, check: "w <= 250"} names D's CHECK: where the other side's
    CHECK (w >= 50) is the only other one, it stays reported on its own with its witness, a
    row D stores and the other side refuses (stranger70 007: the stage paired the two and the
    allowance allowed the pair, exit 0). The near miss: D keeps its own w >= 50 too, in sync."""
    folder = tmp_path / "parted"
    _one_allowed(folder, allowed, "CHECK (w <= 250)", "CHECK (w >= 50)")
    report = _diff(folder, "--domain", "domain.yaml")
    (left,) = report["differences"]
    other = "right" if allowed == "sqlite" else "left"
    assert left["kind"] == "check" and left[other] == "CHECK (w >= 50)", left
    assert left["right" if other == "left" else "left"] is None, left
    assert "witness (w) = (49)" in left["message"], left["message"]
    assert not [w for w in report["warnings"] if w["kind"] == "unpinned_allowance"], report
    near = tmp_path / "twin"
    _one_allowed(near, allowed, "CHECK (w >= 50) CHECK (w <= 250)", "CHECK (w >= 50)")
    assert _diff(near, "--domain", "domain.yaml")["differences"] == []


def test_the_unpinned_warning_of_a_check_allowance_by_its_text_says_it_names_one(
    tmp_path: Path,
) -> None:
    """A ``check:`` allowance without ``dialect:`` allows the pair whose one side shows it: its
    warning says it names one CHECK, not the pair (it said "names no CHECKs": stranger70 007)."""
    folder = tmp_path / "case"
    shutil.copytree(CASES / "sl-pg.allow-check-by-text-dialect-allows-its-pair", folder)
    domain = (folder / "domain.yaml").read_text()
    (folder / "domain.yaml").write_text(domain.replace("dialect: sqlite, ", ""))
    report = _diff(folder, "--domain", "domain.yaml")
    assert report["differences"] == [], report["differences"]
    (warning,) = [w for w in report["warnings"] if w["kind"] == "unpinned_allowance"]
    assert str(warning["message"]).startswith(
        "allowance check child CHECK (n > 0) names one CHECK, not the pair: it allows any pair "
        'of CHECKs on child that shows "n > 0" on one side, whatever the other side\'s CHECK '
        "says"
    ), warning["message"]
    assert "names no CHECKs" not in str(warning["message"])
