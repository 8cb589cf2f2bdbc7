"""A rename in domain.yaml not migrated yet, said as one (stranger68 006).

A table (or column) keeps its logical name and gets another name in ``names:`` or ``name:``; the
metadata module, which spells every name through the domain, then has ``events`` where the
database, at its chain's head, still has ``match_events``: no revision renames it yet. The
comparer, which pairs by logical name, saw a table only the module has and another only the
database has, and the hints read as a hand edit: "exists only in the SQLite database ...
remove it from the SQLite database ... (this usually means someone changed it by hand)", a
hint to drop the table that holds the rows.

Where the database is at its chain's head and the name the database has is one the domain's
table (or column) had (its logical name, its name on another dialect, or a name a rename of the
chain gave it: ``chain_renames``), and only that one object may have had it, the two are one
``rename_pending`` difference: renamed in the module, not yet in the database, and the way out
is ``twinschema revision`` (which writes the rename, keeping the rows). Its sides are the two
physical names, in the message and in ``left``/``right`` alike. Near miss: a table only the
database has under a name no table of the domain had stays a table the module lacks (a hand
edit); so does one two tables may have had (nothing is guessed). A database behind its chain
whose pending revision makes the rename (the chain's history has it) gets the same one
difference, said as that: migrate it (stranger71 003: two one-sided objects, one "usually ...
changed by hand").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from twinschema.hints import BEHIND, REVISION_COMMAND
from twinschema.records import Difference, FixSide, FixSite, Side
from twinschema.records.dialects import CASE_INSENSITIVE_NAMES, fold_name
from twinschema.records.domain import Domain, logical_spelled

if TYPE_CHECKING:  # chain_renames imports Alembic: a check without a rename never does
    from twinschema.migrations.chain_renames import ColumnRenamed, Renamed

KIND = "rename_pending"


def pending_renames(
    found: Sequence[Difference],
    domain: Domain,
    dialect: str,
    history: tuple[Sequence[Renamed], Sequence[ColumnRenamed]],
    model: Side,
    database: Side,
) -> list[Difference]:
    """``found`` (a metadata module, left, against its database at its chain's head, right)
    with each table or column only the module has, and the one only the database has under a
    name it had before, made one ``rename_pending`` difference (see the module docstring);
    ``history``: the tables and columns the dialect's chain renamed."""
    key: Callable[[str], str] = fold_name if dialect in CASE_INSENSITIVE_NAMES else str
    tables, columns = history
    merged: dict[int, Difference | None] = {}
    for table, column in _groups(found):
        module_only = [d for d in found if _one_sided(d, table, column) == "left"]
        database_only = [d for d in found if _one_sided(d, table, column) == "right"]
        if not module_only or not database_only:
            continue
        held = {key(_physical(_name(d))): d for d in database_only}
        had: dict[str, frozenset[str]] = {}
        for d in module_only:
            names = _names(domain, dialect, d, tables, columns)
            if names is not None:
                had[_name(d)] = frozenset(key(n) for n in names[0]) - {key(names[1])}
        for logical, old in _paired(had, held).items():
            mine = next(d for d in module_only if _name(d) == logical)
            theirs = held[old]
            now = _names(domain, dialect, mine, tables, columns)
            assert now is not None
            within = domain.tables[mine.table or ""].physical(dialect)
            old_name = _physical(_name(theirs))
            merged[id(mine)] = _pending(mine, within, now[1], old_name, (model, database))
            merged[id(theirs)] = None
    out: list[Difference] = []
    for d in found:
        if id(d) not in merged:
            out.append(d)
        elif merged[id(d)] is not None:
            out.append(merged[id(d)])  # type: ignore[arg-type]
    return out


def _groups(found: Iterable[Difference]) -> list[tuple[str | None, bool]]:
    """The kinds of one-sided object among ``found``: tables (None, False), and the columns of
    each table (table, True)."""
    groups: dict[tuple[str | None, bool], None] = {}
    for d in found:
        if d.kind == "table_missing":
            groups[(None, False)] = None
        elif d.kind == "column_missing" and d.table is not None:
            groups[(d.table, True)] = None
    return list(groups)


def _one_sided(d: Difference, table: str | None, column: bool) -> str | None:
    """``left`` or ``right``: the side that alone has ``d``'s object, where ``d`` is a table
    (``column`` false) or a column of ``table`` on one side only; else None."""
    if column and (d.kind != "column_missing" or d.table != table):
        return None
    if not column and d.kind != "table_missing":
        return None
    if d.left is not None and d.right is None:
        return "left"
    if d.left is None and d.right is not None:
        return "right"
    return None


def _name(d: Difference) -> str:
    """The key of ``d``'s object: its column's where it is one, else its table's."""
    return (d.column if d.kind == "column_missing" else d.table) or ""


def _physical(name: str) -> str:
    """A source's name of an object, from its key (``as_logical``'s marker taken off)."""
    return logical_spelled(name) or name


def _names(
    domain: Domain,
    dialect: str,
    d: Difference,
    tables: Sequence[Renamed],
    columns: Sequence[ColumnRenamed],
) -> tuple[frozenset[str], str] | None:
    """The names the domain's object of ``d`` (a module-only table or column) may have had on
    ``dialect``, and its name there now; None when the domain has no such object."""
    from twinschema.migrations.chain_renames import names_had

    table = domain.tables.get(d.table or "")
    if table is None:
        return None
    table_had = names_had(frozenset({table.name, *table.names.values()}), tables)
    if d.kind == "table_missing":
        return table_had, table.physical(dialect)
    column = table.columns.get(d.column or "")
    if column is None:
        return None
    renamed = [(old, new) for t, old, new in columns if t in table_had]
    return names_had(frozenset({column.name, *column.names.values()}), renamed), column.physical(
        dialect
    )


def _paired(had: Mapping[str, frozenset[str]], held: Iterable[str]) -> dict[str, str]:
    """Each key of ``had`` (the module's object) to the one name of ``held`` (the database's)
    among the names it had, where no other object had that name too."""
    olds = {now: frozenset(h for h in held if h in names) for now, names in had.items()}
    claims = Counter(old for names in olds.values() for old in names)
    return {
        now: next(iter(names))
        for now, names in olds.items()
        if len(names) == 1 and claims[next(iter(names))] == 1
    }


def _pending(
    mine: Difference, table: str, now: str, old: str, sides: tuple[Side, Side]
) -> Difference:
    """The one difference of a rename not migrated: ``mine`` (the module's side; in ``table``,
    the module's name of its table) renamed from ``old`` (the database's name) to ``now``;
    ``sides``: the module and the database. Where the database is behind its chain, a revision
    it has not applied yet renames it (the chain's history has the rename): migrate it."""
    model, database = sides
    if mine.kind == "table_missing":
        what = f"table {now}" + (f" (domain: {mine.table})" if mine.table != now else "")
        step = f"op.rename_table({old!r}, {now!r})"
    else:
        logical = f"{mine.table}.{mine.column}"
        what = f"column {table}.{now}" + (
            f" (domain: {logical})" if logical != f"{table}.{now}" else ""
        )
        step = f"op.alter_column({table!r}, {old!r}, new_column_name={now!r})"
    message = (
        f"{what} is renamed from {old} in {model.label}, not yet in {database.named} (at "
        "its chain's head)"
    )
    hint = (
        f"renamed in the module, not yet in the database: write `{REVISION_COMMAND}` (it "
        f"writes {step}, which keeps the data), then migrate with it; do not remove {old} "
        "from the database: it holds the data"
    )
    if database.state == BEHIND:
        message = (
            f"{what} is renamed from {old} in {model.label} by a revision {database.named} has "
            "not applied yet (it is behind its chain)"
        )
        hint = (
            f"migrate {database.fix}: the pending revision renames {old} to {now}, keeping the "
            f"data; do not remove {old} from the database by hand, nor add {now}"
        )
    return Difference(
        layer=mine.layer,
        kind=KIND,
        table=mine.table,
        column=mine.column if mine.kind == "column_missing" else None,
        name=mine.name,
        left=now,
        right=old,
        message=message,
        hint=hint,
        left_source=mine.left_source,
        right_source=mine.right_source,
        fix=FixSite(side=FixSide.RIGHT, file=model.file),
    )
