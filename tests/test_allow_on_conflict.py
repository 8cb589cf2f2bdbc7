"""Allowing SQLite's ON CONFLICT clauses in ``domain.yaml`` (stranger70 004): an allowance of
kind ``dialect_object`` and the table alone allowed none of three clauses there and was called
stale, and the clauses' hint gave no allowance (the name ``on_conflict`` was to be learned from
the stale warning). A clause has one shape only, on one side, so an allowance without
``dialect:`` allows it; one naming the dialect that has no clause, or another dialect object,
still allows nothing (near misses)."""

from __future__ import annotations

import re

import pytest
from probes import Loader, case_named

from twinschema.compare import Side
from twinschema.domain_load import parse_domain
from twinschema.layers.pairs import compared
from twinschema.records import Difference
from twinschema.sources import make_canonical

CASE = "sl-pg.allow-on-conflict-kind-alone"
HEAD = (
    "version: 1\ntables:\n  sailings:\n    columns:\n      id: {kind: integer}\n"
    "      vessel: {kind: text}\n      departs: {kind: text}\n"
)
ENTRY = "{kind: dialect_object, name: on_conflict, dialect: sqlite, reason: ...}"


def _checked(loader: Loader, allow: list[str]) -> list[Difference]:
    """The golden case's SQLite file against its PostgreSQL file as ``check`` compares a pair
    across the dialects (the comparer, the evaluation stage, the allowances, the hints), with
    the ``allow:`` entries ``allow`` on its table."""
    case = case_named(CASE)
    text = HEAD + ("    allow:\n" + "".join(f"      - {a}\n" for a in allow) if allow else "")
    domain = parse_domain(text)
    with loader.load("sqlite", case.sql("a")) as ha, loader.load("postgresql", case.sql("b")) as hb:
        left = make_canonical(loader.schema("sqlite", ha, "a.sql"), domain)
        right = make_canonical(loader.schema("postgresql", hb, "b.sql"), domain)
    sides = Side(left, "a.sql", "a.sql"), Side(right, "b.sql", "b.sql")
    return compared(*sides, "diff", domain, loader.evaluator)[0].differences


def test_each_clause_s_hint_gives_the_allowance_that_allows_it(loader: Loader) -> None:
    """Each of the three clauses is a difference whose hint writes the allowance out, and that
    allowance, as written there (its reason filled in), allows all three."""
    found = _checked(loader, [])
    assert sorted(d.left or "" for d in found) == [
        "UNIQUE (vessel, departs) ON CONFLICT REPLACE",
        "id PRIMARY KEY ON CONFLICT REPLACE",
        "vessel NOT NULL ON CONFLICT IGNORE",
    ], found
    for d in found:
        assert (d.kind, d.right) == ("dialect_object", None), d
        assert f"allow it in domain.yaml with a reason: {ENTRY}" in d.hint, d.hint
        assert "every ON CONFLICT clause of the table" in d.hint, d.hint
    [entry] = {m for d in found for m in re.findall(r"\{kind: dialect_object[^}]*\}", d.hint)}
    assert _checked(loader, [entry.replace("reason: ...", 'reason: "device upserts"')]) == []


@pytest.mark.parametrize(
    ("allowance", "allows"),
    [
        ('{kind: dialect_object, reason: "device upserts"}', True),
        ('{kind: dialect_object, name: on_conflict, reason: "device upserts"}', True),
        ('{kind: dialect_object, dialect: sqlite, reason: "device upserts"}', True),
        ('{kind: dialect_object, dialect: postgresql, reason: "no"}', False),
        ('{kind: dialect_object, name: unlogged, reason: "no"}', False),
        ('{kind: dialect_object, name: on_conflict, dialect: postgresql, reason: "no"}', False),
    ],
    ids=["kind-alone", "by-name", "sqlite", "postgresql", "other-name", "name-postgresql"],
)
def test_an_allowance_allows_the_clauses_it_names(
    loader: Loader, allowance: str, allows: bool
) -> None:
    """README: an allowance allows the differences of its kind and table, and of its name and
    dialect where it gives them. Near misses: PostgreSQL has no ON CONFLICT clause, and
    ``unlogged`` is another dialect object, so the three clauses stay and the allowance is
    stale (its hint then names the entry that allows them)."""
    found = _checked(loader, [allowance])
    if allows:
        assert found == [], found
        return
    kinds = sorted(d.kind for d in found)
    assert kinds == ["dialect_object"] * 3 + ["stale_allowance"], found
    [stale] = [d for d in found if d.kind == "stale_allowance"]
    assert "matches nothing here" in stale.message and ENTRY in stale.hint, stale
