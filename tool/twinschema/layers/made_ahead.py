"""Objects made by hand ahead of a database's chain: a live database behind its chain holds a
table, column, index or named constraint that its chain does not have at the revision the
database is at, but that its metadata module (the chain's head) has under the same name. A
pending revision creating it fails there (``relation "ix" already exists``), so migrating alone
is no fix: the hint says to drop it first, or to stamp. Found by name, as the failing statement
finds it; all three schemas canonical, in the same logical names."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from twinschema.canonical.typemap_why import shown
from twinschema.model import Column, Schema, Table
from twinschema.records.domain import logical_spelled
from twinschema.sql_names import sql_name

# The named objects of a table, as messages name them, and the Table field holding them.
_NAMED: tuple[tuple[str, str], ...] = (
    ("index", "indexes"),
    ("UNIQUE", "uniques"),
    ("CHECK", "checks"),
    ("FOREIGN KEY", "foreign_keys"),
)


def _objects(schema: Schema) -> Iterator[tuple[str, str, str]]:
    """``(what, name, table)`` of every table, column and named object of ``schema``."""
    for table in schema.tables.values():
        yield "table", table.name, table.name
        for column in table.columns:
            yield "column", f"{table.name}.{column.name}", table.name
        yield from _named(table)


def _named(table: Table) -> Iterator[tuple[str, str, str]]:
    for what, field in _NAMED:
        for item in getattr(table, field):
            if item.name:
                yield what, item.name, table.name


def made_ahead(
    at_revision: Schema, live: Schema, head: Schema, renamed: Renames | None = None
) -> list[str]:
    """What ``live`` holds that its chain ``at_revision`` lacks and ``head`` has by the same
    name, each as "index ix_t_c on t" or "column t.c", sorted; a table counts once (not its
    columns and indexes again). ``renamed``: the chain's table renames: a table ``live`` holds
    under an earlier name of one ``head`` has is one a pending revision makes too (the
    baseline a pre-adoption device never ran creates it by that name, a later revision renames
    it), named "table tags (labels at head)" (stranger64)."""
    had = {(what, name) for what, name, _ in _objects(at_revision)}
    wanted = {(what, name) for what, name, _ in _objects(head)}
    new_tables = {
        name for what, name, _ in _objects(live) if what == "table" and (what, name) not in had
    }
    later = renamed.later if renamed is not None else {}
    found = []
    for what, name, table in _objects(live):
        spelled = logical_spelled(table) or table
        if what == "table" and (what, name) not in had and spelled in later:
            found.append(f"table {spelled} ({later[spelled][0]} at head)")
            continue
        if (what, name) in had or (what, name) not in wanted:
            continue
        if what != "table" and table in new_tables:
            continue
        found.append(f"{what} {name}" + ("" if what in ("table", "column") else f" on {table}"))
    return sorted(found)


@dataclass(frozen=True)
class Renames:
    """The chain's table renames as ``made_ahead`` reads them: each earlier name of a table
    ``head`` has -> (its name at head, its key in ``head``). A table renamed twice (``tags``
    -> ``labels`` -> ``categories``) has both earlier names."""

    later: Mapping[str, tuple[str, str]]

    @classmethod
    def of(cls, renamed: Sequence[tuple[str, str]], at_head: Mapping[str, str]) -> Renames:
        """``renamed``: the chain's ``(old, new)`` renames in order; ``at_head``: the name of
        each table of ``head`` in its dialect -> its key in ``head``."""
        step = dict(renamed)
        found: dict[str, tuple[str, str]] = {}
        for old in step:
            name, seen = old, set()
            while name in step and name not in seen:
                seen.add(name)
                name = step[name]
            if name in at_head and old not in at_head:
                found[old] = (name, at_head[name])
        return cls(found)


def to_stamp(at_revision: Schema, live: Schema, head: Schema) -> bool:
    """True when ``live`` holds every table, column, index and named constraint that ``head``
    has and its chain ``at_revision`` lacks (by name), a table or column among them: what the
    pending revisions make is there already, with data, so each of them fails (already exists)
    and the database is to be stamped, not migrated (stranger32 case 073: adopted without
    ``init --stamp``, at base, every table of the baseline there). Indexes and constraints
    alone are dropped first instead (``drop_first``): they lose nothing, and the revision makes
    them as it writes them."""
    had = {(what, name) for what, name, _ in _objects(at_revision)}
    pending = {(what, name) for what, name, _ in _objects(head)} - had
    held = {(what, name) for what, name, _ in _objects(live)}
    data = any(what in ("table", "column") for what, _ in pending)
    return data and pending <= held


def made_otherwise(live: Schema, built: Schema, made: Sequence[str]) -> list[str]:
    """Of ``made`` (as ``made_ahead`` names them), the tables and columns ``live`` holds
    otherwise than the chain builds them at its head (``built``), each as "column t.c is A
    there, B as the pending revisions make it": stamping records a revision as applied whose
    result is not there (stranger86 004: ``varchar(20) NOT NULL DEFAULT ''`` against ``text``
    NULL). Both schemas canonical, read from databases of one dialect; an index or constraint
    is not told apart here (``to_stamp`` leaves those to be dropped first)."""
    found = []
    for item in made:
        what, _, name = item.partition(" ")
        if what == "column":
            table, _, column = name.partition(".")
            mine, theirs = _column(live, table, column), _column(built, table, column)
            if mine is not None and theirs is not None and mine != theirs:
                found.append(
                    f"column {name} is {_spelled(mine)} there, {_spelled(theirs)} as the "
                    "pending revisions make it"
                )
        elif what == "table" and " " not in name:
            mine_t, theirs_t = live.tables.get(name), built.tables.get(name)
            if mine_t is not None and theirs_t is not None:
                found.extend(_columns_apart(name, mine_t, theirs_t))
    return found


def _column(schema: Schema, table: str, column: str) -> Column | None:
    held = schema.tables.get(table)
    return None if held is None else next((c for c in held.columns if c.name == column), None)


def _columns_apart(name: str, mine: Table, theirs: Table) -> list[str]:
    """How table ``name`` as held (``mine``) differs from it as built (``theirs``), by
    column: one each lacks, or one held otherwise."""
    held = {c.name: c for c in mine.columns}
    made = {c.name: c for c in theirs.columns}
    found = []
    for column in sorted(held.keys() | made.keys()):
        a, b = held.get(column), made.get(column)
        if a == b:
            continue
        there = "missing" if a is None else _spelled(a)
        wanted = "missing" if b is None else _spelled(b)
        found.append(
            f"column {name}.{column} is {there} there, {wanted} as the pending revisions make it"
        )
    return found


def _spelled(column: Column) -> str:
    """A column as a hint shows it: type, nullability, default (``text NULL``)."""
    default = column.raw_default or column.default
    return (
        shown(column.type)
        + (" NULL" if column.nullable else " NOT NULL")
        + (f" DEFAULT {default}" if default is not None else "")
    )


def alter_first(
    made: list[str], otherwise: list[str], migrate_command: str, stamp_command: str
) -> str:
    """What to do for a database behind its chain that holds by name all that the pending
    revisions make (``to_stamp``) but not all as they make it (``otherwise``, as
    ``made_otherwise`` says it): stamping would record a result that is not there, so it is
    altered to what they make first (stranger86 004)."""
    return (
        f"it holds by name all that the pending revisions make ({', '.join(made)}), but not as "
        f"they make it ({'; '.join(otherwise)}), so migrating fails (already exists) and "
        f"stamping would record what is not there: alter it to what they make, then record "
        f"them as applied with `{stamp_command}`; or, if it holds nothing you keep, drop it, "
        f"then migrate with `{migrate_command}`"
    )


def stamp_first(made: list[str], migrate_command: str, stamp_command: str) -> str:
    """What to do for a database behind its chain that already holds all that the pending
    revisions make (``to_stamp``), exactly as they make it (``made_otherwise`` finds nothing),
    ``made`` as ``made_ahead`` names it."""
    return (
        f"it already holds all that the pending revisions make ({', '.join(made)}), so "
        f"migrating fails (already exists): record them as applied with `{stamp_command}`; or, "
        f"if what is there was made by hand and holds nothing you keep, drop it, then migrate "
        f"with `{migrate_command}`"
    )


def drop_first(
    made: list[str],
    migrate_command: str,
    stamp_command: str,
    following: str = "head",
    before: str | None = None,
) -> str:
    """What to do, in order, for a database behind its chain that already holds ``made``: a
    pending revision creating one fails (already exists). Only ``following``, the revision that
    makes it, is offered to stamp (as ``migrate``'s failure offers it): stamping the head
    would skip the later revisions, which the database lacks (stranger61 007). ``before``: the
    command migrating to the revision before ``following`` where that is not the next one:
    stamping it first would skip the revisions between (stranger82 008)."""
    drops = [f"`DROP INDEX {sql_name(m.split()[1])}`" for m in made if m.startswith("index ")]
    how = f" ({'; '.join(drops)})" if drops and len(drops) == len(made) else ""
    return (
        "migrating fails where a pending revision creates what was made by hand "
        f"({', '.join(made)} already there): drop it first{how}, then migrate "
        f"with `{migrate_command}` (an index or constraint loses nothing: the revision makes "
        "it anew); or, if it holds data you keep "
        f"{_exactly(following, before is None)}, "
        + ("" if before is None else f"first migrate to the revision before it with `{before}`, ")
        + f"record {_it(following)} as applied with `{stamp_command}`"
        + ("" if following == "head" else ", then migrate again")
    )


def _exactly(following: str, next_one: bool = True) -> str:
    if following == "head":
        return "and is exactly what the pending revisions make"
    which = "the next one" if next_one else "a later one than the next"
    return f"and is exactly what revision {following}, {which}, makes (and it makes nothing else)"


def _it(following: str) -> str:
    return "them" if following == "head" else "it"
