"""What a foreign key's ON DELETE action does, for the corpus cases that show it on real
databases (``tests/fixtures/probes``): no inserted row shows an action, a DELETE does.

A case's ``witness`` holds, besides ``table``:

```yaml
  setup_sql: {a: ["PRAGMA foreign_keys = ON", ...], b: [...]}   # the rows, on each side
  delete: DELETE FROM p WHERE id = 1                            # run after them, on both (or
                                                                # an UPDATE); a side may refuse
                                                                # it, its rows then stay
  read: SELECT coalesce(p, -1) FROM t WHERE id = 1              # one value, read on both
```

The two values read differ exactly when the case expects a difference.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

import psycopg
import pytest
from probes import Case, Loader, cases, measured, run_setup, setup_statements

ACTIONS = [c for c in cases() if c.witness and c.witness.get("delete")]


def test_the_corpus_has_such_cases() -> None:
    """The test below runs on something: a SET DEFAULT case and its near miss at least."""
    assert len(ACTIONS) >= 2


@pytest.mark.parametrize("case", ACTIONS, ids=[c.name for c in ACTIONS])
def test_delete_witness(loader: Loader, case: Case) -> None:
    """The referencing rows after the DELETE read the same on both real databases exactly when
    the case expects no difference."""
    assert case.witness is not None
    table, delete, read = case.witness["table"], case.witness["delete"], case.witness["read"]
    da, db = case.dialects
    with loader.load(da, case.sql("a")) as ha, loader.load(db, case.sql("b")) as hb:
        run_setup(loader, da, ha, setup_statements(case, "a"))
        run_setup(loader, db, hb, setup_statements(case, "b"))
        _refused_or_run(loader, da, ha, delete)
        _refused_or_run(loader, db, hb, delete)
        a = measured(loader, da, ha, table, [], read)
        b = measured(loader, db, hb, table, [], read)
    assert (a == b) == (not case.expect), (
        f"{case.name} ({case.why}): read {a!r} and {b!r}, but the case expects "
        + ("the same" if not case.expect else "a difference")
    )


def _refused_or_run(loader: Loader, dialect: str, handle: Any, statement: str) -> None:
    """Run ``statement`` on a loaded side (autocommit): a statement the database refuses (a
    RESTRICT key checked at each row) leaves its rows as they were."""
    with contextlib.suppress(sqlite3.Error, psycopg.Error):  # the read shows what it left
        run_setup(loader, dialect, handle, [statement])
