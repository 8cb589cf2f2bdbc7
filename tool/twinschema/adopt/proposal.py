"""The domain as data: which tables and columns pair, under which logical names and kinds."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from twinschema.adopt.kinds import Kind, shared_kind
from twinschema.adopt.naming import pair_names, snake_case
from twinschema.canonical.normalize import canonicalize
from twinschema.domain_yaml import MAX_NAME_BYTES, identifier_problem, physical_name_problem
from twinschema.model import (
    OBJECT_VIRTUAL_TABLE,
    Column,
    Schema,
    Table,
)
from twinschema.records import DIALECTS
from twinschema.records.domain import NameMap

SQLITE, POSTGRESQL = DIALECTS


@dataclass
class InitColumn:
    """A column of the domain to write."""

    name: str
    names: dict[str, str]
    kind: Kind | None = None


@dataclass
class InitTable:
    """A table of the domain to write, with the columns of one side that found no partner."""

    name: str
    names: dict[str, str]
    dialects: tuple[str, ...]
    columns: list[InitColumn] = field(default_factory=list)
    unpaired: list[str] = field(default_factory=list)  # "sqlite only: column album.Foo"
    # Columns found on one dialect only: (dialect, physical name), never declared by init.
    one_sided: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class InitTrigger:
    """A trigger to declare under ``triggers:``: its name, its table (logical name) and the
    dialects whose database has it. Declared for both dialects even when one lacks it, so that
    the missing one stays a reported difference until a person decides (stranger79 006)."""

    name: str
    table: str
    found: tuple[str, ...]
    # A SQLite virtual table the trigger writes into (an FTS index kept in step), which
    # PostgreSQL cannot have: declared SQLite-only at once, "" for any other trigger.
    virtual: str = ""
    # Its name on each dialect that spells it otherwise than ``name`` (``trigger_pairs``).
    names: dict[str, str] = field(default_factory=dict)


@dataclass
class Proposal:
    """What ``init`` found: the tables to write and everything it could not pair."""

    tables: list[InitTable]
    unpaired: list[str]  # one line each, e.g. "postgresql only: table audit_log"
    triggers: list[InitTrigger] = field(default_factory=list)
    paired_tables: int = 0
    paired_columns: int = 0
    stages: dict[str, int] = field(default_factory=dict)  # pairs per naming stage


def _representable(name: str) -> bool:
    """Whether domain.yaml can hold ``name`` as a database's spelling (under ``names``): every
    such name also gets a logical name (``logical_name``)."""
    return physical_name_problem(name, "") is None


def _fitted(name: str, room: int = 0) -> str:
    """``name`` cut (at a character) to leave ``room`` bytes of the longest name PostgreSQL
    keeps."""
    while len(name.encode("utf-8")) + room > MAX_NAME_BYTES:
        name = name[:-1]
    return name


def logical_name(physical: str, prefix: str) -> str:
    """The logical name init gives a table (``prefix`` ``t``) or column (``c``) a database
    spells ``physical``: its snake_case where that is a name domain.yaml takes as a key, else
    one made from it that is (stranger46 018: ``1st`` was left out, and check failed right
    after init): its ASCII letters, digits and ``_`` (any other run becomes one ``_``), after
    ``prefix_`` where it would start with a digit, or ``prefix`` alone where nothing is left:
    ``1st`` -> ``c_1st``, ``%`` -> ``c``. The database's spelling goes under ``names``."""
    snake = snake_case(physical)
    if identifier_problem(snake, "") is None:
        return snake
    base = re.sub(r"[^a-z0-9_]+", "_", physical.lower()).strip("_")
    if not base:
        return prefix
    return _fitted(f"{prefix}_{base}" if base[0].isdigit() else base)


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name_2``, ``name_3``... (shortened to fit) where ``taken`` holds it: the
    first free one, added to ``taken``, so that two logical names never meet in one mapping."""
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{_fitted(name, len(f'_{n}'))}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _logical_names(physical: Sequence[str], prefix: str) -> list[str]:
    """A distinct logical name for each of ``physical`` (in its order, by ``logical_name``): a
    name that is its own logical name keeps it, the others then take theirs, numbered where
    taken (``Order Date`` beside ``order_date`` is ``order_date_2``, ``1st`` beside ``c_1st``
    is ``c_1st_2``)."""
    wanted = [logical_name(name, prefix) for name in physical]
    taken = {w for name, w in zip(physical, wanted, strict=True) if name == w}
    return [
        w if name == w else unique_name(w, taken) for name, w in zip(physical, wanted, strict=True)
    ]


def _one_sided_table(only: str, name: str, sides: Mapping[str, Schema]) -> str:
    """The line for a table one dialect has, naming the other's virtual table of that name (a
    SQLite FTS table against PostgreSQL's plain table: the SQLite baseline makes it, a metadata
    module cannot hold it)."""
    line = f"{only} only: table {name}"
    for dialect, schema in sides.items():
        if dialect == only:
            continue
        for obj in schema.objects:
            if obj.kind == OBJECT_VIRTUAL_TABLE and obj.name.lower() == name.lower():
                line += (
                    f" ({dialect} has {obj.name} as a virtual table: its baseline creates it, "
                    "its metadata module cannot hold it)"
                )
    return line


def propose(sqlite: Schema, postgresql: Schema) -> Proposal:
    """Pair the tables and columns of two raw schemas (physical names) into a domain, then give
    each paired column the kind both sides agree on."""
    sides = {SQLITE: sqlite, POSTGRESQL: postgresql}
    proposal = Proposal(tables=[], unpaired=[])

    def count(stage: str) -> None:
        proposal.stages[stage] = proposal.stages.get(stage, 0) + 1

    def skip(dialect: str, name: str) -> bool:
        if _representable(name):
            return False
        proposal.unpaired.append(f"{dialect} table {name!r}: not a name domain.yaml can hold")
        return True

    tables = pair_names(sqlite.tables, postgresql.tables)
    entries: list[tuple[str | None, str | None]] = [(s, p) for s, p, _ in tables.pairs]
    entries += [(s, None) for s in tables.left_only] + [(None, p) for p in tables.right_only]
    for _, _, stage in tables.pairs:
        count(stage)
    kept = [
        (s_name, p_name)
        for s_name, p_name in entries
        if not any([skip(d, n) for d, n in ((SQLITE, s_name), (POSTGRESQL, p_name)) if n])
    ]
    logical_names = _logical_names([str(p if p is not None else s) for s, p in kept], "t")
    for (s_name, p_name), logical in zip(kept, logical_names, strict=True):
        physical = {d: n for d, n in ((SQLITE, s_name), (POSTGRESQL, p_name)) if n is not None}
        table = InitTable(logical, physical, tuple(physical))
        if len(physical) == 1:
            (only,) = physical
            proposal.unpaired.append(_one_sided_table(only, physical[only], sides))
            table.columns = [
                InitColumn(name, {only: c.name})
                for name, c in _logical_columns(sides[only].tables[physical[only]].columns)
            ]
        else:
            proposal.paired_tables += 1
            _pair_columns(
                table,
                sqlite.tables[physical[SQLITE]],
                postgresql.tables[physical[POSTGRESQL]],
                proposal,
                count,
            )
        if not table.columns:
            proposal.unpaired.append(
                f"table {logical}: no column could be paired, so it is left out"
            )
            continue
        proposal.tables.append(table)
    proposal.tables.sort(key=lambda t: t.name)
    _name_missing_sides(proposal)
    _add_kinds(proposal, sides)
    return proposal


def _name_missing_sides(proposal: Proposal) -> None:
    """Give a one-sided table a name on the dialect that lacks it, where its logical name is
    taken there (case-insensitively) by another table: the file declares every table for both
    dialects (see ``_one_sided_comment``), and two tables may not share a physical name."""
    taken = {d: {t.names[d].lower() for t in proposal.tables if d in t.names} for d in DIALECTS}
    for table in proposal.tables:
        for dialect in DIALECTS:
            if dialect not in table.names and table.name.lower() in taken[dialect]:
                table.names[dialect] = unique_name(table.name, taken[dialect])


def name_map(proposal: Proposal, dialect: str) -> NameMap:
    """Physical-to-logical names of ``dialect`` as the proposal would write them."""
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    for table in proposal.tables:
        if dialect not in table.dialects:  # not found there (its name is a placeholder)
            continue
        physical = table.names[dialect]
        tables[physical] = table.name
        for column in table.columns:
            columns[(physical, column.names[dialect])] = column.name
    return NameMap(tables, columns)


def _add_kinds(proposal: Proposal, raw: Mapping[str, Schema]) -> None:
    """Kinds are read on the schemas in logical names, exactly as ``diff --domain`` reads them
    (a CHECK names its column by the logical name once both are renamed)."""
    canonical = {d: canonicalize(schema, name_map(proposal, d)) for d, schema in raw.items()}
    for table in proposal.tables:
        if table.dialects != DIALECTS:
            continue
        st = canonical[SQLITE].tables[table.name]
        pt = canonical[POSTGRESQL].tables[table.name]
        for column in table.columns:
            sc, pc = st.column(column.name), pt.column(column.name)
            assert sc is not None and pc is not None  # both were paired by these names
            column.kind = shared_kind((st, sc), (pt, pc))


def _logical_columns(columns: Sequence[Column]) -> list[tuple[str, Column]]:
    kept = [c for c in columns if _representable(c.name)]
    return list(zip(_logical_names([c.name for c in kept], "c"), kept, strict=True))


def _pair_columns(
    table: InitTable,
    st: Table,
    pt: Table,
    proposal: Proposal,
    count: Callable[[str], None],
) -> None:
    scols, pcols = {c.name: c for c in st.columns}, {c.name: c for c in pt.columns}
    pairing = pair_names(scols, pcols)
    by_pg = {p: (s, stage) for s, p, stage in pairing.pairs}
    kept: list[tuple[str, str]] = []
    for p_name in pcols:  # in PostgreSQL's column order
        if p_name not in by_pg:
            continue
        s_name, stage = by_pg[p_name]
        if not (_representable(s_name) and _representable(p_name)):
            table.unpaired.append(f"column {table.name}.{p_name}: not a name domain.yaml can hold")
            continue
        count(stage)
        proposal.paired_columns += 1
        kept.append((s_name, p_name))
    logical = _logical_names([p_name for _, p_name in kept], "c")
    table.columns += [
        InitColumn(name, {SQLITE: s_name, POSTGRESQL: p_name})
        for name, (s_name, p_name) in zip(logical, kept, strict=True)
    ]
    for dialect, names in ((SQLITE, pairing.left_only), (POSTGRESQL, pairing.right_only)):
        for name in names:
            line = f"{dialect} only: column {table.name}.{name}"
            table.unpaired.append(line)
            table.one_sided.append((dialect, name))
            proposal.unpaired.append(line)
