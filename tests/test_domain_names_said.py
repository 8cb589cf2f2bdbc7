"""The domain layer's four ``domain_name`` differences of a live SQLite database, each said in
full: a table and a column domain.yaml does not name, and a table and a column it declares for
PostgreSQL only (domaincheck writes each pair through one function since tidy89, duplicates D5;
the words are those it wrote before). Near miss: what domain.yaml names for SQLite is none."""

from __future__ import annotations

from pathlib import Path

from support.testing import execute, sqlite_url

from twinschema.compare import Side
from twinschema.dialects import ReflectOptions
from twinschema.domain_load import load_domain
from twinschema.layers.domaincheck import compare_domain
from twinschema.sources import make_canonical, reflect_url

DOMAIN = """\
version: 1
tables:
  orders:
    columns:
      id: {kind: integer}
      note: {kind: text, dialects: [postgresql]}
  audit:
    dialects: [postgresql]
    columns:
      id: {kind: integer}
"""
SQL = (
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT, stray TEXT);"
    "CREATE TABLE audit (id INTEGER PRIMARY KEY);"
    "CREATE TABLE extra (id INTEGER PRIMARY KEY)"
)
FIX = "schemas/sqlite.py"


def test_each_name_domain_yaml_does_not_give_sqlite_is_said_with_its_fix(tmp_path: Path) -> None:
    """The four differences, their messages and hints word for word; ``orders.id`` (declared for
    both dialects) is none."""
    path = tmp_path / "domain.yaml"
    path.write_text(DOMAIN, encoding="utf-8")
    url = sqlite_url(tmp_path / "app.db")
    for statement in SQL.split(";"):
        execute(url, statement)
    domain = load_domain(str(path))
    schema = make_canonical(reflect_url(url, ReflectOptions()), domain)
    found = compare_domain(domain, Side(schema, FIX, FIX)).differences
    said = {(d.kind, d.table, d.column, d.right): (d.message, d.hint) for d in found}
    where = domain.path
    assert said == {
        ("domain_name", "orders", "note", "note"): (
            f"column orders.note is in {FIX}, though {where} declares it for postgresql only",
            f"remove it from {FIX}, or declare it for sqlite too in {where}:6",
        ),
        ("domain_name", "orders", "stray", "stray"): (
            f"column orders.stray in {FIX} is not named in {where}",
            f"add it under tables.orders.columns in {where}, or remove it from {FIX}",
        ),
        ("domain_name", "audit", None, "audit"): (
            f"table audit is in {FIX}, though {where} declares it for postgresql only",
            f"remove it from {FIX}, or declare it for sqlite too in {where}:7",
        ),
        ("domain_name", "extra", None, "extra"): (
            f"table extra in {FIX} is not named in {where}",
            f"add it under tables in {where}, or remove it from {FIX}",
        ),
    }, said
