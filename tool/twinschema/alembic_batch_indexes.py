"""Every index of a SQLite table through a batch copy, and what a copy loses, said from the
database.

Alembic's batch copy of a table (create ``_alembic_tmp_<t>``, copy, drop, rename) makes again
the indexes SQLAlchemy reflected, after the rename. SQLAlchemy's SQLite reflection skips an
index on an expression (``lower(email)``) and reads ``name COLLATE NOCASE DESC`` as a bare
column: a revision that only added a column dropped the table's UNIQUE index on ``lower(email)``
and ``migrate`` ran it with exit 0 (stranger44 003, 016). Here each index the table has by a
statement (``sqlite_master``) is made again from that statement after Alembic's rename, unless
the batch drops it (``batch_op.drop_index``, which finds one SQLAlchemy skipped too) or makes
one of that name itself. One whose elements or predicate name a column the copy no longer has
(dropped, renamed) is left out; a plain index SQLAlchemy reflected is then left to Alembic,
which follows a renamed column. An index a batch put back that the revision then creates by
hand (``op.create_index``, or ``op.execute("CREATE INDEX ...")``, as revisions written before
this did) replaces it instead of failing "already exists", where it is one SQLAlchemy skipped
(Alembic's copy kept the others, and making one of them again still fails: made by hand?).

What a copy left out is said once the migration is done, from the database: an index the table
had before the copy and lacks after it, that the batch did not drop, and that no index of that
name replaces when the chain has run (stranger44 004, 007: the index was said lost where the
revision made it again, or where the table was only reflected for a foreign key)."""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from alembic.ddl.impl import DefaultImpl
from alembic.operations.batch import ApplyBatchImpl

from twinschema.alembic_batch_fts import rebuilds, renumbered_warning, rowid_readers
from twinschema.alembic_indexes import BARE_ELEMENT, index_of, live_indexes
from twinschema.dialects.sqlite_ddl import scan_index
from twinschema.sql_names import sql_name


def mentions(text: str, name: str) -> bool:
    """True when ``name`` is a word of the SQL ``text`` (case-blind, as SQLite reads names):
    a column a CHECK or an index expression may name."""
    return re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", text, re.IGNORECASE) is not None


@dataclass
class _Copy:
    """One batch copy of a table: its indexes made by a statement, as the database held them
    before the copy (name: statement, unique), and those SQLAlchemy did not reflect."""

    statements: dict[str, tuple[str, bool]]
    skipped: set[str] = field(default_factory=set)
    triggers: set[str] = field(default_factory=set)  # the table's own, which DROP TABLE drops


@dataclass(frozen=True)
class _Loss:
    """An index a batch copy left out: where to look for it when the chain has run."""

    connection: sa.Connection
    table: str
    schema: str | None
    sql: str
    columns: tuple[str, ...]


_COPIES: weakref.WeakKeyDictionary[ApplyBatchImpl, _Copy] = weakref.WeakKeyDictionary()
# Indexes SQLAlchemy skipped that a batch copy made again from their statement, by name, while
# a chain runs (one it reflects, Alembic's copy made too: creating it again still fails).
_RESTORED: set[str] = set()
# Indexes a batch copy left out, by name, while a chain runs.
_LOSSES: dict[str, _Loss] = {}
# Triggers of a table a batch copy recreated (Alembic does not copy them), by name: where to
# look for each when the chain has run (connection, table, schema; stranger54 004).
_TRIGGER_LOSSES: dict[str, tuple[sa.Connection, str, str | None]] = {}
# External content FTS tables (lower-case) whose content table a batch copy renumbered, with
# that table and the FTS table's name, until a statement rebuilds them (``alembic_batch_fts``).
_RENUMBERED: dict[str, tuple[str, str]] = {}

_ALEMBIC_GRAB = ApplyBatchImpl._grab_table_elements
_ALEMBIC_GATHER = ApplyBatchImpl._gather_indexes_from_both_tables
_ALEMBIC_CREATE = ApplyBatchImpl._create
_ALEMBIC_CREATE_INDEX = DefaultImpl.create_index
_ALEMBIC_EXECUTE = DefaultImpl.execute


@contextmanager
def batch_indexes_kept(say: Callable[[str], None] | None) -> Iterator[None]:
    """While a chain runs, SQLite batch copies keep every index of their table (see the module
    docstring); when it has run without an error, each index a copy left out that the database
    still lacks is said through ``say`` in one line (``migrate``: the database loses it)."""
    ApplyBatchImpl._grab_table_elements = _grab_with_statements  # type: ignore[method-assign]
    ApplyBatchImpl._gather_indexes_from_both_tables = _gather_kept  # type: ignore[method-assign]
    ApplyBatchImpl._create = _create_keeping  # type: ignore[method-assign]
    DefaultImpl.create_index = _create_index_replacing  # type: ignore[method-assign]
    DefaultImpl.execute = _execute_replacing  # type: ignore[method-assign]
    try:
        yield
        if say is not None:
            for line in _lost_lines():
                say(line)
    finally:
        ApplyBatchImpl._grab_table_elements = _ALEMBIC_GRAB  # type: ignore[method-assign]
        ApplyBatchImpl._gather_indexes_from_both_tables = _ALEMBIC_GATHER  # type: ignore[method-assign]
        ApplyBatchImpl._create = _ALEMBIC_CREATE  # type: ignore[method-assign]
        DefaultImpl.create_index = _ALEMBIC_CREATE_INDEX  # type: ignore[method-assign]
        DefaultImpl.execute = _ALEMBIC_EXECUTE  # type: ignore[method-assign]
        _COPIES.clear()
        _RESTORED.clear()
        _LOSSES.clear()
        _TRIGGER_LOSSES.clear()
        _RENUMBERED.clear()


def _sqlite_connection(impl: DefaultImpl) -> sa.Connection | None:
    """The live SQLite connection a migration runs on (none in offline mode)."""
    connection = impl.connection
    if impl.as_sql or connection is None or impl.dialect.name != "sqlite":
        return None
    return connection


def _grab_with_statements(self: ApplyBatchImpl) -> None:
    """Alembic's inventory of the table, with the indexes SQLAlchemy skipped added by name (so
    that ``batch_op.drop_index`` finds one), and the table's index statements kept for the
    copy."""
    _ALEMBIC_GRAB(self)
    connection = _sqlite_connection(self.impl)
    if connection is None:
        return
    table, schema = self.table.name, self.table.schema
    copy = _Copy(
        live_indexes(connection, table, schema), triggers=live_triggers(connection, table, schema)
    )
    for name, (sql, unique) in copy.statements.items():
        if name not in self.indexes:
            self.indexes[name] = index_of(name, sql, unique, table, schema)
            copy.skipped.add(name)
    _COPIES[self] = copy


def _gather_kept(self: ApplyBatchImpl) -> list[sa.Index]:
    """The indexes Alembic makes after the rename: those the batch makes, and an index of bare
    columns, one of them renamed by the batch (Alembic follows the rename). Every other index
    the table keeps is made from its statement by ``_create_keeping``."""
    copy = _COPIES.get(self)
    if copy is None:
        return _ALEMBIC_GATHER(self)
    alembic: dict[str, sa.Index] = {}
    for name, index in self.indexes.items():
        if _left_to_alembic(self, name, copy):
            alembic[name] = index
    everything, self.indexes = self.indexes, alembic
    try:
        return _ALEMBIC_GATHER(self)
    finally:
        self.indexes = everything


def _left_to_alembic(self: ApplyBatchImpl, name: str, copy: _Copy) -> bool:
    """True for an index the database did not hold (``copy_from`` names it), and for one
    SQLAlchemy reflected exactly (bare columns, no predicate) that names a column the batch
    renames and none it drops: Alembic makes it over the renamed column. Any other index naming
    a column the copy no longer has is left out (a loss), not made otherwise than it was."""
    stored = copy.statements.get(name)
    if stored is None:
        return True
    if name in self.new_indexes or name in copy.skipped:
        return False
    dropped = [c.name for c in self.table.columns if c.key not in self.columns]
    gone = _gone_columns(self)
    elements, where = scan_index(stored[0], keep_order=True)
    return (
        bool(_naming(stored[0], gone))
        and not _naming(stored[0], dropped)
        and where is None
        and all(BARE_ELEMENT.fullmatch(element) for element in elements)
    )


def _gone_columns(self: ApplyBatchImpl) -> list[str]:
    """The columns of the table the copy no longer has by their name (dropped or renamed)."""
    kept = {c.name.lower() for c in self.columns.values()}
    return [c.name for c in self.table.columns if c.name.lower() not in kept]


def _naming(sql: str, columns: list[str]) -> tuple[str, ...]:
    """The ``columns`` that the elements or the predicate of the index ``sql`` name."""
    elements, where = scan_index(sql)
    texts = [*elements, where or ""]
    return tuple(c for c in columns if any(mentions(text, c) for text in texts))


def _create_keeping(self: ApplyBatchImpl, op_impl: DefaultImpl) -> None:
    """Alembic's copy, then each index of the table it did not make, from its own statement
    (one the batch dropped or makes itself, or naming a column the copy no longer has, is
    not); what the table lacks after the copy is kept as a possible loss."""
    _ALEMBIC_CREATE(self, op_impl)
    copy = _COPIES.pop(self, None)
    connection = _sqlite_connection(op_impl)
    if copy is None or connection is None:
        return
    table, schema = self.table.name, self.table.schema
    for trigger in copy.triggers - live_triggers(connection, table, schema):
        _TRIGGER_LOSSES[trigger] = (connection, table, schema)
    if schema is None and _has_rows(connection, table):
        _RENUMBERED.update(
            (fts.lower(), (table, fts)) for fts, _ in rowid_readers(connection, table)
        )
    gone = _gone_columns(self)
    after = live_indexes(connection, table, schema)
    for name, (sql, _) in copy.statements.items():
        if name not in self.indexes or name in self.new_indexes or name in after:
            continue  # dropped by the batch, made by it, or made by Alembic
        named = _naming(sql, gone)
        if named:
            _LOSSES[name] = _Loss(connection, table, schema, sql, named)
            continue
        connection.exec_driver_sql(sql)
        if name in copy.skipped:  # lost before: a revision may make it again after the batch
            _RESTORED.add(name)
        _LOSSES.pop(name, None)


def _create_index_replacing(self: DefaultImpl, index: sa.Index, **kw: Any) -> None:
    """``op.create_index`` of an index a batch copy made again from its statement: that one is
    dropped first (a revision written before the copy kept indexes makes it after the batch)."""
    if isinstance(index.name, str) and index.table is not None:
        _drop_restored(self, index.name, index.table.name, index.table.schema)
    _ALEMBIC_CREATE_INDEX(self, index, **kw)


_CREATE_INDEX = re.compile(
    r"\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?!IF\s)(?:[\w\"`\[\]]+\s*\.\s*)?"
    r"(?:\"((?:[^\"]|\"\")+)\"|`([^`]+)`|\[([^\]]+)\]|(\w+))\s+ON\s+"
    r"(?:[\w\"`\[\]]+\s*\.\s*)?(?:\"((?:[^\"]|\"\")+)\"|`([^`]+)`|\[([^\]]+)\]|(\w+))",
    re.IGNORECASE,
)


def _execute_replacing(self: DefaultImpl, sql: Any, *args: Any, **kw: Any) -> None:
    """``op.execute("CREATE INDEX name ON table ...")`` of an index a batch copy made again from
    its statement: that one is dropped first, as by ``_create_index_replacing``. A statement
    rebuilding an FTS table a batch copy renumbered (``alembic_batch_fts``) is noted."""
    text = sql.text if isinstance(sql, sa.TextClause) else sql
    if isinstance(text, str):  # a rebuild of an FTS table a batch copy renumbered: done
        _RENUMBERED.pop(rebuilds(text) or "", None)
    match = _CREATE_INDEX.match(sql) if isinstance(sql, str) else None
    if match is not None:
        groups = match.groups()
        index = next(g for g in groups[:4] if g).replace('""', '"')
        table = next(g for g in groups[4:] if g).replace('""', '"')
        _drop_restored(self, index, table, None)
    _ALEMBIC_EXECUTE(self, sql, *args, **kw)
    if _TRIGGER_LOSSES and isinstance(text, str):
        _triggers_settled(text)


_DROP_TRIGGER = re.compile(
    r"\s*DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(?:[\w\"`\[\]]+\s*\.\s*)?"
    r"(?:\"((?:[^\"]|\"\")+)\"|`([^`]+)`|\[([^\]]+)\]|(\w+))",
    re.IGNORECASE,
)


def _triggers_settled(sql: str) -> None:
    """After a statement of a revision (``op.execute``): a trigger a batch copy lost is no loss
    once a statement made it again (the batch's revision does so after the batch: the
    ``CREATE TRIGGER`` ``revision`` writes), or dropped it on purpose (``DROP TRIGGER``, as the
    downgrade of the revision that made it does, run later in the same migration). The loss
    was said from the database once the whole chain had run, so a downgrade through both
    revisions blamed the batch (stranger73 008)."""
    match = _DROP_TRIGGER.match(sql)
    dropped = None
    if match is not None:
        dropped = next(g for g in match.groups() if g).replace('""', '"').lower()
    for name, (connection, table, schema) in list(_TRIGGER_LOSSES.items()):
        if name.lower() == dropped or name in live_triggers(connection, table, schema):
            del _TRIGGER_LOSSES[name]


def _drop_restored(impl: DefaultImpl, name: str, table: str, schema: str | None) -> None:
    """Drop the index ``name`` of ``table`` when a batch copy of this chain made it again."""
    connection = _sqlite_connection(impl)
    if name not in _RESTORED or connection is None:
        return
    if name in live_indexes(connection, table, schema):
        _RESTORED.discard(name)
        target = sa.Index(name, sa.literal_column("1"))
        sa.Table(table, sa.MetaData(), target, schema=schema)
        impl.drop_index(target)


def _has_rows(connection: sa.Connection, table: str) -> bool:
    """Whether ``table`` of the main schema holds a row (a batch copy renumbers none else)."""
    return (
        connection.exec_driver_sql(f"SELECT 1 FROM main.{sql_name(table)} LIMIT 1").first()
        is not None
    )


def live_triggers(connection: sa.Connection, table: str, schema: str | None) -> set[str]:
    """The names of the triggers on ``table`` (its own, which dropping the table drops)."""
    rows = connection.exec_driver_sql(
        f"SELECT name FROM {sql_name(schema or 'main')}.sqlite_master "
        "WHERE type = 'trigger' AND tbl_name = ? COLLATE NOCASE",
        (table,),
    ).all()
    return {str(row[0]) for row in rows}


def _lost_lines() -> list[str]:
    """One line for each index a batch copy left out that the database still lacks, for each
    trigger of a recreated table that no revision made again, and for each external content
    FTS table whose content table a copy renumbered that no statement rebuilt after."""
    lines = [renumbered_warning(table, fts) for table, fts in sorted(_RENUMBERED.values())]
    for name, (connection, table, schema) in sorted(_TRIGGER_LOSSES.items()):
        if name in live_triggers(connection, table, schema):
            continue  # made again by the revision
        lines.append(
            f"warning: a SQLite batch migration recreated table '{table}' without its trigger "
            f"{name} (Alembic does not copy triggers): this database loses trigger {name}; "
            "create it again after the batch (op.execute) if it should stay"
        )
    for name, loss in sorted(_LOSSES.items()):
        if name in live_indexes(loss.connection, loss.table, loss.schema):
            continue  # made again by the revision
        lines.append(
            f"warning: a SQLite batch migration recreated table '{loss.table}' without its "
            f"index {name} ({loss.sql}), which names a column the copy no longer has "
            f"({', '.join(loss.columns)}): this database loses it; create it again after the "
            "batch if it should stay"
        )
    return lines
