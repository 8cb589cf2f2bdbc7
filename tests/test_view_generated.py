"""Views reading a generated column, run on scratch copies that compute it (stranger94b 005).

The copies of a view's base tables left generated columns out, so a view reading one was "not
compared": ``revenue_per_night`` = ``SUM(total_price) / SUM(nights)`` returned 128 on the
device and 128.57 on the server, and the check was green. Each copy now computes a generated
column the views (or a CHECK) read with its side's own expression, as its catalog holds it.
The golden cases ``sl-pg.view-over-generated-*`` pin the hotel's views; these tests pin the
copies themselves: the expressions run (two expressions part, one does not), a CHECK over a
generated column is met, and an expression a copy cannot make is a warning naming the column.
"""

from __future__ import annotations

import pytest
from probes import Loader, compare_texts

DIALECTS = ("sqlite", "postgresql")
PLAIN = {"sqlite": "INTEGER", "postgresql": "integer"}


def _tables(twice: dict[str, str], check: str = "") -> dict[str, str]:
    return {
        d: f"CREATE TABLE t (id {PLAIN[d]} PRIMARY KEY, x {PLAIN[d]} NOT NULL, "
        f"y {PLAIN[d]} GENERATED ALWAYS AS ({twice[d]}) STORED{check});\n"
        for d in DIALECTS
    }


def _view_rules(found: object, view: str) -> list[str]:
    return [e.rule for e in found.equivalences if e.table == view]  # type: ignore[attr-defined]


@pytest.mark.parametrize("times", ["x * 2", "x * 3"])
def test_a_view_reads_what_each_side_computes(loader: Loader, times: str) -> None:
    """y = x * 2 on SQLite against y = ``times`` on PostgreSQL, the view ``SELECT id, y``: the
    copies compute each side's own y, so x * 3 parts them on a row with x not 0 (a witness
    row giving x only) and x * 2 is the same rows; neither is "not compared"."""
    sql = _tables({"sqlite": "x * 2", "postgresql": times})
    view = "CREATE VIEW v AS SELECT id, y FROM t;"
    found = compare_texts(loader, DIALECTS, sql["sqlite"] + view, sql["postgresql"] + view)
    assert [w.message for w in found.warnings if w.kind == "view"] == []
    parted = [d for d in found.differences if d.kind == "view"]
    if times == "x * 2":
        assert parted == [], [d.message for d in parted]
        assert any(r.startswith("view answers: the same rows") for r in _view_rules(found, "v"))
    else:
        assert [d.name for d in parted] == ["v"], [d.message for d in found.differences]
        assert "base rows t (id, x) = (" in parted[0].message, parted[0].message


@pytest.mark.parametrize("checked_on", DIALECTS)
def test_a_check_over_a_generated_column_is_met(loader: Loader, checked_on: str) -> None:
    """A CHECK reading a generated column (``y > 0``, on one side or both) is made in the
    copies with the column it reads: probe rows meet it and the view reading y is compared
    (it was "no probe row is taken" or refused for the column); the same expression on both
    sides: the same rows."""
    sql = {
        d: _tables({s: "x * 2" for s in DIALECTS}, ", CHECK (y > 0)" if d == checked_on else "")[d]
        for d in DIALECTS
    }
    view = "CREATE VIEW v AS SELECT id, y FROM t WHERE y < 100;"
    found = compare_texts(loader, DIALECTS, sql["sqlite"] + view, sql["postgresql"] + view)
    assert [w.message for w in found.warnings if w.kind == "view"] == []
    rules = _view_rules(found, "v")
    # The CHECK on one side parts the tables (a row y <= 0), not what the view returns on
    # the rows both take.
    assert any(r.startswith("view answers: the same rows") for r in rules), (
        rules,
        [d.message for d in found.differences],
    )


def test_a_generated_expression_the_copy_cannot_make_is_named(loader: Loader) -> None:
    """PostgreSQL's y calls a function of the database's own (the scratch database lacks it):
    the view reading y is not compared, and the warning names the generated column whose
    expression the copy computes, with the database's error (the function)."""
    sql = _tables({"sqlite": "x * 2", "postgresql": "twice(x)"})
    sql["postgresql"] = (
        "CREATE FUNCTION twice(integer) RETURNS integer IMMUTABLE LANGUAGE sql "
        "AS 'SELECT $1 * 2';\n" + sql["postgresql"]
    )
    view = "CREATE VIEW v AS SELECT id, y FROM t;"
    found = compare_texts(loader, DIALECTS, sql["sqlite"] + view, sql["postgresql"] + view)
    warned = [w.message for w in found.warnings if w.kind == "view" and w.name == "v"]
    assert len(warned) == 1, found.warnings
    assert "not compared" in warned[0], warned[0]
    assert "the generated columns it reads (t.y)" in warned[0], warned[0]
    assert "twice" in warned[0], warned[0]
