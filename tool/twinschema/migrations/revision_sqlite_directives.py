"""What ``revision`` makes of a SQLite MigrationScript, step by step: the steps live in
``revision_sqlite`` (columns dropped in place, unnamed keys named, FTS indexes rebuilt) and
``revision_sqlite_checks`` (unnamed CHECKs) and ``revision_sqlite_conflicts`` (ON CONFLICT
clauses), which this module composes in their order."""

from __future__ import annotations

from typing import Any

from twinschema.migrations.revision_sqlite import (
    name_unnamed_keys,
    native_drop_columns,
    rebuild_renumbered_fts,
)
from twinschema.migrations.revision_sqlite_checks import changed_named_checks, unnamed_checks
from twinschema.migrations.revision_sqlite_conflicts import keep_conflict_clauses


def sqlite_directives(context: Any, script: Any) -> None:
    """What ``revision`` makes of a SQLite MigrationScript: plain column drops in place
    (``native_drop_columns``), unnamed keys named (``name_unnamed_keys``), and FTS tables a
    batch copy renumbers rebuilt (``rebuild_renumbered_fts``), an unnamed CHECK added or
    removed written as a batch copy, and a named CHECK changed under its name dropped and made
    again in the table's batch block (``revision_sqlite_checks``); last, each batch copy given
    the table's ON CONFLICT clauses again (``revision_sqlite_conflicts``)."""
    native_drop_columns(context, script)
    name_unnamed_keys(context, script)
    changed_named_checks(context, script)
    unnamed_checks(context, script)
    rebuild_renumbered_fts(context, script)
    keep_conflict_clauses(context, script)
