"""The domain as plain data: tables, columns, logical kinds, names per dialect, declared views
and triggers, and the reasoned differences (allowances) between the two dialects.

What ``domain.yaml`` says, as the core (normalize, compare, the layers) takes it: records and
name maps, nothing that reads a file or raises for a typo. Reading the file is
``twinschema.domain_load``'s; attribute access for application code (``names("sqlite").users.id``,
``values()``) is ``twinschema.domain_model``'s."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from twinschema.records.dialects import (
    CASE_INSENSITIVE_NAMES,
    DIALECT_NAMES,
    DIALECTS,
    fold_name,
)
from twinschema.records.kinds import Storage
from twinschema.sql_expression import closing_paren

# The key of an allowance in ``domain.yaml`` that pins, per dialect, what each side shows of
# the difference it allows (``Allowance.sides``), by the difference's kind: a type (stranger65
# 002), a CHECK's expression, a nullability (stranger68 003: an allowance keyed on one side
# alone allowed whatever the other side became later).
PIN_KEYS: Mapping[str, str] = MappingProxyType(
    {"column_type": "types", "check": "checks", "column_nullable": "nullable"}
)

# The key that pins what each side shows for an allowance of any kind ``PINNABLE_KINDS``
# names (those of ``PIN_KEYS`` may write their own key instead): one mechanism for all. A
# ``{kind: foreign_key}`` by its table alone allowed a key made CASCADE later, and another key
# of the table losing DEFERRABLE; ``{kind: enum}`` an enum that gained a label; ``{kind:
# column_generated}`` an expression changed tenfold (stranger71 011).
SIDES_KEY = "sides"

# The kinds whose difference shows a text on each side (or on the one side that has the
# object) an allowance can pin. Not a table or a column on one side only (the name is all
# there is), nor a value warning, a column order, a flag or a server-only object by its name.
PINNABLE_KINDS = frozenset(
    {
        *PIN_KEYS,
        "column_default",
        "column_generated",
        "primary_key",
        "foreign_key",
        "unique",
        "index",
        "enum",
        "view",
    }
)


def pin_key(kind: str) -> str | None:
    """The key an allowance of ``kind`` pins each side by as hints write it (``types:``,
    ``checks:``, ``nullable:`` for their kinds, ``sides:`` for the other ``PINNABLE_KINDS``),
    None for a kind that pins nothing."""
    if kind not in PINNABLE_KINDS:
        return None
    return PIN_KEYS.get(kind, SIDES_KEY)


@dataclass(frozen=True)
class Allowance:
    """A declared, reasoned difference between the dialects that is not drift."""

    table: str
    kind: str
    reason: str
    dialect: str | None = None
    column: str | None = None
    name: str | None = None
    line: int = 0
    # Its place in the table's ``allow:`` list, from 1: a flow-style list holds several on a line.
    position: int = 0
    # A CHECK named on neither side, by its expression as the report shows it (``check:``).
    check: str | None = None
    # What each side shows of the difference allowed, per dialect, as the report shows it
    # (``PIN_KEYS``: ``types:``, ``checks:``, ``nullable:``): it allows that difference only,
    # so that a later change of either side is reported (stranger65 002, stranger68 003).
    sides: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """The allowance as people read it in a report: ``index profiles.ix_gin (postgresql)``."""
        where = self.table + (f".{self.column}" if self.column else "")
        what = (
            f" {self.name}" if self.name and (self.kind, self.name) != ("view", self.table) else ""
        )
        if self.check:
            what += f" CHECK ({check_text(self.check)})"
        if self.sides:
            what += " (" + " vs ".join(f"{d}: {t}" for d, t in self.sides) + ")"
        only = f" ({self.dialect} only)" if self.dialect else ""
        return f"{self.kind} {where}{what}{only}"


@dataclass(frozen=True)
class DomainColumn:
    """A logical column: its physical name per dialect and its declared kind, if any."""

    name: str
    names: Mapping[str, str]
    kind: str | None = None
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    values: tuple[str, ...] | None = None
    line: int = 0
    # An extension kind (vector, geometry): its parameters and how SQLite stores it.
    storage: Storage | None = None
    # The dialects that have the column (``dialects:``): absent elsewhere, it is no difference.
    dialects: tuple[str, ...] = DIALECTS

    def physical(self, dialect: str) -> str:
        """The column's name in ``dialect``."""
        return self.names[dialect]


@dataclass(frozen=True)
class DomainTable:
    """A logical table: physical names per dialect, its columns, dialects and allowances."""

    name: str
    names: Mapping[str, str]
    columns: Mapping[str, DomainColumn]
    dialects: tuple[str, ...] = DIALECTS
    allow: tuple[Allowance, ...] = ()
    line: int = 0

    def physical(self, dialect: str) -> str:
        """The table's name in ``dialect``."""
        return self.names[dialect]


@dataclass(frozen=True)
class DeclaredObject:
    """A view or trigger ``domain.yaml`` declares: it must exist on each dialect it names.

    Views and triggers are compared by definition only within one dialect (their SQL is each
    dialect's own); across dialects, a declaration is how a person says one must exist.
    """

    kind: str  # "view" or "trigger"
    name: str
    dialects: tuple[str, ...] = DIALECTS
    table: str | None = None  # a trigger's table, by logical name
    line: int = 0
    # A trigger's name on a dialect that spells it otherwise (``names:``); else ``name``.
    names: Mapping[str, str] = field(default_factory=dict)
    # A ``dialects:`` line commented out in it (init's, for an object found on one side
    # only): its dialects and line, the one-line fix a hint names (stranger81 007).
    commented: tuple[str, ...] = ()
    commented_line: int = 0

    def physical(self, dialect: str) -> str:
        """Its name in ``dialect``: a trigger may be spelled otherwise per side (SQLite's
        ``trg_stock_after_insert``, PostgreSQL's ``stock_after_insert_trg``)."""
        return self.names.get(dialect, self.name)


@dataclass(frozen=True)
class Domain:
    """What ``domain.yaml`` declares, as plain data (``domain_model.Domain``, what the loader
    returns, adds attribute access for application code)."""

    version: int
    tables: Mapping[str, DomainTable]
    path: str = "domain.yaml"
    objects: tuple[DeclaredObject, ...] = ()  # declared views and triggers, in file order
    # The allowances of ``views: V: allow:`` (``{kind: view, reason: ...}``), in file order:
    # each's ``table`` and ``name`` are the view's (a view difference's table is its view).
    view_allow: tuple[Allowance, ...] = ()

    def allowances(self) -> Iterator[Allowance]:
        """Every allowance of every table, then of every view, in file order."""
        for table in self.tables.values():
            yield from table.allow
        yield from self.view_allow

    def view_allowances(self, view: str) -> tuple[Allowance, ...]:
        """The allowances ``views: {view: {allow: ...}}`` declares (a view's differences are
        allowed there, not in a table's ``allow:``: a view is on no one table)."""
        return tuple(a for a in self.view_allow if a.table == view)

    def name_map(self, dialect: str) -> NameMap:
        """Physical-to-logical names for ``dialect``: what sources use to speak in domain names.
        A table declared for the other dialect only is mapped too (after the tables of
        ``dialect``, whose names win), so that one its database still holds is reported under
        its logical name."""
        tables: dict[str, str] = {}
        columns: dict[tuple[str, str], str] = {}
        storages: dict[tuple[str, str], Storage] = {}
        ordered = sorted(self.tables.values(), key=lambda t: dialect not in t.dialects)
        for table in ordered:
            physical = table.physical(dialect)
            if physical in tables:  # an excluded table's name another table of dialect uses
                continue
            tables[physical] = table.name
            for column in table.columns.values():
                columns[(physical, column.physical(dialect))] = column.name
                if column.storage is not None:
                    storages[(table.name, column.name)] = column.storage
        return NameMap(tables, columns, storages, dialect in CASE_INSENSITIVE_NAMES)

    def declared_column(self, table: str, column: str, dialect: str) -> DomainColumn | None:
        """The column of logical table ``table`` that a source of ``dialect`` names ``column``
        (a name its ``NameMap`` left as it is): on a dialect that matches names without regard
        to ASCII case, any spelling of the logical name (a SQLite ``Push_Token`` is
        ``push_token``, as SQLite takes it: stranger62 004). None when there is none."""
        declared = self.tables.get(table)
        if declared is None:
            return None
        found = declared.columns.get(column)
        if found is not None or dialect not in CASE_INSENSITIVE_NAMES:
            return found
        key = fold_name(column)
        matches = [c for c in declared.columns.values() if fold_name(c.name) == key]
        return matches[0] if len(matches) == 1 else None

    def spelled_as_logical(self, table: str, column: str | None, dialect: str) -> str | None:
        """Why a name ``as_logical`` keyed (``table``, or ``column`` of ``table``) is not the
        object domain.yaml names so: its name on ``dialect`` is another (stranger60 017, 018,
        021: a rename in domain.yaml not migrated, or a database's object renamed back by hand).
        None when ``column`` (or ``table``, without one) is no such key."""
        name = column if column is not None else table
        physical = logical_spelled(name)
        if physical is None:
            return None
        if column is None:
            declared: DomainTable | DomainColumn | None = self.tables.get(physical)
            what, noun = f"table {physical}", "table"
        else:
            found = self.tables.get(logical_spelled(table) or table)
            declared = found.columns.get(physical) if found is not None else None
            what, noun = f"column {table}.{physical}", "column"
        if declared is None:
            return None
        return (
            f"{physical} is the logical name of {what} in {self.path}, whose "
            f"{DIALECT_NAMES[dialect]} name is {declared.physical(dialect)}: a {noun} so named "
            "is not that one (a rename in domain.yaml not migrated yet, or one undone by hand?)"
        )


# The key of a source's table or column spelled as a logical name of domain.yaml that the
# domain gives another name in that source's dialect: not that logical object, so never paired
# with it (stranger60 017: a module renamed ``display_name`` to ``full_name`` while both
# databases still had ``display_name``, and every layer was in sync). No logical name holds a
# space or parentheses (``domain.schema.json``), so the key is never one.
_AS_LOGICAL = " (logical name)"


def as_logical(name: str) -> str:
    """The key of a physical ``name`` spelled as a logical name that is not its own."""
    return name + _AS_LOGICAL


def logical_spelled(key: str) -> str | None:
    """The physical name ``as_logical`` keyed as ``key``, or None for any other key."""
    return key[: -len(_AS_LOGICAL)] if key.endswith(_AS_LOGICAL) else None


@dataclass(frozen=True)
class NameMap:
    """Physical -> logical names of one dialect; names it does not know map to themselves,
    except one spelled as a logical name whose own physical name is another (``as_logical``).
    With ``fold_case`` (SQLite), names are matched without regard to ASCII case, as the
    dialect matches them: ``totalcents`` is the column the domain names ``totalCents``
    (stranger60 028). PostgreSQL's names are matched exactly (``"totalCents"`` is not
    ``totalcents`` there)."""

    tables: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # (logical table, logical column) -> its declared extension type (vector, geometry).
    storages: Mapping[tuple[str, str], Storage] = field(default_factory=dict)
    fold_case: bool = False

    # By key (the name, folded with ``fold_case``): tables and, per table, the columns whose
    # logical name differs, plus the logical names no physical name spells (``as_logical``).
    _tables: Mapping[str, str] = field(init=False, repr=False, compare=False)
    _renames: Mapping[str, Mapping[str, str]] = field(init=False, repr=False, compare=False)
    # True when some table or column has a logical name other than its physical one.
    renames_any: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = self._key
        tables = {key(p): logical for p, logical in self.tables.items()}
        tables.update(_spelled_logical(key, self.tables.values(), tables))
        by_table: dict[str, dict[str, str]] = {}
        renamed: dict[str, dict[str, str]] = {}
        for (table, physical), logical in self.columns.items():
            by_table.setdefault(key(table), {})[key(physical)] = logical
            if logical != physical:
                renamed.setdefault(key(table), {})[key(physical)] = logical
        renames: dict[str, Mapping[str, str]] = {}
        for table, found in by_table.items():
            own = renamed.get(table, {})
            own.update(_spelled_logical(key, found.values(), found))
            if own:
                renames[table] = _Folded(own) if self.fold_case else own
        object.__setattr__(self, "_tables", tables)
        object.__setattr__(self, "_renames", renames)
        tables_renamed = any(p != logical for p, logical in self.tables.items())
        object.__setattr__(self, "renames_any", bool(renames) or tables_renamed)

    def _key(self, name: str) -> str:
        return fold_name(name) if self.fold_case else name

    def and_also(
        self, tables: Mapping[str, str], columns: Mapping[tuple[str, str], str]
    ) -> NameMap:
        """These names with more physical -> logical ones, which win: a source read through
        renames it does not have yet (``layers.pending_renames.read_through``)."""
        return NameMap(
            {**self.tables, **tables}, {**self.columns, **columns}, self.storages, self.fold_case
        )

    def table(self, physical: str) -> str:
        """The logical name of a physical table."""
        found = self.tables.get(physical)
        if found is not None:
            return found
        return self._tables.get(self._key(physical), physical) if self._tables else physical

    def column(self, physical_table: str, physical: str) -> str:
        """The logical name of a physical column of a physical table."""
        return self.renames(physical_table).get(physical, physical)

    def renames(self, physical_table: str) -> Mapping[str, str]:
        """The columns of a physical table whose logical name differs, physical -> logical:
        empty for most tables, which lets normalizing skip the name lookups."""
        if not self._renames:
            return _NO_RENAMES
        return self._renames.get(self._key(physical_table), _NO_RENAMES)


def _spelled_logical(
    key: Callable[[str], str], logical: Iterable[str], physical: Mapping[str, str]
) -> dict[str, str]:
    """key -> ``as_logical`` key of each ``logical`` name that no ``physical`` key spells."""
    return {key(n): as_logical(n) for n in logical if key(n) not in physical}


class _Folded(Mapping[str, str]):
    """A mapping of folded names read by any spelling of them (SQLite's ``fold_case``)."""

    def __init__(self, by_key: Mapping[str, str]) -> None:
        self._by_key = by_key

    def __getitem__(self, name: str) -> str:
        return self._by_key[fold_name(name)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_key)

    def __len__(self) -> int:
        return len(self._by_key)


_NO_RENAMES: Mapping[str, str] = MappingProxyType({})


IDENTITY = NameMap()


def check_text(text: str) -> str:
    """A CHECK's expression without its ``CHECK`` keyword and outer parentheses: what an
    allowance's ``check:`` names (either spelling) and a report's CHECK text shows."""
    text = text.strip()
    if text[:5].upper() == "CHECK" and text[5:].lstrip().startswith("("):
        text = text[5:].strip()
    while text.startswith("(") and closing_paren(text, 0) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def check_key(text: str) -> str:
    """``check_text`` as an allowance matches it: whitespace and double quotes dropped and
    letters folded outside string literals (``json_valid("Doc")`` is ``JSON_VALID(doc)``),
    a literal kept as written."""
    out: list[str] = []
    quoted = False
    for char in check_text(text):
        if char == "'":
            quoted = not quoted
        if quoted or char == "'":
            out.append(char)
        elif not char.isspace() and char != '"':
            out.append(char.casefold())
    return "".join(out)
