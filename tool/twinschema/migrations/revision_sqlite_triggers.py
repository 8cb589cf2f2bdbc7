"""A SQLite batch copy keeps the table's triggers (stranger71 007).

Alembic's batch copy makes a new table, copies the rows, drops the old table and renames the new
one: dropping the old table drops its triggers (Alembic copies none; checked on SQLite 3.40), so
a revision that only widened a CHECK silently lost a BEFORE INSERT trigger and with it a business
rule. ``revision`` now writes, after each batch block that copies a table, in upgrade and in
downgrade, each trigger on that table as the chain has made it at that revision (read from the
database autogenerate compared against, which is at the chain's head): ``op.execute`` of its
own ``CREATE TRIGGER`` statement (Alembic has no trigger operation). A trigger naming a column
the block drops or renames cannot be made again as it was: it is left out, and ``lint`` /
``migrate`` refuse the revision until it is written by hand (``lint_fts.ChainTables``)."""

from __future__ import annotations

from typing import Any

from twinschema.alembic_batch_indexes import mentions
from twinschema.migrations.revision_sqlite import after_each_copy


def recreate_copied_triggers(context: Any, script: Any) -> None:
    """After each batch block of a MigrationScript's upgrade and downgrade that copies a table,
    ``op.execute`` of each trigger on that table (its statement as the chain made it): the
    copy dropped them (see the module docstring)."""
    connection = context.connection

    def recreated(table: str, gone: set[str]) -> list[str]:
        return [
            sql
            for sql in table_triggers(connection, table)
            if not any(mentions(sql, column) for column in gone)
        ]

    after_each_copy(script, recreated)


def table_triggers(connection: Any, table: str) -> list[str]:
    """The ``CREATE TRIGGER`` statements of the triggers on ``table`` (its own: dropping the
    table drops them), in the order they were made."""
    rows = connection.exec_driver_sql(
        "SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
        "COLLATE NOCASE AND sql IS NOT NULL ORDER BY rowid",
        (table,),
    ).all()
    return [str(row[0]) for row in rows]
