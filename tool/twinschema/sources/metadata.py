"""A SQLAlchemy ``MetaData`` as a raw ``Schema`` of one dialect: every type, default, constraint
and index rendered exactly as that dialect's DDL compiler would write it, so that a metadata
module and the database its migrations built are reduced by the same adapter code.

PostgreSQL-only facts that SQLAlchemy does not model (row-level security and its policies) are
declared in ``Table.info["twinschema"]``: ``{"row_level_security": True, "policies": ["name"]}``.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import DDLCompiler

from twinschema.dialects import Adapter, ReflectOptions, adapter, excluded
from twinschema.errors import TwinschemaError, UsageError
from twinschema.model import (
    IDENTITY_ALWAYS,
    IDENTITY_BY_DEFAULT,
    IDENTITY_ROWID,
    IDENTITY_SEQUENCE,
    NO_ACTION,
    CheckConstraint,
    Column,
    ColumnType,
    ForeignKey,
    Index,
    Policy,
    Schema,
    Table,
    UniqueConstraint,
)
from twinschema.normalize import without_gc
from twinschema.paths import shown

# The DDL is rendered as the server receives it. PostgreSQL's default paramstyle (pyformat)
# makes SQLAlchemy double every "%" for the driver, which undoes it before sending: a CHECK
# ``name LIKE 'a%'`` would otherwise read ``'a%%'`` here and differ from the live database.
_DIALECTS: dict[str, Dialect] = {
    "sqlite": sqlite_dialect.dialect(),
    "postgresql": pg_dialect.dialect(paramstyle="named"),  # type: ignore[no-untyped-call]
}

INFO_KEY = "twinschema"


def import_metadata(spec: str, root: Path | None = None) -> tuple[sa.MetaData, str]:
    """Import ``package.module:attribute`` and return the ``MetaData`` with its file path.

    Every way this can fail is the user's to fix, so each becomes a one-line ``UsageError``.
    """
    module_name, _, attribute = spec.partition(":")
    attribute = attribute or "metadata"
    if not module_name or not all(part.isidentifier() for part in module_name.split(".")):
        raise UsageError(
            f"not a metadata module path: {spec!r} (expected package.module:attribute)"
        )
    base = str(root or Path.cwd())
    if base not in sys.path:
        sys.path.insert(0, base)
    try:
        module = importlib.import_module(module_name)
    except TwinschemaError as exc:
        # e.g. a DomainNameError from a typo: also say which line of the user's module asked.
        frames = _user_frames(exc)
        if not frames:
            raise
        where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"
        raise type(exc)(f"{exc.message} (asked by {where})") from None
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise UsageError(f"cannot import metadata module {module_name!r}: not found") from None
        raise UsageError(
            f"metadata module {module_name!r} fails to import: {_where(exc)}"
        ) from None
    except Exception as exc:
        raise UsageError(
            f"metadata module {module_name!r} fails to import: {_where(exc)}"
        ) from None
    path = getattr(module, "__file__", None) or module_name
    rel = shown(path, base)
    if not hasattr(module, attribute):
        raise UsageError(f"{rel}: module {module_name!r} has no attribute {attribute!r}")
    metadata = getattr(module, attribute)
    if not isinstance(metadata, sa.MetaData):
        raise UsageError(
            f"{rel}: {module_name}:{attribute} is a {type(metadata).__name__}, not a MetaData"
        )
    return metadata, rel


def _user_frames(exc: BaseException) -> list[traceback.FrameSummary]:
    """The frames of ``exc`` in the user's code: neither importlib's nor twinschema's."""
    package = str(Path(__file__).resolve().parent.parent)
    return [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if "importlib" not in f.filename and not str(Path(f.filename).resolve()).startswith(package)
    ]


def _where(exc: BaseException) -> str:
    """``ExcType: message (file.py:12)``: the user's innermost frame, never a traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    user = [f for f in frames if "importlib" not in f.filename]
    location = f" ({Path(user[-1].filename).name}:{user[-1].lineno})" if user else ""
    message = str(exc)
    if isinstance(exc, SyntaxError) and exc.filename:
        # str() of a SyntaxError already says "(file.py, line 2)": say it once, our way.
        message, location = exc.msg, f" ({Path(exc.filename).name}:{exc.lineno})"
    return f"{type(exc).__name__}: {message}{location}"


@without_gc
def from_metadata(
    metadata: sa.MetaData,
    dialect: str,
    source: str = "",
    options: ReflectOptions | None = None,
) -> Schema:
    """The raw ``Schema`` that ``metadata`` describes when created on ``dialect``."""
    options = options or ReflectOptions()
    sa_dialect = _DIALECTS[dialect]
    ddl = sa_dialect.ddl_compiler(sa_dialect, None)  # type: ignore[arg-type]
    types = _TypeCache(adapter(dialect), sa_dialect)
    columns: _Columns = {}
    tables = {
        table.name: _table(table, dialect, ddl, types, columns)
        for table in metadata.tables.values()
        if not excluded(table.name, options.exclude)
    }
    return Schema(dialect=dialect, tables=tables, source=source)


class _TypeCache:
    """Compiles each distinct SQLAlchemy type once (compiling is the costly part)."""

    def __init__(self, adapter: Adapter, sa_dialect: Dialect) -> None:
        self._adapter = adapter
        self._dialect = sa_dialect
        self._cache: dict[tuple[type, Any], ColumnType] = {}

    def __call__(self, sa_type: sa.types.TypeEngine[Any]) -> ColumnType:
        if (
            isinstance(sa_type, sa.Enum)
            and sa_type.native_enum
            and self._adapter.name == "postgresql"
        ):
            return ColumnType(
                "postgresql", "enum", values=tuple(sa_type.enums), raw=sa_type.name or ""
            )
        # What decides how a type compiles: its class and its attributes. A type with an
        # attribute that cannot be hashed (a dict, a list) is compiled each time.
        key = (type(sa_type), tuple(vars(sa_type).items()))
        try:
            found = self._cache.get(key)
        except TypeError:
            return self._adapter.parse_type(sa_type.compile(dialect=self._dialect))
        if found is None:
            found = self._cache[key] = self._adapter.parse_type(
                sa_type.compile(dialect=self._dialect)
            )
        return found


# Columns already made, by name, type (by identity: types come from the cache), nullability,
# default and identity. Equal columns are shared between tables, as in the SQLite adapter: a
# schema repeats a few column shapes, and shared objects are normalized once.
_Columns = dict[tuple[str, int, bool, str | None, str | None], Column]


def _table(
    table: sa.Table, dialect: str, ddl: DDLCompiler, types: _TypeCache, made: _Columns
) -> Table:
    info = table.info.get(INFO_KEY, {}) if dialect == "postgresql" else {}
    autoincrement = table.autoincrement_column  # a property that searches the columns: read once
    return Table(
        name=table.name,
        columns=tuple(_column(c, autoincrement, dialect, ddl, types, made) for c in table.columns),
        primary_key=tuple(c.name for c in table.primary_key.columns),
        foreign_keys=tuple(_foreign_key(fk) for fk in table.foreign_key_constraints),
        uniques=tuple(
            UniqueConstraint(tuple(c.name for c in u.columns), _name(u.name))
            for u in table.constraints
            if isinstance(u, sa.UniqueConstraint)
        ),
        indexes=tuple(_index(i, dialect, ddl) for i in table.indexes),
        checks=tuple(
            _checks([*table.constraints, *(k for c in table.columns for k in c.constraints)], ddl)
        ),
        row_level_security=bool(info.get("row_level_security", False)),
        policies=tuple(_policy(p) for p in info.get("policies", ())),
    )


def _name(name: Any) -> str | None:
    return None if name is None or type(name).__name__ == "_NoneName" else str(name)


def _column(
    column: sa.Column[Any],
    autoincrement: sa.Column[Any] | None,
    dialect: str,
    ddl: DDLCompiler,
    types: _TypeCache,
    made: _Columns,
) -> Column:
    ctype = types(column.type)
    default = _default(column.server_default, ddl)
    nullable = bool(column.nullable)
    identity = _identity(column, autoincrement, dialect, ctype)
    key = (column.name, id(ctype), nullable, default, identity)
    found = made.get(key)
    if found is None:
        found = made[key] = Column(column.name, ctype, nullable, default, identity, default)
    return found


def _identity(
    column: sa.Column[Any], autoincrement: sa.Column[Any] | None, dialect: str, ctype: ColumnType
) -> str | None:
    if column.identity is not None:
        return IDENTITY_ALWAYS if column.identity.always else IDENTITY_BY_DEFAULT
    if column is not autoincrement or column.server_default is not None:
        return None
    if dialect == "sqlite":
        # SQLAlchemy renders a lone integer primary key as INTEGER PRIMARY KEY: a rowid alias.
        return IDENTITY_ROWID if ctype.name == "integer" else None
    return IDENTITY_SEQUENCE  # PostgreSQL: SERIAL / BIGSERIAL


def _foreign_key(fk: sa.ForeignKeyConstraint) -> ForeignKey:
    return ForeignKey(
        columns=tuple(c.name for c in fk.columns),
        ref_table=fk.referred_table.name,
        ref_columns=tuple(element.column.name for element in fk.elements),
        on_delete=(fk.ondelete or NO_ACTION).upper(),
        on_update=(fk.onupdate or NO_ACTION).upper(),
        name=_name(fk.name),
    )


def _index(index: sa.Index, dialect: str, ddl: DDLCompiler) -> Index:
    options = index.dialect_options[dialect] if dialect in ("sqlite", "postgresql") else {}
    expressions = tuple(
        element.name if isinstance(element, sa.Column) else _sql(element, ddl)
        for element in index.expressions
    )
    where = options.get("where")
    method = options.get("using") if dialect == "postgresql" else None
    return Index(
        expressions=expressions,
        unique=bool(index.unique),
        where=_sql(where, ddl) if where is not None else None,
        method=str(method or "btree").lower(),
        name=_name(index.name),
    )


def _checks(constraints: Iterable[sa.Constraint], ddl: DDLCompiler) -> Iterable[CheckConstraint]:
    for constraint in constraints:
        if not isinstance(constraint, sa.CheckConstraint):
            continue
        rule = getattr(constraint, "_create_rule", None)
        if rule is not None and not rule(ddl):
            continue  # e.g. the CHECK of a native enum, which PostgreSQL does not create
        text = _sql(constraint.sqltext, ddl)
        yield CheckConstraint(expression=text, name=_name(constraint.name), raw=text)


def _default(server_default: Any, ddl: DDLCompiler) -> str | None:
    """What ``DEFAULT`` clause the DDL compiler writes for a column's ``server_default``."""
    if not isinstance(server_default, sa.DefaultClause):
        return None  # none, or a FetchedValue (a trigger or a computed value: no DEFAULT)
    arg = server_default.arg
    if isinstance(arg, str):
        return _string_literal(arg, ddl)
    return _sql(arg, ddl)


def _string_literal(value: str, ddl: DDLCompiler) -> str:
    return str(ddl.sql_compiler.render_literal_value(value, sa.types.STRINGTYPE))


def _sql(element: Any, ddl: DDLCompiler) -> str:
    """The SQL text of a CHECK, an index expression or predicate, or a default, as the DDL
    compiler writes it."""
    if isinstance(element, str):
        return element
    if type(element) is sa.TextClause and ":" not in element.text:
        # text() without bind parameters (written ":name") or escaped colons: the compiler
        # returns its text unchanged, and a schema holds thousands of these.
        return element.text
    return str(ddl.sql_compiler.process(element, include_table=False, literal_binds=True))


def _policy(entry: Any) -> Policy:
    if isinstance(entry, str):
        return Policy(name=entry)
    return Policy(
        name=str(entry["name"]),
        command=str(entry.get("command", "ALL")),
        using=entry.get("using"),
        with_check=entry.get("with_check"),
    )
