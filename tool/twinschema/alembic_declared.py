"""SQLite tables as a chain's migrations reflect them: a batch migration's copy of a table keeps
the types its database declares, its columns' collations, its UNIQUE constraints and its
foreign keys' actions, never adds a column the table already has, and expression indexes,
which SQLAlchemy cannot reflect, are left to ``alembic_indexes`` without a warning."""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

import sqlalchemy as sa
from alembic.operations.batch import ApplyBatchImpl

from twinschema.alembic_indexes import SKIPPED_WARNINGS
from twinschema.migrations.migrate_errors import AlreadyThere


def _declared_reflected(inspector: Any, table: sa.Table, column_info: Any) -> None:
    """A SQLite column reflected for a batch migration's copy of its table keeps the type its
    database declares (``tinyint(1)``, ``INT``), which SQLAlchemy reads back as another
    (INTEGER): the copy would declare that instead, and a downgrade would not undo its upgrade."""
    from twinschema.declared_types import Declared, spelled

    bind = inspector.bind
    if not isinstance(bind, sa.Connection) or bind.dialect.name != "sqlite":
        return
    if table not in _REFLECTING:
        _REFLECTING[table] = _Reflecting(bind, *_unread(inspector, bind, table))
    collation = _REFLECTING[table].collations.get(column_info["name"].lower())
    if collation is not None and isinstance(column_info["type"], sa.String):
        column_info["type"].collation = collation
    row = bind.exec_driver_sql(
        "SELECT type FROM pragma_table_info(?, ?) WHERE name = ?",
        (table.name, table.schema or "main", column_info["name"]),
    ).first()
    if row is None or not row[0]:
        return
    reflected = column_info["type"]
    try:
        compiled = str(reflected.compile(dialect=bind.dialect))
    except sa.exc.CompileError:
        return
    if spelled(str(row[0])) != spelled(compiled):
        column_info["type"] = Declared(str(row[0]), reflected)


@dataclass
class _Reflecting:
    """A SQLite table being reflected: its connection (its foreign keys, reflected after its
    columns, read it again), its columns' COLLATE clauses, and the UNIQUE constraints
    SQLAlchemy does not read, each added once its columns are (``_uniques_reflected``)."""

    bind: sa.Connection
    collations: dict[str, str]
    uniques: list[tuple[str, ...]]


_REFLECTING: weakref.WeakKeyDictionary[sa.Table, _Reflecting] = weakref.WeakKeyDictionary()


def _unread(
    inspector: Any, bind: sa.Connection, table: sa.Table
) -> tuple[dict[str, str], list[tuple[str, ...]]]:
    """What SQLAlchemy's SQLite reflection leaves out of ``table``, which a batch copy would
    drop (stranger35: 'Alice' twice was stored after a revision that only changed a default):
    each column's COLLATE (it reads none), and each UNIQUE constraint it does not find in the
    CREATE TABLE text (a column's own ``UNIQUE``), as SQLite keeps them: indexes of origin u."""
    from twinschema.dialects.sqlite_clauses import column_clauses
    from twinschema.dialects.sqlite_lexer import unquote

    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table.name,)
    ).scalar()
    clauses = column_clauses(str(sql or ""))
    # As a name, not as written: SQLAlchemy quotes it again (COLLATE "NOCASE", which a baseline
    # writes, read back as '"NOCASE"' made the copy's DDL fail; stranger38).
    collations = {name: unquote(found) for name, (found, _) in clauses.items() if found is not None}
    read = {tuple(u["column_names"]) for u in inspector.get_unique_constraints(table.name)}
    uniques = []
    for row in bind.exec_driver_sql("SELECT name, origin FROM pragma_index_list(?)", (table.name,)):
        if row[1] != "u":
            continue
        columns = tuple(
            str(c[0])
            for c in bind.exec_driver_sql(
                "SELECT name FROM pragma_index_info(?) ORDER BY seqno", (row[0],)
            )
        )
        if columns not in read and all(columns):
            uniques.append(columns)
    return collations, sorted(uniques)


def _uniques_reflected(column: Any, table: Any) -> None:
    """Once a reflected SQLite table has every column of a UNIQUE constraint SQLAlchemy left
    out (``_unread``), the constraint is added, so a batch copy keeps it."""
    found = _REFLECTING.get(table) if isinstance(table, sa.Table) else None
    if found is None:
        return
    names = {c.name for c in table.columns}
    for columns in [u for u in found.uniques if set(u) <= names]:
        found.uniques.remove(columns)
        table.append_constraint(sa.UniqueConstraint(*columns))


def _actions_reflected(constraint: Any, table: Any) -> None:
    """A SQLite foreign key reflected for a batch copy keeps its ON DELETE and ON UPDATE actions.
    SQLAlchemy reads them from a table-level ``FOREIGN KEY`` clause only, so a key written
    inline (``user_id REFERENCES users ON DELETE CASCADE``) came back without them, and the copy
    dropped them (stranger35: `migrate local` took CASCADE off 7 keys of Roundcube, and deleting
    a user failed on every device). ``PRAGMA foreign_key_list`` has them."""
    found = _REFLECTING.get(table) if isinstance(table, sa.Table) else None
    if found is None or not isinstance(constraint, sa.ForeignKeyConstraint):
        return
    bind = found.bind
    rows = bind.exec_driver_sql(
        'SELECT id, "from", "table", on_update, on_delete FROM pragma_foreign_key_list(?, ?) '
        "ORDER BY id, seq",
        (table.name, table.schema or "main"),
    ).all()
    keys: dict[int, tuple[list[str], str, str, str]] = {}
    for key, column, parent, on_update, on_delete in rows:
        keys.setdefault(key, ([], parent, on_update, on_delete))[0].append(column.lower())
    columns = [c.lower() for c in constraint.column_keys]
    parent = constraint.elements[0].target_fullname.rsplit(".", 1)[0].rsplit(".", 1)[-1]
    for own, found_parent, on_update, on_delete in keys.values():
        if own == columns and found_parent.lower() == parent.lower():
            items: list[Any] = [constraint, *constraint.elements]
            for item in items:
                if item.ondelete is None and on_delete.upper() != "NO ACTION":
                    item.ondelete = on_delete
                if item.onupdate is None and on_update.upper() != "NO ACTION":
                    item.onupdate = on_update
            return


@contextmanager
def declared_types_kept(say: Callable[[str], None] | None = None) -> Iterator[None]:
    """While a chain's migrations run, SQLite tables reflected for a batch copy keep their
    declared types and collations (``_declared_reflected``), UNIQUE constraints
    (``_uniques_reflected``) and foreign key actions (``_actions_reflected``); the listeners
    are removed after, so that nothing else the process reflects is touched. What a batch copy
    leaves out of the table (an unnamed CHECK, an index on an expression) is said in one line
    each through ``say`` (``migrate``: the database loses it); without ``say`` (autogenerate,
    the migrations layer's scratch runs, which report it themselves) it is not shown."""
    sa.event.listen(sa.Table, "column_reflect", _declared_reflected)
    sa.event.listen(sa.ForeignKeyConstraint, "after_parent_attach", _actions_reflected)
    sa.event.listen(sa.Column, "after_parent_attach", _uniques_reflected)
    ApplyBatchImpl.add_column = _add_column_once  # type: ignore[method-assign]
    try:
        with warnings.catch_warnings():
            # SQLAlchemy warns that it read ``tinyint(1)`` as INTEGER: the copy declares
            # ``tinyint(1)`` all the same.
            warnings.filterwarnings("ignore", _NO_ARGUMENTS, sa.exc.SAWarning)
            # SQLite expression indexes, which SQLAlchemy cannot reflect: compared by name and
            # written into the revision by ``alembic_indexes`` instead.
            for skipped in (*SKIPPED_WARNINGS, _UNNAMED_CHECK):
                warnings.filterwarnings("ignore", skipped)
            if say is not None:
                _say_losses(say)
            yield
    finally:
        sa.event.remove(sa.Table, "column_reflect", _declared_reflected)
        sa.event.remove(sa.ForeignKeyConstraint, "after_parent_attach", _actions_reflected)
        sa.event.remove(sa.Column, "after_parent_attach", _uniques_reflected)
        ApplyBatchImpl.add_column = _ALEMBIC_ADD_COLUMN  # type: ignore[method-assign]
        _REFLECTING.clear()


_ALEMBIC_ADD_COLUMN = ApplyBatchImpl.add_column


def _add_column_once(
    self: ApplyBatchImpl, table_name: str, column: Any, *args: Any, **kw: Any
) -> None:
    """A batch copy's ``add_column`` refuses a column the table already has (by SQLite's
    case-blind name; one the same batch dropped first is not there any more). Alembic put the
    revision's column in place of the table's and copied none of its values: a column made by
    hand before its revision lost every value, where PostgreSQL, and SQLite's own ``ALTER TABLE
    ADD COLUMN``, refuse the revision (stranger35 finding 26)."""
    if column.name.lower() in {str(name).lower() for name in self.columns}:
        raise AlreadyThere(
            f'column "{column.name}" of table "{table_name}" already exists (a SQLite batch '
            "copy adding it again would lose its values)"
        )
    _ALEMBIC_ADD_COLUMN(self, table_name, column, *args, **kw)


# Alembic's warning of a batch copy leaving out an unnamed CHECK.
_UNNAMED_CHECK = "Unnamed CHECK constraint on reflected table"


def _say_losses(say: Callable[[str], None]) -> None:
    """Within the caller's ``catch_warnings``: the warnings of what a batch copy leaves out go
    to ``say``, as one line each; every other warning is shown as before."""
    shown, seen = warnings.showwarning, set()
    lost = (SKIPPED_WARNINGS[0], _UNNAMED_CHECK)
    for start in lost:
        warnings.filterwarnings("always", start)

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        text = str(message)
        if not text.startswith(lost):
            shown(message, category, filename, lineno, file, line)
            return
        what = text.split(";")[0].rstrip(".")
        fix = "name the CHECK" if text.startswith(_UNNAMED_CHECK) else "create it after the batch"
        said = (
            f"warning: a SQLite batch migration recreated a table without what SQLAlchemy "
            f"cannot reflect ({what}): this database loses it; {fix}, or pass it in "
            "batch_alter_table(..., table_args=...)"
        )
        if said not in seen:  # reflected more than once in one batch
            seen.add(said)
            say(said)

    warnings.showwarning = show


_NO_ARGUMENTS = "Could not instantiate type .* with reflected arguments"
