"""One ``check:`` allowance, written as the module has the CHECK, matches that CHECK in every
layer: the modules, the chain, the live SQLite file and the live PostgreSQL database, which
prints the module's ``status IN ('a', 'b')`` as ``(status)::text = ANY (ARRAY['a'::character
varying, ...])``. It is matched by the CHECK's canonical form, read in the dialect of its side
(until 2026-12-04 by its text: the live pair reported the CHECK and the allowance stale). A
near miss, ``status IN ('a', 'b', 'c')``, matches it in no layer. Real databases throughout."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_init_project import adopt, check

PG_SQL = (
    "CREATE TABLE t (id serial PRIMARY KEY, status varchar(10) CHECK (status IN ('a', 'b')),"
    " n integer CHECK (n > 0))"
)
SQLITE_SQL = "CREATE TABLE t (id INTEGER PRIMARY KEY, status VARCHAR(10), n INTEGER CHECK (0 < n))"
PRINTED = "status::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])"
MODULE = "status IN ('a', 'b')"


@pytest.mark.parametrize(
    ("written", "allowed"),
    [(MODULE, True), ("STATUS in ('a','b')", True), ("status IN ('a', 'b', 'c')", False)],
)
def test_one_check_allowance_matches_the_check_in_every_layer(
    tmp_path: Path, sqlite_url: str, pg_url: str, written: str, allowed: bool
) -> None:
    project = tmp_path / "app"
    shell = adopt(project, sqlite_url, pg_url, [SQLITE_SQL], [PG_SQL])
    # The module and the baseline as a person writes them (init wrote PostgreSQL's print).
    for path in (
        project / "schemas" / "postgres.py",
        *project.glob("migrations_postgres/versions/*.py"),
    ):
        text = path.read_text("utf-8")
        assert PRINTED in text, text
        path.write_text(text.replace(PRINTED, MODULE), "utf-8")
    code, report = check(shell)
    found = {(d["layer"], d["kind"]) for d in report["differences"]}
    assert code == 1 and ("live", "check") in found, report["differences"]
    domain = project / "domain.yaml"
    entry = f'{{kind: check, dialect: postgresql, check: "{written}", reason: r}}'
    domain.write_text(domain.read_text("utf-8") + f"    allow:\n      - {entry}\n", "utf-8")
    code, report = check(shell)
    found = {(d["layer"], d["kind"]) for d in report["differences"]}
    if allowed:
        assert code == 0 and found == set(), report["differences"]
    else:
        # Every layer with PostgreSQL's CHECK on one side only still reports it.
        assert ("live", "check") in found and ("models", "check") in found, found
        assert {k for _, k in found} == {"check", "stale_allowance"}, found
