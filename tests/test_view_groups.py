"""Counted groups of a view over a composite key (viewfit81).

``SELECT hall, count(*) FROM seat GROUP BY hall HAVING count(*) > 1`` (SQLite) against ``> 2``
(PostgreSQL), where ``seat`` has PRIMARY KEY (hall, num): the probe rows gave every key column
a new value on each row, so no two rows shared a hall, no group of two was made, and neither
view returned a row ("not compared"). A group now holds one hall and gives num a new value on
each row. The golden cases ``sl-pg.view-answers-having-count-composite-key-*`` pin the verdict
with a witness; here both directions on the real databases and which key columns a group holds.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from probes import Loader, compare_texts

from twinschema.evaluate import view_probes
from twinschema.model import Table
from twinschema.sources import make_canonical

DIALECTS = ("sqlite", "postgresql")
LITE_SEAT = "CREATE TABLE seat (hall INTEGER NOT NULL, num INTEGER NOT NULL{extra});\n"
PG_SEAT = "CREATE TABLE seat (hall integer NOT NULL, num integer NOT NULL{extra});\n"
VIEW = "CREATE VIEW busy AS SELECT {by}, count(*) AS n FROM seat GROUP BY {by} HAVING {having};\n"
COMPOSITE = ", PRIMARY KEY (hall, num)"


def _texts(by: str, lite: str, pg: str, extra: str = COMPOSITE) -> tuple[str, str]:
    return (
        LITE_SEAT.format(extra=extra) + VIEW.format(by=by, having=lite),
        PG_SEAT.format(extra=extra) + VIEW.format(by=by, having=pg),
    )


@pytest.mark.parametrize("by", ["hall", "num"])
def test_a_group_of_two_parts_the_counts(loader: Loader, by: str) -> None:
    """Grouped by either column of the key: a difference whose witness is two rows sharing
    that column; the near miss (``>= 2``, the same groups at every size) the same rows."""
    found = compare_texts(loader, DIALECTS, *_texts(by, "count(*) > 1", "count(*) > 2"))
    views = [d for d in found.differences if d.kind == "view"]
    assert len(views) == 1, (found.differences, found.equivalences)
    assert "SQLite returns" in views[0].message and "PostgreSQL returns no row" in views[0].message
    assert views[0].message.count("seat (hall, num)") == 2, views[0].message
    same = compare_texts(loader, DIALECTS, *_texts(by, "count(*) > 1", "count(*) >= 2"))
    assert not [d for d in same.differences if d.kind in ("view", "warning")], same.differences
    assert any("view answers: the same rows" in e.rule for e in same.equivalences)


@pytest.fixture
def seat(loader: Loader) -> Iterator[dict[str, tuple[Table, Table]]]:
    """The seat table of each key shape, as each dialect reads it: ``{shape: (sqlite, pg)}``."""
    shapes = {
        "composite": COMPOSITE,
        "unique hall": ", PRIMARY KEY (hall, num), UNIQUE (hall)",
        "no key": "",
    }
    found: dict[str, tuple[Table, Table]] = {}
    for shape, extra in shapes.items():
        tables = []
        for dialect, text in zip(DIALECTS, (LITE_SEAT, PG_SEAT), strict=True):
            with loader.load(dialect, text.format(extra=extra)) as handle:
                schema = make_canonical(loader.schema(dialect, handle, "seat.sql"), None)
                tables.append(schema.tables["seat"])
        found[shape] = (tables[0], tables[1])
    yield found


@pytest.mark.parametrize(
    ("shape", "by", "held"),
    [
        ("composite", "GROUP BY hall", ["hall"]),
        ("composite", "group by num having count(*) > 1", ["num"]),
        # near misses: grouped by the whole key (no real table holds a group of two), a key of
        # its own on the grouped column, no GROUP BY, no key at all
        ("composite", "GROUP BY hall, num", []),
        ("composite", "GROUP BY num, hall", []),
        ("unique hall", "GROUP BY hall", []),
        ("composite", "WHERE hall > 1", []),
        ("no key", "GROUP BY hall", []),
    ],
)
def test_the_key_columns_a_group_holds(
    seat: dict[str, tuple[Table, Table]], shape: str, by: str, held: list[str]
) -> None:
    columns = ["hall", "num"]
    found = view_probes.held_keys(*seat[shape], columns, f"SELECT count(*) FROM seat {by}")
    assert [columns[j] for j in found] == held
