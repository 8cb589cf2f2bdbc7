"""Rendering the two metadata modules (and the domain loader they import) from live databases.

Each module is written in the style of this repository's ``schemas/``: every table and column
name comes from ``domain.yaml`` through the loader (``N = names("sqlite")``, ``t = N.album``,
``sa.Column(t.album_id, ...)``), so a typo fails at import time; types are the database's own
(``sa.NVARCHAR(length=160)``, ``postgresql.TIMESTAMP(timezone=True)``), with server defaults,
identities (``identity_code``), keys, constraints and indexes as reflected: a starting point.

A column that ``domain.yaml`` does not declare (found on one side only) keeps its physical name
as a string, with a comment: it is reported until a person declares it (or drops it).
"""

from __future__ import annotations

import json
import keyword
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import render as alembic_render
from alembic.autogenerate.api import AutogenContext
from alembic.runtime.migration import MigrationContext
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.ddl import sort_tables_and_constraints

from twinschema.adopt.domain_type import render_domain
from twinschema.adopt.exclusion_code import exclusion_code
from twinschema.adopt.identity_code import identity_code, serial_sequence_code
from twinschema.adopt.index_code import deferral, index_elements, read_index, unique_options
from twinschema.declared_types import IMPORT, Declared, rendered
from twinschema.model import OBJECT_EXCLUSION, Column, Schema
from twinschema.records.dialects import as_read
from twinschema.records.domain import NameMap

_DEFAULT_INDEX_OPTIONS: Mapping[str, Any] = {
    "postgresql_using": "btree",
    "postgresql_include": [],
    "postgresql_ops": "ops",  # written with the elements (index_code)
    "postgresql_with": {},
    "postgresql_nulls_not_distinct": False,
    "postgresql_concurrently": False,
    "postgresql_tablespace": None,
}


def type_renderer(dialect: str) -> AutogenContext:
    """Alembic's autogenerate context, used for the one thing it renders best: a type as code
    (``sa.NUMERIC(precision=10, scale=2)``); its ``imports`` collect what that code needs."""
    context = MigrationContext.configure(dialect_name=dialect)
    return AutogenContext(
        context,
        opts={"sqlalchemy_module_prefix": "sa.", "alembic_module_prefix": "op.",
              "user_module_prefix": None},
    )  # fmt: skip


def render_type(type_: sa.types.TypeEngine[Any], context: AutogenContext) -> str:
    """A column type as code: Alembic's rendering, a domain ``create_all`` makes, or
    ``Declared("INT", sa.INTEGER())`` for a SQLite spelling SQLAlchemy would not keep."""
    if isinstance(type_, Declared):
        return rendered(type_, context)
    if isinstance(type_, postgresql.DOMAIN):  # one create_all makes (domain_type)
        return render_domain(type_, lambda base: render_type(base, context))
    return alembic_render._repr_type(type_, context)


def attribute(owner: str, name: str) -> str:
    """``owner.name`` where ``name`` is a Python identifier, else ``getattr(owner, "name")``."""
    if name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("__"):
        return f"{owner}.{name}"
    return f"getattr({owner}, {name!r})"


@dataclass(frozen=True)
class Naming:
    """Physical names to the code that spells them through the domain loader."""

    names: NameMap

    def table(self, physical: str) -> str | None:
        """``N.album`` for a table the domain declares, else None."""
        logical = self.names.tables.get(physical)
        return None if logical is None else attribute("N", logical)

    def column(self, table: str, physical: str, owner: str = "t") -> str:
        """``t.album_id`` for a declared column, else the physical name as a string."""
        logical = self.names.columns.get((table, physical))
        return repr(physical) if logical is None else attribute(owner, logical)

    def reference(self, table: str, column: str) -> str:
        """The ``table.column`` string of a foreign key's target, through the domain."""
        owner = self.table(table)
        if owner is None:
            return repr(f"{table}.{column}")
        return f"_ref({owner}, {self.column(table, column, owner)})"


def _sql(element: Any, dialect: sa.Dialect) -> str:
    """The database's own SQL text of a reflected expression. A ``TextClause`` is its text; any
    other element is compiled as the server reads it (``as_read``: psycopg's ``pyformat``
    would write ``a %% b`` where the database has ``a % b``)."""
    if isinstance(element, str):
        return element
    if isinstance(element, sa.TextClause):
        return element.text
    return str(element.compile(dialect=as_read(dialect), compile_kwargs={"literal_binds": True}))


def _text(element: Any, dialect: sa.Dialect) -> str:
    return f"sa.text({_sql(element, dialect)!r})"


class TableRenderer:
    """One ``sa.Table(...)`` block of a metadata module."""

    def __init__(self, naming: Naming, raw: Schema, context: AutogenContext) -> None:
        self.naming, self.raw, self.context = naming, raw, context
        assert context.dialect is not None
        self.dialect: sa.Dialect = context.dialect

    def render(self, table: sa.Table, variable: str) -> list[str]:
        """The lines that declare ``table`` as ``variable``."""
        owner = self.naming.table(table.name)
        assert owner is not None  # only declared tables are rendered
        items = [self.column(table, c) for c in table.columns]
        items += self.constraints(table)
        items += [self.index(table, i) for i in sorted(table.indexes, key=_index_key)]
        items += self.table_options(table)
        lines = [f"t = {owner}", f"{variable} = sa.Table(", "    t.__tablename__,", "    metadata,"]
        lines += [f"    {item}," for item in items]
        return [*lines, ")", ""]

    def column(self, table: sa.Table, column: sa.Column[Any]) -> str:
        """``sa.Column(t.name, TYPE, ...)``, with a comment when the domain lacks it."""
        name = self.naming.column(table.name, column.name)
        args = [name, render_type(column.type, self.context)]
        if column.primary_key and column.nullable:  # SQLite: a key column may hold NULL
            args.append("nullable=True")
        elif not column.nullable and not column.primary_key:
            args.append("nullable=False")
        default = column.server_default
        text = _sql(default.arg, self.dialect) if isinstance(default, sa.DefaultClause) else None
        serial = (
            text is not None
            and text.startswith("nextval(")
            and column.autoincrement is True
            and list(table.primary_key.columns) == [column]
            and isinstance(column.type, sa.Integer)
        )  # SQLAlchemy makes it SERIAL: a sequence of its own, as the database has
        read = self._read(table, column)
        shared = bool(read is not None and read.shares_ids_with)
        sequence = (
            serial_sequence_code(text, read.generator if read else None, column.type, shared)
            if serial and text is not None
            else None
        )
        if column.identity is not None:
            args.append(identity_code(column.identity, column.type))
        elif sequence is not None:  # a serial with options of its own: its sequence, named
            args += [sequence, f"server_default=sa.text({text!r})"]
        elif text is not None and not serial:
            args.append(f"server_default=sa.text({text!r})")
        if isinstance(column.computed, sa.Computed):
            persisted = column.computed.persisted
            args.append(
                f"sa.Computed({_sql(column.computed.sqltext, self.dialect)!r}"
                + (f", persisted={persisted!r})" if persisted is not None else ")")
            )
        if self._needs_autoincrement_false(table, column, serial):
            args.append("autoincrement=False")
        on_conflict = column.dialect_kwargs.get("sqlite_on_conflict_not_null")
        if on_conflict:  # SQLite's NOT NULL ON CONFLICT (``reflection.complete``)
            args.append(f"sqlite_on_conflict_not_null={on_conflict!r}")
        line = f"sa.Column({', '.join(args)})"
        if name.startswith(("'", '"')):
            note = "# not in domain.yaml (found on this side only): declare it, or drop it"
            line = f"{note}\n    {line}"
        return line

    def _read(self, table: sa.Table, column: sa.Column[Any]) -> Column | None:
        """``column`` as the adapter read it: the options of the sequence that generates it
        (``generator``), the other tables that draw from that sequence (``shares_ids_with``)."""
        found = self.raw.tables.get(table.name)
        return found.column(column.name) if found is not None else None

    def _needs_autoincrement_false(
        self, table: sa.Table, column: sa.Column[Any], serial: bool
    ) -> bool:
        """PostgreSQL: an integer key with neither identity nor sequence must not become SERIAL."""
        if self.dialect.name != "postgresql" or serial or column.identity is not None:
            return False
        keys = list(table.primary_key.columns)
        return keys == [column] and isinstance(column.type, sa.Integer)

    def constraints(self, table: sa.Table) -> list[str]:
        """Primary key, foreign keys, unique, CHECK and exclusion constraints, in a stable
        order."""
        col = self.naming.column
        items: list[str] = []
        pk = table.primary_key
        if pk.columns:
            items.append(
                self._constraint(
                    "PrimaryKeyConstraint",
                    [col(table.name, c.name) for c in pk.columns] + deferral(pk),
                    pk.name,
                )
            )
        for fk in sorted(table.foreign_key_constraints, key=_fk_key):
            targets = [e.target_fullname.rsplit(".", 2)[-2:] for e in fk.elements]
            keys = ("ondelete", "onupdate", "deferrable", "initially", "match")
            options = [f"{k}={getattr(fk, k)!r}" for k in keys if getattr(fk, k)]
            items.append(
                "sa.ForeignKeyConstraint(["
                + ", ".join(col(table.name, c) for c in fk.column_keys)
                + "], ["
                + ", ".join(self.naming.reference(t, c) for t, c in targets)
                + "]"
                + (f", name={fk.name!r}" if isinstance(fk.name, str) else "")
                + "".join(f", {o}" for o in options)
                + ")"
            )
        others = [c for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
        for uq in sorted(others, key=lambda c: [x.name for x in c.columns]):
            items.append(
                self._constraint(
                    "UniqueConstraint",
                    [col(table.name, c.name) for c in uq.columns] + unique_options(uq),
                    uq.name,
                )
            )
        checks = [c for c in table.constraints if isinstance(c, sa.CheckConstraint)]
        for ck in sorted(checks, key=lambda c: (str(c.name or ""), _sql(c.sqltext, self.dialect))):
            items.append(
                self._constraint("CheckConstraint", [repr(_sql(ck.sqltext, self.dialect))], ck.name)
            )
        for obj in self.raw.objects:  # as the catalog prints them (SQLAlchemy reflects none)
            if obj.kind == OBJECT_EXCLUSION and obj.table == table.name:
                code = exclusion_code(obj.raw or obj.definition, obj.name)
                items += [code] if code is not None else []
        return items

    @staticmethod
    def _constraint(kind: str, args: list[str], name: Any) -> str:
        named = f", name={name!r}" if isinstance(name, str) else ""
        return f"sa.{kind}({', '.join(args)}{named})"

    def index(self, table: sa.Table, index: sa.Index) -> str:
        """``sa.Index(name, t.col, sa.column(t.at).desc(), sa.text("lower(x)"), unique=True,
        sqlite_where=...)``: each element with the modifiers the database has."""
        read = read_index(self.raw.tables.get(table.name), index.name)
        elements, ops = index_elements(
            index,
            read,
            lambda name: self.naming.column(table.name, name),
            lambda element: _sql(element, self.dialect),
        )
        args = [repr(index.name), *elements, *ops]
        if index.unique:
            args.append("unique=True")
        for key, value in sorted(index.dialect_kwargs.items()):
            if _DEFAULT_INDEX_OPTIONS.get(key, object()) in (value, "ops") or value is None:
                continue
            if key.endswith("_where"):
                args.append(f"{key}={_text(value, self.dialect)}")
            elif isinstance(value, str | bool | int | list | dict | tuple):
                args.append(f"{key}={value!r}")
        return f"sa.Index({', '.join(args)})"

    def table_options(self, table: sa.Table) -> list[str]:
        """SQLite's AUTOINCREMENT, WITHOUT ROWID and STRICT (see ``reflection.complete``)."""
        if self.dialect.name != "sqlite":
            return []
        options = table.dialect_options["sqlite"]
        found = []
        if options.get("autoincrement"):
            found.append("sqlite_autoincrement=True")
        if options.get("with_rowid") is False:
            found.append("sqlite_with_rowid=False")
        if options.get("strict"):  # as the baseline keeps it (stranger60 024)
            found.append("sqlite_strict=True")
        return found


def _fk_key(fk: sa.ForeignKeyConstraint) -> tuple[list[str], list[str]]:
    return (list(fk.column_keys), [e.target_fullname for e in fk.elements])


def _index_key(index: sa.Index) -> str:
    return str(index.name or "")


_RESERVED = frozenset({"sa", "metadata", "N", "t", "postgresql", "sqlite", "names", "annotations"})


def _variables(logical: list[str]) -> dict[str, str]:
    """A Python name for each table's variable: its logical name where that is one."""
    taken: set[str] = set()
    found = {}
    for name in logical:
        base = name if name.isidentifier() and not keyword.iskeyword(name) else "table"
        candidate, n = base, 2
        while candidate in taken or candidate in _RESERVED or candidate.startswith("_"):
            candidate, n = f"{base}_{n}", n + 1
        taken.add(candidate)
        found[name] = candidate
    return found


def _in_key_order(metadata: sa.MetaData) -> list[sa.Table]:
    """The tables in the order their foreign keys need, as ``MetaData.sorted_tables`` gives
    them, without its multi-line SAWarning for a cycle (staff and store in Sakila): the module
    names every reference by string, so a cycle's order does not matter, and nothing is asked
    of the user (the baseline revision adds a cycle's keys after both tables)."""
    steps = sort_tables_and_constraints(  # type: ignore[no-untyped-call]
        sorted(metadata.tables.values(), key=lambda t: t.key)
    )
    return [table for table, _ in steps if table is not None]


def render_module(
    dialect: str,
    reflected: sa.MetaData,
    names: NameMap,
    raw: Schema,
    loader: str,
    source: str,
) -> str:
    """The text of ``dialect``'s metadata module: one ``sa.Table`` per declared table, in the
    order their foreign keys need, each name through the domain loader module ``loader``."""
    context = type_renderer(dialect)
    renderer = TableRenderer(Naming(names), raw, context)
    tables = [t for t in _in_key_order(reflected) if t.name in names.tables]
    variables = _variables([names.tables[t.name] for t in tables])
    body: list[str] = []
    for table in tables:
        body += renderer.render(table, variables[names.tables[table.name]])
    label = "SQLite" if dialect == "sqlite" else "PostgreSQL"
    imports = ["import sqlalchemy as sa"]
    if any("postgresql." in line for line in body):
        imports.append("from sqlalchemy.dialects import postgresql")
    if any("sqlite." in line for line in body):
        imports.append("from sqlalchemy.dialects import sqlite")
    if any("Declared(" in line for line in body):
        imports += ["", IMPORT]
    header = [
        f'"""The {label} schema, every name from domain.yaml.',
        "",
        "Written by `twinschema init` from the database as it was then:",
        "",
        f"    {source}",
        "",
        "From now on it is yours to edit; `twinschema revision -m ...` then writes the migrations",
        "of both chains.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        *imports,
        "",
        f"from {loader} import TableNames, names",
        "",
        f"N = names({json.dumps(dialect)})",
        "",
        "metadata = sa.MetaData()",
        "",
        "",
        "def _ref(table: TableNames, column: str) -> str:",
        '    """``table.column``: the target of a foreign key, both names from the domain."""',
        '    return f"{table.__tablename__}.{column}"',
        "",
        "",
    ]
    return "\n".join(header + body).rstrip("\n") + "\n"
