"""Reading ``domain.yaml`` into a ``Domain``: the file checked, the document validated by the
shipped JSON Schema (``domain_schema``), then what a schema cannot say: names of at most 63 bytes,
names unique per dialect, a trigger on a declared table, an allowance on a column of its table,
the keys of an extension kind."""

from __future__ import annotations

import functools
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from twinschema.domain_comments import with_commented_dialects
from twinschema.domain_model import Domain, canonical_dialect
from twinschema.domain_schema import validate
from twinschema.domain_unique import (
    check_one_trigger_each,
    check_physical_uniqueness,
    check_unique_physical,
)
from twinschema.domain_yaml import (
    Located,
    Where,
    check_identifier,
    check_physical_name,
    compose,
    describe,
    file_kind,
)
from twinschema.errors import DomainError, not_utf8, suggestion
from twinschema.paths import shown
from twinschema.records import DIALECTS
from twinschema.records.domain import (
    PIN_KEYS,
    PINNABLE_KINDS,
    SIDES_KEY,
    Allowance,
    DeclaredObject,
    DomainColumn,
    DomainTable,
    check_text,
)
from twinschema.records.kinds import EXTENSION_KINDS, GEOMETRY, VECTOR, Storage

# The keys an extension kind takes (records.kinds.Storage), besides ``sqlite``.
_EXTENSION_KEYS = {VECTOR: ("dimensions",), GEOMETRY: ("geometry", "srid")}


def load_domain(path: str | Path) -> Domain:
    """Read and validate ``domain.yaml``; every problem raises ``DomainError`` naming file and line."""
    path = Path(path)
    label = shown(path)
    try:
        mode = path.stat().st_mode  # before opening: opening a FIFO waits for a writer
        if not stat.S_ISREG(mode):
            raise DomainError(
                f"{label}: the domain file is {file_kind(mode)}, not a regular file; "
                "name a YAML file"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DomainError(f"{label}: domain file not found") from None
    except UnicodeDecodeError as exc:
        raise DomainError(not_utf8(label, exc)) from None
    except OSError as exc:
        raise DomainError(f"{label}: cannot read the domain file ({exc.strerror})") from None
    return parse_domain(text, label)


# A check parses the same file twice (the project's metadata modules load it through their
# loader, then the check itself): the second parse is a lookup. A Domain is never modified.
@functools.lru_cache(maxsize=8)
def parse_domain(text: str, label: str = "domain.yaml") -> Domain:
    """Parse the text of a domain file; ``label`` names it in errors."""
    located = compose(text, label)
    if located is None:
        raise DomainError(f"{label}: the domain file is empty; it needs 'version' and 'tables'")
    validate(located, label)
    top = located.data
    reader = _Reader(located, label)
    tables = {name: reader.table(name) for name in top["tables"]}
    check_physical_uniqueness(tables, label)
    objects = tuple(
        reader.declared(kind, name, tables)
        for kind, key in (("view", "views"), ("trigger", "triggers"))
        for name in top.get(key) or {}
    )
    check_one_trigger_each(objects, tables, label)
    objects = with_commented_dialects(located, objects)
    view_allow = tuple(
        reader.view_allowance(name, n)
        for name, entry in (top.get("views") or {}).items()
        for n in range(len((entry or {}).get("allow") or ()))
    )
    return Domain(
        version=top["version"], tables=tables, path=label, objects=objects, view_allow=view_allow
    )


class _Reader:
    """Builds the ``Domain``'s parts from a document the schema accepted."""

    def __init__(self, located: Located, label: str) -> None:
        self.located = located
        self.label = label

    def _where(self, where: Where, value: bool = False) -> str:
        line = self.located.value_line(where) if value else self.located.line(where)
        return f"{self.label}:{line}"

    def _name(self, where: Where, what: str) -> str:
        """The name at ``where`` (a key when ``where`` ends in it), checked as an identifier."""
        return check_identifier(str(where[-1]), self._where(where), what)

    def _names(self, entry: Mapping[str, Any], where: Where, logical: str) -> dict[str, str]:
        base = logical
        if "name" in entry:
            at = (*where, "name")
            base = check_physical_name(entry["name"], self._where(at, True), describe(at))
        names = dict.fromkeys(DIALECTS, base)
        for key, value in (entry.get("names") or {}).items():
            at = (*where, "names", key)
            dialect = canonical_dialect(key, self.label, self.located.line(at))
            names[dialect] = check_physical_name(value, self._where(at, True), describe(at))
        return names

    def _dialects(self, entry: Mapping[str, Any], where: Where) -> tuple[str, ...]:
        if "dialects" not in entry:
            return DIALECTS
        return tuple(
            canonical_dialect(value, self.label, self.located.line((*where, "dialects", n)))
            for n, value in enumerate(entry["dialects"])
        )

    def table(self, logical: str) -> DomainTable:
        """The table ``logical`` of ``tables:``."""
        where: Where = ("tables", logical)
        self._name(where, "table name")
        entry = self.located.data["tables"][logical]
        columns = {name: self.column(logical, name) for name in entry["columns"]}
        line = self.located.line(where)
        check_unique_physical(
            {c.name: c.names for c in columns.values()},
            self.label,
            line,
            f"columns of {describe(where)}",
        )
        allow = tuple(
            self.allowance(logical, n, columns) for n in range(len(entry.get("allow") or ()))
        )
        return DomainTable(
            name=logical,
            names=self._names(entry, where, logical),
            columns=columns,
            dialects=self._dialects(entry, where),
            allow=allow,
            line=line,
        )

    def column(self, table: str, logical: str) -> DomainColumn:
        """The column ``logical`` of ``table``."""
        where: Where = ("tables", table, "columns", logical)
        self._name(where, "column name")
        entry = self.located.data["tables"][table]["columns"][logical] or {}
        kind = entry.get("kind")
        values = None
        if "values" in entry:
            values = tuple(
                self.located.texts[(*where, "values", n)] for n in range(len(entry["values"]))
            )
            if kind not in (None, "enum"):
                raise DomainError(
                    f"{self._where((*where, 'values'), True)}: 'values' needs kind enum on "
                    f"{describe(where)}"
                )
            kind = "enum"
        numbers = {key: entry[key] for key in ("length", "precision", "scale") if key in entry}
        return DomainColumn(
            name=logical,
            names=self._names(entry, where, logical),
            kind=kind,
            values=values,
            line=self.located.line(where),
            storage=self.storage(kind, entry, where),
            dialects=self._dialects(entry, where),
            **numbers,
        )

    def storage(self, kind: str | None, entry: Mapping[str, Any], where: Where) -> Storage | None:
        """The declared extension type of a column (``kind: vector`` / ``geometry``), or None; a
        key of an extension kind on another kind is refused, naming its line."""
        allowed = ("sqlite", *_EXTENSION_KEYS[kind]) if kind in _EXTENSION_KEYS else ()
        for key in ("dimensions", "geometry", "srid", "sqlite"):
            if key in entry and key not in allowed:
                wants = next(
                    (k for k, keys in _EXTENSION_KEYS.items() if key in keys), "vector or geometry"
                )
                raise DomainError(
                    f"{self._where((*where, key), True)}: '{key}' needs kind {wants} on "
                    f"{describe(where)}"
                )
        if kind is None or kind not in EXTENSION_KINDS:
            return None
        sqlite = EXTENSION_KINDS[kind]
        if "sqlite" in entry:
            items = entry["sqlite"] if isinstance(entry["sqlite"], list) else [entry["sqlite"]]
            sqlite = tuple(" ".join(str(i).lower().split()) for i in items)
            if not all(sqlite):
                raise DomainError(
                    f"{self._where((*where, 'sqlite'), True)}: 'sqlite' of {describe(where)} "
                    "must name a SQLite type"
                )
        geometry = None
        if "geometry" in entry:
            geometry = str(entry["geometry"]).lower().strip()
            if not re.fullmatch(r"[a-z]+[zm]{0,2}", geometry):
                raise DomainError(
                    f"{self._where((*where, 'geometry'), True)}: geometry type of "
                    f"{describe(where)} must be a PostGIS type name such as Point or "
                    f"MultiPolygon, not {geometry!r}"
                )
        return Storage(
            kind,
            sqlite,
            dimensions=entry.get("dimensions"),
            geometry=geometry,
            srid=entry.get("srid"),
        )

    def allowance(self, table: str, n: int, columns: Mapping[str, DomainColumn]) -> Allowance:
        """The ``n``-th allowance of ``table``."""
        where: Where = ("tables", table, "allow", n)
        entry = self.located.data["tables"][table]["allow"][n]
        line = self.located.line(where)
        dialect = None
        if "dialect" in entry:
            dialect = canonical_dialect(entry["dialect"], self.label, line)
        column = entry.get("column")
        if column is not None and column not in columns:
            raise DomainError(
                f"{self.label}:{line}: {describe(where)} names column {column!r}, which the "
                "table does not have" + suggestion(column, columns)
            )
        check = entry.get("check")
        if check is not None and (entry["kind"] != "check" or not check_text(check)):
            raise DomainError(
                f"{self.label}:{line}: {describe(where)}: check: names a CHECK by its "
                "expression, for kind: check only, and may not be empty"
            )
        pinned = self._pinned(entry, where, line)
        return Allowance(
            table=table,
            kind=entry["kind"],
            reason=entry["reason"].strip(),
            dialect=dialect,
            column=column,
            name=entry.get("name"),
            line=line,
            position=n + 1,
            check=check_text(check) if check is not None else None,
            sides=pinned,
        )

    def view_allowance(self, view: str, n: int) -> Allowance:
        """The ``n``-th allowance of view ``view`` (``{kind: view, reason: ...}``); a ``name:``
        other than the view's is refused, as it would name another view."""
        where: Where = ("views", view, "allow", n)
        entry = self.located.data["views"][view]["allow"][n]
        line = self.located.line(where)
        name = entry.get("name", view)
        if name != view:
            raise DomainError(
                f"{self.label}:{line}: {describe(where)} names view {name!r}; an allowance "
                f"under views: {view}: allows view {view} only (write it under views: {name}:)"
            )
        pinned = self._pinned(entry, where, line)
        return Allowance(
            table=view,
            kind=entry["kind"],
            reason=entry["reason"].strip(),
            name=view,
            line=line,
            position=n + 1,
            sides=pinned,
        )

    def _pinned(
        self, entry: Mapping[str, Any], where: Where, line: int
    ) -> tuple[tuple[str, str], ...]:
        """What an allowance pins of each side, by dialect: ``sides:`` for any kind
        ``PINNABLE_KINDS`` names, or its kind's own key (``PIN_KEYS``: ``types:``, ``checks:``,
        ``nullable:``); a key of another kind, both keys, or ``checks:`` beside ``check:`` or
        ``dialect:`` (a CHECK on one side only is named by those), refused in one line."""
        kind = entry["kind"]
        for key, what in _PINNED_WHAT.items():
            if entry.get(key) and PIN_KEYS.get(kind) != key:
                owner = next(k for k, v in PIN_KEYS.items() if v == key)
                raise DomainError(
                    f"{self.label}:{line}: {describe(where)}: {key}: names {what}, for kind: "
                    f"{owner} only"
                )
        own = PIN_KEYS.get(kind, "")
        if entry.get(SIDES_KEY) and kind not in PINNABLE_KINDS:
            raise DomainError(
                f"{self.label}:{line}: {describe(where)}: sides: pins what each side shows of "
                f"a difference, for kinds {', '.join(sorted(PINNABLE_KINDS))} only"
            )
        if entry.get(SIDES_KEY) and entry.get(own):
            raise DomainError(
                f"{self.label}:{line}: {describe(where)}: {own}: and sides: pin the same "
                "thing: write one of them"
            )
        key = own if entry.get(own) else SIDES_KEY
        given = entry.get(key) or {}
        if given and kind == "check" and ("check" in entry or "dialect" in entry):
            raise DomainError(
                f"{self.label}:{line}: {describe(where)}: {key}: names the CHECK of each side "
                "of one CHECK differing; a CHECK on one side only is named by dialect: with "
                f"check: (or name:), so write {key}: without them"
            )
        found = []
        for dialect, text in given.items():
            shown = check_text(text) if kind == "check" else str(text).strip()
            if not shown:
                raise DomainError(
                    f"{self.label}:{line}: {describe(where)}: {key}: {dialect}: may not be empty"
                )
            found.append((canonical_dialect(dialect, self.label, line), shown))
        return tuple(sorted(found))

    def declared(self, kind: str, name: str, tables: Mapping[str, DomainTable]) -> DeclaredObject:
        """One entry of ``views:`` or ``triggers:``."""
        where: Where = (f"{kind}s", name)
        self._name(where, f"{kind} name")
        entry = self.located.data[f"{kind}s"][name] or {}
        table, names = None, {}
        if kind == "trigger":
            names = {d: n for d, n in self._names(entry, where, name).items() if n != name}
            at = (*where, "table")
            table = check_identifier(entry["table"], self._where(at, True), describe(at))
            if table not in tables:
                raise DomainError(
                    f"{self._where(at, True)}: {describe(where)} is on table {table!r}, which "
                    "'tables' does not declare" + suggestion(table, tables)
                )
        return DeclaredObject(
            kind, name, self._dialects(entry, where), table, self.located.line(where), names
        )


# What each key of ``PIN_KEYS`` names, as its error says it.
_PINNED_WHAT = {
    "types": "the two types of a column_type difference",
    "checks": "the CHECK of each side of a check difference",
    "nullable": "each side's nullability of a column_nullable difference",
}
