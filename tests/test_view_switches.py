"""View probe rows set each two-way column every way (stranger80 003).

``WHERE is_out = 1 AND pub_name IS NOT NULL`` (SQLite, ``is_out INTEGER ... CHECK (is_out IN
(0,1))``) against ``WHERE is_out IS TRUE`` (PostgreSQL, boolean) part on a keg out with no pub
recorded. The diagonals crossed the boolean with NULL only where it was false: "the same rows"
or "not compared". The golden cases ``sl-pg.view-answers-switches-*`` pin the verdict with a
witness; here the stranger's column orders, on both real databases, and the rows themselves.
"""

from __future__ import annotations

import pytest
from probes import Loader, compare_texts

from twinschema.evaluate import view_probes, view_switches

DIALECTS = ("sqlite", "postgresql")
# (SQLite's keg columns, PostgreSQL's): the stranger's order (key first, is_out last) and is_out
# ahead of pub_name, where the diagonals never met true with NULL.
ORDERS = {
    "key-first": (
        "id TEXT NOT NULL PRIMARY KEY, pub_name TEXT, filled_at TEXT, is_out {lite}",
        "id uuid PRIMARY KEY, pub_name text, filled_at timestamptz, is_out {pg}",
    ),
    "switch-first": (
        "is_out {lite}, pub_name TEXT, id INTEGER PRIMARY KEY",
        "is_out {pg}, pub_name text, id serial PRIMARY KEY",
    ),
}
LITE_OUT = "INTEGER NOT NULL DEFAULT 0 CHECK (is_out IN (0,1))"
PG_OUT = "boolean NOT NULL DEFAULT false"


def _texts(order: str, pg_where: str) -> tuple[str, str]:
    lite, pg = ORDERS[order]
    return (
        f"CREATE TABLE keg ({lite.format(lite=LITE_OUT)});\n"
        "CREATE VIEW keg_out AS SELECT id, pub_name FROM keg "
        "WHERE is_out = 1 AND pub_name IS NOT NULL;\n",
        f"CREATE TABLE keg ({pg.format(pg=PG_OUT)});\n"
        f"CREATE VIEW keg_out AS SELECT id, pub_name FROM keg WHERE {pg_where};\n",
    )


@pytest.mark.parametrize("order", sorted(ORDERS))
def test_a_keg_out_with_no_pub_parts_the_views(loader: Loader, order: str) -> None:
    """The difference, with a witness row true and NULL; the near miss (the same filter
    written as PostgreSQL writes it) is the same rows, compared, not "not compared"."""
    found = compare_texts(loader, DIALECTS, *_texts(order, "is_out IS TRUE"))
    views = [d for d in found.differences if d.kind == "view"]
    assert len(views) == 1, (found.differences, found.equivalences)
    assert "true" in views[0].message and "NULL" in views[0].message, views[0].message
    assert "SQLite returns no row" in views[0].message, views[0].message
    same = compare_texts(loader, DIALECTS, *_texts(order, "is_out AND pub_name IS NOT NULL"))
    assert not [d for d in same.differences if d.kind in ("view", "warning")]
    assert any("view answers: the same rows" in e.rule for e in same.equivalences)


def test_every_combination_of_two_switches_is_a_row() -> None:
    """A boolean at an even place beside a nullable column of an even count of values: the
    diagonals alone miss (true, NULL); the rows have all four combinations."""
    values = [[False, True], [None, *(f"t{n}" for n in range(19))], list(range(1, 200))]
    rows = view_probes.crossed(values, [2], [True, True, True])
    states = {(r[0], r[1] is None) for r in rows}
    assert states == {(False, True), (False, False), (True, True), (True, False)}
    assert len({r[2] for r in rows}) == len(rows)  # each row its own key


def test_no_switch_rows_without_two_two_way_columns() -> None:
    """Near misses: NOT NULL columns (no NULL among their values) and one boolean alone add
    no row; a column no view reads is no switch."""
    numbers = [[1, 2, 3], [4, 5, 6], list(range(1, 200))]
    assert view_switches.switch_rows(numbers, [2], [True] * 3, [], set()) == []
    alone = [[False, True], ["a", "b"], list(range(1, 200))]
    assert view_switches.switch_rows(alone, [2], [True] * 3, [], set()) == []
    unread = [[False, True], [None, "a"], list(range(1, 200))]
    assert view_switches.switch_rows(unread, [2], [True, False, True], [], set()) == []
    both = view_switches.switch_rows(unread, [2], [True] * 3, [], set())
    assert len(both) == 4
