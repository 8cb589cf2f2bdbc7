"""SQLAlchemy constructs (index elements, identities, foreign keys, policies, SQLite table
options) turned into the parts of the model's tables."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, UnaryExpression
from sqlalchemy.sql.type_api import to_instance

from twinschema.dialects.postgresql_types import drop_domain_check
from twinschema.model import (
    MATCH_SIMPLE,
    NO_ACTION,
    OPTION_STRICT,
    OPTION_WITHOUT_ROWID,
    ColumnType,
    ConflictClause,
    DomainCheck,
    ForeignKey,
    Policy,
)
from twinschema.records import DIALECTS, sqlalchemy_dialect
from twinschema.records.dialects import LAST_DECLARED_KEY_FIRST

COLLATE_CLAUSE = re.compile(r"\s+COLLATE\s+.*$", re.IGNORECASE | re.DOTALL)


# (descending, NULLS FIRST) -> the NULLS placement an Index keeps: only one that is not the
# default for its direction (PostgreSQL: NULLS LAST ascending, NULLS FIRST descending).
NULLS_ORDER = {(False, True): "NULLS FIRST", (True, False): "NULLS LAST"}


def index_element(element: Any) -> tuple[Any, bool, bool, str | None]:
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
        elif type(element) is sa.TextClause:
            found = _TEXT_MODIFIERS.fullmatch(element.text)
            if found is None:
                break
            if found["order"]:
                descending = found["order"].upper() == "DESC"
            if found["nulls"]:
                first = found["nulls"].upper() == "FIRST"
            if found["collation"]:
                collation = _unquoted(found["collation"])
            element = sa.text(found["body"])
            if not (found["order"] or found["nulls"] or found["collation"]):
                break
        else:
            break
    if first is None:
        first = descending  # PostgreSQL's default placement
    return element, descending, first, collation


# A text element's trailing modifiers, as SQL writes them after an index element (stranger60
# 029: ``sa.text("placed_at DESC")`` makes ``placed_at DESC`` on both databases): ``expr
# [COLLATE name] [ASC|DESC] [NULLS FIRST|LAST]``. What is left is the element itself.
_TEXT_MODIFIERS = re.compile(
    r"(?P<body>.*?\S)(?:\s+COLLATE\s+(?P<collation>\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*))?"
    r"(?:\s+(?P<order>ASC|DESC))?(?:\s+NULLS\s+(?P<nulls>FIRST|LAST))?\s*",
    re.IGNORECASE | re.DOTALL,
)


def _unquoted(name: str) -> str:
    """A collation name as written, without its double quotes (``"C"`` is ``C``)."""
    if len(name) > 1 and name[0] == name[-1] == '"':
        return name[1:-1].replace('""', '"')
    return name


_ORDER_MODIFIERS = (
    operators.desc_op,
    operators.asc_op,
    operators.nulls_first_op,
    operators.nulls_last_op,
)


# A PostgreSQL text element's operator class, between its COLLATE and its ASC/DESC: ``expr
# [COLLATE name] opclass [ASC|DESC] [NULLS FIRST|LAST]``, where PostgreSQL's grammar lets the
# element name one: after a column's name or a parenthesized expression or function call.
_TEXT_OPCLASS = re.compile(
    r'(?P<head>(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*|.*\))'
    r'(?:\s+COLLATE\s+(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))?)'
    r"\s+(?!(?:ASC|DESC|NULLS|COLLATE)\b)(?P<opclass>[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)"
    r"(?P<tail>(?:\s+(?:ASC|DESC))?(?:\s+NULLS\s+(?:FIRST|LAST))?)\s*",
    re.IGNORECASE | re.DOTALL,
)


def element_opclass(element: Any, ops: dict[str, str]) -> tuple[Any, str]:
    """A PostgreSQL index element without its operator class, and that class ("" for none) as
    ``create_all`` writes it: ``postgresql_ops`` counts for an element whose ``key`` it names
    (a column: SQLAlchemy's DDL compiler skips ``sa.text``, ``.desc()`` and other elements),
    a text element names its own (``sa.text("nick text_pattern_ops DESC")``)."""
    key = getattr(element, "key", None)
    if isinstance(key, str) and key in ops:
        return element, str(ops[key])
    if type(element) is sa.TextClause:
        found = _TEXT_OPCLASS.fullmatch(element.text)
        if found is not None:
            return sa.text(found["head"] + found["tail"]), found["opclass"]
    return element, ""


def opclass(name: str) -> str:
    """A PostgreSQL operator class a model names, "" when it is a built-in default one."""
    if not name:
        return ""
    from twinschema.dialects.postgresql import operator_class  # psycopg: only when needed

    return operator_class(name)


def names_of(columns: Iterable[Any]) -> tuple[str, ...]:
    """Column names from a list of names or ``Column`` objects (``postgresql_include``)."""
    return tuple(c if isinstance(c, str) else str(c.name) for c in columns)


def name_of(name: Any) -> str | None:
    """A constraint's name; None for none, and for the ``_NoneName`` SQLAlchemy gives an unnamed
    constraint under a naming convention (private: pinned in pyproject, and pinned down by
    tests/test_metadata_source.py::test_sqlalchemy_private_parts_we_rely_on)."""
    return None if name is None or type(name).__name__ == "_NoneName" else str(name)


def sqlite_conflicts(table: sa.Table) -> tuple[ConflictClause, ...]:
    """The ON CONFLICT clauses SQLite's DDL compiler writes for ``table`` (``sqlite_on_conflict``
    and its kin on columns and constraints), read from that DDL as the adapter reads a live
    table's SQL; () at no cost for the tables that declare none."""
    for holder in (*table.columns, *table.constraints):
        # dialect_options holds SQLite's entry only once one of its options was given or read
        # (``get`` adds none): most holders stop at that lookup.
        options = holder.dialect_options.get("sqlite")
        if options is not None and any(options.get(key) for key in _ON_CONFLICT_OPTIONS):
            break
    else:
        return ()
    from sqlalchemy.schema import CreateTable

    from twinschema.dialects.sqlite import conflict_clauses

    sql = str(CreateTable(table).compile(dialect=DDL_DIALECTS["sqlite"]))
    return conflict_clauses(sql, sql.lower())


# The ON CONFLICT options of SQLite's columns and constraints (``sqlite_on_conflict...``).
_ON_CONFLICT_OPTIONS = (
    "on_conflict",
    "on_conflict_not_null",
    "on_conflict_primary_key",
    "on_conflict_unique",
)


def sqlite_options(table: sa.Table) -> tuple[str, ...]:
    """The SQLite table options the DDL compiler writes (``sqlite_strict``, ``sqlite_with_rowid``)."""
    options = table.dialect_options["sqlite"]
    found = [OPTION_STRICT] if options.get("strict") else []
    if not options.get("with_rowid", True):
        found.append(OPTION_WITHOUT_ROWID)
    return tuple(sorted(found))


def deferral(constraint: sa.Constraint, dialect: str) -> tuple[bool, bool]:
    """A UNIQUE constraint's or primary key's ``deferrable=`` and ``initially=`` as the model
    keeps them: (DEFERRABLE, INITIALLY DEFERRED). INITIALLY DEFERRED implies DEFERRABLE, as
    PostgreSQL reads it. SQLite checks every such rule row by row and cannot declare either
    (its DDL is refused, which the migrations layer's scratch run reports): a SQLite module's
    rule is read as SQLite has it, so that it is no "in sync" with a PostgreSQL module's
    deferred rule (stranger39)."""
    deferred = (constraint.initially or "").upper() == "DEFERRED"
    if dialect == "sqlite":
        return False, False
    return bool(constraint.deferrable) or deferred, deferred


def foreign_key(
    fk: sa.ForeignKeyConstraint, dialect: str, table: sa.Table | None = None
) -> ForeignKey:
    """A SQLAlchemy foreign key as the model keeps it: columns, referred table and columns,
    actions, deferral and MATCH, and (given its ``table``) its place in the order the database
    ``create_all`` builds runs the table's keys in (``fires_in``)."""
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
        name=name_of(fk.name),
        on_delete_columns=set_columns,
        deferrable=deferrable,
        initially_deferred=deferred,
        match=match,
        match_declared=declared,
        fires=fires_in(fk, dialect, table) if table is not None else None,
    )


def declared(constraints: Iterable[sa.Constraint]) -> list[sa.Constraint]:
    """``constraints`` (a set, on a ``Table`` or ``Column``) in the order they were declared,
    as CREATE TABLE writes them: a set's order follows object addresses, which change from run
    to run, and so did the order of a table's differences in a report (stranger66 011).
    SQLAlchemy has no public API for that order; its DDL compiler sorts by the private
    ``_creation_order`` (``Table._sorted_constraints``), and so does this:
    tests/test_sqlalchemy_contract.py fails if a release drops or changes it."""
    return sorted(constraints, key=lambda c: c._creation_order)


def fires_in(fk: sa.ForeignKeyConstraint, dialect: str, table: sa.Table) -> tuple[int, int] | None:
    """``fk``'s place among ``table``'s keys in the order a database that ``create_all`` built
    runs their actions in: CREATE TABLE declares them in their creation order (SQLAlchemy's
    ``declared``), and SQLite runs the last-declared first (``LAST_DECLARED_KEY_FIRST``). None
    where one is added by ALTER TABLE (``use_alter``)."""
    keys = [c for c in declared(table.constraints) if isinstance(c, sa.ForeignKeyConstraint)]
    if any(k.use_alter for k in keys):
        return None
    place = keys.index(fk)
    if LAST_DECLARED_KEY_FIRST.get(dialect, False):
        place = len(keys) - 1 - place
    return place, place


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


def partition_key(text: str) -> str:
    """``postgresql_partition_by="range (created_at)"`` as ``pg_get_partkeydef`` prints it:
    ``RANGE (created_at)``."""
    method, _, rest = text.strip().partition("(")
    return f"{method.strip().upper()} ({rest.strip()}" if rest else text.strip().upper()


_POLICY_ATTRIBUTES = ("command", "permissive", "roles", "using", "with_check")


def policy_of(entry: Any) -> Policy:
    """A row-level security policy declared in a table's ``info`` (a name, or a mapping with
    its command, roles and expressions)."""
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


# The DDL is rendered as the server receives it. PostgreSQL's default paramstyle (pyformat)
# makes SQLAlchemy double every "%" for the driver, which undoes it before sending: a CHECK
# ``name LIKE 'a%'`` would otherwise read ``'a%%'`` here and differ from the live database.
DDL_DIALECTS: dict[str, Dialect] = {name: sqlalchemy_dialect(name) for name in DIALECTS}


def domain_levels(ctype: ColumnType, domain: Any, sql: Callable[[Any], str]) -> ColumnType:
    """A DOMAIN column's type with what its levels say (``domain``, then each DOMAIN it is made
    over), as the PostgreSQL reader reads them from the catalog: the nearest level holding its
    NOT NULL, and each level's CHECK (``sql`` writes it as the DDL compiler does) with its
    domain and name, for messages."""
    levels = [domain]
    while isinstance(to_instance(levels[-1].data_type), postgresql.DOMAIN) and len(levels) < 64:
        levels.append(to_instance(levels[-1].data_type))
    not_null = next((d.name for d in levels if d.not_null), None)
    checks = tuple(
        DomainCheck(
            f"CHECK ({sql(d.check)})",
            d.name,
            name_of(d.constraint_name),
            drop_domain_check(d.name, name_of(d.constraint_name)),
        )
        for d in levels
        if d.check is not None
    )
    return replace(ctype, not_null_by=not_null, domain_checks=checks)
