"""Tables: which exist on one side only, and for a pair, which comparators run.

Each kind of object is compared in full only when the two sides hold different ones, so that
a schema of a thousand equal tables costs little.
"""

from __future__ import annotations

from twinschema.compare.checks import checks
from twinschema.compare.column_order import column_order
from twinschema.compare.column_renames import note_renames
from twinschema.compare.columns import compare_column
from twinschema.compare.common import (
    cols,
    same_items,
    spell,
)
from twinschema.compare.context import Context
from twinschema.compare.deferral import key_timing
from twinschema.compare.indexes import uniques_and_indexes
from twinschema.compare.invalid_indexes import invalid_indexes
from twinschema.compare.key_order import key_order
from twinschema.compare.keys import foreign_keys, refused_parents
from twinschema.compare.security import security
from twinschema.compare.sequence_set_back import set_back
from twinschema.compare.storage import conflict_clauses, storage, table_options
from twinschema.compare.unchecked_keys import unchecked_keys
from twinschema.model import (
    OBJECT_VIRTUAL_TABLE,
    Column,
    Table,
)
from twinschema.records import FixSide
from twinschema.records.domain import DomainColumn, logical_spelled


def tables(ctx: Context) -> None:
    """Every table of either side: a pair is compared, one side only is a difference
    (unless the domain declares the table for one dialect only)."""
    lt, rt = ctx.left.schema.tables, ctx.right.schema.tables
    ctx.result.tables = sorted(lt.keys() | rt.keys())
    for name in ctx.result.tables:
        left, right = lt.get(name), rt.get(name)
        if left is not None and right is not None:
            table(ctx, left, right)
        elif not _expected_absent(ctx, name, left is None):
            side = "left" if left is not None else "right"
            lacking = "right" if left is not None else "left"
            hint, drop_from = None, None
            excluded = _excluded_note(ctx, name, None, side)
            if excluded is not None:  # stranger60 030: there, though domain.yaml says not
                hint, drop_from = excluded[1], FixSide(side)
            if _virtual(ctx, name, lacking):  # adding it there would clash with that table
                dialect = (ctx.left if left is not None else ctx.right).schema.dialect
                hint = (
                    f"declare table {name} for {dialect} only in domain.yaml (dialects: "
                    f"[{dialect}]), or remove it from {ctx.label(side)}"
                )
                drop_from = FixSide(side)
            ctx.diff(
                "table_missing",
                name,
                None,
                name,
                name if left else None,
                name if right else None,
                f"table {_named(ctx, name, None, side)} exists only in {ctx.label(side)}"
                + _elsewhere(ctx, name, lacking)
                + _why(ctx, name, None, side, excluded),
                hint=hint,
                drop_from=drop_from,
            )


def _elsewhere(ctx: Context, table: str, side: str) -> str:
    """Where else the side that lacks ``table`` holds one: a virtual table of that name
    (stranger58 014: an FTS table was said to be missing), or another schema of its
    database."""
    found = ctx.left if side == "left" else ctx.right
    schema = found.schema
    if _virtual(ctx, table, side) and table in found.virtual:  # a metadata module's dialect
        return (
            f"; {found.virtual_in} has {table} as a virtual table, which {ctx.label(side)} "
            "cannot hold (a metadata module holds no virtual table)"
        )
    if _virtual(ctx, table, side):
        return (
            f"; {ctx.label(side)} has {table} as a virtual table, which is not compared with a "
            "table"
        )
    schemas = schema.elsewhere.get(table)
    if not schemas:
        return ""
    names = ", ".join(schemas)
    noun = "schema" if len(schemas) == 1 else "schemas"
    return f"; in {ctx.label(side)} it exists only in {noun} {names}, not in the schema compared"


def _virtual(ctx: Context, table: str, side: str) -> bool:
    """Whether ``side`` holds a virtual table named ``table``, or is a metadata module whose
    dialect's database does (``Side.virtual``: the module cannot hold it)."""
    found = ctx.left if side == "left" else ctx.right
    if table in found.virtual:
        return True
    return any(o.kind == OBJECT_VIRTUAL_TABLE and o.name == table for o in found.schema.objects)


def _expected_absent(ctx: Context, table: str, left_missing: bool) -> bool:
    """A table the domain declares for one dialect only is expected to be absent elsewhere,
    where the side that has it is of a dialect the domain declares it for."""
    if ctx.domain is None or table not in ctx.domain.tables:
        return False
    dialects = ctx.domain.tables[table].dialects
    missing, present = (ctx.left, ctx.right) if left_missing else (ctx.right, ctx.left)
    return missing.schema.dialect not in dialects and present.schema.dialect in dialects


def _column_expected_absent(ctx: Context, table: str, column: str, missing_left: bool) -> bool:
    """A column the domain declares for one dialect only is expected to be absent elsewhere,
    where the side that has it is of a dialect the domain declares it for."""
    missing, present = (ctx.left, ctx.right) if missing_left else (ctx.right, ctx.left)
    found = _declared_column(ctx, table, column, "right" if missing_left else "left")
    if found is None:
        return False
    return missing.schema.dialect not in found.dialects and present.schema.dialect in found.dialects


def _declared_column(ctx: Context, table: str, column: str, side: str) -> DomainColumn | None:
    """The domain's column that ``side`` names ``column`` (by its dialect's rule for names)."""
    if ctx.domain is None:
        return None
    dialect = (ctx.left if side == "left" else ctx.right).schema.dialect
    return ctx.domain.declared_column(table, column, dialect)


def _excluded_note(
    ctx: Context, table: str, column: str | None, side: str
) -> tuple[str, str] | None:
    """For a table (or ``column`` of it) on ``side`` only, whose dialect domain.yaml does not
    declare it for (stranger60 030: a column declared for the server only, still NOT NULL on
    the device file, which every insert through its module then fails on): what the message
    adds and the hint. None when the domain declares it for that side's dialect."""
    if ctx.domain is None:
        return None
    found = _declared_column(ctx, table, column, side) if column else ctx.domain.tables.get(table)
    held = ctx.left if side == "left" else ctx.right
    if found is None or held.schema.dialect in found.dialects:
        return None
    what = f"column {table}.{found.name}" if column else f"table {table}"
    only = ", ".join(found.dialects)
    note = f"; {ctx.domain.path} declares {what} for {only} only (line {found.line})"
    removal = (
        f"drop it from {ctx.label(side)} with a revision (`twinschema revision` writes it where "
        "the metadata module lacks it), then migrate"
        if held.role == "database"
        else f"remove it from {held.fix}"
    )
    hint = (
        f"{removal}; or declare it for {held.schema.dialect} too in {ctx.domain.path} "
        f"(dialects: on line {found.line})"
    )
    return note, hint


def _named(ctx: Context, table: str, column: str | None, side: str) -> str:
    """``table`` (or ``table.column``, logical names) on ``side`` only, as a message names it:
    by the names ``side``'s database or module gives them where domain.yaml renamed the table or
    the column there, the logical name after (``depots.notes (domain: sites.notes)``: the table
    ``depots`` is what a person queries; stranger67 011), as the other messages do
    (``Context.shown``). One side holds the object, so its own name is known even where each
    side names the table its own way. A key spelled as a logical name that is not that object
    (``nickname (logical name)``) is named as it is: its note says whose name it is."""
    logical = f"{table}.{column}" if column else table
    held = (ctx.left if side == "left" else ctx.right).schema.tables.get(table)
    if held is None or logical_spelled(column or table) is not None:
        return logical
    own = held.physical or held.name
    if column is not None:
        found = held.column(column)
        own = f"{own}.{found.own_name if found is not None else column}"
    return logical if own == logical else f"{own} (domain: {logical})"


def _why(
    ctx: Context,
    table: str,
    column: str | None,
    side: str,
    excluded: tuple[str, str] | None,
) -> str:
    """What the message of a table or column on ``side`` only adds: that domain.yaml declares
    it for the other dialect only, or that its name there is a logical name whose own object
    the domain names otherwise (``Domain.spelled_as_logical``: stranger60 017, 018, 021)."""
    if excluded is not None:
        return excluded[0]
    if ctx.domain is None:
        return ""
    dialect = (ctx.left if side == "left" else ctx.right).schema.dialect
    note = ctx.domain.spelled_as_logical(table, column, dialect)
    return f"; {note}" if note else ""


def table(ctx: Context, left: Table, right: Table) -> None:
    """Compare two tables of one name: their columns, primary key, and each kind of object
    the two sides hold differently."""
    column_order(ctx, left, right)
    consumed = _columns(ctx, left, right)
    note_renames(ctx, left, right)
    _primary_key(ctx, left, right)
    # Each kind of object is compared in full only when the two sides hold different ones
    # (equality ignores names and spellings, as the full comparison does).
    _keys(ctx, left, right)
    _checks_and_options(ctx, left, right, consumed)


def _columns(ctx: Context, left: Table, right: Table) -> set[int]:
    """Each column pair compared (one on a side only is missing on the other); the CHECKs the
    column comparisons accounted for, which the CHECK comparison then leaves."""
    consumed: set[int] = set()
    unmatched = {c.name: c for c in right.columns}
    settled = ctx.pairing.equal_columns_settled
    for lc in left.columns:
        rc = unmatched.pop(lc.name, None)
        if rc is None:
            column_missing(ctx, left.name, lc, None)
            continue
        if settled and lc == rc and lc.raw_default == rc.raw_default and not set_back(lc, rc):
            continue
        accounted = compare_column(ctx, left, right, lc, rc)
        if accounted:
            consumed.update(accounted)
    for rc in unmatched.values():
        column_missing(ctx, left.name, None, rc)
    return consumed


def _primary_key(ctx: Context, left: Table, right: Table) -> None:
    """The primary keys: on the same columns, whether both are checked at the same time; the
    same columns in another order are the same key (only its index's order differs), other
    columns a difference."""
    lpk, rpk = left.primary_key, right.primary_key
    if lpk and sorted(lpk) == sorted(rpk):
        key_timing(ctx, left, right)
    if lpk != rpk and sorted(lpk) == sorted(rpk):
        # The same columns in another order: the key rejects the same rows (and a foreign key
        # may reference them in any order on both dialects); only its index's order differs.
        ctx.same(
            left.name,
            None,
            "primary key column order",
            f"PRIMARY KEY ({cols(lpk)})",
            f"PRIMARY KEY ({cols(rpk)})",
        )
    elif lpk != rpk:
        ctx.diff(
            "primary_key",
            left.name,
            None,
            None,
            cols(lpk) or None,
            cols(rpk) or None,
            f"primary key of {ctx.table_shown(left.name)} differs",
        )


def _keys(ctx: Context, left: Table, right: Table) -> None:
    """Foreign keys (their actions, order, parents and checks), unique keys and indexes."""
    both_fks = (*left.foreign_keys, *right.foreign_keys)
    if ctx.pairing.key_actions_at_each_row is not None or not same_items(
        left.foreign_keys, right.foreign_keys
    ):  # equal self-referencing keys may still act at different times
        foreign_keys(ctx, left, right)
    if any(fk.parent_refused for fk in both_fks):
        refused_parents(ctx, left, right)
    if len(left.foreign_keys) > 1 and len(right.foreign_keys) > 1:
        key_order(ctx, left, right)  # keys that reach one child row act in turn
    if any(fk.off_child or fk.off_parent for fk in both_fks):
        unchecked_keys(ctx, left, right)
    if not (same_items(left.uniques, right.uniques) and same_items(left.indexes, right.indexes)):
        uniques_and_indexes(ctx, left, right)
    if left.invalid_indexes or right.invalid_indexes:
        invalid_indexes(ctx, left, right)


def _checks_and_options(ctx: Context, left: Table, right: Table, consumed: set[int]) -> None:
    """CHECKs (but those ``consumed`` by a column's comparison), row security, table options,
    conflict clauses and storage."""
    if (
        consumed
        or not same_items(left.checks, right.checks)
        or (ctx.pairing.checks_across and left.checks)
        or [c.raw for c in left.checks] != [c.raw for c in right.checks]
    ):
        checks(ctx, left, right, consumed)
    if (
        left.row_level_security
        or right.row_level_security
        or left.force_row_level_security
        or right.force_row_level_security
        or left.policies
        or right.policies
    ):
        security(ctx, left, right)
    if left.options != right.options and ctx.pairing.options_compared:
        table_options(ctx, left, right)
    if left.conflict_clauses != right.conflict_clauses:
        conflict_clauses(ctx, left, right)
    if (left.unlogged, left.partitioned) != (right.unlogged, right.partitioned):
        storage(ctx, left, right)


def column_missing(ctx: Context, table: str, lc: Column | None, rc: Column | None) -> None:
    """A column on one side only (none when the domain declares it for that side's dialect
    only: ``dialects:`` on the column)."""
    name = lc.name if lc is not None else rc.name if rc is not None else ""
    side = "left" if lc is not None else "right"
    if _column_expected_absent(ctx, table, name, missing_left=lc is None):
        return
    excluded = _excluded_note(ctx, table, name, side)
    ctx.diff(
        "column_missing",
        table,
        name,
        name,
        spell(lc),
        spell(rc),
        f"column {_named(ctx, table, name, side)} exists only in {ctx.label(side)}"
        + _why(ctx, table, name, side, excluded),
        hint=excluded[1] if excluded is not None else None,
        drop_from=FixSide(side) if excluded is not None else None,
    )
