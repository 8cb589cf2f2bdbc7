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
``drop_trigger:T.N`` copies ``T`` in a SQLite batch block, which drops its trigger ``N`` (SQLite
                     drops a table's triggers with it), and makes ``N`` nowhere after the block
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
from dataclasses import dataclass
from pathlib import Path

from alembic.script import Script

from twinschema.errors import UsageError
from twinschema.migrations.chain_renames import chain_scripts
from twinschema.migrations.lint_classify import (
    CHANGE_KEY,
    Change,
    RowsProbe,
    changes_of,
    drop_on_conflict,
    drop_trigger,
)
from twinschema.migrations.lint_findings import (
    ChainLint,
    Finding,
    generated_noted,
    index_only_noted,
    remade_refused,
    remade_unrebuilt,
    renamed_to,
)
from twinschema.migrations.lint_fts import ChainTables
from twinschema.migrations.lint_fts_made import made_unrebuilt
from twinschema.migrations.lint_generated import GeneratedColumns, LiveProbe
from twinschema.migrations.lint_record import Recording, record
from twinschema.migrations.lint_rows import drops_nothing, moves_rows
from twinschema.migrations.migrate_chain import DOWNGRADE, UPGRADE
from twinschema.paths import shown

# The lint's names and its parts' (lint_findings, chain_renames), importable from here as before.
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
                "narrow_type:T.C, add_not_null:T.C, drop_on_conflict:T, drop_trigger:T.N, unlinted"
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
    generated: LiveProbe | None = None,
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
    through with a note, not refused (stranger64). A column dropped while the chain generates
    it at that revision (``lint_generated``; ``generated`` answers for a column the run has not
    touched, from the database being migrated) holds no data of its own: let through with a
    note, upgrade or downgrade (stranger71 010)."""
    marker = DOWNGRADE_MARKER if direction == DOWNGRADE else MARKER
    owned = tables is None and dialect == "sqlite"
    run = _Run(
        ChainLint(dialect, chain),
        direction,
        rows,
        loses,
        ChainTables() if owned else tables,
        renumbering=fts and direction == UPGRADE,
        columns=GeneratedColumns(generated),
    )
    for script in scripts:
        path = shown(Path(script.path), root)
        markers = allow_markers(script, path, marker)
        if direction == UPGRADE:  # the downgrade's marker is used later; its form is checked now
            allow_markers(script, path, DOWNGRADE_MARKER)
        recording = record(script, dialect, direction)
        # Read before ``changes`` makes this revision's own tables.
        index_only = run.tables.index_only() if run.tables is not None else {}
        changes, notes = run.changes(script.revision, path, recording)
        run.add(script.revision, path, markers, recording, index_only, (changes, notes))
        marker_line = f"{path}:{_marker_line(script, marker)}"
        run.stale(script.revision, marker_line, markers, recording, changes)
    if owned and run.tables is not None:
        run.tables.close()
    return run.result


Found = list[tuple[Change, int]]  # changes of a revision, each with its line


@dataclass
class _Run:
    """The state of one ``lint_scripts`` run, carried from one revision to the next."""

    result: ChainLint
    direction: str
    rows: RowsProbe
    loses: Callable[[Change], bool | None] | None
    tables: ChainTables | None  # SQLite: the chain's tables as its revisions make them
    renumbering: bool  # report the batch blocks that renumber an FTS table's rowids
    columns: GeneratedColumns
    written: bool = False  # a revision run so far (this one included) may add or move rows

    def changes(self, revision: str, path: str, recording: Recording) -> tuple[Found, Found]:
        """The changes of a revision that may lose data, filtered (those the live database
        loses nothing by, drops from tables whose rows are all seen), with its broken or
        unlinted ``upgrade()``; and, apart, its drops of generated columns (let through with a
        note). Runs the revision on the chain's tables."""
        dialect, upgrade, tables = self.result.dialect, self.direction == UPGRADE, self.tables
        lost = tables.conflicts_copied(recording) if tables and upgrade else []
        triggers = tables.triggers_copied(recording) if tables and upgrade else []
        before = tables.present() if tables is not None else set()  # before its own tables
        if tables is not None:
            renumbered = tables.renumbered(revision, path, recording)
            if self.renumbering:
                self.result.renumbered.extend(renumbered)
        computed = self.columns.drops(recording.operations, dialect)
        changes = [
            c for c in changes_of(recording.operations, dialect, self.rows) if not c[0].lossless
        ]
        notes = [(c, line) for c, line in changes if (c.key, line) in computed]
        changes = [(c, line) for c, line in changes if (c.key, line) not in computed]
        changes.extend(
            (drop_on_conflict(table, found, types), line) for table, found, line, types in lost
        )
        changes.extend((drop_trigger(t, name, sql), line) for t, name, sql, line in triggers)
        if self.loses is not None:
            changes = [(c, line) for c, line in changes if self.loses(c) is not False]
        self.written = (
            self.written
            or recording.error is not None
            or moves_rows(recording.operations, self.rows)
        )
        if upgrade and not self.written:  # rows seen now are all the table will hold
            changes = [(c, line) for c, line in changes if not drops_nothing(c, self.rows)]
        if tables is not None:  # an FTS table made over an earlier revision's table, unrebuilt
            seen = self.rows if upgrade and not self.written else None
            changes.extend(made_unrebuilt(recording.operations, before, seen))
        stopped = _stopped(recording.error, self.direction)
        if stopped is not None:
            changes.append((stopped, recording.error_line))
        return changes, notes

    def add(
        self,
        revision: str,
        path: str,
        markers: dict[str, str],
        recording: Recording,
        index_only: dict[str, str],
        found: tuple[Found, Found],
    ) -> None:
        """A revision's findings: its ``changes`` (refused, allowed by ``markers``, or an
        external content FTS table of ``index_only`` let through) and its ``notes``."""
        changes, notes = found
        self.result.revisions.append(revision)
        for change, line in notes:
            if change.key in markers:
                self.result.findings.append(
                    Finding(revision, path, change, markers[change.key], line)
                )
            else:
                self.result.findings.append(generated_noted(revision, path, change, line))
        for change, line in changes:
            content = index_only.get(change.table.lower()) if change.table else None
            if (
                content is not None
                and change.key.startswith("drop_table:")
                and (change.key not in markers)
            ):
                named = (content, renamed_to(content, recording.operations))
                made = remade_unrebuilt(change.table or "", recording.operations, line)
                self.result.findings.append(
                    index_only_noted(revision, path, change, named, line)
                    if made is None
                    else remade_refused(revision, path, change, named[1], line, made)
                )
                continue
            self.result.findings.append(
                Finding(revision, path, change, markers.get(change.key), line)
            )

    def stale(
        self,
        revision: str,
        marker_line: str,
        markers: dict[str, str],
        recording: Recording,
        changes: Found,
    ) -> None:
        """The keys of ``markers`` no operation of the revision could match. Every operation a
        key could match counts, refused or not (a NOT NULL column added to an empty table is
        fine today, and the marker still means something)."""
        dialect = self.result.dialect
        seen = {c.key for c, _ in changes_of(recording.operations, dialect, lambda table: True)}
        seen |= {c.key for c, _ in changes}
        if recording.error is not None:  # an ``unlinted`` marker was written for this error
            seen.add("unlinted")
        self.result.stale.extend((revision, marker_line, k) for k in markers if k not in seen)


def _stopped(error: BaseException | None, direction: str) -> Change | None:
    """What a revision whose ``upgrade()`` (or ``downgrade()``) raised ``error`` when recorded
    has: ``broken`` (its own Python fails on any database) or ``unlinted`` (what it does after
    that point is not seen); None when it ran through."""
    if error is None:
        return None
    detail = f"{type(error).__name__}: {error}".splitlines()[0]
    if isinstance(error, _BROKEN):
        return Change(
            "broken",
            None,
            None,
            f"{direction}()",
            detail,
            f"{direction}() cannot run on any database ({detail}): the revision itself is "
            "broken (a name it uses is not defined or not imported?); fix the revision",
            broken=True,
        )
    return Change(
        "unlinted",
        None,
        None,
        f"{direction}()",
        "not linted",
        f"{direction}() cannot run in recording mode ({detail}), so what it does after "
        "that point is not linted",
    )


# What a revision's own code raises whatever the database holds: it is broken, not destructive.
_BROKEN = (NameError, ImportError, SyntaxError)


def _marker_line(script: Script, marker: str = MARKER) -> int:
    """The line of the ``marker`` assignment (1 when it cannot be found)."""
    try:
        lines = Path(script.path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    return next((n for n, text in enumerate(lines, 1) if re.match(rf"{marker}\s*[:=]", text)), 1)
