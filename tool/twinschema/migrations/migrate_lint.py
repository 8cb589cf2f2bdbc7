"""The destructive-change lint as a step of a migration: run over the revisions about to be
applied, on the live rows; a refusal stops the migration before anything is applied."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic.script import Script

from twinschema.config import Config
from twinschema.errors import (
    TwinschemaError,
    UsageError,
)
from twinschema.migrations.migrate_chain import DOWNGRADE, UPGRADE, Target, revisions_text
from twinschema.migrations.migrate_errors import AlreadyThere, Refused
from twinschema.paths import shown
from twinschema.sql_names import sql_name
from twinschema.urls import first_line


def cause_of(exc: Exception, stamp: str | None = None, statements: Sequence[str] = ()) -> str:
    """What made a revision fail, in one line: the database's message, or the Python error's
    type and message; where the database has no object the revision names (PostgreSQL's
    undefined_object, SQLite's no such index), that it may have been renamed by hand; where it
    already has one the revision creates (PostgreSQL's duplicate_table, duplicate_column,
    duplicate_object; SQLite's "already exists", "duplicate column name"), either that an
    earlier statement of the same migration made it (``statements``: those run so far, the
    failing one last), or else that it may have been made by hand, and what to do (``stamp``:
    the command recording the failed revision as applied)."""
    if isinstance(exc, sa.exc.DBAPIError | TwinschemaError):
        if _names_a_missing_object(exc):
            return first_line(exc) + _RENAMED
        if _renames_a_missing_name(exc):
            return first_line(exc) + _RENAMED_AHEAD
        if _names_an_existing_object(exc):
            ran = statements[:-1] if isinstance(exc, sa.exc.DBAPIError) else statements
            earlier = made_earlier(first_line(exc), ran)
            if earlier is not None:
                return first_line(exc) + made_twice(earlier)
            return first_line(exc) + made_by_hand(stamp)
        nulls = _nulls_in(exc)
        if nulls is not None:
            return first_line(exc) + fill_nulls_first(*nulls)
        return first_line(exc)
    return f"{type(exc).__name__}: {first_line(exc)}".rstrip(": ")


def fill_nulls_first(table: str, column: str) -> str:
    """The hint of a revision failing to make ``table``.``column`` NOT NULL over rows that
    hold NULL there (stranger54 W4): fill them first, in the revision."""
    t, c = sql_name(table), sql_name(column)
    return (
        f" (rows of {table} hold NULL in {column}: fill them first, in the revision before the "
        f'change: op.execute("UPDATE {t} SET {c} = <value> WHERE {c} IS NULL"), with the value '
        "they should hold (the column's new server_default, if it has one), then migrate again)"
    )


# PostgreSQL's SET NOT NULL over NULLs (not_null_violation); a SQLite batch copy's INSERT into
# the new table, whose column is NOT NULL.
_NULLS_PG = re.compile(r'column "(.+)" of relation "(.+)" contains null values')
_NULLS_SQLITE = re.compile(r"NOT NULL constraint failed: _alembic_tmp_(.+)\.([^.]+)$")


def _nulls_in(exc: Exception) -> tuple[str, str] | None:
    """The table and column a revision's NOT NULL failed on over rows holding NULL, if so."""
    text = first_line(exc)
    found = _NULLS_PG.search(text)
    if found is not None:
        return found[2], found[1]
    found = _NULLS_SQLITE.search(text)
    return None if found is None else (found[1], found[2])


_RENAMED = (
    " (renamed by hand on this database? `twinschema check` names such an object in a "
    "`renamed` warning, with the statement that renames it back)"
)


# A revision renaming a column or a table that the database lacks: renamed already, by hand
# (stranger78 006; ``layers/renamed_ahead`` is what ``check`` says of it).
_RENAMED_AHEAD = (
    " (renamed by hand on this database ahead of this revision? `twinschema check` says so, "
    "with the statement that renames it back; the renamed column or table holds the data: do "
    "not drop it; rename it back, then migrate again)"
)
# The name a database says it lacks: PostgreSQL's undefined_column and undefined_table
# (``column "nickname" does not exist``), SQLite's ``no such column: "nickname"``.
_LACKED = re.compile(
    r'(?:column|relation) "([^"]+)" does not exist|no such (?:column|table): "?([^"\s]+)"?'
)


def _renames_a_missing_name(exc: Exception) -> bool:
    """True when a revision's statement renames (``RENAME [COLUMN] old TO``, ``ALTER TABLE old
    RENAME TO``) the column or table the database says it lacks; a statement that only reads
    or drops it (``SELECT nickname``) is not told so."""
    found = _LACKED.search(first_line(exc))
    statement = getattr(exc, "statement", None)
    if found is None or not isinstance(statement, str):
        return False
    name = re.escape((found.group(1) or found.group(2)).rsplit(".", 1)[-1])
    renames = re.compile(
        rf'\bRENAME\s+(?:COLUMN\s+)?"?{name}"?\s+TO\b'
        rf'|\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:"?\w+"?\.)?"?{name}"?\s+RENAME\s+TO\b',
        re.IGNORECASE,
    )
    return renames.search(statement) is not None


def made_by_hand(stamp: str | None) -> str:
    """The hint of a revision failing on an object the database already has: drop it (an
    index or a constraint loses nothing, the revision makes it again), or, for a table or
    column holding data that is exactly what the revision makes, record the revision as
    applied."""
    record = f"`{stamp}`" if stamp else "`twinschema stamp` that revision"
    return (
        " (made by hand on this database before its revision? drop it, then migrate again: "
        "the revision makes it anew; or, where it holds data you keep (a table, a column), is "
        f"exactly what the revision makes and the revision makes nothing else: {record}, then "
        "migrate again)"
    )


def made_twice(statement: str) -> str:
    """The hint of a revision failing on an object an earlier statement of the same migration
    made (stranger53 050: ``add_column`` of a column whose type makes a CHECK, then
    ``create_check_constraint`` of that CHECK): not made by hand, made twice."""
    shown_statement = " ".join(statement.split())
    if len(shown_statement) > 120:
        shown_statement = shown_statement[:117] + "..."
    return (
        f" (made earlier in this same migration, by `{shown_statement}`: the pending revisions "
        "make it twice; delete the later statement from its revision, then migrate again)"
    )


def made_earlier(message: str, statements: Sequence[str]) -> str | None:
    """The earliest of ``statements`` that creates the object an "already exists" ``message``
    names (PostgreSQL quotes the name first; SQLite's ``index ix already exists``, ``duplicate
    column name: c``), if one does; None otherwise (the object was there before)."""
    name = _existing_name(message)
    if name is None:
        return None
    # PostgreSQL names a column's or a constraint's table second: the statement must name it too.
    table = re.search(r'(?:of|for) relation "([^"]+)"', message)
    on = re.compile(rf'(?<![\w"])"?{re.escape(table.group(1))}"?(?![\w"])') if table else None
    creates = re.compile(
        r"(?:CREATE\s+(?:UNIQUE\s+)?(?:INDEX|TABLE|TYPE|SEQUENCE|VIEW)(?:\s+CONCURRENTLY)?"
        r"|ADD\s+CONSTRAINT|ADD\s+COLUMN)\s+(?:IF\s+NOT\s+EXISTS\s+)?"
        rf'(?:"?\w+"?\.)?"?{re.escape(name)}"?(?![\w"])',
        re.IGNORECASE,
    )
    return next((s for s in statements if creates.search(s) and (on is None or on.search(s))), None)


def _existing_name(message: str) -> str | None:
    quoted = re.search(r'"([^"]+)"', message)
    if quoted:
        return quoted.group(1)
    bare = re.search(
        r"(?:(?:index|table|trigger|view) (\S+) already exists|duplicate column name: (\S+))",
        message,
    )
    return None if bare is None else bare.group(1) or bare.group(2)


# PostgreSQL: duplicate_table (a table, an index: a relation), duplicate_column,
# duplicate_object (a constraint); SQLite's messages.
_EXISTING_CODES = frozenset({"42P07", "42701", "42710"})
_EXISTING_TEXT = ("already exists", "duplicate column name")


def _names_an_existing_object(exc: Exception) -> bool:
    if isinstance(exc, AlreadyThere):
        return True
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) in _EXISTING_CODES:
        return True
    return isinstance(exc, sa.exc.OperationalError) and any(
        text in str(orig) for text in _EXISTING_TEXT
    )


def _names_a_missing_object(exc: Exception) -> bool:
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) == "42704":  # undefined_object: an index, a constraint
        return True
    return isinstance(exc, sa.exc.OperationalError) and "no such index" in str(orig)


def lint_pending(
    config: Config,
    target: Target,
    connection: sa.Connection,
    pending: list[Script],
    say: Callable[[str], None],
    direction: str = UPGRADE,
) -> None:
    """The destructive-change lint over the revisions about to be applied (their ``upgrade()``,
    or for a downgrade their ``downgrade()``), on the live rows."""
    from twinschema.migrations import lint
    from twinschema.migrations.lint_fts import ChainTables

    schema = config.postgres_schema if target.dialect == "postgresql" else None
    folder = config.side(target.dialect).migrations
    chain = shown(folder, config.root) if folder else target.dialect
    down = direction == DOWNGRADE
    # The tables the pending revisions start from: this database's (its statements only).
    tables = ChainTables(connection) if target.dialect == "sqlite" else None
    try:
        result = lint.lint_scripts(
            pending,
            target.dialect,
            chain,
            config.root,
            lambda table: _has_rows(connection, table, schema),
            direction=direction,
            loses=(lambda change: _loses(connection, change, schema)) if down else None,
            tables=tables,
            generated=lambda table, column: _generated(connection, table, column, schema),
        )
    finally:
        if tables is not None:
            tables.close()
    marker = lint.DOWNGRADE_MARKER if down else lint.MARKER
    of = "the downgrade of revision" if down else "revision"
    for finding in result.findings:
        if finding.noted:
            say(
                f"note: {finding.where}: {of} {finding.revision} {finding.change.message}: "
                f"no data is lost ({finding.reason})"
            )
        elif not finding.refused:
            say(
                f"allowed: {finding.where}: {of} {finding.revision} {finding.change.message} "
                f"(reason: {finding.reason})"
            )
    broken = [f for f in result.refused if f.change.broken]
    for finding in result.refused:
        if finding.change.broken:
            say(f"refused: {finding.where}: {of} {finding.revision} {finding.change.message}")
            continue
        say(
            f"refused: {finding.where}: {of} {finding.revision} {finding.change.message}; "
            f'{finding.change.waiver}, add {marker} = {{"{finding.change.key}": "<why>"}}'
        )
    for revision, where, key in result.stale:
        say(f"refused: {where}: {of} {revision} allows {key!r}, but does no such thing")
    if broken:  # the revision must be fixed first: whatever else was refused is listed above
        first = broken[0]
        raise Refused(
            f"{target.label}: {of} {first.revision} cannot run ({first.where}: "
            f"{first.change.after}); fix the revision, then migrate again; nothing was applied"
        )
    if not result.ok:
        n = len(result.refused) + len(result.stale)
        what = f"{n} change(s) of the downgrade" if down else f"{n} change(s)"
        raise Refused(
            f"{target.label}: the destructive-change lint refused {what} "
            "(listed above); nothing was applied"
        )


def _has_rows(connection: sa.Connection, table: str, schema: str | None) -> bool | None:
    """Whether ``table`` holds a row on the live database; None when SQLite cannot read it (an
    external content FTS table whose content table is gone: ``no such table: main.gone``), so
    the lint treats it as one that may."""
    if not sa.inspect(connection).has_table(table, schema=schema):
        return False
    query = sa.select(sa.literal(1)).select_from(sa.table(table, schema=schema)).limit(1)
    if connection.dialect.name != "sqlite":  # a failed read would end PostgreSQL's transaction
        return connection.execute(query).first() is not None
    try:
        return connection.execute(query).first() is not None
    except sa.exc.OperationalError:
        return None


def _generated(connection: sa.Connection, table: str, column: str, schema: str | None) -> bool:
    """True for a column the live database generates (``GENERATED ALWAYS AS (...)``, STORED or
    VIRTUAL): its values are computed from other columns, so dropping it loses nothing, on an
    upgrade as on a downgrade (stranger44 011). The lint asks only of a column the revisions
    run before the drop have not made or changed (``lint_generated``)."""
    if connection.dialect.name == "sqlite":  # hidden: 2 VIRTUAL, 3 STORED generated columns
        row = connection.exec_driver_sql(
            "SELECT hidden FROM pragma_table_xinfo(?) WHERE name = ?", (table, column)
        ).first()
        return row is not None and row[0] in (2, 3)
    inspector = sa.inspect(connection)
    if not inspector.has_table(table, schema=schema):
        return False
    return any(
        c["name"] == column and c.get("computed") is not None
        for c in inspector.get_columns(table, schema)
    )


def _loses(connection: sa.Connection, change: Any, schema: str | None) -> bool | None:
    """Whether a downgrade's change would lose data on the live database: a dropped table with
    rows, a dropped or narrowed column holding a value (False when there is nothing to lose;
    None, i.e. refused unless allowed, for what cannot be told)."""
    key = change.key.split(":", 1)[0]
    if key == "drop_table" and change.table is not None:
        return _has_rows(connection, change.table, schema)
    if key not in ("drop_column", "narrow_type") or change.table is None or not change.column:
        return None
    inspector = sa.inspect(connection)
    if not inspector.has_table(change.table, schema=schema):
        return False
    if change.column not in {c["name"] for c in inspector.get_columns(change.table, schema)}:
        return False
    column: sa.ColumnClause[Any] = sa.column(change.column)
    query = (
        sa.select(sa.literal(1))
        .select_from(sa.table(change.table, column, schema=schema))
        .where(column.is_not(None))
        .limit(1)
    )
    return connection.execute(query).first() is not None


def refuse_downgrade(
    target: Target, before: tuple[str, ...], to: str, undone: list[Script]
) -> None:
    """A downgrade without ``--yes-downgrade``: one line naming what it would undo."""
    names = ", ".join(s.revision for s in undone)
    raise UsageError(
        f"{target.label}: is at {revisions_text(before)}; --to {to} is a downgrade: it would undo "
        f"{names} (running their downgrade()); pass --yes-downgrade to do it, or --dry-run to "
        "see its SQL"
    )
