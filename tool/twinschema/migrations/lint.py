"""The destructive-change lint: refuse a migration that can lose data unless it says why.

A revision's ``upgrade()`` is run in *recording mode*: Alembic's ``op`` proxy is installed on an
``Operations`` whose ``invoke`` records each ``alembic.operations.ops`` object instead of running
it (``batch_alter_table`` yields a recording ``BatchOperations`` too, so nothing is reflected), on
an offline (``as_sql``) ``MigrationContext`` of the chain's dialect: no database is touched. The
recorded operations are then classified:

===================  ============================================================================
key                  refused when the revision ...
===================  ============================================================================
``drop_table:T``     drops table ``T`` (``op.drop_table``, or ``DROP TABLE`` in ``op.execute``)
``drop_column:T.C``  drops column ``C`` (``op.drop_column``, batch mode, or ``ALTER TABLE ...
                     DROP COLUMN`` in ``op.execute``)
``narrow_type:T.C``  changes the type of ``C`` to one that cannot hold every old value:
                     ``varchar(n)`` to a smaller ``n``, ``text`` to ``varchar``, ``bigint`` to
                     ``integer``, numeric precision or scale down, ... (any type change the lint
                     cannot prove widening, including one without ``existing_type``)
``add_not_null:T.C`` adds a NOT NULL column without a server default to ``T`` when ``T`` has rows
                     (``twinschema lint`` cannot see the rows: it refuses whenever ``T`` may
                     have some; ``twinschema migrate`` counts them on the live database)
``unlinted``         has an ``upgrade()`` that cannot run in recording mode (for example one that
                     reads the database through ``op.get_bind()``), so nothing after that point
                     could be checked
``broken``           has an ``upgrade()`` whose own Python fails on any database (a ``NameError``,
                     an ``ImportError``: a name it uses is not imported): no marker lets it
                     through, the revision must be fixed (``migrate`` says it cannot run)
===================  ============================================================================

**The allow marker.** A revision that means it declares, at module level, a dict from those keys
to the reason the data may go (a non-empty sentence; it is printed whenever the lint lets the
change through)::

    allow_destructive = {
        "drop_column:profiles.tier": "tier moved to profile_tiers (0005 copied every value)",
        "narrow_type:profiles.wallet_address": "addresses are 42 characters; checked in 0006",
    }

A revision's ``downgrade()`` is linted the same way when ``twinschema migrate --to REV
--yes-downgrade`` is about to run it, with its own marker, ``allow_destructive_downgrade`` (same
keys); there, a table or column that holds no data on the live database loses nothing and is let
through. ``twinschema lint`` checks that marker's form only (a downgrade is not part of the
everyday path).

Table and column names are the physical names of the revision's dialect. A marker that is not a
dict of non-empty strings, or whose key is not of the forms above, is a usage error (exit 2); a
key that matches no operation of its revision is reported as ``stale_allowance``, so a typo never
hides behind a marker that looks right.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from alembic.operations import ops as alembic_ops
from alembic.script import Script

from twinschema.alembic_batch_fts import rebuild_statement
from twinschema.errors import UsageError
from twinschema.migrations.chain_renames import chain_scripts
from twinschema.migrations.lint_classify import (
    CHANGE_KEY,
    Change,
    RowsProbe,
    changes_of,
    drop_on_conflict,
)
from twinschema.migrations.lint_fts import ChainTables, Renumbered
from twinschema.migrations.lint_record import record
from twinschema.migrations.migrate_chain import DOWNGRADE, UPGRADE
from twinschema.paths import shown

# The lint's names and its parts' (lint_record, lint_classify), importable from here as before.
__all__ = [
    "ANY_DATABASE",
    "DOWNGRADE_MARKER",
    "KIND",
    "LAYER",
    "MARKER",
    "ChainLint",
    "Finding",
    "allow_markers",
    "chain_scripts",
    "lint_scripts",
]

LAYER = "lint"
KIND = "destructive_change"
MARKER = "allow_destructive"
# The marker of the downgrade path (``twinschema migrate --to REV --yes-downgrade``): the same
# keys, for what the revision's ``downgrade()`` may lose.
DOWNGRADE_MARKER = "allow_destructive_downgrade"
ANY_DATABASE = "any database"


@dataclass(frozen=True)
class Finding:
    """A change found in a revision: refused, or allowed with the revision's reason."""

    revision: str
    path: str
    change: Change
    reason: str | None = None  # the allow marker's reason; None: refused
    line: int = 1  # of the operation in the revision file
    # Let through with no marker, ``reason`` saying why nothing is lost (an external content
    # FTS table dropped: its index is rebuilt from its content table).
    noted: bool = False

    @property
    def where(self) -> str:
        """``path:line`` of the operation."""
        return f"{self.path}:{self.line}"

    @property
    def refused(self) -> bool:
        """True when no allow marker lets the change through."""
        return self.reason is None


@dataclass
class ChainLint:
    """The lint of one chain's revisions."""

    dialect: str
    chain: str  # the migrations folder, as shown
    revisions: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    stale: list[tuple[str, str, str]] = field(default_factory=list)  # (revision, path:line, key)
    # SQLite batch blocks that renumber what an FTS table reads, rebuilding it nowhere after
    renumbered: list[Renumbered] = field(default_factory=list)

    @property
    def refused(self) -> list[Finding]:
        """The findings without an allow marker."""
        return [f for f in self.findings if f.refused]

    @property
    def ok(self) -> bool:
        """True when nothing is refused, no marker is stale and no FTS table is renumbered."""
        return not self.refused and not self.stale and not self.renumbered


# ---------------------------------------------------------------------------------------------
# Allow markers and chains


def allow_markers(script: Script, path: str, marker: str = MARKER) -> dict[str, str]:
    """The revision's ``allow_destructive`` dict (or ``marker``), checked (a usage error when
    malformed)."""
    markers = getattr(script.module, marker, None)
    if markers is None:
        return {}
    example = f'{marker} = {{"drop_column:table.column": "why this data may go"}}'
    if not isinstance(markers, dict):
        raise UsageError(f"{path}: {marker} must be a dict, e.g. {example}")
    for key, reason in markers.items():
        if not isinstance(key, str) or not CHANGE_KEY.match(key):
            raise UsageError(
                f"{path}: {marker} key {key!r} is not one of drop_table:T, drop_column:T.C, "
                "narrow_type:T.C, add_not_null:T.C, unlinted"
            )
        if not isinstance(reason, str) or not reason.strip():
            raise UsageError(f"{path}: {marker}[{key!r}] needs a reason (a non-empty string)")
    return dict(markers)


def lint_scripts(
    scripts: Sequence[Script],
    dialect: str,
    chain: str,
    root: Path,
    rows: RowsProbe = lambda table: None,
    *,
    direction: str = UPGRADE,
    loses: Callable[[Change], bool | None] | None = None,
    fts: bool = False,
    tables: ChainTables | None = None,
) -> ChainLint:
    """Lint ``scripts`` of one chain, in the order they run: their ``upgrade()`` (allowed by
    ``allow_destructive``), or with ``direction="downgrade"`` their ``downgrade()`` (allowed by
    ``allow_destructive_downgrade``). ``rows`` as in ``changes_of``; ``loses``, when given, says
    whether a change would lose data on the live database (False: nothing to lose, e.g. a column
    dropped while it holds no value, and the change is let through). On an upgrade, a table or
    column dropped from a table ``rows`` finds empty or absent (a new database) loses nothing
    and is let through, unless a revision run before the drop, or its own, may add or move rows
    (``op.execute``, ``op.bulk_insert``, a renamed table, an ``upgrade()`` that cannot be
    recorded) (stranger46 019). With ``fts`` (``twinschema lint``, on the whole chain), a SQLite
    batch block that renumbers the rowids an FTS table reads without rebuilding it after
    (``lint_fts``) too: ``migrate`` warns of that where the table has rows. On SQLite, the
    chain's tables are made on an in-memory database as its revisions run (from base, or from
    ``tables``, the database being migrated): an external content FTS table dropped while its
    content table is there loses no row (its index is rebuilt from that table) and is let
    through with a note, not refused (stranger64)."""
    marker = DOWNGRADE_MARKER if direction == DOWNGRADE else MARKER
    result = ChainLint(dialect, chain)
    written = False  # a revision run so far (this one included) may add or move rows
    owned = tables is None and dialect == "sqlite"
    if owned:
        tables = ChainTables()
    renumbering = fts and direction == UPGRADE
    for script in scripts:
        path = shown(Path(script.path), root)
        markers = allow_markers(script, path, marker)
        if direction == UPGRADE:  # the downgrade's marker is used later; its form is checked now
            allow_markers(script, path, DOWNGRADE_MARKER)
        recording = record(script, dialect, direction)
        index_only = tables.index_only() if tables is not None else {}
        # Read before ``renumbered`` makes this revision's own tables.
        lost = tables.conflicts_copied(recording) if tables and direction == UPGRADE else []
        if tables is not None:
            renumbered = tables.renumbered(script.revision, path, recording)
            if renumbering:
                result.renumbered.extend(renumbered)
        changes = [c for c in changes_of(recording.operations, dialect, rows) if not c[0].lossless]
        changes.extend(
            (drop_on_conflict(table, found, types), line) for table, found, line, types in lost
        )
        if loses is not None:
            changes = [(c, line) for c, line in changes if loses(c) is not False]
        written = written or recording.error is not None or _moves_rows(recording.operations)
        if direction == UPGRADE and not written:  # rows seen now are all the table will hold
            changes = [(c, line) for c, line in changes if not _drops_nothing(c, rows)]
        error = recording.error
        if isinstance(error, _BROKEN):
            detail = f"{type(error).__name__}: {error}".splitlines()[0]
            broken = Change(
                "broken",
                None,
                None,
                f"{direction}()",
                detail,
                f"{direction}() cannot run on any database ({detail}): the revision itself is "
                "broken (a name it uses is not defined or not imported?); fix the revision",
                broken=True,
            )
            changes.append((broken, recording.error_line))
        elif error is not None:
            detail = f"{type(error).__name__}: {error}".splitlines()[0]
            unlinted = Change(
                "unlinted",
                None,
                None,
                f"{direction}()",
                "not linted",
                f"{direction}() cannot run in recording mode ({detail}), so what it does after "
                "that point is not linted",
            )
            changes.append((unlinted, recording.error_line))
        # Every operation a key could match counts against staleness, refused or not (a NOT NULL
        # column added to an empty table is fine today, and the marker still means something).
        seen = {c.key for c, _ in changes_of(recording.operations, dialect, lambda table: True)}
        seen |= {c.key for c, _ in changes}
        if error is not None:  # an ``unlinted`` marker was written for this error
            seen.add("unlinted")
        result.revisions.append(script.revision)
        for change, line in changes:
            content = index_only.get(change.table.lower()) if change.table else None
            if (
                content is not None
                and change.key.startswith("drop_table:")
                and (change.key not in markers)
            ):
                named = (content, _renamed_to(content, recording.operations))
                result.findings.append(_index_only(script.revision, path, change, named, line))
                continue
            result.findings.append(
                Finding(script.revision, path, change, markers.get(change.key), line)
            )
        marker_line = f"{path}:{_marker_line(script, marker)}"
        result.stale.extend((script.revision, marker_line, k) for k in markers if k not in seen)
    if owned and tables is not None:
        tables.close()
    return result


def _index_only(
    revision: str, path: str, change: Change, content: tuple[str, str], line: int
) -> Finding:
    """The drop of ``change.table``, an external content FTS table reading ``content`` (its
    name before the revision, and after: a revision that renames it), let through with why it
    loses nothing."""
    fts = change.table or ""
    before, after = content
    # Named as it is after the revision (stranger70 012: "collections, which stays", in the
    # revision that renames collections to draws).
    was = f" (named {before} before this revision)" if after != before else ""
    return Finding(
        revision,
        path,
        replace(change, message=f"drops the external content FTS table {fts}"),
        f"{fts} stores no rows of its own: they are the rows of {after}{was}, which stays; its "
        f"index is made again from {after} by {rebuild_statement(fts)} once {fts} is "
        "created anew",
        line,
        noted=True,
    )


def _renamed_to(table: str, operations: Sequence[tuple[Any, int]]) -> str:
    """The name ``table`` has after ``operations`` (a revision's, in order): its last
    ``op.rename_table``'s (SQLite matches names without regard to ASCII case)."""
    for operation, _ in operations:
        if (
            isinstance(operation, alembic_ops.RenameTableOp)
            and operation.table_name.lower() == table.lower()
        ):
            table = operation.new_table_name
    return table


# What a revision's own code raises whatever the database holds: it is broken, not destructive.
_BROKEN = (NameError, ImportError, SyntaxError)

_MOVES_ROWS = (alembic_ops.BulkInsertOp, alembic_ops.RenameTableOp)
# ``op.execute`` of schema statements only (CREATE TYPE, ALTER TABLE ... ENABLE ROW LEVEL
# SECURITY, CREATE POLICY) adds no row; any other statement, or one naming a word that reads
# or writes rows or renames, may.
_SCHEMA_ONLY = re.compile(r"\s*(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE)\b", re.IGNORECASE)
_ROW_WORDS = re.compile(
    r"\b(INSERT|UPDATE|MERGE|COPY|SELECT|VALUES|RENAME|CALL|DO|EXECUTE|REPLACE|INTO)\b",
    re.IGNORECASE,
)


def _moves_rows(operations: Sequence[tuple[Any, int]]) -> bool:
    """True when an operation may put rows into a table: rows inserted, a table renamed (its
    rows then live under another name), or SQL of its own that is not schema statements only."""
    for operation, _ in operations:
        if isinstance(operation, _MOVES_ROWS):
            return True
        if isinstance(operation, alembic_ops.ExecuteSQLOp):
            sql: Any = operation.sqltext
            text = sql if isinstance(sql, str) else getattr(sql, "text", None)
            if not isinstance(text, str) or not _SCHEMA_ONLY.match(text):
                return True
            if _ROW_WORDS.search(text):
                return True
    return False


def _drops_nothing(change: Change, rows: RowsProbe) -> bool:
    """A table or column dropped from a table that holds no rows (or does not exist yet)."""
    kind = change.key.split(":", 1)[0]
    return (
        kind in ("drop_table", "drop_column")
        and change.table is not None
        and (rows(change.table) is False)
    )


def _marker_line(script: Script, marker: str = MARKER) -> int:
    """The line of the ``marker`` assignment (1 when it cannot be found)."""
    try:
        lines = Path(script.path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    return next((n for n, text in enumerate(lines, 1) if re.match(rf"{marker}\s*[:=]", text)), 1)
