"""A SQLAlchemy ``MetaData`` as a raw ``Schema`` of one dialect: every type, default, constraint
and index rendered exactly as that dialect's DDL compiler would write it, so that a metadata
module and the database its migrations built are reduced by the same adapter code.

PostgreSQL-only facts that SQLAlchemy does not model (row-level security and its policies) are
declared in ``Table.info["twinschema"]``: ``{"row_level_security": True, "policies": ["name"]}``,
plus ``"force_row_level_security": True``; a policy is a name, or a mapping with ``name`` and any
of ``command``, ``permissive``, ``roles``, ``using``, ``with_check`` (what it states is compared).
UNLOGGED (``prefixes=["UNLOGGED"]``) and ``postgresql_partition_by`` are read from the table.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from types import ModuleType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import operators
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.sql.elements import BinaryExpression, UnaryExpression

from twinschema.dialects import ReflectOptions, adapter, excluded
from twinschema.domain import suggestion
from twinschema.errors import TwinschemaError, UsageError
from twinschema.model import (
    EQUALITY_EXACT,
    GENERATED_STORED,
    GENERATED_VIRTUAL,
    IDENTITY_ALWAYS,
    IDENTITY_AUTOINCREMENT,
    IDENTITY_BY_DEFAULT,
    IDENTITY_ROWID,
    IDENTITY_SEQUENCE,
    MATCH_SIMPLE,
    NO_ACTION,
    OPTION_STRICT,
    OPTION_WITHOUT_ROWID,
    CheckConstraint,
    Collation,
    Column,
    ColumnPool,
    ColumnType,
    ConflictClause,
    ForeignKey,
    Generated,
    Index,
    Policy,
    Schema,
    Table,
    UniqueConstraint,
    element_flags,
)
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
    module = _import(module_name)
    path = getattr(module, "__file__", None) or module_name
    rel = shown(path, base)
    if not hasattr(module, attribute):
        metadatas = [n for n, v in vars(module).items() if isinstance(v, sa.MetaData)]
        raise UsageError(
            f"{rel}: module {module_name!r} has no attribute {attribute!r}"
            + (suggestion(attribute, metadatas) or suggestion(attribute, vars(module)))
        )
    metadata = getattr(module, attribute)
    if not isinstance(metadata, sa.MetaData):
        raise UsageError(
            f"{rel}: {module_name}:{attribute} is a {type(metadata).__name__}, not a MetaData"
        )
    return metadata, rel


def _import(module_name: str) -> ModuleType:
    """Import the user's module. What it prints goes to stderr (stdout holds the report only);
    anything it raises, ``sys.exit()`` included, is a ``UsageError`` naming it; only Ctrl-C
    goes through."""
    try:
        with _stdout_to_stderr():
            return importlib.import_module(module_name)
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
    except SystemExit as exc:
        raise UsageError(
            f"metadata module {module_name!r} called sys.exit({exc.code!r}) while being imported"
            f"{_location(exc)}: a metadata module must define tables, not end the program"
        ) from None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        raise UsageError(
            f"metadata module {module_name!r} fails to import: {_where(exc)}"
        ) from None


@contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Python's stdout and file descriptor 1 (C code, ``os.write(1, ...)``) both go to stderr."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no descriptor 1: only Python's stdout can be redirected
        saved = -1
    try:
        if saved >= 0:
            os.dup2(2, 1)
        with redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stdout.flush()
        if saved >= 0:
            os.dup2(saved, 1)
            os.close(saved)


def _user_frames(exc: BaseException) -> list[traceback.FrameSummary]:
    """The frames of ``exc`` in the user's code: neither importlib's nor twinschema's."""
    package = str(Path(__file__).resolve().parent.parent)
    return [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if "importlib" not in f.filename and not str(Path(f.filename).resolve()).startswith(package)
    ]


def _location(exc: BaseException) -> str:
    """`` (file.py:12)``: where in the user's code ``exc`` was raised, or nothing."""
    frames = traceback.extract_tb(exc.__traceback__)
    user = [f for f in frames if "importlib" not in f.filename]
    return f" ({Path(user[-1].filename).name}:{user[-1].lineno})" if user else ""


def _where(exc: BaseException) -> str:
    """``ExcType: message (file.py:12)``: the user's innermost frame, never a traceback."""
    location = _location(exc)
    message = " ".join(str(exc).split())
    if isinstance(exc, SyntaxError) and exc.filename:
        # str() of a SyntaxError already says "(file.py, line 2)": say it once, our way.
        message, location = exc.msg, f" ({Path(exc.filename).name}:{exc.lineno})"
    return f"{type(exc).__name__}: {message}{location}"


def from_metadata(
    metadata: sa.MetaData,
    dialect: str,
    source: str = "",
    options: ReflectOptions | None = None,
) -> Schema:
    """The raw ``Schema`` that ``metadata`` describes when created on ``dialect``."""
    options = options or ReflectOptions()
    reader = _Reader(dialect)
    tables = {
        table.name: reader.table(table)
        for table in metadata.tables.values()
        if not excluded(table.name, options.exclude)
    }
    return Schema(dialect=dialect, tables=tables, source=source)


class _Reader:
    """Renders one MetaData's objects as ``dialect``'s DDL compiler would, into model objects.

    It remembers what it already rendered: each distinct SQLAlchemy type is compiled once
    (compiling is the costly part), each string default quoted once, and equal columns are one
    shared object (``model.ColumnPool``).
    """

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.sa_dialect = _DIALECTS[dialect]
        self.ddl: DDLCompiler = self.sa_dialect.ddl_compiler(self.sa_dialect, None)  # type: ignore[arg-type]
        self.adapter = adapter(dialect)
        self.types: dict[tuple[type, Any], ColumnType] = {}
        self.literals: dict[str, str] = {}
        self.columns = ColumnPool()

    def table(self, table: sa.Table) -> Table:
        info = table.info.get(INFO_KEY, {}) if self.dialect == "postgresql" else {}
        autoincrement = table.autoincrement_column  # a property that searches: read it once
        if self.dialect == "sqlite" and len(table.primary_key.columns) == 1:
            # SQLite makes a lone INTEGER key the rowid's alias whatever SQLAlchemy's
            # autoincrement flag says (False only leaves AUTOINCREMENT out): see _identity.
            autoincrement = next(iter(table.primary_key.columns))
        column = self.column
        columns: list[Column] = []
        checks: list[CheckConstraint] = []
        for sa_column in table.columns:
            columns.append(column(sa_column, autoincrement))
            if sa_column.constraints:  # a CHECK written on the column
                checks.extend(self.checks(sa_column.constraints))
        # One pass over the table's constraints (foreign_key_constraints would build a set).
        foreign_keys: list[ForeignKey] = []
        uniques: list[UniqueConstraint] = []
        rule_indexes: list[Index] = []  # UNIQUE ... INCLUDE: a unique index
        table_checks: list[sa.CheckConstraint] = []
        for constraint in table.constraints:
            if isinstance(constraint, sa.ForeignKeyConstraint):
                foreign_keys.append(_foreign_key(constraint, self.dialect))
            elif isinstance(constraint, sa.UniqueConstraint):
                rule = self.unique(constraint)
                if isinstance(rule, Index):
                    rule_indexes.append(rule)
                else:
                    uniques.append(rule)
            elif isinstance(constraint, sa.CheckConstraint):
                table_checks.append(constraint)
        if table_checks:
            checks[:0] = self.checks(table_checks)
        return Table(
            name=table.name,
            columns=tuple(columns),
            primary_key=tuple(c.name for c in table.primary_key.columns),
            foreign_keys=tuple(foreign_keys),
            uniques=tuple(uniques),
            indexes=(*rule_indexes, *map(self.index, table.indexes))
            if table.indexes or rule_indexes
            else (),
            checks=tuple(checks),
            row_level_security=bool(info.get("row_level_security", False)),
            policies=tuple(_policy(p) for p in info.get("policies", ())),
            options=_sqlite_options(table) if self.dialect == "sqlite" else (),
            conflict_clauses=_sqlite_conflicts(table) if self.dialect == "sqlite" else (),
            **self.postgresql_only(table, info),
        )

    def postgresql_only(self, table: sa.Table, info: dict[str, Any]) -> dict[str, Any]:
        """FORCE ROW LEVEL SECURITY (from ``info``), UNLOGGED and PARTITION BY, as the
        PostgreSQL DDL compiler writes them; nothing for a dialect without them."""
        if self.dialect != "postgresql":
            return {}
        prefixes = {str(p).upper() for p in getattr(table, "_prefixes", ())}
        partition_by = table.dialect_options["postgresql"].get("partition_by")
        return {
            "force_row_level_security": bool(info.get("force_row_level_security", False)),
            "unlogged": "UNLOGGED" in prefixes,
            "partitioned": _partition_key(str(partition_by)) if partition_by else "",
        }

    def column(self, column: sa.Column[Any], autoincrement: sa.Column[Any] | None) -> Column:
        # The common cases inline (a type seen before; no default; no identity): this runs for
        # every column. What decides how a type compiles is its class and its attributes; a
        # type with an attribute that cannot be hashed (a dict, a list: an Enum) is compiled
        # each time.
        sa_type = column.type
        key = (type(sa_type), tuple(vars(sa_type).items()))
        try:
            ctype = self.types[key]
        except KeyError:
            ctype = self.types[key] = self._compile_type(sa_type)
        except TypeError:
            ctype = self._compile_type(sa_type)
        server_default = column.server_default
        default = None if server_default is None else self.default(server_default)
        identity = (
            None
            if column.identity is None and column is not autoincrement
            else _identity(column, autoincrement, self.dialect, ctype)
        )
        if self.dialect == "postgresql" and default is not None and default.startswith("nextval("):
            # As the adapter reads a database: a sequence's nextval() is how the column is
            # generated (a serial, or a column sharing a sequence such as an INHERITS child's).
            default, identity = None, IDENTITY_SEQUENCE
        collation_name = getattr(sa_type, "collation", None)
        collation = self.adapter.collation(collation_name) if collation_name else None
        computed = column.computed
        generated = None
        if computed is not None:
            storage = GENERATED_STORED if computed.persisted else GENERATED_VIRTUAL
            text = self.sql(computed.sqltext)
            generated = Generated(text, storage, text)
        return self.columns.column(
            column.name,
            ctype,
            bool(column.nullable),
            default,
            identity,
            default,
            collation,
            generated,
        )

    def _compile_type(self, sa_type: sa.types.TypeEngine[Any]) -> ColumnType:
        if isinstance(sa_type, sa.Enum) and sa_type.native_enum and self.dialect == "postgresql":
            return ColumnType(
                "postgresql", "enum", values=tuple(sa_type.enums), raw=sa_type.name or ""
            )
        # A type's COLLATE clause is the column's collation (see ``column``), not its type.
        spelling = _COLLATE.sub("", sa_type.compile(dialect=self.sa_dialect))
        return self.adapter.parse_type(spelling)

    def default(self, server_default: Any) -> str | None:
        """The text of the ``DEFAULT`` clause the DDL compiler writes for ``server_default``."""
        if not isinstance(server_default, sa.DefaultClause):
            return None  # none, or a FetchedValue (a trigger or a computed value: no DEFAULT)
        arg = server_default.arg
        if not isinstance(arg, str):
            return self.sql(arg)
        found = self.literals.get(arg)
        if found is None:
            found = self.literals[arg] = str(
                self.ddl.sql_compiler.render_literal_value(arg, sa.types.STRINGTYPE)
            )
        return found

    def index(self, index: sa.Index) -> Index:
        dialect = self.dialect
        options = index.dialect_options[dialect] if dialect in ("sqlite", "postgresql") else {}
        elements = [_index_element(element) for element in index.expressions]
        expressions = tuple(
            inner.name if isinstance(inner, sa.Column) else self.sql(inner)
            for inner, _, _, _ in elements
        )
        where = options.get("where")
        pg = dialect == "postgresql"
        method = options.get("using") if pg else None
        ops = (options.get("ops") or {}) if pg else {}
        return Index(
            expressions=expressions,
            unique=bool(index.unique),
            where=self.sql(where) if where is not None else None,
            method=str(method or "btree").lower(),
            name=_name(index.name),
            descending=element_flags((desc for _, desc, _, _ in elements), False),
            collations=element_flags(
                (self._override(inner, name) for inner, _, _, name in elements), None
            ),
            nulls=element_flags(
                (_NULLS.get((desc, first), "") for _, desc, first, _ in elements), ""
            )
            if pg
            else None,
            opclasses=element_flags((_opclass(ops.get(e, "")) for e in expressions), "")
            if pg
            else None,
            include=_names(options.get("include") or ()) if pg else None,
            nulls_distinct=not options.get("nulls_not_distinct") if pg else True,
        )

    def unique(self, constraint: sa.UniqueConstraint) -> UniqueConstraint | Index:
        """A UNIQUE constraint; with PostgreSQL INCLUDE columns, the unique index it makes."""
        names = tuple(c.name for c in constraint.columns)
        if self.dialect != "postgresql":
            return UniqueConstraint(names, _name(constraint.name))
        options = constraint.dialect_options["postgresql"]
        distinct = not options.get("nulls_not_distinct")
        include = _names(options.get("include") or ())
        if include:
            return Index(
                names,
                unique=True,
                name=_name(constraint.name),
                nulls=(),
                opclasses=(),
                include=include,
                nulls_distinct=distinct,
            )
        return UniqueConstraint(names, _name(constraint.name), distinct)

    def _override(self, inner: Any, name: str | None) -> Collation | None:
        """An index element's collation where it is not its column's own."""
        if name is None:
            return None
        own = getattr(inner.type, "collation", None) if isinstance(inner, sa.Column) else None
        if own is not None and own.lower() == name.lower():
            return None
        return self.adapter.collation(name) or Collation(name, EQUALITY_EXACT)

    def checks(self, constraints: Iterable[sa.Constraint]) -> Iterator[CheckConstraint]:
        """The CHECKs among ``constraints`` that the DDL creates."""
        for constraint in constraints:
            if not isinstance(constraint, sa.CheckConstraint):
                continue
            rule = getattr(constraint, "_create_rule", None)
            if rule is not None and not rule(self.ddl):
                continue  # e.g. the CHECK of a native enum, which PostgreSQL does not create
            text = self.sql(constraint.sqltext)
            yield CheckConstraint(expression=text, name=_name(constraint.name), raw=text)

    def sql(self, element: Any) -> str:
        """The SQL text of a CHECK, an index expression or predicate, or a default, as the DDL
        compiler writes it."""
        if isinstance(element, str):
            return element
        if type(element) is sa.TextClause and ":" not in element.text:
            # text() without bind parameters (written ":name") or escaped colons: the compiler
            # returns its text unchanged, and a schema holds thousands of these.
            return element.text
        return str(self.ddl.sql_compiler.process(element, include_table=False, literal_binds=True))


_COLLATE = re.compile(r"\s+COLLATE\s+.*$", re.IGNORECASE | re.DOTALL)

# (descending, NULLS FIRST) -> the NULLS placement an Index keeps: only one that is not the
# default for its direction (PostgreSQL: NULLS LAST ascending, NULLS FIRST descending).
_NULLS = {(False, True): "NULLS FIRST", (True, False): "NULLS LAST"}


def _index_element(element: Any) -> tuple[Any, bool, bool, str | None]:
    """An index element without its modifiers: (expression, DESC, NULLS FIRST (by default as
    PostgreSQL places NULLs), COLLATE name or None), from ``col.desc().nulls_first()``,
    ``col.collate(...)``."""
    descending, collation = False, None
    first: bool | None = None
    while True:
        if isinstance(element, UnaryExpression) and element.modifier in _ORDER_MODIFIERS:
            modifier = element.modifier
            if modifier is operators.desc_op:
                descending = True
            elif modifier is not operators.asc_op:
                first = modifier is operators.nulls_first_op
            element = element.element
        elif isinstance(element, BinaryExpression) and element.operator is operators.collate:
            collation = str(element.right.collation)
            element = element.left
        else:
            break
    if first is None:
        first = descending  # PostgreSQL's default placement
    return element, descending, first, collation


_ORDER_MODIFIERS = (
    operators.desc_op,
    operators.asc_op,
    operators.nulls_first_op,
    operators.nulls_last_op,
)


def _opclass(name: str) -> str:
    """A PostgreSQL operator class a model names, "" when it is a built-in default one."""
    if not name:
        return ""
    from twinschema.dialects.postgresql import operator_class  # psycopg: only when needed

    return operator_class(name)


def _names(columns: Iterable[Any]) -> tuple[str, ...]:
    """Column names from a list of names or ``Column`` objects (``postgresql_include``)."""
    return tuple(c if isinstance(c, str) else str(c.name) for c in columns)


def _name(name: Any) -> str | None:
    return None if name is None or type(name).__name__ == "_NoneName" else str(name)


def _identity(
    column: sa.Column[Any], autoincrement: sa.Column[Any] | None, dialect: str, ctype: ColumnType
) -> str | None:
    if column.identity is not None:
        return IDENTITY_ALWAYS if column.identity.always else IDENTITY_BY_DEFAULT
    if column is not autoincrement or column.server_default is not None:
        return None
    if dialect == "sqlite":
        # SQLAlchemy renders a lone integer primary key as INTEGER PRIMARY KEY: a rowid alias
        # (none in a WITHOUT ROWID table), AUTOINCREMENT when the table asks for it.
        options = column.table.dialect_options["sqlite"]
        if ctype.name != "integer" or not options.get("with_rowid", True):
            return None
        return IDENTITY_AUTOINCREMENT if options.get("autoincrement") else IDENTITY_ROWID
    return IDENTITY_SEQUENCE  # PostgreSQL: SERIAL / BIGSERIAL


def _sqlite_conflicts(table: sa.Table) -> tuple[ConflictClause, ...]:
    """The ON CONFLICT clauses SQLite's DDL compiler writes for ``table`` (``sqlite_on_conflict``
    and its kin on columns and constraints), read from that DDL as the adapter reads a live
    table's SQL; () at no cost for the tables that declare none."""
    holders = [*table.columns, *table.constraints]
    if not any(k.startswith("sqlite_on_conflict") for h in holders for k in h.dialect_kwargs):
        return ()
    from sqlalchemy.schema import CreateTable

    from twinschema.dialects.sqlite import conflict_clauses

    sql = str(CreateTable(table).compile(dialect=_DIALECTS["sqlite"]))
    return conflict_clauses(sql, sql.lower())


def _sqlite_options(table: sa.Table) -> tuple[str, ...]:
    """The SQLite table options the DDL compiler writes (``sqlite_strict``, ``sqlite_with_rowid``)."""
    options = table.dialect_options["sqlite"]
    found = [OPTION_STRICT] if options.get("strict") else []
    if not options.get("with_rowid", True):
        found.append(OPTION_WITHOUT_ROWID)
    return tuple(sorted(found))


def _foreign_key(fk: sa.ForeignKeyConstraint, dialect: str) -> ForeignKey:
    elements = fk.elements  # each: the local column (parent) and the one it refers to
    deferred = (fk.initially or "").upper() == "DEFERRED"
    deferrable = bool(fk.deferrable) or deferred  # INITIALLY DEFERRED implies DEFERRABLE
    match = (fk.match or MATCH_SIMPLE).upper()
    if dialect == "sqlite":
        # As the SQLite adapter reads the database this DDL creates: only DEFERRABLE INITIALLY
        # DEFERRED defers a key, and MATCH is parsed but SIMPLE is enforced.
        deferrable = deferred = bool(fk.deferrable) and deferred
        declared, match = (match if fk.match else None), MATCH_SIMPLE
    else:
        declared = None
    columns = tuple(element.parent.name for element in elements)
    on_delete, set_columns = _action_columns(fk.ondelete or NO_ACTION, columns)
    return ForeignKey(
        columns=columns,
        ref_table=elements[0].column.table.name,
        ref_columns=tuple(element.column.name for element in elements),
        on_delete=on_delete,
        on_update=(fk.onupdate or NO_ACTION).upper(),
        name=_name(fk.name),
        on_delete_columns=set_columns,
        deferrable=deferrable,
        initially_deferred=deferred,
        match=match,
        match_declared=declared,
    )


_SET_COLUMNS = re.compile(
    r"^\s*(SET\s+NULL|SET\s+DEFAULT)\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL
)


def _action_columns(text: str, columns: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """``ondelete="SET NULL (pid)"`` (PostgreSQL 15+, passed through by SQLAlchemy) as the
    action and the columns it sets; () when it lists every column of the key (plain SET NULL).
    Unquoted names fold to lower case, as PostgreSQL folds them."""
    match = _SET_COLUMNS.match(text)
    if match is None:
        return text.upper(), ()
    listed = tuple(
        name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()
        for name in (part.strip() for part in match.group(2).split(","))
        if name
    )
    action = " ".join(match.group(1).upper().split())
    return action, (() if set(listed) >= set(columns) else listed)


def _partition_key(text: str) -> str:
    """``postgresql_partition_by="range (created_at)"`` as ``pg_get_partkeydef`` prints it:
    ``RANGE (created_at)``."""
    method, _, rest = text.strip().partition("(")
    return f"{method.strip().upper()} ({rest.strip()}" if rest else text.strip().upper()


_POLICY_ATTRIBUTES = ("command", "permissive", "roles", "using", "with_check")


def _policy(entry: Any) -> Policy:
    if isinstance(entry, str):
        return Policy(name=entry, declared=())
    roles = entry.get("roles", ("public",))
    return Policy(
        name=str(entry["name"]),
        command=str(entry.get("command", "ALL")),
        using=entry.get("using"),
        with_check=entry.get("with_check"),
        permissive=bool(entry.get("permissive", True)),
        roles=tuple(sorted(str(r) for r in ([roles] if isinstance(roles, str) else roles))),
        declared=tuple(a for a in _POLICY_ATTRIBUTES if a in entry),
    )
