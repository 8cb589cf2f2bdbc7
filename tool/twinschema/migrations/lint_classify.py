"""The recorded operations of a revision classified into the changes that can lose data: dropped
tables and columns, narrowed types, NOT NULL columns added without a default, and the same in
raw SQL."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlglot
from alembic.operations import ops as alembic_ops
from sqlglot import exp

from twinschema.migrations.lint_narrowing import narrowing, unenforced_on_sqlite
from twinschema.model import ConflictClause
from twinschema.records import SQLGLOT_DIALECTS, sqlalchemy_dialect

_SQLGLOT_DIALECT = SQLGLOT_DIALECTS


CHANGE_KEY = re.compile(
    r"^(?:(?:drop_table|drop_on_conflict):[^.\s:]+"
    r"|(?:drop_column|narrow_type|add_not_null|drop_trigger):[^.\s:]+\.[^.\s:]+|unlinted)$"
)


# ``rows(table)`` -> True when the table has rows, False when it has none or does not exist,
# None when nobody can tell (``twinschema lint`` without a database).
RowsProbe = Callable[[str], "bool | None"]


@dataclass(frozen=True)
class Change:
    """One operation of a revision that can lose data (or fail on data), and its marker key."""

    key: str
    table: str | None
    column: str | None
    before: str
    after: str
    message: str
    # Nothing can be lost on this dialect (a size SQLite never enforces): not refused, yet a
    # marker written for it is not stale.
    lossless: bool = False
    # The revision's own Python fails (a NameError, an ImportError): no marker lets it through,
    # it must be fixed (stranger60 001: a baseline that used ``sqlite.JSON()`` unimported).
    broken: bool = False
    # When the revision's marker may let it through, as the refusal says it: a change that
    # loses no row (an ON CONFLICT clause dropped) says what it changes instead.
    waiver: str = "if the data may go"
    # What to do instead, as ``lint``'s hint says it.
    keep: str = (
        "otherwise keep the data (copy it first, widen instead of narrowing, give the column a "
        "server default)"
    )
    # The statement that keeps what the change loses (a trigger a batch copy drops: its
    # ``op.execute`` after the block), for hints that name it.
    fix: str | None = None


def changes_of(
    operations: Iterable[tuple[Any, int]], dialect: str, rows: RowsProbe
) -> list[tuple[Change, int]]:
    """The operations that can lose data, in order, with their lines; ``rows`` says whether a
    table has rows."""
    changes: list[tuple[Change, int]] = []
    created: set[str] = set()
    for operation, line in operations:
        found: list[Change] = []
        if isinstance(operation, alembic_ops.CreateTableOp):
            created.add(operation.table_name)
        elif isinstance(operation, alembic_ops.DropTableOp):
            found.append(_drop_table(operation.table_name))
            created.discard(operation.table_name)
        elif isinstance(operation, alembic_ops.DropColumnOp):
            found.append(_drop_column(operation.table_name, operation.column_name))
        elif isinstance(operation, alembic_ops.AlterColumnOp):
            change = _alter_type(operation, dialect)
            if change is not None:
                found.append(change)
        elif isinstance(operation, alembic_ops.AddColumnOp):
            table = operation.table_name
            if _needs_a_value(operation.column) and table not in created:
                has_rows = rows(table)
                if has_rows is not False:
                    found.append(_add_not_null(table, operation.column, dialect, has_rows))
        elif isinstance(operation, alembic_ops.ExecuteSQLOp):
            found.extend(_raw_sql(operation.sqltext, dialect))
        changes.extend((change, line) for change in found)
    return changes


def _drop_table(table: str) -> Change:
    return Change(
        f"drop_table:{table}",
        table,
        None,
        f"table {table}",
        "dropped",
        f"drops table {table} and every row in it",
    )


def drop_on_conflict(
    table: str, clauses: Sequence[ConflictClause], types: Mapping[str, str]
) -> Change:
    """A SQLite batch block copying ``table``, whose ON CONFLICT ``clauses`` the copy leaves out
    (it is made from reflection, which has none): rows that were replaced or ignored are then
    refused (stranger69 finding 011). No row is lost: what later inserts do changes, and the
    message says so (stranger70 012). Its fix gives each clause again in ``reflect_args``
    (``types``: each column's type as SQLAlchemy writes it), where SQLAlchemy can hold it: a
    UNIQUE's also in ``table_args`` (README's fix), a key's and a column's NOT NULL's only in
    ``reflect_args`` (checked on SQLite 3.40: a key in ``table_args`` is not used, nor can a
    NOT NULL be a constraint there); another by a CREATE TABLE statement."""
    said = ", ".join(_clause(c) for c in clauses)
    again = [reflect_entry(c, types) for c in clauses]
    given = [a for a in again if a is not None]
    fix = f"give the block it again in reflect_args=[{', '.join(given)}]"
    if any(c.constraint == "UNIQUE" for c in clauses):
        fix += " (a UNIQUE may be given in table_args=(..., sa.UniqueConstraint(...)) instead)"
    if any(c.constraint in ("NOT NULL", "PRIMARY KEY") for c in clauses):
        fix += (
            " (a column's NOT NULL ON CONFLICT, and a key's, cannot be given in table_args: "
            "a NOT NULL is no constraint there, and the copy keeps the reflected key)"
        )
    if len(given) < len(clauses):
        fix = "recreate the table by a CREATE TABLE statement that has it, copying its rows"
    return Change(
        f"drop_on_conflict:{table}",
        table,
        None,
        said,
        "dropped",
        f"copies table {table} in a batch block, which makes it again without {said} (the copy "
        "is made from reflection, which has no ON CONFLICT): no row is lost, but a later insert "
        "that conflicts there is then refused instead of resolved; "
        f"{fix}",
        waiver="if later inserts that conflict may fail from now on (no row is lost: dropping "
        "an ON CONFLICT clause changes only what later inserts do)",
        keep="otherwise give the copy each clause again, as the message says",
    )


def reflect_entry(clause: ConflictClause, types: Mapping[str, str]) -> str | None:
    """The ``reflect_args`` entry that gives ``clause`` to a SQLite batch copy again (a NOT
    NULL's column with its type, ``types``: lower-case column name -> ``sa.TEXT()``), as the
    lint offers it and ``revision`` writes it; None for a clause SQLAlchemy cannot hold."""
    option = f"sqlite_on_conflict={clause.algorithm!r}"
    names = "".join(f"{n!r}, " for n in clause.columns)
    if clause.constraint == "UNIQUE":
        return f"sa.UniqueConstraint({names}{option})"
    if clause.constraint == "PRIMARY KEY":
        return f"sa.PrimaryKeyConstraint({names}{option})"
    if clause.constraint == "NOT NULL" and len(clause.columns) == 1:
        column = clause.columns[0]
        kind = types.get(column.lower(), "<its type>")
        return (
            f"sa.Column({column!r}, {kind}, nullable=False, "
            f"sqlite_on_conflict_not_null={clause.algorithm!r})"
        )
    return None


def drop_trigger(table: str, trigger: str, sql: str) -> Change:
    """A SQLite batch block copying ``table`` and making its trigger ``trigger`` (statement
    ``sql``) nowhere after: the copy drops the old table, and SQLite drops its triggers with it
    (stranger71 007: the rule the trigger enforces is gone, with no error)."""
    fix = f"op.execute({' '.join(sql.split())!r})"
    return Change(
        f"drop_trigger:{table}.{trigger}",
        table,
        None,
        f"trigger {trigger}",
        "dropped",
        f"copies table {table} in a batch block, which drops its trigger {trigger} (the copy "
        f"replaces the table, and SQLite drops a table's triggers with it; Alembic copies none) "
        f"and does not make it again: the rule it enforces is gone; add after the block {fix}",
        waiver="if the rule it enforces may go (no row is lost: later rows are no longer checked)",
        keep=f"otherwise make it again after the block: {fix}",
        fix=fix,
    )


def _clause(clause: ConflictClause) -> str:
    return f"{clause.constraint} ({', '.join(clause.columns)}) ON CONFLICT {clause.algorithm}"


def _drop_column(table: str, column: str) -> Change:
    return Change(
        f"drop_column:{table}.{column}",
        table,
        column,
        f"column {table}.{column}",
        "dropped",
        f"drops column {table}.{column} and every value in it",
    )


def _needs_a_value(column: sa.Column[Any]) -> bool:
    """NOT NULL, and nothing fills existing rows: no server default, identity or computed value."""
    return (
        not column.nullable
        and column.server_default is None
        and column.identity is None
        and column.computed is None
    )


def _add_not_null(
    table: str, column: sa.Column[Any], dialect: str, has_rows: bool | None
) -> Change:
    where = "has rows" if has_rows else "may have rows"
    return Change(
        f"add_not_null:{table}.{column.name}",
        table,
        column.name,
        "no column",
        f"{column.name} {_spell(column.type, dialect)} NOT NULL",
        f"adds NOT NULL column {table}.{column.name} without a server default, and {table} "
        f"{where}: every existing row would need a value",
    )


def _raw_sql(sqltext: Any, dialect: str) -> list[Change]:
    """DROP TABLE and ALTER TABLE ... DROP COLUMN written by hand in ``op.execute``."""
    text = sqltext if isinstance(sqltext, str) else getattr(sqltext, "text", None)
    if not isinstance(text, str):
        return []
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # "falling back to parsing as a Command" is no news here
    try:
        statements = sqlglot.parse(text, read=_SQLGLOT_DIALECT[dialect])
    except sqlglot.errors.SqlglotError:
        return []
    finally:
        logger.setLevel(level)
    changes: list[Change] = []
    for statement in statements:
        if isinstance(statement, exp.Drop) and str(statement.args.get("kind")).upper() == "TABLE":
            changes.extend(_drop_table(t.name) for t in statement.args.get("tables") or [])
        elif isinstance(statement, exp.Alter) and isinstance(statement.this, exp.Table):
            table = statement.this.name
            for action in statement.args.get("actions") or []:
                if (
                    isinstance(action, exp.Drop)
                    and str(action.args.get("kind")).upper() == "COLUMN"
                ):
                    changes.extend(_drop_column(table, c.name) for c in action.args["tables"])
    return changes


def _alter_type(operation: alembic_ops.AlterColumnOp, dialect: str) -> Change | None:
    if operation.modify_type is None:
        return None
    table, column = operation.table_name, operation.column_name
    after = sa.types.to_instance(operation.modify_type)
    key = f"narrow_type:{table}.{column}"
    if operation.existing_type is None:
        return Change(
            key,
            table,
            column,
            "unknown type",
            _spell(after, dialect),
            f"changes the type of {table}.{column} to {_spell(after, dialect)} without "
            "existing_type=, so the lint cannot tell whether it narrows (give existing_type=)",
        )
    before = sa.types.to_instance(operation.existing_type)
    why = narrowing(before, after)
    if why is None:
        return None
    old, new = _spell(before, dialect), _spell(after, dialect)
    return Change(
        key,
        table,
        column,
        old,
        new,
        f"narrows {table}.{column} from {old} to {new}: {why}",
        lossless=dialect == "sqlite" and unenforced_on_sqlite(before, after),
    )


def _spell(type_: sa.types.TypeEngine[Any], dialect: str) -> str:
    """A type as its dialect writes it (``VARCHAR(20)``), or its repr when it cannot compile."""
    try:
        return str(type_.compile(dialect=_dialect(dialect)))
    except Exception:  # a type that does not compile for this dialect: still name it
        return repr(type_)


def _dialect(name: str) -> sa.engine.Dialect:
    return sqlalchemy_dialect(name)
