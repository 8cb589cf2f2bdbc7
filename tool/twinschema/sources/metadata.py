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

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.compiler import DDLCompiler

from twinschema.dialects import ReflectOptions, adapter, excluded
from twinschema.model import (
    EQUALITY_EXACT,
    GENERATED_STORED,
    GENERATED_VIRTUAL,
    IDENTITY_SEQUENCE,
    CheckConstraint,
    Collation,
    Column,
    ColumnType,
    ForeignKey,
    Generated,
    Index,
    Schema,
    Table,
    UniqueConstraint,
    element_flags,
)
from twinschema.model_pool import ColumnPool
from twinschema.sources import metadata_identity as identity_parts
from twinschema.sources.metadata_domains import domain_definition
from twinschema.sources.metadata_exclusions import exclusions
from twinschema.sources.metadata_identity import identity_of, sequence_options
from twinschema.sources.metadata_import import import_metadata
from twinschema.sources.metadata_parts import (
    COLLATE_CLAUSE,
    DDL_DIALECTS,
    NULLS_ORDER,
    declared,
    deferral,
    domain_levels,
    element_opclass,
    foreign_key,
    index_element,
    name_of,
    names_of,
    opclass,
    partition_key,
    policy_of,
    sqlite_conflicts,
    sqlite_options,
)

# What callers import from here (importing the module is ``metadata_import``'s job).
__all__ = ["INFO_KEY", "from_metadata", "import_metadata"]

INFO_KEY = "twinschema"


def from_metadata(
    metadata: sa.MetaData,
    dialect: str,
    source: str = "",
    options: ReflectOptions | None = None,
) -> Schema:
    """The raw ``Schema`` that ``metadata`` describes when created on ``dialect``."""
    options = options or ReflectOptions()
    reader = _Reader(dialect)
    kept = [t for t in metadata.tables.values() if not excluded(t.name, options.exclude)]
    tables = {table.name: reader.table(table) for table in kept}
    if dialect == "postgresql":
        for (table, column), sharers in identity_parts.id_sharers(kept).items():
            tables[table] = identity_parts.shares_ids(tables[table], column, sharers)
    return Schema(
        dialect=dialect,
        tables=tables,
        source=source,
        objects=exclusions(kept, dialect),
        exclusions_read=True,
    )


class _Reader:
    """Renders one MetaData's objects as ``dialect``'s DDL compiler would, into model objects.

    It remembers what it already rendered: each distinct SQLAlchemy type is compiled once
    (compiling is the costly part), each string default quoted once, and equal columns are one
    shared object (``model_pool.ColumnPool``).
    """

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.sa_dialect = DDL_DIALECTS[dialect]
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
            # autoincrement flag says (False only leaves AUTOINCREMENT out): see identity_of.
            autoincrement = next(iter(table.primary_key.columns))
        column = self.column
        columns: list[Column] = []
        checks: list[CheckConstraint] = []
        for sa_column in table.columns:
            columns.append(column(sa_column, autoincrement))
            if sa_column.constraints:  # a CHECK written on the column
                checks.extend(self.checks(declared(sa_column.constraints)))
        # One pass over the table's constraints (foreign_key_constraints would build a set).
        foreign_keys: list[ForeignKey] = []
        uniques: list[UniqueConstraint] = []
        rule_indexes: list[Index] = []  # UNIQUE ... INCLUDE: a unique index
        table_checks: list[sa.CheckConstraint] = []
        for constraint in declared(table.constraints):
            if isinstance(constraint, sa.ForeignKeyConstraint):
                foreign_keys.append(foreign_key(constraint, self.dialect, table))
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
        pk_deferral = (
            deferral(table.primary_key, self.dialect)
            if table.primary_key.columns
            else (False, False)
        )
        return Table(
            name=table.name,
            columns=tuple(columns),
            primary_key=tuple(c.name for c in table.primary_key.columns),
            primary_key_deferrable=pk_deferral[0],
            primary_key_initially_deferred=pk_deferral[1],
            foreign_keys=tuple(foreign_keys),
            uniques=tuple(uniques),
            # Table.indexes is a set: in name order, as both adapters read a database's.
            indexes=tuple(
                sorted((*rule_indexes, *map(self.index, table.indexes)), key=_index_name)
            ),
            checks=tuple(checks),
            row_level_security=bool(info.get("row_level_security", False)),
            policies=tuple(policy_of(p) for p in info.get("policies", ())),
            options=sqlite_options(table) if self.dialect == "sqlite" else (),
            conflict_clauses=sqlite_conflicts(table) if self.dialect == "sqlite" else (),
            **self.postgresql_only(table, info),
        )

    def postgresql_only(self, table: sa.Table, info: dict[str, Any]) -> dict[str, Any]:
        """FORCE ROW LEVEL SECURITY (from ``info``), UNLOGGED and PARTITION BY, as the
        PostgreSQL DDL compiler writes them; nothing for a dialect without them."""
        if self.dialect != "postgresql":
            return {}
        # Table(prefixes=[...]) is kept only as a private attribute (see the contract test).
        prefixes = {str(p).upper() for p in getattr(table, "_prefixes", ())}
        partition_by = table.dialect_options["postgresql"].get("partition_by")
        return {
            "force_row_level_security": bool(info.get("force_row_level_security", False)),
            "unlogged": "UNLOGGED" in prefixes,
            "partitioned": partition_key(str(partition_by)) if partition_by else "",
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
            else identity_of(column, autoincrement, self.dialect, ctype)
        )
        if self.dialect == "postgresql" and default is not None and default.startswith("nextval("):
            # As the adapter reads a database: a sequence's nextval() is how the column is
            # generated (a serial, or a column sharing a sequence such as an INHERITS child's).
            default, identity = None, IDENTITY_SEQUENCE
        generator = sequence_options(column, identity, self.dialect, ctype)
        # A DOMAIN's collation is the domain's (in its definition), as the adapter reads it.
        is_domain = isinstance(sa_type, postgresql.DOMAIN)
        collation_name = None if is_domain else getattr(sa_type, "collation", None)
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
            generator,
        )

    def _compile_type(self, sa_type: sa.types.TypeEngine[Any]) -> ColumnType:
        if isinstance(sa_type, sa.Enum) and sa_type.native_enum and self.dialect == "postgresql":
            return ColumnType(
                "postgresql", "enum", values=tuple(sa_type.enums), raw=sa_type.name or ""
            )
        item = getattr(sa_type, "item_type", None)
        if isinstance(sa_type, sa.ARRAY) and isinstance(item, sa.Enum):
            # ``mood[]``: an array of the enum, read as the database reads it (its labels)
            return replace(self._compile_type(item), array=True)
        # A type's COLLATE clause is the column's collation (see ``column``), not its type.
        spelling = COLLATE_CLAUSE.sub("", sa_type.compile(dialect=self.sa_dialect))
        ctype = self.adapter.parse_type(spelling)
        if isinstance(sa_type, postgresql.DOMAIN) and self.dialect == "postgresql":
            definition = domain_definition(sa_type, self._compile_type, self.sql)
            ctype = replace(ctype, definition=definition)
            return domain_levels(ctype, sa_type, self.sql)
        return ctype

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
        pg = dialect == "postgresql"
        ops = (options.get("ops") or {}) if pg else {}
        classes = [element_opclass(e, ops) if pg else (e, "") for e in index.expressions]
        elements = [
            (_column_named(index, inner), *rest)
            for inner, *rest in (index_element(element) for element, _ in classes)
        ]
        expressions = tuple(
            inner.name if isinstance(inner, sa.Column) else self.sql(inner)
            for inner, _, _, _ in elements
        )
        where = options.get("where")
        method = options.get("using") if pg else None
        return Index(
            expressions=expressions,
            unique=bool(index.unique),
            where=self.sql(where) if where is not None else None,
            method=str(method or "btree").lower(),
            name=name_of(index.name),
            descending=element_flags((desc for _, desc, _, _ in elements), False),
            collations=element_flags(
                (self._override(inner, name) for inner, _, _, name in elements), None
            ),
            nulls=element_flags(
                (NULLS_ORDER.get((desc, first), "") for _, desc, first, _ in elements), ""
            )
            if pg
            else None,
            opclasses=element_flags((opclass(name) for _, name in classes), "") if pg else None,
            include=names_of(options.get("include") or ()) if pg else None,
            nulls_distinct=not options.get("nulls_not_distinct") if pg else True,
        )

    def unique(self, constraint: sa.UniqueConstraint) -> UniqueConstraint | Index:
        """A UNIQUE constraint; with PostgreSQL INCLUDE columns, the unique index it makes."""
        names = tuple(c.name for c in constraint.columns)
        deferrable, deferred = deferral(constraint, self.dialect)
        if self.dialect != "postgresql":
            return UniqueConstraint(
                names, name_of(constraint.name), deferrable=deferrable, initially_deferred=deferred
            )
        options = constraint.dialect_options["postgresql"]
        distinct = not options.get("nulls_not_distinct")
        include = names_of(options.get("include") or ())
        if include:
            return Index(
                names,
                unique=True,
                name=name_of(constraint.name),
                nulls=(),
                opclasses=(),
                include=include,
                nulls_distinct=distinct,
            )
        return UniqueConstraint(
            names,
            name_of(constraint.name),
            distinct,
            deferrable=deferrable,
            initially_deferred=deferred,
        )

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
            # The type's own rule for whether the DDL creates its CHECK (private; no public API
            # says it; see tests/test_metadata_source.py::test_sqlalchemy_private_parts_we_rely_on).
            rule = getattr(constraint, "_create_rule", None)
            if rule is not None and not rule(self.ddl):
                continue  # e.g. the CHECK of a native enum, which PostgreSQL does not create
            text = self.sql(constraint.sqltext)
            yield CheckConstraint(expression=text, name=name_of(constraint.name), raw=text)

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


def _column_named(index: sa.Index, inner: Any) -> Any:
    """A text element that is only a column's name (``sa.text("placed_at DESC")`` once its
    modifiers are read) as that column, which it is on the database; else ``inner``."""
    if type(inner) is not sa.TextClause or index.table is None:
        return inner
    name = inner.text.strip()
    if len(name) > 1 and name[0] == name[-1] == '"':
        name = name[1:-1].replace('""', '"')
    elif not name.isidentifier():
        return inner
    return index.table.c.get(name, inner)


def _index_name(index: Index) -> str:
    return index.name or ""
