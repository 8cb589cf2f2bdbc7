"""The golden probe corpus (``tests/fixtures/probes/<case>/``), loaded on real databases.

Each case folder holds ``a.sql`` and ``b.sql`` (plain DDL, one dialect each) and ``case.yaml``:

```yaml
a: sqlite            # the dialect of a.sql
b: postgresql        # the dialect of b.sql
expect: [check]      # the difference kinds the checker must report, or [] for "same meaning"
why: one sentence: what the case pins down
equivalence: check   # optional, with expect []: a rule the comparison lists under equivalences
no_witness: why      # a difference no fixed row can show (a time or random value): why
warnings:            # optional: the value_compatibility warnings the check must give (run as
  u: ["'A0EEBC99"]   # ``diff`` does, values probed), per column one text each warning holds;
                     # witness rows may then part the sides although expect is []
witness:             # optional: rows that show the verdict on the real databases
  table: t
  declared_only: false   # true: a declared difference no row can show (both behave the same)
  setup:                 # optional: rows inserted first in the same transaction (a row may
                         # carry its own setup: instead)
    - {x: 1, y: 1}
  rows:
    - {row: {x: -1, y: -1}, a: accept, b: reject}
    - {rows: [{x: 1}, {x: 1}], a: accept, b: reject}   # several rows, in one transaction
    - {row: {x: {sqlite: '["a"]', postgresql: '{a}'}}, a: accept, b: accept}   # a value each
                         # dialect spells its own way (a list: JSON text against an array)
  default_of: d          # optional: insert default_row (columns other than d), read d back
  default_row: {id: 1}   # the values stored in d must differ exactly when a column_default is
                         # expected (a default's value is what no accept/reject can show)
  stored_of: n           # optional: insert stored_row (which sets n), read n back: the values
  stored_row: {id: 1, n: 16777217}  # differ exactly when a difference is expected (rounding)
  measure:               # optional: insert rows (each its own statement, one transaction; a
    rows: [{k: 1}, {k: 2}]   # sequence is not rolled back), then read one value with sql (or
    sql: SELECT count(DISTINCT at) FROM t   # a mapping {a: ..., b: ...}): the values differ
                         # exactly when a difference is expected (what a time, a random or a
                         # generated value is like, where no fixed row shows it)
    parts: true          # optional, in measure: the values differ (true) or not, whatever
                         # expect says: a value_compatibility warning's claim (an enum and
                         # its text twin sorting otherwise: ORDER BY reads otherwise)
  crosses: {column: n, value: 1.5, parts: true, row: {id: 1}}   # optional: what a value does
                         # on a sync: each side that stores it (row's other columns beside it)
                         # hands what it stored to the other side; parts: true exactly when
                         # that is rejected or stored differently there, and then a warning
                         # on the column names the value
  setup_sql: ["INSERT INTO p VALUES (1)"]   # optional: statements run on both sides (or a mapping
                                       # {a: [...], b: [...]}) before the rows are tried
```

An optional ``domain.yaml`` beside them gives cross-dialect names and kinds (``diff --domain``).

This module loads a case (SQLite in memory; PostgreSQL in a schema of its own on one scratch
database, so that hundreds of cases cost no CREATE DATABASE each), compares it as ``twinschema
diff`` does, and tries witness rows.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import yaml

from twinschema.compare import Comparison, Side, compare
from twinschema.compare.allowances import NOTHING_HELD, Held, allow_evaluated
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import (
    connect,
    connect_kwargs,
    reflect_connection as reflect_postgresql,
)
from twinschema.dialects.sqlite import reflect_connection
from twinschema.domain_load import load_domain
from twinschema.domain_model import Domain
from twinschema.evaluate import Evaluator, PostgreSQLScratch, evaluate
from twinschema.layers.pairs import HELD_FOR_EVALUATION, compared
from twinschema.model import Schema
from twinschema.records import Difference
from twinschema.sources import make_canonical
from twinschema.urls import parse_url, redact

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
    equivalence: str | None = None
    no_witness: str | None = None
    warnings: dict[str, list[str]] | None = None

    def sql(self, side: str) -> str:
        """The DDL of side ``a`` or ``b``."""
        return (self.folder / f"{side}.sql").read_text(encoding="utf-8")


# libyaml's safe loader when PyYAML has it: the corpus is 681 files, read at collection time
# (pure-Python loading took about 5 of the 7 s).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def cases() -> list[Case]:
    """Every case of the corpus, in folder order (read once per process: six test modules ask)."""
    return list(_cases())


def case_named(name: str) -> Case:
    """The case of the corpus named ``name`` (a ``KeyError`` for none)."""
    return _by_name()[name]


@functools.cache
def _by_name() -> dict[str, Case]:
    return {c.name: c for c in _cases()}


@functools.cache
def _cases() -> tuple[Case, ...]:
    found = []
    for folder in sorted(p for p in PROBES.iterdir() if p.is_dir()):
        spec = yaml.load((folder / "case.yaml").read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
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
                equivalence=spec.get("equivalence"),
                no_witness=spec.get("no_witness"),
                warnings=spec.get("warnings"),
            )
        )
    return tuple(found)


class Loader:
    """Loads case sides into real databases: SQLite in memory, PostgreSQL in a new schema."""

    def __init__(self, pg_url: str) -> None:
        self.pg_url = pg_url
        self.count = 0
        self._evaluator: Evaluator | None = None
        self._held: dict[str, psycopg.Connection[Any]] = {}
        self._ended: list[str] = []  # the schemas of loads ended, dropped by the next load

    @property
    def evaluator(self) -> Evaluator:
        """The evaluation stage's evaluator for every case (PostgreSQL expressions run on the
        scratch database itself, in transactions that are rolled back)."""
        if self._evaluator is None:
            scratch = PostgreSQLScratch(database_url=self.pg_url)
            self._evaluator = Evaluator(scratch)
        return self._evaluator

    def close(self) -> None:
        """Drop the schemas of the loads ended; close the evaluator's connections and the held
        ones."""
        if self._ended:
            self.held("ddl").execute(f"DROP SCHEMA IF EXISTS {', '.join(self._ended)} CASCADE")
            self._ended.clear()
        if self._evaluator is not None:
            self._evaluator.close()
        for conn in self._held.values():
            conn.close()
        self._held.clear()

    def connect(self, autocommit: bool = False) -> psycopg.Connection[Any]:
        """A new connection to the scratch database."""
        kwargs = connect_kwargs(parse_url(self.pg_url), ReflectOptions())
        return psycopg.connect(**kwargs, autocommit=autocommit)

    def held(self, role: str) -> psycopg.Connection[Any]:
        """The connection kept for ``role`` over all the cases: ``ddl`` (autocommit: loads,
        drops, setup), ``rows`` (witness rows, each batch in a transaction rolled back) or
        ``reflect`` (read-only, as ``twinschema`` reflects). A new server process for each load,
        row and reflection was most of the corpus's time; no state outlives a case on them
        (each load sets its own search_path, each row batch is rolled back with its SET)."""
        conn = self._held.get(role)
        if conn is None or conn.closed or conn.broken:
            if role == "reflect":
                conn = connect(parse_url(self.pg_url), ReflectOptions())
            else:
                conn = self.connect(autocommit=role == "ddl")
            conn.prepare_threshold = None  # a statement prepared in one case's schema: never
            self._held[role] = conn
        return conn

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
        # One round trip for the drop of the schemas of the loads ended before, the schema, its
        # search_path and the side's SQL (a failing SQL takes them all back: the schemas are
        # dropped by the next load, or by ``close``). RESET ALL first: a case's SQL may SET
        # TimeZone (pg-pg.check-literal-read-in-file-timezone), which would read the next
        # case's literals in that zone on this kept connection.
        ended = f"DROP SCHEMA IF EXISTS {', '.join(self._ended)} CASCADE; " if self._ended else ""
        head = f"{ended}RESET ALL; CREATE SCHEMA {schema}; SET search_path TO {schema}, public;\n"
        try:
            self.held("ddl").execute(head.encode() + sql.encode())
            self._ended.clear()
            yield schema
        finally:
            self._ended.append(schema)

    def schema(self, dialect: str, handle: Any, label: str) -> Schema:
        """The raw schema of a loaded side."""
        if dialect == "sqlite":
            return reflect_connection(handle, ReflectOptions(), label)
        options = ReflectOptions(schema=handle)
        return reflect_postgresql(self.held("reflect"), options, redact(parse_url(self.pg_url)))

    @contextmanager
    def load(self, dialect: str, sql: str) -> Iterator[Any]:
        """A loaded side: a SQLite connection or a PostgreSQL schema name."""
        with self.sqlite(sql) if dialect == "sqlite" else self.postgresql(sql) as handle:
            yield handle


def compare_expected(loader: Loader, name: str) -> Comparison:
    """The case named ``name`` compared (``compare_case``), having given exactly the difference
    kinds its case.yaml expects."""
    case = case_named(name)
    found = compare_case(loader, case)
    assert {d.kind for d in found.differences} == case.expect, found.differences
    return found


def assert_witness(message: str, witness: str | None) -> None:
    """A one-sided rule's difference ends with its witness row (``"; " + witness``), or names
    none (``witness`` None)."""
    if witness is None:
        assert "witness" not in message, message
    else:
        assert message.endswith("; " + witness), message


def domain_of(case: Case) -> Domain | None:
    """The case's domain, if it declares one."""
    path = case.folder / "domain.yaml"
    return load_domain(path) if path.is_file() else None


def compare_case(loader: Loader, case: Case, evaluated: bool = True) -> Comparison:
    """Compare the two sides of ``case`` as ``twinschema diff a b [--domain]`` does: the
    comparer, then the evaluation stage (not with ``evaluated=False``: ``--no-evaluate``)."""
    found, sides = compared_sides(
        loader, case, held=HELD_FOR_EVALUATION if evaluated else NOTHING_HELD
    )
    if evaluated:
        evaluate(found, *sides, loader.evaluator)
        allow_evaluated(found, *sides, domain_of(case))
    return found


def compare_texts(
    loader: Loader,
    dialects: tuple[str, str],
    a: str,
    b: str,
    warnings: list[Difference] | None = None,
) -> Comparison:
    """Two SQL texts (files a.sql and b.sql, no domain), compared and evaluated as ``diff``
    does; its ``value_compatibility`` warnings into ``warnings``, if given."""
    with loader.load(dialects[0], a) as ha, loader.load(dialects[1], b) as hb:
        left = make_canonical(loader.schema(dialects[0], ha, "a.sql"), None)
        right = make_canonical(loader.schema(dialects[1], hb, "b.sql"), None)
    sides = Side(left, "a.sql", "a.sql"), Side(right, "b.sql", "b.sql")
    found = compare(*sides, layer="diff")
    ran = evaluate(found, *sides, loader.evaluator, values=warnings is not None)
    if warnings is not None:
        warnings += ran.warnings
    return found


def view_verdicts(loader: Loader, sqlite: str, postgresql: str) -> tuple[list[str], list[str]]:
    """A SQLite and a PostgreSQL text compared as ``diff`` does: the messages of its ``view``
    differences, and what it said otherwise (equivalences' rules, warnings' messages), where a
    view judged the same rows says so. One reading for the view tests that assert either."""
    found = compare_texts(loader, ("sqlite", "postgresql"), sqlite, postgresql)
    views = [d.message for d in found.differences if d.kind == "view"]
    return views, [e.rule for e in found.equivalences] + [w.message for w in found.warnings]


def case_warnings(loader: Loader, case: Case) -> list[Difference]:
    """The ``value_compatibility`` warnings of ``case``, as ``twinschema diff`` gives them."""
    found, sides = compared_sides(loader, case)
    return evaluate(found, *sides, loader.evaluator, values=True).warnings


def compared_sides(
    loader: Loader, case: Case, held: Held = NOTHING_HELD
) -> tuple[Comparison, tuple[Side, Side]]:
    """The comparer's findings on ``case``, and its two sides; allowances of what is ``held``
    left for ``allow_evaluated``, as ``diff`` leaves them when it evaluates."""
    domain = domain_of(case)
    sides = case_sides(loader, case, domain)
    return compare(*sides, layer="diff", domain=domain, held=held), sides


def case_sides(loader: Loader, case: Case, domain: Domain | None) -> tuple[Side, Side]:
    """The case's two files loaded, reflected and made canonical under ``domain``."""
    da, db = case.dialects
    with loader.load(da, case.sql("a")) as ha, loader.load(db, case.sql("b")) as hb:
        left = make_canonical(loader.schema(da, ha, "a.sql"), domain)
        right = make_canonical(loader.schema(db, hb, "b.sql"), domain)
    return Side(left, "a.sql", "a.sql"), Side(right, "b.sql", "b.sql")


def case_diffed(loader: Loader, case: Case, domain: Domain | None) -> list[Difference]:
    """The case compared as ``twinschema diff --domain`` compares it (``layers.pairs.compared``:
    the comparer, the evaluation stage, the allowances), under ``domain``."""
    sides = case_sides(loader, case, domain)
    return compared(*sides, "diff", domain, loader.evaluator)[0].differences


def setup_statements(case: Case, side: str) -> list[str]:
    """The witness's ``setup_sql`` statements for side ``a`` or ``b``."""
    setup = (case.witness or {}).get("setup_sql") or []
    return list(setup.get(side) or []) if isinstance(setup, dict) else list(setup)


def run_setup(loader: Loader, dialect: str, handle: Any, statements: list[str]) -> None:
    """Run ``statements`` on a loaded side, committed, so that witness rows can refer to them."""
    if not statements:
        return
    if dialect == "sqlite":
        for statement in statements:
            handle.execute(statement)
        return
    conn = loader.held("ddl")
    conn.execute(f"SET search_path TO {handle}, public")
    for statement in statements:
        conn.execute(statement.encode())


def _insert(table: str, row: dict[str, Any], mark: str) -> str:
    if not row:
        return f'INSERT INTO "{table}" DEFAULT VALUES'
    names = ", ".join(f'"{c}"' for c in row)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join(mark for _ in row)})'


def physical_rows(
    case: Case, dialect: str, table: str, rows: list[dict[str, Any]]
) -> tuple[str, list[dict[str, Any]]]:
    """``table`` and ``rows`` (keyed by logical column names) in ``dialect``'s physical names,
    as the case's domain.yaml names them there (as they are without one); a value given per
    dialect (``{sqlite: '["a"]', postgresql: '{a}'}``) as ``dialect``'s."""
    rows = [{k: _own_value(v, dialect) for k, v in row.items()} for row in rows]
    domain = domain_of(case)
    declared = domain.tables.get(table) if domain is not None else None
    if declared is None:
        return table, rows
    columns = declared.columns

    def physical(name: str) -> str:
        return columns[name].physical(dialect) if name in columns else name

    found = [{physical(k): v for k, v in row.items()} for row in rows]
    return declared.physical(dialect), found


def _own_value(value: Any, dialect: str) -> Any:
    """A witness value as ``dialect`` spells it: the entry of that dialect where the value is
    given per dialect (a mapping of exactly the two dialects' names), else the value."""
    if isinstance(value, dict) and set(value) == {"sqlite", "postgresql"}:
        return value[dialect]
    return value


def try_row(
    loader: Loader, dialect: str, handle: Any, table: str, rows: list[dict[str, Any]]
) -> str:
    """``accept`` or ``reject``: what a real database of ``dialect`` does with ``rows``, inserted
    in one transaction (rolled back)."""
    if dialect == "sqlite":
        handle.execute("BEGIN")
        try:
            for row in rows:
                handle.execute(_insert(table, row, "?"), list(row.values()))
        except sqlite3.Error:
            return "reject"
        finally:
            if handle.in_transaction:  # some errors (SQLITE_FULL) roll back by themselves
                handle.execute("ROLLBACK")
        return "accept"
    conn = loader.held("rows")
    try:  # one round trip, each row still its own INSERT (a failure skips those after it)
        with conn.pipeline():
            conn.execute(f"SET search_path TO {handle}, public")
            for row in rows:
                values = [_written(v) for v in row.values()]
                conn.execute(_insert(table, row, "%s").encode(), values)
    except psycopg.Error:
        return "reject"
    finally:
        conn.rollback()
    return "accept"


def _written(value: Any) -> Any:
    """A witness value as ``INSERT ... VALUES (10.5)`` writes it: a number not whole goes to
    PostgreSQL as a numeric, which an integer column rounds half away from zero (11), not as a
    float8 parameter, which it rounds half to even (10): the witness is the INSERT's row."""
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return value if value.is_integer() else Decimal(repr(value))
    return value


def stored_default(
    loader: Loader, dialect: str, handle: Any, table: str, row: dict[str, Any], column: str
) -> Any:
    """The value a real database stores in ``column`` for ``row``, which leaves it out."""
    if dialect == "sqlite":
        handle.execute("BEGIN")
        try:
            handle.execute(_insert(table, row, "?"), list(row.values()))
            return handle.execute(f'SELECT "{column}" FROM "{table}"').fetchone()[0]
        finally:
            handle.execute("ROLLBACK")
    conn = loader.held("rows")
    conn.execute(f"SET search_path TO {handle}, public")
    try:
        conn.execute(_insert(table, row, "%s").encode(), list(row.values()))
        found = conn.execute(f'SELECT "{column}" FROM "{table}"'.encode()).fetchone()
        return None if found is None else found[0]
    finally:
        conn.rollback()


def stored_or_rejected(
    loader: Loader, dialect: str, handle: Any, table: str, row: dict[str, Any], column: str
) -> tuple[bool, Any]:
    """Whether a real database of ``dialect`` accepts ``row``, and what it stores in
    ``column`` (rolled back)."""
    try:
        return True, stored_default(loader, dialect, handle, table, row, column)
    except (sqlite3.Error, psycopg.Error):
        return False, None


def crosses_apart(
    loader: Loader, sides: tuple[tuple[str, Any], tuple[str, Any]], table: str,
    row: dict[str, Any], column: str, value: Any,
) -> bool:  # fmt: skip
    """Whether ``value`` in ``column`` (with ``row``'s other columns) parts two loaded sides
    on a sync: a side stores it, and what it stored is rejected by the other side or stored
    differently there (a value one side rejects crosses only as the other side stored it)."""
    for (keeps, kh), (other, oh) in (sides, sides[::-1]):
        ok, kept = stored_or_rejected(loader, keeps, kh, table, {**row, column: value}, column)
        if not ok:
            continue
        if other == "sqlite" and isinstance(kept, Decimal):  # sqlite3 binds no Decimal
            kept = float(kept)
        if other == "sqlite" and isinstance(kept, uuid.UUID):  # a sync writes its text
            kept = str(kept)
        ok, again = stored_or_rejected(loader, other, oh, table, {**row, column: kept}, column)
        if not ok or not same_value(kept, again, keeps == other):
            return True
    return False


def measured(
    loader: Loader, dialect: str, handle: Any, table: str, rows: list[dict[str, Any]], sql: str
) -> Any:
    """The value ``sql`` reads on a loaded side after ``rows`` are inserted, each by its own
    statement, in one transaction (rolled back): a number as a float, a boolean as 0 or 1. A
    day near today is written by its label, as the check shows it (``<today>``, ``<today + 30
    days>``, inside a text too: ``'<today + 1 day>T10:00:00Z'``) and is today's date here."""
    rows = [{k: dated(v) for k, v in row.items()} for row in rows]
    if dialect == "sqlite":
        handle.execute("BEGIN")
        try:
            for row in rows:
                handle.execute(_insert(table, row, "?"), list(row.values()))
            found = handle.execute(sql).fetchone()[0]
        finally:
            handle.execute("ROLLBACK")
    else:
        conn = loader.held("rows")
        conn.execute(f"SET search_path TO {handle}, public")
        try:
            for row in rows:
                conn.execute(_insert(table, row, "%s").encode(), list(row.values()))
            found = conn.execute(sql.encode()).fetchone()[0]  # type: ignore[index]
        finally:
            conn.rollback()
    if isinstance(found, bool | int | float | Decimal):
        return float(found)
    return found


_DAY = re.compile(r"<today(?: ([-+]) (\d+) days?)?>")


def dated(value: Any) -> Any:
    """``value`` with each day label (``<today - 1 day>``) written as that day's date (UTC)."""
    if not isinstance(value, str):
        return value
    today = datetime.now(UTC).date()

    def day(m: re.Match[str]) -> str:
        n = int(m[2] or 0) * (-1 if m[1] == "-" else 1)
        return (today + timedelta(days=n)).isoformat()

    return _DAY.sub(day, value)


def same_value(a: Any, b: Any, same_dialect: bool) -> bool:
    """Two stored values are the same value. Within one dialect, of the same type too (SQLite's
    integer 1 is not its real 1.0, nor the text '1'); across dialects numbers compare by value (a
    PostgreSQL boolean as 0 or 1, a numeric as its number) and text by text."""
    if same_dialect:
        return type(a) is type(b) and bool(a == b)
    numbers = (int, float, Decimal)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return float(a) == float(b)
    if isinstance(a, (dict, list)) and isinstance(b, str):  # SQLite keeps JSON as its text
        a, b = b, a
    if isinstance(a, str) and isinstance(b, (dict, list)):
        try:
            return bool(json.loads(a) == b)
        except ValueError:
            return False
    if isinstance(a, str) and isinstance(b, datetime):  # SQLite keeps a timestamp as its text
        a, b = b, a
    if isinstance(a, datetime) and isinstance(b, str):
        try:
            return a == datetime.fromisoformat(b)
        except ValueError:
            return False
    if isinstance(a, date) and isinstance(b, str):
        a, b = b, a
    if isinstance(a, str) and isinstance(b, date):  # a SQLite date is its text, written in full
        return a == b.isoformat()
    if isinstance(a, uuid.UUID) and isinstance(b, str):
        a, b = b, a
    if isinstance(a, str) and isinstance(b, uuid.UUID):  # SQLite keeps a uuid as its text
        return a == str(b)  # PostgreSQL's text of it, in lower case (stranger59 012)
    return type(a) is type(b) and bool(a == b)
