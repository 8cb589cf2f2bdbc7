"""Read-only SQLAlchemy reflection of a live database, for the files ``init`` writes.

The comparer reads databases through the dialect adapters (``twinschema.dialects``); the files
``init`` generates (metadata modules, baseline revisions) are SQLAlchemy and Alembic code, so they
are rendered from SQLAlchemy's own reflection. Both go through the same read-only connections: a
SQLite file opened ``mode=ro`` (or a private copy in WAL mode), a PostgreSQL session whose
transactions are READ ONLY. Nothing here writes.
"""

from __future__ import annotations

import re
import sqlite3
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from types import SimpleNamespace
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from twinschema.canonical.domains import domain_parts
from twinschema.declared_types import Declared
from twinschema.dialects import ReflectOptions
from twinschema.errors import DatabaseError
from twinschema.model import Schema, Table
from twinschema.reflected import complete_table
from twinschema.sql_expression import closing_paren
from twinschema.urls import parse_url, redact, scrub, sqlite_file


def _creator(url: str, options: ReflectOptions) -> tuple[str, Callable[[], Any]]:
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        from twinschema.dialects import sqlite_files

        path = sqlite_file(parsed)
        return "sqlite://", lambda: sqlite_files.connect(path, options.busy_timeout)
    from twinschema.dialects import postgresql

    return "postgresql+psycopg://", lambda: postgresql.connect(parsed, options)


class _Shared:
    """The connections ``read_only`` gives within one ``one_connection_each`` block."""

    def __init__(self, stack: ExitStack) -> None:
        self.stack = stack
        self.opened: list[tuple[str, ReflectOptions, sa.Connection]] = []

    def connection(self, url: str, options: ReflectOptions) -> sa.Connection:
        for opened_url, opened_options, connection in self.opened:
            if (opened_url, opened_options) == (url, options):
                return connection
        connection = self.stack.enter_context(_connected(url, options))
        self.opened.append((url, options, connection))
        return connection


_SHARED: ContextVar[_Shared | None] = ContextVar("_SHARED", default=None)


@contextmanager
def one_connection_each() -> Iterator[None]:
    """Within the block, every ``read_only`` of the same URL and options is on one connection,
    opened on first use and closed when the block ends. ``init`` reads a PostgreSQL database's
    catalogs for its baseline in 13 queries beside its reflection: a connection of their own
    each cost 5.0 ms of the process's CPU and 6.6 ms of the server's to open (50 opened in a
    row, each with one query), about 0.15 s of CPU per ``init``."""
    with ExitStack() as stack:
        token = _SHARED.set(_Shared(stack))
        try:
            yield
        finally:
            _SHARED.reset(token)


@contextmanager
def _connected(url: str, options: ReflectOptions) -> Iterator[sa.Connection]:
    base, creator = _creator(url, options)
    engine = sa.create_engine(base, creator=creator, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


@contextmanager
def read_only(url: str, options: ReflectOptions) -> Iterator[sa.Connection]:
    """A SQLAlchemy connection on ``url`` that cannot write (the block's shared one within
    ``one_connection_each``); errors as one-line ``DatabaseError`` naming the redacted URL."""
    shared = _SHARED.get()
    try:
        if shared is not None:
            yield shared.connection(url, options)
        else:
            with _connected(url, options) as connection:
                yield connection
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"{redact(url)}: {scrub(' '.join(str(exc).split()))}") from None


def reflect_tables(url: str, options: ReflectOptions, names: Iterable[str]) -> sa.MetaData:
    """The tables ``names`` of the database at ``url``, reflected by SQLAlchemy."""
    metadata = sa.MetaData()
    with read_only(url, options) as connection:
        schema = None
        if connection.dialect.name == "postgresql" and options.schema != "public":
            schema = options.schema
        with warnings.catch_warnings():
            # SQLAlchemy 2.1 passes a reflected CHECK's ``dialect_options`` as a keyword of a
            # dialect called "dialect" and warns: ``_not_valid_checks`` writes it as its own
            warnings.filterwarnings("ignore", _DIALECT_OPTIONS_WARNING, sa.exc.SAWarning)
            metadata.reflect(connection, schema=schema, only=sorted(names))
    return metadata


_DIALECT_OPTIONS_WARNING = "Can't validate argument 'dialect_options'"


def _not_valid_checks(table: sa.Table) -> None:
    """A PostgreSQL CHECK marked NOT VALID as SQLAlchemy spells it, ``postgresql_not_valid=True``:
    its reflection handed it over as ``dialect_options={'not_valid': True}``, which the baseline
    wrote as it was and SQLAlchemy ignores with a warning each time the revision is loaded
    (stranger75 016)."""
    for constraint in table.constraints:
        if not isinstance(constraint, sa.CheckConstraint):
            continue
        odd = constraint.dialect_options.pop("dialect", None)
        if odd is not None and (odd.get("options") or {}).get("not_valid"):
            constraint.dialect_options["postgresql"]["not_valid"] = True


def complete(metadata: sa.MetaData, raw: Schema) -> None:
    """Give the reflected tables what the dialect adapter read (``raw``) and SQLAlchemy's
    reflection leaves out (``reflected.complete_table``, which a SQLite batch migration's copy of
    a table gets too), and SQLite's indexes on expressions, so that the metadata modules and the
    baselines say the same as the comparer reads."""
    for table in metadata.tables.values():
        found = raw.tables.get(table.name)
        if found is not None:
            complete_table(table, found, raw.dialect)
            if raw.dialect == "sqlite":
                _sqlite_expression_indexes(table, found)
                _conflict_clauses(table, found)
            else:
                _unknown_types(table, found)
                _domains(table, found)
                _not_valid_checks(table)


def _unknown_types(table: sa.Table, found: Table) -> None:
    """A PostgreSQL type SQLAlchemy does not know (a composite type): it reads ``NullType``,
    which no module can name and no DDL can write; ``Declared("pair", sa.types.NullType())``
    writes the type as the database declares it (stranger44 019: SQLite's column without a type
    is the same, in ``reflected.complete_table``)."""
    for column in table.columns:
        read = found.column(column.name)
        if read is not None and isinstance(column.type, sa.types.NullType) and read.type.raw:
            column.type = Declared(read.type.raw, column.type)


# A domain's definition as the adapter reads it: its base type as format_type() spells it, then
# any COLLATE, NOT NULL, DEFAULT and CHECKs (``postgresql_catalog``).
_DOMAIN_BASE = re.compile(r"(.*?)(?= COLLATE | NOT NULL| DEFAULT | CHECK \(|$)")


def _domains(table: sa.Table, found: Table) -> None:
    """A PostgreSQL DOMAIN column as the database has it. SQLAlchemy reads a domain's base type
    without its arguments (``varchar(8)`` as ``VARCHAR()``, ``timestamp(3) with time zone`` as
    ``TIMESTAMP()``): it is read again from the spelling the adapter read. SQLAlchemy also
    reads a column of a NOT NULL domain as NOT NULL; the column's own nullability is kept
    instead (the domain's NOT NULL is the domain's: a subquery's NULL passes it, not a
    column's NOT NULL; ``compare/columns``), and so is its DEFAULT: the column's own
    (pg_attrdef), none where it has none, the domain's staying the domain's."""
    for column in table.columns:
        read = found.column(column.name)
        domain = column.type
        if read is None or not isinstance(domain, postgresql.DOMAIN) or read.type.array:
            continue
        column.nullable = read.nullable
        if read.raw_default is None and read.default is None:
            # SQLAlchemy reads the domain's DEFAULT as the column's where it has none: the
            # module and the baseline then gave the column a DEFAULT of its own that the
            # database lacks, and a later ``ALTER DOMAIN ... SET DEFAULT`` reached the adopted
            # database's column but not one the chain built (stranger70 005)
            column.server_default = None
        parts = domain_parts(read.type.definition or "")
        # A domain over a domain: SQLAlchemy reads the upper level's NOT NULL and CHECK alone;
        # the adapter read every level's (``postgresql_catalog``), written as one domain.
        nested = isinstance(domain.data_type, postgresql.DOMAIN)
        if parts is not None:
            domain.not_null = parts.not_null
        if parts is not None and (len(parts.checks) > 1 or (nested and parts.checks)):
            # SQLAlchemy's DOMAIN holds one CHECK (it reads the first): all of them, as one
            # CHECK of their conjunction, which refuses the same values (``canonical.domains``)
            domain.check = sa.text(" AND ".join(f"({c})" for c in parts.checks))
            domain.constraint_name = None
        elif parts is not None and parts.checks:
            # SQLAlchemy cuts ``CHECK (...)`` off pg_get_constraintdef's text by position, so
            # ``CHECK ((length(VALUE) = 3)) NOT VALID`` became ``length(VALUE) = 3) NOT VALI``
            # (stranger75 015): the expression as the adapter read it, up to its closing
            # parenthesis. NOT VALID stays the baseline's (``CREATE DOMAIN`` takes none; the
            # module's ``create_all`` makes a new, empty database, where no stored row can break it).
            domain.check = sa.text(_unwrapped(parts.checks[0]))
        base = _DOMAIN_BASE.match(read.type.definition or "")
        if base is None or not base.group(1):
            continue
        dialect: postgresql.base.PGDialect = postgresql.dialect()  # type: ignore[no-untyped-call]
        if base.group(1).split("(")[0].split("[")[0] not in dialect.ischema_names:
            continue  # a domain over an enum (at its lowest level): SQLAlchemy's reading is kept
        loader = cast(Any, SimpleNamespace(enums={}, domains={}))
        collation = getattr(domain.data_type, "collation", None)
        domain.data_type = dialect._reflect_type(base.group(1), loader, str(domain.name), collation)


def _unwrapped(expression: str) -> str:
    """``expression`` without the parentheses pg_get_constraintdef puts around all of it
    (``(length(VALUE) = 3)``), as SQLAlchemy's reflection wrote a valid domain CHECK."""
    whole = expression.startswith("(") and closing_paren(expression, 0) == len(expression) - 1
    return expression[1:-1] if whole else expression


def _sqlite_expression_indexes(table: sa.Table, found: Table) -> None:
    """The indexes on expressions (``lower(title)``), as the adapter reads them: SQLAlchemy's
    SQLite reflection skips them (with a warning), so the module and the baseline had none.
    Not in ``complete_table``: a batch copy leaves them to ``alembic_indexes`` (README, Limits)."""
    have = {index.name for index in table.indexes}
    columns = {column.name: column for column in table.columns}
    for index in found.indexes:
        if index.name is None or index.name in have:
            continue
        elements = [index.element_text(n) for n in range(len(index.expressions))]
        if all(element in columns for element in elements):
            continue  # on columns only: SQLAlchemy read it, or left it out for a reason of its own
        where = index.raw_where or index.where
        options: dict[str, Any] = {"sqlite_where": sa.text(where)} if where else {}
        made = [columns[e] if e in columns else sa.text(e) for e in elements]
        sa.Index(index.name, *made, unique=index.unique, _table=table, **options)


def _conflict_clauses(table: sa.Table, found: Table) -> None:
    """SQLite's ON CONFLICT clauses, as the adapter reads them from the table's SQL, where
    SQLAlchemy can hold them: ``sqlite_on_conflict`` on the primary key and on a UNIQUE
    constraint, ``sqlite_on_conflict_not_null`` on a column. SQLAlchemy's reflection reads
    none, so the module and the baseline had none: every database the chain built refused the
    row the adopted one replaced or ignored (stranger69 leftovers). Not here: a CHECK's clause
    (SQLAlchemy's CheckConstraint has no such option, and SQLite 3.40 refuses the row anyway)
    and the clause of a constraint not reflected (a UNIQUE over the rowid key, which SQLite
    folds into it)."""
    columns = {c.name.lower(): c for c in table.columns}
    for clause in found.conflict_clauses:
        names = [n.lower() for n in clause.columns]
        if clause.constraint == "NOT NULL" and len(names) == 1 and names[0] in columns:
            column = columns[names[0]]
            column.dialect_options["sqlite"]["on_conflict_not_null"] = clause.algorithm
        elif clause.constraint == "PRIMARY KEY":
            if [c.name.lower() for c in table.primary_key.columns] == names:
                table.primary_key.dialect_options["sqlite"]["on_conflict"] = clause.algorithm
        elif clause.constraint == "UNIQUE":
            for uq in table.constraints:
                if (
                    isinstance(uq, sa.UniqueConstraint)
                    and [c.name.lower() for c in uq.columns] == names
                ):
                    uq.dialect_options["sqlite"]["on_conflict"] = clause.algorithm


def sqlite_master(url: str, options: ReflectOptions) -> list[tuple[str, str, str, str]]:
    """``(type, name, tbl_name, sql)`` of every object of a SQLite file, in creation order,
    without SQLite's own (``sqlite_%``) and Alembic's ``alembic_version``."""
    with read_only(url, options) as connection:
        raw = connection.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)
        rows = raw.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND tbl_name <> 'alembic_version' "
            "ORDER BY rowid"
        ).fetchall()
    return [(str(t), str(n), str(tb), str(s)) for t, n, tb, s in rows]


def rows(
    url: str, options: ReflectOptions, query: str, tables: Iterable[str] = ()
) -> list[tuple[Any, ...]]:
    """The rows of one catalog query on a PostgreSQL database: ``%(schema)s`` in it is the
    schema, ``%(tables)s`` the list ``tables``; any other ``%`` is the query's own (``%I``)."""
    escaped = query.replace("%", "%%")
    for name in ("schema", "tables"):
        escaped = escaped.replace(f"%%({name})s", f"%({name})s")
    with read_only(url, options) as connection:
        result = connection.exec_driver_sql(
            escaped, {"schema": options.schema, "tables": list(tables)}
        )
        return [tuple(row) for row in result]
