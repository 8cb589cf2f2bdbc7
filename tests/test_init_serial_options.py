"""``init`` writes a serial key whose sequence has options of its own (``ALTER SEQUENCE q_id_seq
INCREMENT BY 10``) as ``sa.Sequence('q_id_seq', increment=10)`` beside its ``nextval()``
default, and ``check`` reads that sequence's options from the module (stranger69 leftovers:
it wrote a plain ``sa.BIGINT()`` key, whose ``create_all`` makes a serial counting by 1, and
``check`` reported the module against the database it was read from). Near misses: a plain
serial is written plain; a module's sequence changed by hand (``increment=5``) is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from support import testing
from support.dbpool import DatabasePool
from test_init_project import adopt, check
from test_init_unique_nulls import _module_metadata

SQLITE = ["CREATE TABLE q (id INTEGER PRIMARY KEY, k TEXT)"]
ALTERED = "ALTER SEQUENCE q_id_seq INCREMENT BY 10"
WRITTEN = (
    "sa.Column(t.id, sa.BIGINT(), sa.Sequence('q_id_seq', increment=10), "
    "server_default=sa.text(\"nextval('q_id_seq'::regclass)\"))"
)


def _ids(url: str) -> list[int]:
    """The ids two inserts that omit it get."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO q (k) VALUES ('a'), ('b')"))
            ids = [int(r[0]) for r in conn.execute(sa.text("SELECT id FROM q ORDER BY id"))]
            conn.rollback()
        return ids
    finally:
        engine.dispose()


@pytest.mark.parametrize("altered", [True, False], ids=["increment-10", "plain-serial"])
def test_init_keeps_a_serial_s_sequence_options(
    tmp_path: Path, pg_url: str, pg_databases: DatabasePool, altered: bool
) -> None:
    """Altered: the module names the sequence with its increment, the PostgreSQL module is in
    sync with its database and its chain (the pair across the dialects differs: SQLite's rowid
    counts by 1), and a database the module's ``create_all`` makes gives 1, 11 as the adopted
    one does; the module's increment changed to 5 is then reported against the database.
    Plain: a plain BIGINT key, in sync everywhere, 1, 2."""
    pg = ["CREATE TABLE q (id bigserial PRIMARY KEY, k text)", *([ALTERED] if altered else [])]
    project = tmp_path / "app"
    shell = adopt(project, testing.sqlite_url(tmp_path / "app.db"), pg_url, SQLITE, pg)
    module_path = project / "schemas" / "postgres.py"
    module = module_path.read_text("utf-8")
    assert (WRITTEN in module) == altered, module
    assert ("sa.Column(t.id, sa.BIGINT())," in module) != altered, module
    code, report = check(shell)
    found = sorted({(d["layer"], d["kind"], d["left_source"][:6]) for d in report["differences"]})
    if altered:
        assert found == [
            ("live", "column_default", "sqlite"),  # the SQLite database against the server
            ("models", "column_default", "schema"),  # schemas/sqlite.py against postgres.py
        ], found
    else:
        assert code == 0, found
    expected = [1, 11] if altered else [1, 2]
    assert _ids(pg_url) == expected
    with pg_databases.database() as fresh:
        engine = sa.create_engine(fresh)
        try:
            _module_metadata(project).create_all(engine)
        finally:
            engine.dispose()
        assert _ids(fresh) == expected
    if altered:
        module_path.write_text(module.replace("increment=10", "increment=5"), "utf-8")
        code, report = check(shell)
        live = [
            d["message"]
            for d in report["differences"]
            if d["layer"] == "live" and d["left_source"] == "schemas/postgres.py"
        ]
        assert code == 1 and len(live) == 1, live
        assert "increment 5" in live[0] and "increment 10" in live[0], live
