"""``domain.yaml``: the single source of table and column names, their logical kinds, and the
declared, reasoned differences between the two dialects.

The file is read node by node (not through ``yaml.safe_load``) so that every error names the file,
line and column at fault, and so that duplicate keys, which YAML would silently merge, are refused.
"""

from __future__ import annotations

import difflib
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from twinschema.errors import DomainError, DomainNameError
from twinschema.paths import shown
from twinschema.records import ALLOWABLE_KINDS as ALLOWABLE_KINDS  # as tests import it
from twinschema.records import DIALECTS as DIALECTS  # as init imports it
from twinschema.typemap import EXTENSION_KINDS, GEOMETRY, KINDS, VECTOR, Storage

_DIALECT_ALIASES = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql"}


# PostgreSQL truncates identifiers at 63 bytes; a longer name silently becomes another name.
MAX_NAME_BYTES = 63
# Identifiers: letters, digits, underscore and $, not starting with a digit. Names are always
# quoted when they reach SQL, so reserved words (``group``, ``order``) are legal; quotes,
# semicolons, spaces and control characters are not, since no sane schema needs them.
_IDENTIFIER = re.compile(r"^[^\W\d]\w*(\$\w*)*$")

_TOP_KEYS = ("version", "tables")
_OPTIONAL_TOP_KEYS = ("views", "triggers")  # declared views and triggers, see DeclaredObject
_VIEW_KEYS = ("dialects", "description")
_TRIGGER_KEYS = ("table", "dialects", "description")
_TABLE_KEYS = ("name", "names", "dialects", "columns", "allow", "description")
_COLUMN_KEYS = (
    "kind",
    "length",
    "precision",
    "scale",
    "dimensions",
    "geometry",
    "srid",
    "sqlite",
    "values",
    "name",
    "names",
    "description",
)
# The keys an extension kind takes (typemap.Storage), besides ``sqlite``.
_EXTENSION_KEYS = {VECTOR: ("dimensions",), GEOMETRY: ("geometry", "srid")}
_ALLOW_KEYS = ("kind", "dialect", "column", "name", "reason")


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

    def describe(self) -> str:
        """The allowance as people read it in a report: ``index profiles.ix_gin (postgresql)``."""
        where = self.table + (f".{self.column}" if self.column else "")
        what = f" {self.name}" if self.name else ""
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


@dataclass(frozen=True)
class Domain:
    """The parsed ``domain.yaml``."""

    version: int
    tables: Mapping[str, DomainTable]
    path: str = "domain.yaml"
    objects: tuple[DeclaredObject, ...] = ()  # declared views and triggers, in file order

    def allowances(self) -> Iterator[Allowance]:
        """Every allowance of every table, in file order."""
        for table in self.tables.values():
            yield from table.allow

    def name_map(self, dialect: str) -> NameMap:
        """Physical-to-logical names for ``dialect``: what sources use to speak in domain names."""
        tables: dict[str, str] = {}
        columns: dict[tuple[str, str], str] = {}
        storages: dict[tuple[str, str], Storage] = {}
        for table in self.tables.values():
            if dialect not in table.dialects:
                continue
            physical = table.physical(dialect)
            tables[physical] = table.name
            for column in table.columns.values():
                columns[(physical, column.physical(dialect))] = column.name
                if column.storage is not None:
                    storages[(table.name, column.name)] = column.storage
        return NameMap(tables, columns, storages)

    def names(self, dialect: str) -> DomainNames:
        """Attribute access to the physical names of ``dialect``; a typo raises at once."""
        return DomainNames(self, canonical_dialect(dialect, self.path, 0))


@dataclass(frozen=True)
class NameMap:
    """Physical -> logical names of one dialect; names it does not know map to themselves."""

    tables: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # (logical table, logical column) -> its declared extension type (vector, geometry).
    storages: Mapping[tuple[str, str], Storage] = field(default_factory=dict)

    def table(self, physical: str) -> str:
        """The logical name of a physical table."""
        return self.tables.get(physical, physical)

    _renames: Mapping[str, Mapping[str, str]] = field(init=False, repr=False, compare=False)
    # True when some table or column has a logical name other than its physical one.
    renames_any: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        renames: dict[str, dict[str, str]] = {}
        for (table, physical), logical in self.columns.items():
            if logical != physical:
                renames.setdefault(table, {})[physical] = logical
        object.__setattr__(self, "_renames", renames)
        tables_renamed = any(p != logical for p, logical in self.tables.items())
        object.__setattr__(self, "renames_any", bool(renames) or tables_renamed)

    def column(self, physical_table: str, physical: str) -> str:
        """The logical name of a physical column of a physical table."""
        return self.columns.get((physical_table, physical), physical)

    def renames(self, physical_table: str) -> Mapping[str, str]:
        """The columns of a physical table whose logical name differs, physical -> logical:
        empty for most tables, which lets normalizing skip the name lookups."""
        return self._renames.get(physical_table, _NO_RENAMES)


_NO_RENAMES: Mapping[str, str] = MappingProxyType({})


IDENTITY = NameMap()


class TableNames:
    """The physical names of one table's columns, as attributes; ``__tablename__`` is the table's."""

    def __init__(self, domain_path: str, table: DomainTable, dialect: str) -> None:
        self.__tablename__ = table.physical(dialect)
        self._path = domain_path
        self._table = table
        self._dialect = dialect

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        column = self._table.columns.get(name)
        if column is None:
            raise DomainNameError(
                f"{self._path}: table {self._table.name!r} has no column {name!r}"
                + suggestion(name, self._table.columns)
            )
        return column.physical(self._dialect)


class DomainNames:
    """The physical table names of one dialect, as attributes returning ``TableNames``."""

    def __init__(self, domain: Domain, dialect: str) -> None:
        self._domain = domain
        self._dialect = dialect

    def __getattr__(self, name: str) -> TableNames:
        if name.startswith("__"):
            raise AttributeError(name)
        table = self._domain.tables.get(name)
        if table is None:
            raise DomainNameError(
                f"{self._domain.path}: no table {name!r}" + suggestion(name, self._domain.tables)
            )
        if self._dialect not in table.dialects:
            raise DomainNameError(
                f"{self._domain.path}:{table.line}: table {name!r} is declared for "
                f"{', '.join(table.dialects)} only, not {self._dialect}"
            )
        return TableNames(self._domain.path, table, self._dialect)


def suggestion(word: str, candidates: Any) -> str:
    """`` (did you mean 'x'?)`` for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(word, [str(c) for c in candidates], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def canonical_dialect(value: str, path: str, line: int) -> str:
    """``sqlite`` or ``postgresql`` (``postgres`` accepted); anything else is an error."""
    dialect = _DIALECT_ALIASES.get(str(value).lower())
    if dialect is None:
        raise DomainError(
            f"{path}:{line}: unknown dialect {value!r}; expected one of sqlite, postgresql"
            + suggestion(str(value), DIALECTS)
        )
    return dialect


# ---------------------------------------------------------------------------------------------
# Parsing


class _UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader used only to compose nodes; duplicate keys are found while walking."""


def load_domain(path: str | Path) -> Domain:
    """Read and validate ``domain.yaml``; every problem raises ``DomainError`` naming file and line."""
    path = Path(path)
    label = shown(path)
    try:
        mode = path.stat().st_mode  # before opening: opening a FIFO waits for a writer
        if not stat.S_ISREG(mode):
            raise DomainError(
                f"{label}: the domain file is {_file_kind(mode)}, not a regular file; "
                "name a YAML file"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DomainError(f"{label}: domain file not found") from None
    except UnicodeDecodeError as exc:
        raise DomainError(
            f"{label}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})"
        ) from None
    except OSError as exc:
        raise DomainError(f"{label}: cannot read the domain file ({exc.strerror})") from None
    return parse_domain(text, label)


def _file_kind(mode: int) -> str:
    """What a file that is not a regular file is, for an error message."""
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "a special file"


def parse_domain(text: str, label: str = "domain.yaml") -> Domain:
    """Parse the text of a domain file; ``label`` names it in errors."""
    try:
        root = yaml.compose(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise DomainError(f"{label}{where}: not valid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a NUL byte)
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        what = "a NUL byte" if code == 0 else f"the control character U+{code:04X}"
        raise DomainError(
            f"{label}:{line}:{column}: not valid YAML: {what} is not allowed (a binary file?)"
        ) from None
    except yaml.YAMLError as exc:
        raise DomainError(f"{label}: not valid YAML: {' '.join(str(exc).split())}") from None
    if root is None:
        raise DomainError(f"{label}: the domain file is empty; it needs 'version' and 'tables'")
    top = _mapping(root, label, "the domain file")
    _check_keys(top, _TOP_KEYS + _OPTIONAL_TOP_KEYS, label, "the domain file")
    for required in _TOP_KEYS:
        if required not in top:
            raise DomainError(f"{label}:{_line(root)}: missing top-level key {required!r}")
    version = _integer(top["version"][1], label, "version")
    tables_node = top["tables"][1]
    tables_map = _mapping(tables_node, label, "'tables'")
    if not tables_map:
        raise DomainError(f"{label}:{_line(tables_node)}: 'tables' is empty")
    tables = {
        name: _table(name, key_node, node, label) for name, (key_node, node) in tables_map.items()
    }
    _check_physical_uniqueness(tables, label)
    objects = tuple(
        _declared(kind, name, key_node, node, label, tables)
        for kind, key in (("view", "views"), ("trigger", "triggers"))
        if key in top
        for name, (key_node, node) in _mapping(top[key][1], label, f"'{key}'").items()
    )
    domain = Domain(version=version, tables=tables, path=label, objects=objects)
    return domain


_Pairs = dict[str, tuple[yaml.Node, yaml.Node]]


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _mapping(node: yaml.Node, label: str, what: str) -> _Pairs:
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise DomainError(f"{label}:{_line(node)}: {what} must be a mapping")
    pairs: _Pairs = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise DomainError(f"{label}:{_line(key_node)}: keys in {what} must be plain names")
        key = str(key_node.value)
        if key in pairs:
            first = _line(pairs[key][0])
            raise DomainError(
                f"{label}:{_line(key_node)}: duplicate name {key!r} in {what} "
                f"(first at line {first})"
            )
        pairs[key] = (key_node, value_node)
    return pairs


def _check_keys(pairs: _Pairs, allowed: tuple[str, ...], label: str, what: str) -> None:
    for key, (key_node, _) in pairs.items():
        if key not in allowed:
            raise DomainError(
                f"{label}:{_line(key_node)}: unknown key {key!r} in {what}"
                + (suggestion(key, allowed) or f" (valid keys: {', '.join(allowed)})")
            )


_NULL_TAG = "tag:yaml.org,2002:null"


def _scalar(node: yaml.Node, label: str, what: str) -> str:
    """The text of a single value; a list, a mapping or a null where text belongs is refused."""
    if isinstance(node, yaml.ScalarNode) and node.tag != _NULL_TAG:
        return str(node.value)
    if isinstance(node, yaml.SequenceNode):
        found = "a list"
    elif isinstance(node, yaml.MappingNode):
        found = "a mapping"
    else:
        found = f"null ({node.value})" if node.value else "empty"
    raise DomainError(f"{label}:{_line(node)}: {what} must be a single value, not {found}")


def _description(pairs: _Pairs, label: str, what: str) -> None:
    """A description is for people only, but it is text: a list or a mapping there is refused."""
    if "description" in pairs:
        _scalar(pairs["description"][1], label, f"the description of {what}")


def _integer(node: yaml.Node, label: str, what: str) -> int:
    text = _scalar(node, label, what)
    if not re.fullmatch(r"[0-9]+", text.strip()):
        raise DomainError(f"{label}:{_line(node)}: {what} must be a whole number, not {text!r}")
    return int(text)


def _identifier(node: yaml.Node, label: str, what: str) -> str:
    text = _scalar(node, label, what)
    return check_identifier(text, f"{label}:{_line(node)}", what)


def check_identifier(name: str, where: str, what: str) -> str:
    """``name`` if it is a legal table or column name, else a ``DomainError`` saying why."""
    if not name.strip():
        raise DomainError(f"{where}: {what} is empty")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise DomainError(
            f"{where}: {what} {name[:20]!r}... is {len(name.encode('utf-8'))} bytes; "
            f"PostgreSQL allows at most {MAX_NAME_BYTES}"
        )
    if not _IDENTIFIER.match(name):
        raise DomainError(
            f"{where}: {what} {name!r} is not a valid name: use letters, digits, _ and $, "
            "not starting with a digit (no quotes, spaces or semicolons)"
        )
    return name


def _names(pairs: _Pairs, logical: str, label: str, what: str) -> dict[str, str]:
    base = _identifier(pairs["name"][1], label, f"{what} name") if "name" in pairs else logical
    names = dict.fromkeys(DIALECTS, base)
    if "names" in pairs:
        per = _mapping(pairs["names"][1], label, f"'names' of {what}")
        for key, (key_node, value_node) in per.items():
            dialect = canonical_dialect(key, label, _line(key_node))
            names[dialect] = _identifier(value_node, label, f"{dialect} name of {what}")
    return names


def _table(logical: str, key_node: yaml.Node, node: yaml.Node, label: str) -> DomainTable:
    what = f"table {logical!r}"
    check_identifier(logical, f"{label}:{_line(key_node)}", "table name")
    pairs = _mapping(node, label, what)
    _check_keys(pairs, _TABLE_KEYS, label, what)
    _description(pairs, label, what)
    if "columns" not in pairs:
        raise DomainError(f"{label}:{_line(key_node)}: {what} has no 'columns'")
    dialects: tuple[str, ...] = DIALECTS
    if "dialects" in pairs:
        dnode = pairs["dialects"][1]
        if not isinstance(dnode, yaml.SequenceNode) or not dnode.value:
            raise DomainError(f"{label}:{_line(dnode)}: 'dialects' of {what} must be a list")
        dialects = tuple(
            canonical_dialect(_scalar(item, label, "a dialect"), label, _line(item))
            for item in dnode.value
        )
    columns_map = _mapping(pairs["columns"][1], label, f"'columns' of {what}")
    if not columns_map:
        raise DomainError(f"{label}:{_line(pairs['columns'][1])}: {what} has no columns")
    columns = {
        name: _column(name, ckey, cnode, label, logical)
        for name, (ckey, cnode) in columns_map.items()
    }
    _check_unique_physical(
        {c.name: c.names for c in columns.values()}, label, _line(key_node), f"columns of {what}"
    )
    allow = tuple(
        _allowance(item, label, logical, columns) for item in _sequence(pairs, "allow", label, what)
    )
    return DomainTable(
        name=logical,
        names=_names(pairs, logical, label, what),
        columns=columns,
        dialects=dialects,
        allow=allow,
        line=_line(key_node),
    )


def _dialects(pairs: _Pairs, label: str, what: str) -> tuple[str, ...]:
    """The ``dialects`` list of an entry (every dialect when it has none)."""
    if "dialects" not in pairs:
        return DIALECTS
    dnode = pairs["dialects"][1]
    if not isinstance(dnode, yaml.SequenceNode) or not dnode.value:
        raise DomainError(f"{label}:{_line(dnode)}: 'dialects' of {what} must be a list")
    return tuple(
        canonical_dialect(_scalar(item, label, "a dialect"), label, _line(item))
        for item in dnode.value
    )


def _declared(
    kind: str,
    name: str,
    key_node: yaml.Node,
    node: yaml.Node,
    label: str,
    tables: Mapping[str, DomainTable],
) -> DeclaredObject:
    """One entry of ``views:`` or ``triggers:``."""
    what = f"{kind} {name!r}"
    check_identifier(name, f"{label}:{_line(key_node)}", f"{kind} name")
    pairs = _mapping(node, label, what)
    _check_keys(pairs, _TRIGGER_KEYS if kind == "trigger" else _VIEW_KEYS, label, what)
    table = None
    if kind == "trigger":
        if "table" not in pairs:
            raise DomainError(
                f"{label}:{_line(key_node)}: {what} needs 'table' (the table it is on)"
            )
        table = _identifier(pairs["table"][1], label, f"table of {what}")
        if table not in tables:
            raise DomainError(
                f"{label}:{_line(pairs['table'][1])}: {what} is on table {table!r}, which "
                f"'tables' does not declare" + suggestion(table, tables)
            )
    return DeclaredObject(kind, name, _dialects(pairs, label, what), table, _line(key_node))


def _sequence(pairs: _Pairs, key: str, label: str, what: str) -> list[yaml.Node]:
    if key not in pairs:
        return []
    node = pairs[key][1]
    if not isinstance(node, yaml.SequenceNode):
        raise DomainError(f"{label}:{_line(node)}: '{key}' of {what} must be a list")
    return list(node.value)


def _column(
    logical: str, key_node: yaml.Node, node: yaml.Node, label: str, table: str
) -> DomainColumn:
    what = f"column {table}.{logical}"
    check_identifier(logical, f"{label}:{_line(key_node)}", "column name")
    pairs = _mapping(node, label, what)
    _check_keys(pairs, _COLUMN_KEYS, label, what)
    _description(pairs, label, what)
    kind = None
    if "kind" in pairs:
        kind = _scalar(pairs["kind"][1], label, f"kind of {what}").lower()
        if kind not in KINDS:
            raise DomainError(
                f"{label}:{_line(pairs['kind'][1])}: unknown kind {kind!r} for {what}"
                + (suggestion(kind, KINDS) or f" (kinds: {', '.join(KINDS)})")
            )
    values = None
    if "values" in pairs:
        vnode = pairs["values"][1]
        if not isinstance(vnode, yaml.SequenceNode) or not vnode.value:
            raise DomainError(
                f"{label}:{_line(vnode)}: 'values' of {what} must be a non-empty list"
            )
        values = tuple(_scalar(v, label, f"a value of {what}") for v in vnode.value)
        if kind not in (None, "enum"):
            raise DomainError(f"{label}:{_line(vnode)}: 'values' needs kind enum on {what}")
        kind = "enum"
    numbers = {
        key: _integer(pairs[key][1], label, f"{key} of {what}")
        for key in ("length", "precision", "scale")
        if key in pairs
    }
    return DomainColumn(
        name=logical,
        names=_names(pairs, logical, label, what),
        kind=kind,
        values=values,
        line=_line(key_node),
        storage=_storage(kind, pairs, label, what),
        **numbers,
    )


def _storage(kind: str | None, pairs: _Pairs, label: str, what: str) -> Storage | None:
    """The declared extension type of a column (``kind: vector`` / ``geometry``), or None; a
    key of an extension kind on another kind is refused, naming its line."""
    allowed = ("sqlite", *_EXTENSION_KEYS[kind]) if kind in _EXTENSION_KEYS else ()
    for key in ("dimensions", "geometry", "srid", "sqlite"):
        if key in pairs and key not in allowed:
            wants = next(
                (k for k, keys in _EXTENSION_KEYS.items() if key in keys), "vector or geometry"
            )
            raise DomainError(
                f"{label}:{_line(pairs[key][1])}: '{key}' needs kind {wants} on {what}"
            )
    if kind is None or kind not in EXTENSION_KINDS:
        return None
    sqlite = EXTENSION_KINDS[kind]
    if "sqlite" in pairs:
        node = pairs["sqlite"][1]
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        sqlite = tuple(
            " ".join(_scalar(i, label, f"a SQLite spelling of {what}").lower().split())
            for i in items
        )
        if not sqlite or not all(sqlite):
            raise DomainError(f"{label}:{_line(node)}: 'sqlite' of {what} must name a SQLite type")
    dimensions = (
        _integer(pairs["dimensions"][1], label, f"dimensions of {what}")
        if "dimensions" in pairs
        else None
    )
    srid = _integer(pairs["srid"][1], label, f"srid of {what}") if "srid" in pairs else None
    geometry = None
    if "geometry" in pairs:
        geometry = _scalar(pairs["geometry"][1], label, f"geometry type of {what}").lower().strip()
        if not re.fullmatch(r"[a-z]+[zm]{0,2}", geometry):
            raise DomainError(
                f"{label}:{_line(pairs['geometry'][1])}: geometry type of {what} must be a "
                f"PostGIS type name such as Point or MultiPolygon, not {geometry!r}"
            )
    return Storage(kind, sqlite, dimensions=dimensions, geometry=geometry, srid=srid)


def _allowance(
    node: yaml.Node, label: str, table: str, columns: Mapping[str, DomainColumn]
) -> Allowance:
    what = f"an allowance of table {table!r}"
    pairs = _mapping(node, label, what)
    _check_keys(pairs, _ALLOW_KEYS, label, what)
    line = _line(node)
    if "kind" not in pairs:
        raise DomainError(f"{label}:{line}: {what} has no 'kind'")
    kind = _scalar(pairs["kind"][1], label, "kind")
    if kind not in ALLOWABLE_KINDS:
        raise DomainError(
            f"{label}:{line}: {what} has unknown kind {kind!r}" + suggestion(kind, ALLOWABLE_KINDS)
        )
    reason = _scalar(pairs["reason"][1], label, "reason").strip() if "reason" in pairs else ""
    if not reason:
        raise DomainError(f"{label}:{line}: {what} ({kind}) has no 'reason': say why it is allowed")
    dialect = None
    if "dialect" in pairs:
        dialect = canonical_dialect(_scalar(pairs["dialect"][1], label, "dialect"), label, line)
    column = _scalar(pairs["column"][1], label, "column") if "column" in pairs else None
    if column is not None and column not in columns:
        raise DomainError(
            f"{label}:{line}: {what} names column {column!r}, which the table does not have"
            + suggestion(column, columns)
        )
    name = _scalar(pairs["name"][1], label, "name") if "name" in pairs else None
    return Allowance(
        table=table, kind=kind, reason=reason, dialect=dialect, column=column, name=name, line=line
    )


def _check_unique_physical(
    names: Mapping[str, Mapping[str, str]], label: str, line: int, what: str
) -> None:
    for dialect in DIALECTS:
        seen: dict[str, str] = {}
        for logical, per in names.items():
            physical = per[dialect]
            if physical in seen:
                raise DomainError(
                    f"{label}:{line}: {what}: {logical!r} and {seen[physical]!r} both use the "
                    f"{dialect} name {physical!r}"
                )
            seen[physical] = logical


def _check_physical_uniqueness(tables: Mapping[str, DomainTable], label: str) -> None:
    for dialect in DIALECTS:
        seen: dict[str, str] = {}
        for table in tables.values():
            if dialect not in table.dialects:
                continue
            physical = table.physical(dialect)
            if physical in seen:
                raise DomainError(
                    f"{label}:{table.line}: tables {table.name!r} and {seen[physical]!r} both use "
                    f"the {dialect} name {physical!r}"
                )
            seen[physical] = table.name
