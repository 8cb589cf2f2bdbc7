"""The domain layer says why a SQLite column declared JSON cannot stand for the kind json, and
what to declare instead (stranger51 001).

``sa.Column(p.attrs, sa.JSON)`` on SQLite with ``attrs: {kind: json}`` read ``products.attrs is
json in schemas/sqlite.py, which cannot stand for the declared kind json [left: json | right:
json]``: the verdict is right, the sentence contradicted itself. SQLite gives a column declared
JSON NUMERIC affinity (none of INT, CHAR, CLOB, TEXT, BLOB, REAL, FLOA, DOUB in the name), so
the JSON text ``007`` is stored as the integer 7 and ``1.50`` as the real 1.5, where a TEXT
column keeps the text; ``json_valid`` on a TEXT column refuses what is not JSON. Real SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from support.testing import execute, sqlite_url

from twinschema.compare import Side
from twinschema.dialects import ReflectOptions
from twinschema.domain_load import load_domain
from twinschema.layers.domaincheck import compare_domain
from twinschema.sources import make_canonical, reflect_url


def _domain(tmp_path: Path) -> str:
    path = tmp_path / "domain.yaml"
    path.write_text(
        "version: 1\ntables:\n  p:\n    columns:\n      id: {kind: integer}\n"
        "      attrs: {kind: json}\n      doc: {kind: json}\n      note: {kind: text}\n",
        encoding="utf-8",
    )
    return str(path)


def test_a_json_declared_sqlite_column_is_told_as_its_affinity(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "app.db")
    execute(
        url,
        "CREATE TABLE p (id INTEGER PRIMARY KEY, attrs JSON, doc JSON NOT NULL DEFAULT '{}', "
        "note STRING)",
    )
    domain = load_domain(_domain(tmp_path))
    schema = make_canonical(reflect_url(url, ReflectOptions()), domain)
    found = compare_domain(domain, Side(schema, "schemas/sqlite.py", "schemas/sqlite.py"))
    said = {d.column: d for d in found.differences}
    assert sorted(said) == ["attrs", "doc", "note"], found.differences
    for column in ("attrs", "doc"):
        message = said[column].message
        assert "SQLite gives JSON NUMERIC affinity" in message, message
        # A JSON document as the example: jsonb refuses '007' anyway (stranger79 004).
        assert "('1.0' as 1, '1e2' as 100)" in message, message
    assert said["attrs"].hint.startswith(
        "declare it TEXT in schemas/sqlite.py (sa.Text), with CHECK (attrs IS NULL OR "
        "json_valid(attrs)) if it is to refuse text that is not JSON, or its kind in "
    ), said["attrs"].hint
    assert "CHECK (json_valid(doc))" in said["doc"].hint, said["doc"].hint
    assert said["note"].hint.startswith("declare it TEXT in schemas/sqlite.py (sa.Text), or ")
    assert "json_valid" not in said["note"].hint


def test_what_the_message_says_holds_on_sqlite(tmp_path: Path) -> None:
    """The facts the message and hint state, on this SQLite: JSON turns '007' into 7 (and the
    JSON documents '1.0' and '1e2' into 1 and 100), TEXT
    keeps it, and the suggested CHECK refuses it (not JSON) but keeps '7' and NULL."""
    with sqlite3.connect(tmp_path / "facts.db") as db:
        db.execute("CREATE TABLE a (attrs JSON)")
        db.execute("CREATE TABLE b (attrs TEXT CHECK (attrs IS NULL OR json_valid(attrs)))")
        db.execute("INSERT INTO a VALUES ('007'), ('1.50'), ('1.0'), ('1e2')")
        assert db.execute("SELECT attrs, typeof(attrs) FROM a").fetchall() == [
            (7, "integer"),
            (1.5, "real"),
            (1, "integer"),
            (100, "integer"),
        ]
        db.execute("INSERT INTO b VALUES ('7'), (NULL), ('1.50')")
        assert db.execute("SELECT attrs, typeof(attrs) FROM b").fetchall() == [
            ("7", "text"),
            (None, "null"),
            ("1.50", "text"),
        ]
        try:
            db.execute("INSERT INTO b VALUES ('007')")
            refused = False
        except sqlite3.IntegrityError:
            refused = True
        assert refused
