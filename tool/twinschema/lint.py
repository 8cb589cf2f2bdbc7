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

import io
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

import sqlalchemy as sa
import sqlglot
from alembic.operations import BatchOperations, Operations
from alembic.operations import ops as alembic_ops
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlglot import exp

from twinschema.errors import UsageError
from twinschema.paths import shown
from twinschema.records import (
    SQLGLOT_DIALECTS,
    sqlalchemy_dialect,
)

LAYER = "lint"
KIND = "destructive_change"
MARKER = "allow_destructive"
# The marker of the downgrade path (``twinschema migrate --to REV --yes-downgrade``): the same
# keys, for what the revision's ``downgrade()`` may lose.
DOWNGRADE_MARKER = "allow_destructive_downgrade"
UPGRADE, DOWNGRADE = "upgrade", "downgrade"
ANY_DATABASE = "any database"

# The dialect names Alembic and sqlglot use for each of ours.
_ALEMBIC_DIALECT = {"sqlite": "sqlite", "postgresql": "postgresql"}
_SQLGLOT_DIALECT = SQLGLOT_DIALECTS

_KEY = re.compile(
    r"^(?:drop_table:[^.\s:]+|(?:drop_column|narrow_type|add_not_null):[^.\s:]+\.[^.\s:]+|unlinted)$"
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


@dataclass(frozen=True)
class Finding:
    """A change found in a revision: refused, or allowed with the revision's reason."""

    revision: str
    path: str
    change: Change
    reason: str | None = None  # the allow marker's reason; None: refused
    line: int = 1  # of the operation in the revision file

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

    @property
    def refused(self) -> list[Finding]:
        """The findings without an allow marker."""
        return [f for f in self.findings if f.refused]

    @property
    def ok(self) -> bool:
        """True when nothing is refused and no marker is stale."""
        return not self.refused and not self.stale


# ---------------------------------------------------------------------------------------------
# Recording mode


@dataclass
class _BatchTarget:
    """What ``BatchOperations`` needs of its impl to build operations: the table it alters."""

    table_name: str
    schema: str | None


@dataclass(frozen=True)
class Recording:
    """What a revision's ``upgrade()`` invoked, with the line of each call in the revision."""

    operations: list[tuple[Any, int]]
    error: BaseException | None = None  # what stopped upgrade() early, if anything
    error_line: int = 1


def record_upgrade(script: Script, dialect: str) -> Recording:
    """The operations ``script``'s ``upgrade()`` invokes, recorded without running them; and the
    exception that stopped it early, if any (operations up to that point are kept)."""
    return record(script, dialect, UPGRADE)


def record(script: Script, dialect: str, direction: str) -> Recording:
    """The operations ``script``'s ``upgrade()`` or ``downgrade()`` (``direction``) invokes,
    recorded as ``record_upgrade`` does."""
    context = MigrationContext.configure(
        dialect_name=_ALEMBIC_DIALECT[dialect],
        opts={"as_sql": True, "output_buffer": io.StringIO()},
    )
    recorded: list[tuple[Any, int]] = []
    source = os.path.realpath(script.path)

    def line_in_revision(frame: FrameType | None) -> int:
        found = 1
        while frame is not None:
            if os.path.realpath(frame.f_code.co_filename) == source:
                return frame.f_lineno
            frame = frame.f_back
        return found

    def invoke(operation: Any) -> Any:
        recorded.append((operation, line_in_revision(sys._getframe(1))))
        if isinstance(operation, alembic_ops.CreateTableOp):
            return operation.to_table(context)  # for op.bulk_insert(op.create_table(...), rows)
        return None

    @contextmanager
    def batch_alter_table(
        table_name: str, schema: str | None = None, **_: Any
    ) -> Iterator[BatchOperations]:
        batch = BatchOperations(context, impl=_BatchTarget(table_name, schema))  # type: ignore[arg-type]
        batch.invoke = invoke  # type: ignore[method-assign]
        yield batch

    operations = Operations(context)
    # Instance attributes shadow the methods; _install_proxy binds ``alembic.op`` to them.
    operations.invoke = invoke  # type: ignore[method-assign]
    operations.batch_alter_table = batch_alter_table  # type: ignore[method-assign,assignment]
    operations._install_proxy()
    try:
        getattr(script.module, direction)()
    except Exception as exc:  # the revision's own code: whatever it raises, report it
        lines = [
            tb.tb_lineno
            for tb in _tracebacks(exc.__traceback__)
            if os.path.realpath(tb.tb_frame.f_code.co_filename) == source
        ]
        return Recording(recorded, exc, lines[-1] if lines else 1)
    finally:
        operations._remove_proxy()
    return Recording(recorded)


def _tracebacks(tb: TracebackType | None) -> Iterator[TracebackType]:
    while tb is not None:
        yield tb
        tb = tb.tb_next


# ---------------------------------------------------------------------------------------------
# Classification


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


# Integer widths, by SQLAlchemy's generic type (checked most specific first).
_INTEGER_BYTES: tuple[tuple[type[sa.types.TypeEngine[Any]], int], ...] = (
    (sa.SmallInteger, 2),
    (sa.BigInteger, 8),
    (sa.Integer, 4),
)
_INTEGER_DIGITS = {2: 5, 4: 10, 8: 19}


def _family(type_: sa.types.TypeEngine[Any]) -> tuple[Any, ...]:
    """A type as (family, parameters): what narrowing is judged on."""
    if isinstance(type_, sa.Boolean):
        return ("boolean",)
    for cls, size in _INTEGER_BYTES:
        if isinstance(type_, cls):
            return ("integer", size)
    if isinstance(type_, sa.Float):
        return ("float", type_.precision)
    if isinstance(type_, sa.Numeric):
        return ("numeric", type_.precision, type_.scale)
    if isinstance(type_, sa.Enum):
        return ("enum", tuple(type_.enums))
    if isinstance(type_, sa.String):
        return ("string", type_.length)
    if isinstance(type_, sa.DateTime):
        return ("datetime", bool(type_.timezone))
    if isinstance(type_, sa.Date):
        return ("date",)
    return ("other", repr(type_))


def narrowing(before: sa.types.TypeEngine[Any], after: sa.types.TypeEngine[Any]) -> str | None:
    """Why changing ``before`` to ``after`` may lose values; None when every value fits."""
    old, new = _family(before), _family(after)
    if old == new:
        return None
    if new == ("string", None):
        return None  # every value has a text form
    kind = old[0]
    if kind != new[0]:
        widening = {
            ("boolean", "integer"),
            ("date", "datetime"),
        }
        if (kind, new[0]) in widening:
            return None
        if kind == "integer" and new[0] == "numeric":
            precision, scale = new[1], new[2] or 0
            if precision is None or precision - scale >= _INTEGER_DIGITS[old[1]]:
                return None
            return "not every integer fits in the new precision"
        if kind == "enum" and new[0] == "string":
            if new[1] >= max((len(v) for v in old[1]), default=0):
                return None
            return "the new length is shorter than the longest enum value"
        return "the lint cannot prove every old value converts"
    if kind == "string":
        if old[1] is None:
            return "an unbounded text becomes bounded"
        return "the new length is smaller" if new[1] < old[1] else None
    if kind == "integer":
        return "the new integer type is smaller" if new[1] < old[1] else None
    if kind == "numeric":
        (p, s), (p2, s2) = (old[1], old[2] or 0), (new[1], new[2] or 0)
        if p2 is None:
            return None  # numeric without a precision holds any value
        if p is None:
            return "an unbounded numeric becomes bounded"
        if s2 < s:
            return "the new scale is smaller (digits after the point are lost)"
        return "the new precision is smaller" if p2 - s2 < p - s else None
    if kind == "float":
        return "the new precision is smaller" if (new[1] or 53) < (old[1] or 53) else None
    if kind == "enum":
        lost = set(old[1]) - set(new[1])
        return f"values {sorted(lost)} are no longer allowed" if lost else None
    if kind == "datetime":
        return "the time zone is dropped" if old[1] and not new[1] else None
    return "the lint cannot prove every old value converts"


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
        key, table, column, old, new, f"narrows {table}.{column} from {old} to {new}: {why}"
    )


def _spell(type_: sa.types.TypeEngine[Any], dialect: str) -> str:
    """A type as its dialect writes it (``VARCHAR(20)``), or its repr when it cannot compile."""
    try:
        return str(type_.compile(dialect=_dialect(dialect)))
    except Exception:  # a type that does not compile for this dialect: still name it
        return repr(type_)


def _dialect(name: str) -> sa.engine.Dialect:
    return sqlalchemy_dialect(name)


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
        if not isinstance(key, str) or not _KEY.match(key):
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
) -> ChainLint:
    """Lint ``scripts`` of one chain, in the order they run: their ``upgrade()`` (allowed by
    ``allow_destructive``), or with ``direction="downgrade"`` their ``downgrade()`` (allowed by
    ``allow_destructive_downgrade``). ``rows`` as in ``changes_of``; ``loses``, when given, says
    whether a change would lose data on the live database (False: nothing to lose, e.g. a column
    dropped while it holds no value, and the change is let through)."""
    marker = DOWNGRADE_MARKER if direction == DOWNGRADE else MARKER
    result = ChainLint(dialect, chain)
    for script in scripts:
        path = shown(Path(script.path), root)
        markers = allow_markers(script, path, marker)
        if direction == UPGRADE:  # the downgrade's marker is used later; its form is checked now
            allow_markers(script, path, DOWNGRADE_MARKER)
        recording = record(script, dialect, direction)
        changes = changes_of(recording.operations, dialect, rows)
        if loses is not None:
            changes = [(c, line) for c, line in changes if loses(c) is not False]
        error = recording.error
        if error is not None:
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
        result.revisions.append(script.revision)
        for change, line in changes:
            result.findings.append(
                Finding(script.revision, path, change, markers.get(change.key), line)
            )
        marker_line = f"{path}:{_marker_line(script, marker)}"
        result.stale.extend((script.revision, marker_line, k) for k in markers if k not in seen)
    return result


def _marker_line(script: Script, marker: str = MARKER) -> int:
    """The line of the ``marker`` assignment (1 when it cannot be found)."""
    try:
        lines = Path(script.path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    return next((n for n, text in enumerate(lines, 1) if re.match(rf"{marker}\s*[:=]", text)), 1)


def chain_scripts(script_dir: ScriptDirectory) -> list[Script]:
    """Every revision of a chain, base first."""
    return list(reversed(list(script_dir.walk_revisions("base", "heads"))))
