"""``twinschema check --explain KIND``: every kind explained, an unknown kind is exit 2 with the
closest kind suggested, and it reads no configuration and touches no database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from twinschema.cli import cli
from twinschema.errors import EXIT_USAGE
from twinschema.records import ALLOWABLE_KINDS, DIFFERENCE_KINDS, VIEW_ALLOWABLE_KINDS

ROOT = Path(__file__).resolve().parent.parent


def explain(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", "--explain", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("kind", list(DIFFERENCE_KINDS))
def test_every_kind_is_explained(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = explain(kind)
    assert code == 0
    assert out.splitlines()[0] == kind
    flat = " ".join(out.split())
    assert " ".join(DIFFERENCE_KINDS[kind].split()) in flat
    # The explain's own lines (the kind's text may name allow: too: a view's entry, s79b 005).
    declared = "  When the " in out and "declare it under the " in out
    assert declared == (kind in ALLOWABLE_KINDS or kind in VIEW_ALLOWABLE_KINDS)


def test_all_explains_every_kind() -> None:
    code, out, _ = explain("all")
    assert code == 0
    assert [line for line in out.splitlines() if line and not line[0].isspace()] == list(
        DIFFERENCE_KINDS
    )


@pytest.mark.parametrize(
    ("typo", "closest"),
    [("colum_type", "column_type"), ("foreign_keys", "foreign_key"), ("indx", "index")],
)
def test_an_unknown_kind_is_a_usage_error_with_the_closest_kind(typo: str, closest: str) -> None:
    code, out, err = explain(typo)
    assert code == EXIT_USAGE
    assert out == ""
    assert f"did you mean {closest!r}?" in err
    assert len(err.strip().splitlines()) == 1


def test_no_configuration_and_no_database_is_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No pyproject.toml here and an unreachable database in the environment: neither is read.
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli,
        ["check", "--explain", "column_nullable"],
        env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("column_nullable\n")
    assert not any(tmp_path.iterdir())


def test_the_kind_is_case_and_dash_insensitive() -> None:
    assert explain("Column-Type")[0] == 0


def test_migration_parity_says_what_a_view_allowance_leaves_out() -> None:
    """README: a view's columns apart at the chains' heads are left out where domain.yaml
    allows those columns (``{kind: view, sides: ..., reason: ...}``, pinned to them), as
    between the databases; ``--explain`` said no allowance ever applies ("always fixed in the
    files", s79views). One without ``sides:`` accepts the rows only (stranger82 006)."""
    code, out, _ = explain("migration_parity")
    assert code == 0
    flat = " ".join(out.split())
    assert "{kind: view, sides: ..., reason: ...}" in flat
    assert "accepts the view's rows only, not its columns" in flat
    assert "a view allowance of the view's name pinned to its columns (sides:) leaves" in flat
    assert "cannot allow this kind: it is always fixed in the files" not in flat
