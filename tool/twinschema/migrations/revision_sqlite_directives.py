"""What ``revision`` makes of a SQLite MigrationScript, step by step: the steps live in
``revision_sqlite`` (columns dropped in place, unnamed keys named, FTS indexes rebuilt) and
``revision_sqlite_checks`` (unnamed CHECKs) and ``revision_sqlite_conflicts`` (ON CONFLICT
clauses), which this module composes in their order."""

from __future__ import annotations

from typing import Any

from twinschema.migrations.revision_sqlite import (
    expression_indexes_after_copy,
    name_unnamed_keys,
    native_drop_columns,
    rebuild_renumbered_fts,
)
from twinschema.migrations.revision_sqlite_checks import changed_named_checks, unnamed_checks
from twinschema.migrations.revision_sqlite_conflicts import keep_conflict_clauses
from twinschema.migrations.revision_sqlite_triggers import recreate_copied_triggers


def sqlite_directives(context: Any, script: Any) -> None:
    """What ``revision`` makes of a SQLite MigrationScript: plain column drops in place
    (``native_drop_columns``), unnamed keys named (``name_unnamed_keys``), and FTS tables a
    batch copy renumbers rebuilt (``rebuild_renumbered_fts``), an unnamed CHECK added or
    removed written as a batch copy, and a named CHECK changed under its name dropped and made
    again in the table's batch block (``revision_sqlite_checks``), an index on an expression
    that a copying block makes made after it (``expression_indexes_after_copy``), the triggers a batch copy
    drops made again after it (``revision_sqlite_triggers``); last, each batch copy given the
    table's ON CONFLICT clauses again (``revision_sqlite_conflicts``)."""
    native_drop_columns(context, script)
    name_unnamed_keys(context, script)
    changed_named_checks(context, script)
    unnamed_checks(context, script)
    expression_indexes_after_copy(context, script)
    rebuild_renumbered_fts(context, script)
    recreate_copied_triggers(context, script)
    keep_conflict_clauses(context, script)
