"""A trigger ``domain.yaml`` declares for one dialect under a key other than its name
(``names:``, init81) is that dialect's own for the twin revisions too: the migrations layer
leaves out a one-dialect trigger by each of its names, not the key alone. On the project's
chains upgraded on a real SQLite file and a real PostgreSQL database (``test_twin_views``)."""

from __future__ import annotations

import pytest
from test_migrations_layer import Project, found, project
from test_twin_views import PG_DROP, PG_FUNCTION, PG_TRIGGER, _check, _twins

__all__ = ["project"]  # the fixture, used by name


@pytest.mark.parametrize("named", [True, False], ids=["names-given", "key-alone"])
def test_a_one_dialect_trigger_declared_under_another_key(project: Project, named: bool) -> None:
    """Only the PostgreSQL twin creates ``no_empty_name``, declared PostgreSQL-only as
    ``communities_no_empty_name`` with its name in ``names:``: in sync. Near miss, the same
    entry without ``names:`` names no trigger the twin makes: creating one on PostgreSQL alone
    is a parity difference."""
    names = ", names: {postgresql: no_empty_name}" if named else ""
    project.write(
        "domain.yaml",
        (project.root / "domain.yaml").read_text()
        + f"triggers:\n  communities_no_empty_name: {{table: communities{names}, "
        "dialects: [postgresql]}\n",
    )
    up = f"{PG_FUNCTION.format(bad='')}\n{PG_TRIGGER}"
    _twins(project, 2, {"postgresql": (up, PG_DROP), "sqlite": ("", "")})
    code, report = _check(project)
    if named:
        assert (code, report["differences"]) == (0, [])
        return
    assert code == 1
    parity = found(report, "migration_parity")
    assert [(d["table"], d["name"]) for d in parity] == [("communities", "no_empty_name")], parity
