"""The corpus cases that only evaluation settles (``tests/fixtures/probes/*eval-*``), and how
many there are against issue 12's bar.

An ``eval-`` case of "same meaning" must be a difference without the evaluation stage (the
canonical forms differ: only running them says they agree); an ``eval-`` near miss must carry
what evaluation found (a witness row, the values each side gives, or the error of a default
that fails on its own dialect), or be a difference the comparer alone does not see.
"""

from __future__ import annotations

import re

import pytest
from probes import Case, Loader, case_named, cases, compare_case, compared_sides

from twinschema.evaluate import evaluate

# One worker runs this module: its module fixture (every eval- case compared with and without
# the evaluation stage) is computed once, not once per worker that runs one of its tests.
pytestmark = pytest.mark.xdist_group("test_probes_evaluation")

EVAL = [c for c in cases() if ".eval-" in c.name]
CHECK_PAIRS = [c for c in EVAL if ".eval-check-" in c.name]
SHAPED = ("eval-check-", "eval-predicate-", "eval-generated-")
DEFAULTS = [c for c in EVAL if not any(s in c.name for s in SHAPED)]
# What the stage adds to a finding it judged (see twinschema.evaluate).
EVALUATED = re.compile(r"by evaluation|witness \(|fail on (SQLite|PostgreSQL)")


def settled_by_evaluation(loader: Loader, case: Case) -> bool:
    """True when only evaluation settles ``case``: without the stage its verdict is another,
    or (a near miss the comparer also reports) only the stage's finding says what each side
    does."""
    found, sides = compared_sides(loader, case)
    kinds = {d.kind for d in found.differences}
    if kinds != case.expect:
        return True
    # The same comparison through the stage (``compare_case``'s second half): loading the two
    # sides again would give the same schemas, at the cost of most of this fixture's time.
    evaluate(found, *sides, loader.evaluator)
    return any(EVALUATED.search(d.message) for d in found.differences)


@pytest.fixture(scope="module")
def settled(loader: Loader) -> dict[str, bool]:
    """Each ``eval-`` case: does only evaluation settle it?"""
    return {case.name: settled_by_evaluation(loader, case) for case in EVAL}


NEW_SHAPES = [c for c in EVAL if "eval-predicate-" in c.name or "eval-generated-" in c.name]


@pytest.mark.parametrize("case", NEW_SHAPES, ids=[c.name for c in NEW_SHAPES])
def test_predicates_and_generated_need_evaluation(settled: dict[str, bool], case: Case) -> None:
    """Every partial-index and generated-column case is one the canonical form cannot settle."""
    assert settled[case.name], f"{case.name}: the comparer alone settles it ({case.why})"


def _defaults(sql: str) -> set[str]:
    """The DEFAULT expressions of a case side, as written (to the end of the column)."""
    found = set()
    for m in re.finditer(r"\bDEFAULT\s+", sql, re.I):
        depth, end = 0, m.end()
        while end < len(sql):
            ch = sql[end]
            if ch in "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            elif ch == "," and depth == 0:
                break
            end += 1
        found.add(sql[m.end() : end].strip())
    return found


def test_corpus_size(settled: dict[str, bool]) -> None:
    """Issue 12: at least 40 default idioms of each dialect, matched to their equivalents and
    near misses, and at least 30 CHECK pairs, counted only in cases that evaluation alone
    settles (an ``eval-`` case the canonical form has since learned does not count)."""
    idioms: dict[str, set[str]] = {"sqlite": set(), "postgresql": set()}
    for case in DEFAULTS:
        if not settled[case.name]:
            continue
        for side, dialect in zip(("a", "b"), case.dialects, strict=True):
            idioms[dialect] |= _defaults(case.sql(side))
    counts = {dialect: len(found) for dialect, found in idioms.items()}
    checks = [c.name for c in CHECK_PAIRS if settled[c.name]]
    assert counts["sqlite"] >= 40 and counts["postgresql"] >= 40, counts
    assert len(checks) >= 30, len(checks)
    for kind in ("eval-predicate-", "eval-generated-"):
        found = [c for c in EVAL if kind in c.name]
        same = [c for c in found if not c.expect]
        assert same and len(same) < len(found), f"{kind}: need equal and near-miss cases"


def test_a_check_pair_parted_by_a_row_is_one_difference(loader: Loader) -> None:
    """SQLite's NOT LIKE '%\\%%' against PostgreSQL's NOT ILIKE '%\\%%' (a backslash is a
    literal in one pattern and the escape in the other): one ``check`` difference that holds
    both CHECKs and the witness row, not two one-sided ones."""
    (case,) = [c for c in EVAL if c.name == "sl-pg.eval-check-like-backslash-vs-ilike"]
    found = compare_case(loader, case)
    (check,) = found.differences
    assert check.kind == "check"
    assert check.left is not None and "NOT LIKE" in check.left
    assert check.right is not None and "!~~*" in check.right  # ILIKE as PostgreSQL prints it
    assert "on SQLite" in check.message and "on PostgreSQL" in check.message
    assert EVALUATED.search(check.message), check.message


@pytest.mark.parametrize("dialects", ["sl-pg", "pg-pg"])
def test_nulls_not_distinct_on_a_predicate_that_keeps_nulls_out_is_settled_by_running_it(
    loader: Loader, dialects: str
) -> None:
    """NULLS NOT DISTINCT on one side of two partial unique indexes on ``coalesce(a, 0) > 0``:
    a difference by canonical text, moot once the predicate is run with a NULL a (never in the
    index); ``coalesce(a, 1) > 0`` stays a difference, with the NULL row as its witness."""
    by_name = {c.name: c for c in cases()}
    moot = by_name[f"{dialects}.unique-index-nulls-not-distinct-predicate-coalesce"]
    near = by_name[f"{dialects}.unique-index-nulls-not-distinct-predicate-coalesce-near-miss"]
    assert [d.kind for d in compare_case(loader, moot, evaluated=False).differences] == ["unique"]
    settled = compare_case(loader, moot)
    assert settled.differences == []
    assert any(e.rule.startswith("NULLS NOT DISTINCT moot") for e in settled.equivalences)
    kept = compare_case(loader, near).differences
    assert [d.kind for d in kept] == ["unique"]
    assert "witness (a) = (NULL): the row is in the partial index on" in kept[0].message


def test_a_bare_json_valid_check_against_nullable_jsonb_follows_the_linked_sqlite(
    loader: Loader,
) -> None:
    """``CHECK (json_valid(c))`` on a nullable TEXT against a nullable jsonb: the same rule only
    where the SQLite library lets NULL through the CHECK. SQLite 3.40's json_valid(NULL) is 0
    (the CHECK rejects NULL, which jsonb stores: a difference); later libraries return NULL
    (the CHECK passes, as jsonb does). The verdict follows the library a real insert meets."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute("CREATE TABLE t (c TEXT CHECK (json_valid(c)))")
        try:
            conn.execute("INSERT INTO t VALUES (NULL)")
            passes = True
        except sqlite3.IntegrityError:
            passes = False
    case = {c.name: c for c in cases()}["sl-pg.json-valid-rejects-null-near-miss"]
    kinds = {d.kind for d in compare_case(loader, case).differences}
    assert kinds == (set() if passes else {"check"}), (sqlite3.sqlite_version, kinds)


@pytest.mark.parametrize("dialects", ["sl-pg", "pg-pg"])
def test_a_one_sided_check_is_witnessed_only_by_a_row_the_other_table_stores(
    loader: Loader, dialects: str
) -> None:
    """A CHECK (a > 0) on one side only, against CHECK (a > 0 AND b > 0) on the other: a = 0 is
    refused there whatever b holds, so no row witnesses it; its every conjunct is one of the
    other side's, so it is no difference at all but the equivalence "its conjuncts are in the
    other side's CHECKs" (stranger48 019; before, a difference with no witness). The other
    side's own one-sided CHECKs keep a witness."""
    found = compare_case(loader, case_named(f"{dialects}.check-one-sided-witness-shares-columns"))
    assert [d for d in found.differences if d.left is None] == []
    held = [
        e for e in found.equivalences if e.rule == "its conjuncts are in the other side's CHECKs"
    ]
    assert len(held) == 1 and "b > 0" in held[0].left and "b" not in held[0].right, held
    by_left = {d.left: d.message for d in found.differences if d.right is None}
    assert len(by_left) == 2
    assert all("witness" in message for message in by_left.values()), by_left
