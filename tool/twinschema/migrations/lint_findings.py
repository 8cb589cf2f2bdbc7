"""The lint's results: a ``Finding`` (a change refused, or let through with a reason), the
``ChainLint`` of one chain, and the findings let through with a note because the change loses
nothing (a generated column, an external content FTS table); ``lint`` makes them. An external
content FTS table a revision drops and makes again with no 'rebuild' after is refused instead:
its new index is empty (stranger78 007)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from alembic.operations import ops as alembic_ops

from twinschema.alembic_batch_fts import rebuild_statement, rebuilds
from twinschema.migrations.lint_classify import Change
from twinschema.migrations.lint_fts import Renumbered


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


def generated_noted(revision: str, path: str, change: Change, line: int) -> Finding:
    """The drop of ``change.column``, a column the chain generates there, let through with why
    it loses nothing (its message never says it drops "every value in it")."""
    column = f"{change.table}.{change.column}"
    return Finding(
        revision,
        path,
        replace(change, message=f"drops the generated column {column}"),
        f"{column} stores no value of its own: GENERATED ALWAYS AS computes it from the other "
        f"columns of {change.table}",
        line,
        noted=True,
    )


def index_only_noted(
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


def renamed_to(table: str, operations: Sequence[tuple[Any, int]]) -> str:
    """The name ``table`` has after ``operations`` (a revision's, in order): its last
    ``op.rename_table``'s (SQLite matches names without regard to ASCII case)."""
    for operation, _ in operations:
        if (
            isinstance(operation, alembic_ops.RenameTableOp)
            and operation.table_name.lower() == table.lower()
        ):
            table = operation.new_table_name
    return table


def remade_unrebuilt(fts: str, operations: Sequence[tuple[Any, int]], after: int) -> int | None:
    """The line of the last ``op.execute`` (of ``operations``, a revision's, after line
    ``after``: its drop of ``fts``) that makes the FTS table ``fts`` again with no 'rebuild'
    of it after; None when none does, or a 'rebuild' follows. Made again, an external content
    table's index is empty: SQLite fills it from the content table only on 'rebuild' (on 3.40,
    ``MATCH`` finds nothing until then; stranger78 007)."""
    made: int | None = None
    for operation, line in operations:
        if line < after or not isinstance(operation, alembic_ops.ExecuteSQLOp):
            continue
        sql: Any = operation.sqltext
        text = sql if isinstance(sql, str) else getattr(sql, "text", None)
        if not isinstance(text, str):
            continue
        created = CREATE_VIRTUAL.match(text)
        if created is not None and created.group("name").lower() == fts.lower():
            made = line
        elif made is not None and rebuilds(text) == fts.lower():
            made = None
    return made


# ``CREATE VIRTUAL TABLE [IF NOT EXISTS] [main.]name``, the name bare or quoted.
CREATE_VIRTUAL = re.compile(
    r"\s*CREATE\s+VIRTUAL\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:[\"`\[]?main[\"`\]]?\s*\.\s*)?"
    r"[\"`\[]?(?P<name>[\w$]+)",
    re.IGNORECASE,
)


def remade_refused(
    revision: str, path: str, change: Change, content: str, line: int, made: int
) -> Finding:
    """The drop of ``change.table``, an external content FTS table reading ``content``, that
    the revision makes again at line ``made`` with no 'rebuild' after: refused (its marker
    lets it through), saying the index is empty until the statement it names."""
    fts = change.table or ""
    statement = f'op.execute("{rebuild_statement(fts)}")'
    message = (
        f"drops the external content FTS table {fts} and makes it again without rebuilding "
        f"its index (line {made}): no row of {content} is lost, but {fts} finds nothing until "
        f"{rebuild_statement(fts)}; add {statement} after its CREATE VIRTUAL TABLE"
    )
    refused = replace(
        change,
        message=message,
        waiver="if its search may find nothing until it is rebuilt",
        keep=f"otherwise add {statement} after line {made}",
        fix=statement,
    )
    return Finding(revision, path, refused, None, line)
