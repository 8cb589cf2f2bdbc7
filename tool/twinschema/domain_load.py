"""Reading domain.yaml into a Domain: the file checked, every node validated, and the
rules that span nodes (unique physical names) applied."""

from __future__ import annotations

import re
import stat
from collections.abc import Mapping
from pathlib import Path

import yaml

from twinschema.domain_model import (
    ALLOWABLE_KINDS,
    DIALECTS,
    Allowance,
    DeclaredObject,
    Domain,
    DomainColumn,
    DomainTable,
    canonical_dialect,
    suggestion,
)
from twinschema.domain_yaml import (
    _check_keys,
    _description,
    _file_kind,
    _identifier,
    _integer,
    _line,
    _mapping,
    _Pairs,
    _scalar,
    _UniqueKeyLoader,
    check_identifier,
)
from twinschema.errors import DomainError
from twinschema.paths import shown
from twinschema.typemap import EXTENSION_KINDS, GEOMETRY, KINDS, VECTOR, Storage

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
