"""``twinschema lint`` on a SQLite chain: a batch block that copies a table an external content
FTS table reads by implicit rowid, with no rebuild of that FTS table after it in the same
revision (stranger61 005; ``alembic_batch_fts`` says why the copy renumbers the rowids).

``migrate`` warns of it at run time, and only where the table holds rows; the lint reads the
chain itself, without a database: the tables and FTS tables its revisions make (``op.create_table``,
``op.execute`` of CREATE / DROP statements, renames, column adds and drops, batch blocks run by
Alembic: ``lint_replay``), in order, are made on an in-memory SQLite
database, so whether a table keeps its rowids (an INTEGER PRIMARY KEY, WITHOUT ROWID) and which
FTS table reads it are SQLite's own answers (``alembic_batch_fts.rowid_readers``). A block that
drops or renames a column the FTS table reads is left to ``check``, which reports the table
broken (the rebuild would fail), as ``revision`` does."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops as alembic_ops
from sqlalchemy.schema import CreateTable

from twinschema.alembic_batch_fts import rebuild_statement, rebuilds, rowid_readers
from twinschema.dialects.sqlite_clauses import conflict_clauses
from twinschema.dialects.sqlite_virtual import external_content
from twinschema.migrations.lint_record import Batch, Recording
from twinschema.migrations.lint_replay import COLUMN_STEPS, run_batch, run_column_step
from twinschema.migrations.revision_sqlite import batch_copies
from twinschema.model import ConflictClause
from twinschema.records import Difference, FixSite, Severity

KIND = "fts_rowids"
# The statements of an ``op.execute`` made on the in-memory database: schema statements only.
_SCHEMA = ("CREATE", "DROP", "ALTER")


@dataclass(frozen=True)
class Renumbered:
    """A batch block of ``revision`` (at ``path``:``line``) that copies ``table``, which the
    external content FTS table ``fts`` reads by implicit rowid, and rebuilds it nowhere after."""

    revision: str
    path: str
    line: int
    table: str
    fts: str


class ChainTables:
    """The tables a SQLite chain made so far, on an in-memory SQLite database: from base, or
    (``seed``, the database about to be migrated) from that database's tables and virtual
    tables, whose statements are made again there (no row is read or copied)."""

    def __init__(self, seed: sa.Connection | None = None) -> None:
        self._engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
        self._connection = self._engine.connect()
        if seed is not None:
            for (sql,) in seed.exec_driver_sql(
                "SELECT sql FROM main.sqlite_master WHERE type IN ('table', 'view', 'trigger') "
                "AND sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                "ORDER BY type = 'trigger', rowid"
            ):
                self._run(str(sql))  # a shadow table its virtual table made already fails

    def _run(self, sql: str) -> None:
        """``sql`` on the in-memory database; a statement SQLite refuses there is let be."""
        with contextlib.suppress(sa.exc.SQLAlchemyError):
            self._connection.exec_driver_sql(sql)

    def present(self) -> set[str]:
        """The names (lower-case) of the tables, views and virtual tables made so far."""
        return {
            str(name).lower()
            for (name,) in self._connection.exec_driver_sql(
                "SELECT name FROM main.sqlite_master WHERE type IN ('table', 'view')"
            )
        }

    def index_only(self) -> dict[str, str]:
        """The external content FTS4/FTS5 tables made so far (name lower-case) whose content
        table (or view) is there too, each with that content table: such a table stores no
        row of its own, only an index SQLite rebuilds from the content table (``'rebuild'``;
        checked on 3.40), so dropping it loses no data. A contentless (``content=''``) or
        normal FTS table is not one: its index, or its rows, are kept nowhere else."""
        rows = self._connection.exec_driver_sql(
            "SELECT name, sql FROM main.sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"
        ).all()
        present = self.present()
        found: dict[str, str] = {}
        for name, sql in rows:
            content = external_content(str(sql))
            if content is not None and content[0].lower() in present:
                found[str(name).lower()] = content[0]
        return found

    def close(self) -> None:
        """Let the in-memory database go."""
        self._connection.close()
        self._engine.dispose()

    def conflicts_copied(
        self, recording: Recording
    ) -> list[tuple[str, tuple[ConflictClause, ...], int, dict[str, str]]]:
        """Each batch block of ``recording`` that copies a table made so far with an ON CONFLICT
        clause it does not give again (``_conflicts_given``): the table, those clauses, the
        line and the table's column types (``_types``). The copy is built
        from reflection, which has no ON CONFLICT, so the new table resolves no conflict that
        way any more (stranger69 finding 011); call before ``renumbered`` makes the revision's
        own tables."""
        found = []
        for batch in recording.batches:
            if not _copies(batch, recording.operations):
                continue
            row = self._connection.exec_driver_sql(
                "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?",
                (batch.table,),
            ).first()
            sql = str(row[0]) if row is not None and row[0] is not None else ""
            kept, steps = _conflicts_given(batch), recording.operations[batch.start : batch.end]
            dropped, renamed = _dropped(steps), _renamed(steps)
            clauses = [
                c
                for c in conflict_clauses(sql, sql.lower())
                if not dropped & {n.lower() for n in c.columns}  # gone with its column
                and (
                    c.constraint,
                    c.algorithm,
                    tuple(renamed.get(n.lower(), n.lower()) for n in c.columns),
                )
                not in kept
            ]
            if clauses:
                found.append((batch.table, tuple(clauses), batch.line, self._types(batch.table)))
        return found

    def _types(self, table: str) -> dict[str, str]:
        """Each column of ``table`` (as made so far, lower-case) to its type as SQLAlchemy writes it
        (``sa.TEXT()``), for the ``reflect_args`` column a lint message offers."""
        try:
            columns = sa.inspect(self._connection).get_columns(table)
        except sa.exc.SQLAlchemyError:
            return {}
        return {str(c["name"]).lower(): f"sa.{c['type']!r}" for c in columns}

    def triggers_copied(self, recording: Recording) -> list[tuple[str, str, str, int]]:
        """Each trigger on a table a batch block of ``recording`` copies that no ``op.execute``
        after the block in the same revision makes again: the table, the trigger, its statement
        and the block's line. The copy drops the old table and with it its triggers (stranger71
        007); call before ``renumbered`` makes the revision's own statements."""
        found = []
        operations = recording.operations
        for batch in recording.batches:
            if not _copies(batch, operations):
                continue
            later = " ".join(executed_sql(op) or "" for op, _ in operations[batch.end :])
            for name, sql in self._connection.exec_driver_sql(
                "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = ? COLLATE NOCASE AND sql IS NOT NULL",
                (batch.table,),
            ):
                if not _creates_trigger(later, str(name)):
                    found.append((batch.table, str(name), str(sql), batch.line))
        return found

    def renumbered(self, revision: str, path: str, recording: Recording) -> list[Renumbered]:
        """Each FTS table a batch block of ``recording`` renumbers without a rebuild after it;
        then the revision's own tables and FTS tables are made, for the revisions after it."""
        found: list[Renumbered] = []
        operations = recording.operations
        for batch in recording.batches:
            if not _copies(batch, operations):
                continue
            gone = _gone(operations[batch.start : batch.end])
            later = {rebuilds(executed_sql(op) or "") for op, _ in operations[batch.end :]}
            for fts, columns in rowid_readers(self._connection, batch.table):
                if fts.lower() in later or gone & {c.lower() for c in columns}:
                    continue
                found.append(Renumbered(revision, path, batch.line, batch.table, fts))
        self._make_all(recording)
        for _, name, _, _ in self.triggers_copied(recording):  # what the copy dropped
            quoted = name.replace('"', '""')
            self._run(f'DROP TRIGGER IF EXISTS "{quoted}"')
        return found

    def _make_all(self, recording: Recording) -> None:
        """Make the steps of ``recording`` in order: each batch block run by Alembic
        (``lint_replay``; where it fails there, its steps one by one as ``_make`` can), a
        plain column add or drop likewise, the others by ``_make``."""
        operations = [op for op, _ in recording.operations]
        at = 0
        for batch in sorted(recording.batches, key=lambda b: b.start):
            self._make_each(operations[at : batch.start])
            steps = operations[batch.start : batch.end]
            if not run_batch(self._connection, batch, steps):
                self._make_each(steps)
            at = max(at, batch.end)
        self._make_each(operations[at:])

    def _make_each(self, operations: list[Any]) -> None:
        """Make each of ``operations`` outside a batch run: a column add or drop by Alembic."""
        for operation in operations:
            if not (
                isinstance(operation, COLUMN_STEPS) and run_column_step(self._connection, operation)
            ):
                self._make(operation)

    def _make(self, operation: Any) -> None:
        """Make a table, FTS table or drop of ``operation`` on the in-memory database; a
        statement SQLite refuses there (it names what the chain made otherwise) is let be."""
        text = executed_sql(operation)
        if text is not None and isinstance(operation, alembic_ops.ExecuteSQLOp):
            if text.lstrip().upper().startswith(_SCHEMA):
                self._run(text)
            return
        try:
            if isinstance(operation, alembic_ops.CreateTableOp):
                self._connection.execute(CreateTable(operation.to_table()))
            elif isinstance(operation, alembic_ops.DropTableOp):
                name = operation.table_name.replace('"', '""')
                self._connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
            elif isinstance(operation, alembic_ops.RenameTableOp):
                self._rename_table(operation.table_name, operation.new_table_name)
            elif isinstance(operation, alembic_ops.AlterColumnOp) and operation.modify_name:
                table, old, new = (
                    n.replace('"', '""')
                    for n in (operation.table_name, operation.column_name, operation.modify_name)
                )
                self._connection.exec_driver_sql(
                    f'ALTER TABLE "{table}" RENAME COLUMN "{old}" TO "{new}"'
                )
        except sa.exc.SQLAlchemyError:
            pass

    def _rename_table(self, table: str, new_name: str) -> None:
        """Rename ``table``; when SQLite refuses because another object of the replayed schema
        no longer parses (a trigger naming a column made by a statement the replay could not
        follow), rename it anyway in legacy mode, which checks no other object: the content
        table an FTS table names is then still found after the rename (stranger77 012; the
        refusal, ``error in trigger ...: no such column``, checked on 3.40)."""
        old, new = (n.replace('"', '""') for n in (table, new_name))
        statement = f'ALTER TABLE "{old}" RENAME TO "{new}"'
        try:
            self._connection.exec_driver_sql(statement)
        except sa.exc.SQLAlchemyError:
            self._connection.exec_driver_sql("PRAGMA legacy_alter_table = ON")
            try:
                self._run(statement)
            finally:
                self._connection.exec_driver_sql("PRAGMA legacy_alter_table = OFF")


def _creates_trigger(sql: str, name: str) -> bool:
    """Whether the statements ``sql`` make a trigger named ``name`` (case-blind, quoted or
    not)."""
    pattern = (
        r"CREATE\s+(?:TEMP\w*\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:\w+\.)?"
        rf"[\"`\[]?{re.escape(name)}[\"`\]]?(?![\w$])"
    )
    return re.search(pattern, sql, re.IGNORECASE) is not None


def _conflicts_given(batch: Batch) -> set[tuple[str, str, tuple[str, ...]]]:
    """(constraint, algorithm, columns lower-case) of each ON CONFLICT clause that a batch block
    gives its copy: a UNIQUE by ``sa.UniqueConstraint(..., sqlite_on_conflict=...)`` in its
    ``table_args`` or ``reflect_args``; a key by ``sa.PrimaryKeyConstraint(...,
    sqlite_on_conflict=...)`` in ``reflect_args`` only; a column's NOT NULL, UNIQUE or key by
    ``sa.Column(..., sqlite_on_conflict_not_null=...)`` (``_unique``, ``_primary_key``) in
    ``reflect_args``, standing in for the reflected column. Checked on SQLite 3.40: the copy
    then resolves conflicts so again; a key in ``table_args`` is not used (the reflected key
    is), so its clause is lost there (stranger70 012)."""
    found: set[tuple[str, str, tuple[str, ...]]] = set()
    for where, given in (("table_args", batch.table_args), ("reflect_args", batch.reflect_args)):
        for item in given:
            if isinstance(item, sa.Column):
                for constraint in ("NOT NULL", "UNIQUE", "PRIMARY KEY"):
                    option = "sqlite_on_conflict_" + constraint.lower().replace(" ", "_")
                    algorithm = item.dialect_kwargs.get(option)
                    if isinstance(algorithm, str) and where == "reflect_args":
                        found.add((constraint, algorithm.upper(), (str(item.name).lower(),)))
                continue
            if isinstance(item, sa.PrimaryKeyConstraint) and where == "table_args":
                continue
            if not isinstance(item, sa.UniqueConstraint | sa.PrimaryKeyConstraint):
                continue
            algorithm = item.dialect_kwargs.get("sqlite_on_conflict")
            # Not yet on a table: its columns are the names (or columns) it was given.
            named = getattr(item, "_pending_colargs", ()) or list(item.columns)
            names = tuple(str(getattr(c, "name", c)).lower() for c in named)
            kind = "PRIMARY KEY" if isinstance(item, sa.PrimaryKeyConstraint) else "UNIQUE"
            if isinstance(algorithm, str):
                found.add((kind, algorithm.upper(), names))
    return found


def _copies(batch: Batch, operations: list[tuple[Any, int]]) -> bool:
    """Whether Alembic copies the table of ``batch`` (``recreate``, else its operations)."""
    if batch.recreate in ("always", "never"):
        return batch.recreate == "always"
    return any(batch_copies(op) for op, _ in operations[batch.start : batch.end])


def _dropped(operations: list[tuple[Any, int]]) -> set[str]:
    """The columns (lower-case) a block drops: a clause of theirs goes with them, which the
    ``drop_column`` the lint judges already says."""
    return {
        op.column_name.lower() for op, _ in operations if isinstance(op, alembic_ops.DropColumnOp)
    }


def _renamed(operations: list[tuple[Any, int]]) -> dict[str, str]:
    """Each column (lower-case) a block renames, to its new name (lower-case): the block gives
    a clause again by the new name."""
    return {
        op.column_name.lower(): op.modify_name.lower()
        for op, _ in operations
        if isinstance(op, alembic_ops.AlterColumnOp) and op.modify_name is not None
    }


def _gone(operations: list[tuple[Any, int]]) -> set[str]:
    """The columns (lower-case) a block drops or renames."""
    return {
        op.column_name.lower()
        for op, _ in operations
        if isinstance(op, alembic_ops.DropColumnOp)
        or (isinstance(op, alembic_ops.AlterColumnOp) and op.modify_name is not None)
    }


def executed_sql(operation: Any) -> str | None:
    """The text of an ``op.execute``, None for any other operation."""
    if not isinstance(operation, alembic_ops.ExecuteSQLOp):
        return None
    sql: Any = operation.sqltext
    text = sql if isinstance(sql, str) else getattr(sql, "text", None)
    return text if isinstance(text, str) else None


def difference(found: Renumbered, chain: str, target: str) -> Difference:
    """The lint's report of ``found``, with the statement to add after the block."""
    statement = f'op.execute("{rebuild_statement(found.fts)}")'
    where = f"{found.path}:{found.line}"
    return Difference(
        layer="lint",
        kind=KIND,
        table=found.table,
        column=None,
        name=found.fts,
        left=f"batch_alter_table({found.table!r}) copies {found.table}",
        right=f"{found.fts} reads {found.table} by rowid",
        message=f"revision {found.revision} copies table {found.table} in a batch block, which "
        f"numbers its rowids again ({found.table} has no INTEGER PRIMARY KEY); the external "
        f"content FTS table {found.fts} reads {found.table} by rowid and is not rebuilt after it, "
        "so its search then finds other rows than those holding the words",
        hint=f"at {where}: add {statement} after the batch block, or give {found.table} an "
        "INTEGER PRIMARY KEY (FTS then reads it by that: content_rowid)",
        severity=Severity.ERROR,
        left_source=chain,
        right_source=target,
        fix=FixSite(file=found.path, line=found.line),
    )
