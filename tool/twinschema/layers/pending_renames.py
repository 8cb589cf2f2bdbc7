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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from twinschema.canonical.normalize import canonicalize
from twinschema.compare import compare
from twinschema.hints import AT_HEAD, BEHIND, REVISION_COMMAND
from twinschema.model import Schema
from twinschema.records import Comparison, Difference, FixSide, FixSite, Side
from twinschema.records.dialects import name_key
from twinschema.records.domain import Domain, NameMap, logical_spelled

if TYPE_CHECKING:  # chain_renames imports Alembic: a check without a rename never does
    from twinschema.migrations.chain_renames import ColumnRenamed, Renamed

KIND = "rename_pending"

# The tables and the columns a dialect's chain renamed (``Sources.chain_history``).
History = tuple["Sequence[Renamed]", "Sequence[ColumnRenamed]"]


@dataclass(frozen=True)
class Pending:
    """One rename domain.yaml makes that the stale side (a database at its chain's head, or a
    chain's head) does not have yet: the module's object ``mine`` (a one-sided table or column
    difference) that the stale side holds as ``old``."""

    mine: Difference
    old: str  # the stale side's (physical) name of the object
    now: str  # the module's (physical) name of it
    within: str  # the module's name of its table (for a column)

    @property
    def column(self) -> str | None:
        """The logical column renamed, None for a table."""
        return self.mine.column if self.mine.kind == "column_missing" else None


def pending_pairs(
    found: Sequence[Difference],
    domain: Domain,
    dialect: str,
    history: History,
    module_on: str = "left",
) -> list[Pending]:
    """The renames of ``found`` (a metadata module, on side ``module_on``, against a stale side
    at its chain's head): each table or column only the module has, with the one only the
    stale side has under a name it had before (see the module docstring); ``history``: the
    tables and columns the dialect's chain renamed."""
    key = name_key(dialect)
    tables, columns = history
    out: list[Pending] = []
    for table, column in _groups(found):
        module_only = [d for d in found if _one_sided(d, table, column) == module_on]
        stale_only = [d for d in found if _one_sided(d, table, column) not in (None, module_on)]
        if not module_only or not stale_only:
            continue
        held = {key(_physical(_name(d))): d for d in stale_only}
        had: dict[str, frozenset[str]] = {}
        for d in module_only:
            names = _names(domain, dialect, d, tables, columns)
            if names is not None:
                had[_name(d)] = frozenset(key(n) for n in names[0]) - {key(names[1])}
        for logical, old in _paired(had, held).items():
            mine = next(d for d in module_only if _name(d) == logical)
            now = _names(domain, dialect, mine, tables, columns)
            assert now is not None
            within = domain.tables[mine.table or ""].physical(dialect)
            out.append(Pending(mine, _physical(_name(held[old])), now[1], within))
    return out


def one_sided_both_ways(found: Sequence[Difference]) -> bool:
    """Whether ``found`` has a table or column only one side has and one only the other has:
    what a rename not migrated yet looks like to the comparer (``pending_pairs``)."""
    sides = {
        d.left is None
        for d in found
        if d.kind in ("table_missing", "column_missing") and (d.left is None) != (d.right is None)
    }
    return sides == {True, False}


def chain_read_through(
    head: Side,
    model: Side,
    raw: Schema,
    domain: Domain,
    history: Callable[[], History],
) -> tuple[Side, Comparison, list[Difference]]:
    """A chain's head (``head``, ``raw`` as built) against its metadata module ``model`` (the
    migrations layer; the head left): the comparer's findings with the head read through the
    renames domain.yaml makes that no revision makes yet, the head so read, and one
    ``rename_pending`` each (stranger68: two one-sided tables before). ``history``: the
    chain's renames, read only where a rename may be pending."""
    layer = "migrations"
    comparison = compare(head, model, layer=layer, domain=domain)
    if not one_sided_both_ways(comparison.differences):
        return head, comparison, []

    def differ(side: Side) -> list[Difference]:
        return compare(side, model, layer=layer, domain=domain).differences

    where = (domain, history(), "right")
    through, pending = through_renames(comparison.differences, head, raw, where, differ)
    if not pending:
        return head, comparison, []
    chain = replace(head, role="chain")
    renamed = [rename_pending(p, model, chain) for p in pending]
    return through, compare(through, model, layer=layer, domain=domain), renamed


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


def rename_pending(pending: Pending, model: Side, stale: Side) -> Difference:
    """The one difference of a rename not migrated: the module's object (``pending.mine``;
    ``pending.within``, the module's name of its table) renamed from ``pending.old`` (the stale
    side's name) to ``pending.now``; ``model``: the module, ``stale``: the database at its
    chain's head or behind it (a revision it has not applied yet makes the rename: migrate it),
    or the chain's head (``role`` "chain"). Its ``left``/``right`` are the names
    as the comparison's sides hold them."""
    mine, table, now, old = pending.mine, pending.within, pending.now, pending.old
    if mine.kind == "table_missing":
        what = f"table {now}" + (f" (domain: {mine.table})" if mine.table != now else "")
        step = f"op.rename_table({old!r}, {now!r})"
    else:
        logical = f"{mine.table}.{mine.column}"
        what = f"column {table}.{now}" + (
            f" (domain: {logical})" if logical != f"{table}.{now}" else ""
        )
        step = f"op.alter_column({table!r}, {old!r}, new_column_name={now!r})"
    chain = stale.role == "chain"
    where = stale.named if chain else f"{stale.named} (at its chain's head)"
    module_left = mine.left is not None
    hint = (
        f"renamed in the module, not yet in {'its chain' if chain else 'the database'}: write "
        f"`{REVISION_COMMAND}` (it writes {step}, which keeps the data)"
    )
    if not chain:
        hint += f", then migrate with it; do not remove {old} from the database: it holds the data"
    message = f"{what} is renamed from {old} in {model.label}, not yet in {where}"
    if not chain and stale.state == BEHIND:  # stranger71 003: the chain makes it already
        message = (
            f"{what} is renamed from {old} in {model.label} by a revision {stale.named} has "
            "not applied yet (it is behind its chain)"
        )
        hint = (
            f"migrate {stale.fix}: the pending revision renames {old} to {now}, keeping the "
            f"data; do not remove {old} from the database by hand, nor add {now}"
        )
    return Difference(
        layer=mine.layer,
        kind=KIND,
        table=mine.table,
        column=pending.column,
        name=mine.name,
        left=now if module_left else old,
        right=old if module_left else now,
        message=message,
        hint=hint,
        left_source=mine.left_source,
        right_source=mine.right_source,
        fix=FixSite(
            side=FixSide.RIGHT if module_left else FixSide.LEFT,
            file=model.file if not chain else None,
        ),
    )


def read_through(domain: Domain, dialect: str, pending: Sequence[Pending]) -> NameMap:
    """``domain``'s names on ``dialect`` with each name the stale side still has for a
    ``pending`` rename read as the object the module renamed (stranger70 006): its table and
    the columns of a renamed table, or the column. The stale side's CHECKs, indexes and keys
    then read the module's object, so one that did not change is in sync, and one that did is
    one difference (with its witness), beside the one ``rename_pending``."""
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    old_table = {p.mine.table: p.old for p in pending if p.column is None}
    for p in pending:
        logical = p.mine.table or ""
        declared = domain.tables[logical]
        if p.column is None:
            tables[p.old] = logical
            for c in declared.columns.values():
                columns.setdefault((p.old, c.physical(dialect)), c.name)
    for p in pending:
        if p.column is not None:
            logical = p.mine.table or ""
            within = old_table.get(logical, domain.tables[logical].physical(dialect))
            columns[(within, p.old)] = p.column
    return domain.name_map(dialect).and_also(tables, columns)


def through_renames(
    found: Sequence[Difference],
    stale: Side,
    raw: Schema,
    where: tuple[Domain, History, str],
    differ: Callable[[Side], Sequence[Difference]],
) -> tuple[Side, list[Pending]]:
    """The stale side (``raw`` as read, ``stale`` its canonical side) read through the renames
    pending in ``found`` (its comparison with the module; ``where``: the domain, the chain's
    renames, the module's side), and those renames; ``stale`` and none where there are none.
    ``differ`` compares a stale side with the module again (the comparer alone): a column
    renamed in a table renamed too is seen once the table pairs."""
    domain, history, module_on = where
    pending: list[Pending] = []
    side = stale
    while True:
        seen = {(p.mine.table, p.column) for p in pending}
        found_now = pending_pairs(found, domain, raw.dialect, history, module_on)
        more = [p for p in found_now if (p.mine.table, p.column) not in seen]
        if not more:  # (one already read through and still one-sided: never read twice)
            return side, pending
        pending += more
        names = read_through(domain, raw.dialect, pending)
        side = replace(stale, schema=objects_through(canonicalize(raw, names), pending))
        found = differ(side)


def objects_through(schema: Schema, pending: Sequence[Pending]) -> Schema:
    """``schema`` with each object on a table a ``pending`` rename renames (a trigger, an FTS
    table's content table is not one: only ``table``) placed on the module's name of it, as
    ``read_through`` places the table's columns: a declared trigger is looked up on the
    module's table (stranger77 010: a SQLite trigger on ``note``, there, was "lacks it" while
    the rename to ``coach_note`` waited to be migrated). Its definition is kept as read."""
    key = name_key(schema.dialect)
    moved = {key(p.old): p.now for p in pending if p.column is None}
    if not moved:
        return schema
    objects = tuple(
        replace(o, table=moved[key(o.table)]) if o.table and key(o.table) in moved else o
        for o in schema.objects
    )
    return replace(schema, objects=objects)


def pair_rename_pending(
    pending: Pending, stale: Side, other: Side, domain: Domain, stale_left: bool
) -> Difference:
    """The live pair's one difference for a rename a revision ``stale`` (a database behind its
    chain) has not applied yet makes, where ``other`` (the pair's other database) has it: each
    side's physical name once, and the fix, to migrate ``stale`` (stranger73 003: the pair
    said one foreign key to the renamed table twice, one-sided, with hints to edit the other
    database, "revert the hand edit", and ``production (domain: production (logical name))``).
    ``stale_left``: whether ``stale`` is the pair's left side."""
    mine = pending.mine
    logical, column = mine.table or "", pending.column
    declared = domain.tables[logical]
    dialect = other.schema.dialect
    theirs = declared.physical(dialect)
    if column is None:
        what = f"the table domain.yaml calls {logical}"
        step = f"renames {pending.old} to {pending.now}"
    else:
        what = f"the column domain.yaml calls {logical}.{column}"
        theirs = declared.columns[column].physical(dialect)
        step = f"renames column {pending.within}.{pending.old} to {pending.now}"
    message = (
        f"{what} is {pending.old} in {stale.named} and {theirs} in {other.named}: a revision "
        f"{stale.named} has not applied yet {step} (it is behind its chain)"
    )
    untouched = (
        f"; {other.named} is at its chain's head: leave it as it is"
        if other.state == AT_HEAD
        else ""
    )
    hint = (
        f"migrate {stale.fix}: the pending revision {step}, keeping the data{untouched}; do not "
        f"remove {pending.old} from {stale.named} by hand, nor add {pending.now}"
    )
    sides = (pending.old, theirs) if stale_left else (theirs, pending.old)
    return Difference(
        layer="live",
        kind=KIND,
        table=logical,
        column=column,
        name=mine.name,
        left=sides[0],
        right=sides[1],
        message=message,
        hint=hint,
        fix=FixSite(side=FixSide.LEFT if stale_left else FixSide.RIGHT, file=stale.file),
    )
