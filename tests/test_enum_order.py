"""A PostgreSQL enum against SQLite text kept to the same labels by a CHECK IN list (stranger73
010): in sync (rule enum), with a ``value_compatibility`` warning where the two real databases
sort the labels otherwise, naming both orders as ``ORDER BY`` reads them there; none where the
enum declares its labels in the order the text's collation sorts them. A ``value_compatibility``
allowance on the column silences it, as it does the column's other value warnings."""

from __future__ import annotations

import pytest
import yaml
from probes import Loader, measured

from twinschema.domain_load import parse_domain
from twinschema.domain_model import Domain
from twinschema.layers.pairs import compared
from twinschema.records import Difference, Side
from twinschema.sources import make_canonical

SQLITE = "CREATE TABLE costume (era TEXT {collate} NOT NULL CHECK (era IN ({labels})));"
POSTGRESQL = "CREATE TYPE era AS ENUM ({labels}); CREATE TABLE costume (era era NOT NULL);"
READ = {
    "sqlite": "SELECT group_concat(era, ',') FROM (SELECT era FROM costume ORDER BY era)",
    "postgresql": "SELECT string_agg(era::text, ',' ORDER BY era) FROM costume",
}
HISTORY = ("medieval", "baroque", "victorian", "modern")


def _sql(dialect: str, labels: tuple[str, ...], collate: str = "") -> str:
    listed = ", ".join(f"'{label}'" for label in labels)
    if dialect == "sqlite":
        return SQLITE.format(collate=collate, labels=listed)
    return POSTGRESQL.format(labels=listed)


def _run(
    loader: Loader,
    left: str,
    labels: tuple[tuple[str, ...], tuple[str, ...]],
    domain: Domain | None = None,
    collate: str = "",
) -> tuple[list[Difference], list[Difference], dict[str, str]]:
    """The differences and warnings of ``twinschema diff`` on the pair (``left``'s dialect on
    the left; ``labels``: the IN list's, the enum's), and what ``ORDER BY era`` gives on each
    real database holding every label."""
    right = "postgresql" if left == "sqlite" else "sqlite"
    sql = {
        "sqlite": _sql("sqlite", labels[0], collate),
        "postgresql": _sql("postgresql", labels[1]),
    }
    rows = [{"era": label} for label in labels[1]]
    orders = {}
    with loader.load(left, sql[left]) as hl, loader.load(right, sql[right]) as hr:
        sides = (
            Side(make_canonical(loader.schema(left, hl, "l.sql"), domain), "l.sql", "l.sql"),
            Side(make_canonical(loader.schema(right, hr, "r.sql"), domain), "r.sql", "r.sql"),
        )
        for dialect, handle in ((left, hl), (right, hr)):
            orders[dialect] = measured(loader, dialect, handle, "costume", rows, READ[dialect])
    comparison, evaluation = compared(*sides, "diff", domain, loader.evaluator)
    assert evaluation is not None
    warnings = [w for w in evaluation.warnings if w.column == "era"]
    return comparison.differences, warnings, orders


@pytest.mark.parametrize("left", ["sqlite", "postgresql"])
def test_an_enum_sorted_otherwise_than_its_text_twin_is_warned_of(
    loader: Loader, left: str
) -> None:
    """Each side's order in the warning is what ORDER BY gives on that real database (which
    differ), the pair stays in sync, and the typed witness is a label the WHERE keeps on the
    left side only."""
    differences, warnings, orders = _run(loader, left, (HISTORY, HISTORY))
    assert differences == []
    assert orders["sqlite"] != orders["postgresql"]
    (warning,) = warnings
    right = "postgresql" if left == "sqlite" else "sqlite"
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    said = (
        f"ORDER BY era gives {orders[left].replace(',', ', ')} on {names[left]} and "
        f"{orders[right].replace(',', ', ')} on {names[right]}"
    )
    assert said in warning.message, warning.message
    assert warning.witness is not None and warning.witness.accepts == "left"
    (label,) = warning.witness.values
    bound = warning.witness.said.split("< '")[1].split("'")[0]
    lorder, rorder = orders[left].split(","), orders[right].split(",")
    assert lorder.index(label) < lorder.index(bound) and rorder.index(label) > rorder.index(bound)


@pytest.mark.parametrize("left", ["sqlite", "postgresql"])
def test_labels_declared_in_text_order_are_no_warning(loader: Loader, left: str) -> None:
    """Near miss: the enum declares the labels in the order SQLite's text sorts them (the IN
    list in any order): ORDER BY answers alike, and nothing is said."""
    differences, warnings, orders = _run(loader, left, (HISTORY, tuple(sorted(HISTORY))))
    assert differences == [] and warnings == []
    assert orders["sqlite"] == orders["postgresql"]


def test_the_order_is_read_with_the_columns_collation(loader: Loader) -> None:
    """A NOCASE column (its collation and the IN list's wider acceptance allowed) sorts 'apple'
    before 'Banana', where BINARY would not: the warning is given for the enum declared in
    BINARY order, none for the one declared in NOCASE order, as ORDER BY reads each."""
    domain = _domain(
        {"kind": "column_type", "column": "era", "reason": "the device ignores case"},
        {"kind": "enum", "column": "era", "reason": "the device ignores case"},
    )
    binary, nocase = ("Banana", "apple"), ("apple", "Banana")
    for enum, warned in ((binary, True), (nocase, False)):
        _, warnings, orders = _run(loader, "sqlite", (nocase, enum), domain, "COLLATE NOCASE")
        assert orders["sqlite"] == "apple,Banana"
        assert (orders["postgresql"] != orders["sqlite"]) is warned
        assert bool(warnings) is warned, warnings


def test_a_value_compatibility_allowance_silences_it(loader: Loader) -> None:
    """The warning is a value warning of the column: allowed by ``kind: value_compatibility``
    on it (then not stale), as the column's other value warnings are."""
    domain = _domain({"kind": "value_compatibility", "column": "era", "reason": "sorted in app"})
    differences, warnings, _ = _run(loader, "sqlite", (HISTORY, HISTORY), domain)
    assert warnings == []
    assert [d for d in differences if d.kind == "stale_allowance"] == []


def test_each_order_is_read_once_per_run(loader: Loader) -> None:
    """The models and the live layer compare the same columns: the second comparison gets the
    orders the first read (kept in the evaluator by column and labels), and the same warning;
    the near miss, the enum declared in another order, is read anew (and is no warning)."""
    ages = ("stone", "bronze", "iron", "steam")  # labels no other test of this module reads
    kept = loader.evaluator.crossing.orders
    _, first, _ = _run(loader, "sqlite", (ages, ages))
    before = dict(kept)
    assert first and sum(ages in key for key in before) == 2  # one order a side
    _, again, _ = _run(loader, "sqlite", (ages, ages))
    assert again == first and kept == before  # no order read again
    _, other, _ = _run(loader, "sqlite", (ages, tuple(sorted(ages))))
    assert other == [] and len(kept) > len(before)


def _domain(*allow: dict[str, str]) -> Domain:
    spec = {"version": 1, "tables": {"costume": {"columns": {"era": None}, "allow": list(allow)}}}
    return parse_domain(yaml.safe_dump(spec, sort_keys=False))
