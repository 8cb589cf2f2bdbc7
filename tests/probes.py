"""The golden probe corpus (``tests/fixtures/probes/<case>/``), loaded on real databases.

Each case folder holds ``a.sql`` and ``b.sql`` (plain DDL, one dialect each) and ``case.yaml``:

```yaml
a: sqlite            # the dialect of a.sql
b: postgresql        # the dialect of b.sql
expect: [check]      # the difference kinds the checker must report, or [] for "same meaning"
why: one sentence: what the case pins down
witness:             # optional: rows that show the verdict on the real databases
  table: t
  declared_only: false   # true: a declared difference no row can show (both behave the same)
  rows:
    - {row: {x: -1, y: -1}, a: accept, b: reject}
```

An optional ``domain.yaml`` beside them gives cross-dialect names and kinds (``diff --domain``).

This module loads a case (SQLite in memory; PostgreSQL in a schema of its own on one scratch
database, so that hundreds of cases cost no CREATE DATABASE each), compares it as ``twinschema
diff`` does, and tries witness rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import yaml

from twinschema.compare import Comparison, Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.dialects.sqlite import reflect_connection
from twinschema.domain import Domain, load_domain
from twinschema.evaluate import Evaluator, PostgreSQLScratch, evaluate
from twinschema.model import Schema
from twinschema.sources import make_canonical, reflect_url
from twinschema.urls import parse_url

PROBES = Path(__file__).parent / "fixtures" / "probes"
DIALECTS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Case:
    """One folder of the corpus."""

    name: str
    folder: Path
    dialects: tuple[str, str]
    expect: frozenset[str]
    why: str
    witness: dict[str, Any] | None = field(default=None)

    def sql(self, side: str) -> str:
        """The DDL of side ``a`` or ``b``."""
        return (self.folder / f"{side}.sql").read_text(encoding="utf-8")


def cases() -> list[Case]:
    """Every case of the corpus, in folder order."""
    found = []
    for folder in sorted(p for p in PROBES.iterdir() if p.is_dir()):
        spec = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
        dialects = (spec["a"], spec["b"])
        assert set(dialects) <= set(DIALECTS), f"{folder.name}: unknown dialect in {dialects}"
        assert spec.get("why"), f"{folder.name}: case.yaml needs a 'why'"
        found.append(
            Case(
                name=folder.name,
                folder=folder,
                dialects=dialects,
                expect=frozenset(spec["expect"] or ()),
                why=spec["why"],
                witness=spec.get("witness"),
            )
        )
    return found


class Loader:
    """Loads case sides into real databases: SQLite in memory, PostgreSQL in a new schema."""

    def __init__(self, pg_url: str) -> None:
        self.pg_url = pg_url
        self.count = 0
        self._evaluator: Evaluator | None = None

    @property
    def evaluator(self) -> Evaluator:
        """The evaluation stage's evaluator for every case (PostgreSQL expressions run on the
        scratch database itself, in transactions that are rolled back)."""
        if self._evaluator is None:
            scratch = PostgreSQLScratch(database_url=self.pg_url)
            self._evaluator = Evaluator(scratch)
        return self._evaluator

    def close(self) -> None:
        """Close the evaluator's connections."""
        if self._evaluator is not None:
            self._evaluator.close()

    def connect(self, autocommit: bool = False) -> psycopg.Connection[Any]:
        """A new connection to the scratch database."""
        kwargs = connect_kwargs(parse_url(self.pg_url), ReflectOptions())
        return psycopg.connect(**kwargs, autocommit=autocommit)

    @contextmanager
    def sqlite(self, sql: str) -> Iterator[sqlite3.Connection]:
        """A new in-memory SQLite database holding ``sql``."""
        conn = sqlite3.connect(":memory:", isolation_level=None)
        try:
            conn.executescript(sql)
            yield conn
        finally:
            conn.close()

    @contextmanager
    def postgresql(self, sql: str) -> Iterator[str]:
        """A new schema on the scratch database holding ``sql``; yields the schema's name."""
        self.count += 1
        schema = f"probe_{self.count}"
        with self.connect(autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
            conn.execute(f"SET search_path TO {schema}, public")
            try:
                conn.execute(sql.encode())
                yield schema
            finally:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")

    def schema(self, dialect: str, handle: Any, label: str) -> Schema:
        """The raw schema of a loaded side."""
        if dialect == "sqlite":
            return reflect_connection(handle, ReflectOptions(), label)
        return reflect_url(self.pg_url, ReflectOptions(schema=handle))

    @contextmanager
    def load(self, dialect: str, sql: str) -> Iterator[Any]:
        """A loaded side: a SQLite connection or a PostgreSQL schema name."""
        with self.sqlite(sql) if dialect == "sqlite" else self.postgresql(sql) as handle:
            yield handle


def domain_of(case: Case) -> Domain | None:
    """The case's domain, if it declares one."""
    path = case.folder / "domain.yaml"
    return load_domain(path) if path.is_file() else None


def compare_case(loader: Loader, case: Case) -> Comparison:
    """Compare the two sides of ``case`` as ``twinschema diff a b [--domain]`` does: the
    comparer, then the evaluation stage."""
    domain = domain_of(case)
    da, db = case.dialects
    with loader.load(da, case.sql("a")) as ha, loader.load(db, case.sql("b")) as hb:
        left = make_canonical(loader.schema(da, ha, "a.sql"), domain)
        right = make_canonical(loader.schema(db, hb, "b.sql"), domain)
    sides = Side(left, "a.sql", "a.sql"), Side(right, "b.sql", "b.sql")
    found = compare(*sides, layer="diff", domain=domain)
    evaluate(found, *sides, loader.evaluator)
    return found


def try_row(
    loader: Loader,
    dialect: str,
    handle: Any,
    table: str,
    row: dict[str, Any],
    setup: list[dict[str, Any]] | None = None,
) -> str:
    """``accept`` or ``reject``: what a real database of ``dialect`` does with ``row``, inserted
    after the ``setup`` rows (each must be accepted) in one transaction that is rolled back."""
    if dialect == "sqlite":
        handle.execute("BEGIN")
        try:
            for earlier in setup or ():
                handle.execute(*_insert(table, earlier, "?"))
            try:
                handle.execute(*_insert(table, row, "?"))
            except sqlite3.Error:
                return "reject"
        finally:
            if handle.in_transaction:  # some errors (SQLITE_FULL) roll back by themselves
                handle.execute("ROLLBACK")
        return "accept"
    with loader.connect() as conn:
        conn.execute(f"SET search_path TO {handle}, public")
        try:
            for earlier in setup or ():
                conn.execute(*_insert(table, earlier, "%s", encode=True))
            try:
                conn.execute(*_insert(table, row, "%s", encode=True))
            except psycopg.Error:
                return "reject"
        finally:
            conn.rollback()
    return "accept"


def _insert(
    table: str, row: dict[str, Any], mark: str, encode: bool = False
) -> tuple[Any, list[Any]]:
    """An INSERT of ``row`` into ``table`` with ``mark`` placeholders, and its parameters."""
    columns = list(row)
    if not columns:
        sql = f'INSERT INTO "{table}" DEFAULT VALUES'
    else:
        sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(mark for _ in columns)})'
    return (sql.encode() if encode else sql), [row[c] for c in columns]
