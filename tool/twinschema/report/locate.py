"""Where the fix of a difference goes: a file and a line, for GitHub annotations and SARIF.

A difference says where its fix goes, as data set where it was made (``Difference.fix``: a side,
a file, and the line when its maker knows it, as for a stale allowance or a refused migration);
a database's fixes go to the metadata module of its dialect, since the module is what a person
edits. A difference whose maker named no file that exists points at the domain file, if any.

The line comes from the file itself: in a metadata module, the ``Table(...)``/``Column(...)``/
``Index(...)`` call that builds the object (found with ``ast``: ``c = N.<table>`` then
``Table(c.__tablename__, ...)`` and ``Column(c.<column>, ...)``, or string literals); in
``domain.yaml``, the line of the table's or column's key (recorded by the loader); in a SQL file,
the ``CREATE TABLE`` statement and the column's line in it. Failing that, the first line that
mentions the name, then line 1. Nothing here raises: a file that cannot be read or parsed simply
gives line 1.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from twinschema.records import Difference, Report
from twinschema.report.module_index import ModuleIndex

_MODULE_SUFFIXES = (".py",)
_DOMAIN_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Location:
    """A file (as the report names it: relative to the working directory when inside it) and a
    1-based line."""

    path: str
    line: int = 1


def domain_file(report: Report) -> str | None:
    """The domain file, as the ``domain`` layer names it (its left side)."""
    for layer in report.layers:
        if layer.name == "domain" and layer.left.endswith(_DOMAIN_SUFFIXES):
            return layer.left
    return None


# An object (table, column, name) and the metadata modules the migrations layer found it
# drifted in: the module no longer matches what its own chain builds (``_moved``).
Drifted = dict[tuple[str | None, str | None, str | None], set[str]]


def drifted_modules(report: Report) -> Drifted:
    """Each object a ``migration_drift`` difference is about, with the module it drifted in
    (the right side of ``migrations_X <> schemas/X.py``)."""
    found: Drifted = {}
    for d in report.differences:
        if d.layer == "migrations" and d.kind == "migration_drift" and d.right_source:
            found.setdefault((d.table, d.column, d.name), set()).add(d.right_source)
    return found


@dataclass
class Locator:
    """Finds the line of each difference's fix in the file its maker named (``Difference.fix``);
    each file is read and parsed once."""

    domain: str | None = None  # where a fix goes whose maker named no file that exists
    root: Path = field(default_factory=Path.cwd)
    drifted: Drifted = field(default_factory=dict)
    _python: dict[str, ModuleIndex | None] = field(default_factory=dict)
    _lines: dict[str, list[str] | None] = field(default_factory=dict)
    _domains: dict[str, object] = field(default_factory=dict)

    @classmethod
    def for_report(cls, report: Report, root: Path | None = None) -> Locator:
        """A locator that knows the domain file the report names, and the objects its
        migrations layer found drifted in a metadata module."""
        return cls(
            domain=domain_file(report), root=root or Path.cwd(), drifted=drifted_modules(report)
        )

    def target(self, d: Difference) -> str | None:
        """The file the fix goes to (as the difference names it, or the module that moved:
        ``_moved``), else the domain file, or None when neither exists."""
        for path in (self._moved(d), d.fix.file if d.fix else None, self.domain):
            if path is not None and self._exists(path):
                return path
        return None

    def _moved(self, d: Difference) -> str | None:
        """For an object both metadata modules hold, each its own way (the models layer), the
        one module of the two that no longer matches its own chain: the edit was made there,
        so its line is the one to show (stranger51 024: a CHECK changed in schemas/postgres.py
        was annotated on schemas/sqlite.py, the left side). None when the report cannot tell."""
        if d.layer != "models" or d.left is None or d.right is None:
            return None
        moved = self.drifted.get((d.table, d.column, d.name), set())
        one = moved & {d.left_source, d.right_source}
        return next(iter(one)) if len(one) == 1 else None

    def locate(self, d: Difference) -> Location | None:
        """The file and line where the fix goes, or None when no file is known."""
        path = self.target(d)
        if path is None:
            return None
        if d.fix is not None and d.fix.file == path and d.fix.line is not None:
            return Location(path, d.fix.line)
        return Location(path, self.line(path, d))

    def _exists(self, path: str) -> bool:
        return self._path(path).is_file()

    def _path(self, label: str) -> Path:
        path = Path(label)
        return path if path.is_absolute() else self.root / path

    # -- which line ---------------------------------------------------------------------------

    def line(self, path: str, d: Difference) -> int:
        """The line in ``path`` of the object ``d`` is about (1 when it cannot tell)."""
        if path.endswith(_MODULE_SUFFIXES):
            found = self._module_line(path, d)
        elif path.endswith(_DOMAIN_SUFFIXES):
            found = self._domain_line(path, d)
        else:
            found = self._sql_line(path, d)
        if found is None:
            found = self._mention(path, d)
        return found or 1

    def _text(self, path: str) -> list[str] | None:
        if path not in self._lines:
            try:
                self._lines[path] = self._path(path).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[path] = None
        return self._lines[path]

    def _mention(self, path: str, d: Difference) -> int | None:
        lines = self._text(path)
        if not lines:
            return None
        for word in (d.name, d.column, d.table):
            if not word:
                continue
            pattern = re.compile(rf"(?<![\w$]){re.escape(word)}(?![\w$])")
            for number, text in enumerate(lines, 1):
                if pattern.search(text):
                    return number
        return None

    def _module_line(self, path: str, d: Difference) -> int | None:
        if path not in self._python:
            lines = self._text(path)
            try:
                tree = ast.parse("\n".join(lines)) if lines is not None else None
            except (SyntaxError, ValueError):
                tree = None
            self._python[path] = ModuleIndex.build(tree) if tree is not None else None
        index = self._python[path]
        if index is None or d.table is None:
            return None
        table = index.tables.get(d.table)
        if table is None:
            return None
        if d.name and d.name not in (d.table, d.column):
            named = table.object_line(d.name, d.kind)
            if named is not None:
                return named
        if d.column and d.column in table.columns:
            return table.columns[d.column]
        return table.line

    def _domain_line(self, path: str, d: Difference) -> int | None:
        from twinschema.domain_load import load_domain
        from twinschema.domain_model import Domain
        from twinschema.errors import TwinschemaError

        if path not in self._domains:
            try:
                self._domains[path] = load_domain(self._path(path))
            except TwinschemaError:
                self._domains[path] = None
        domain = self._domains[path]
        if not isinstance(domain, Domain):
            return None
        table = domain.tables.get(d.table or "")
        if table is None:
            return self._key_line(path, "tables")  # where a new table goes
        column = table.columns.get(d.column or "")
        return column.line if column is not None else table.line

    def _key_line(self, path: str, key: str) -> int | None:
        pattern = re.compile(rf"^{re.escape(key)}\s*:")
        for number, text in enumerate(self._text(path) or [], 1):
            if pattern.match(text):
                return number
        return None

    def _sql_line(self, path: str, d: Difference) -> int | None:
        """The ``CREATE TABLE`` line, and the column's line in it. Names are matched loosely
        (case, quotes and underscores aside): a SQL file holds physical names, a difference
        logical ones, and ``InvoiceLineId`` is ``invoice_line_id`` in another convention."""
        lines = self._text(path)
        if not lines or not d.table:
            return None
        table = _loose(d.table)
        start = None
        for number, text in enumerate(lines, 1):
            match = _CREATE_TABLE.search(text)
            if match and _loose(match["name"]) == table:
                start = number
                break
        if start is None or not d.column:
            return start
        column = _loose(d.column)
        for number in range(start, len(lines) + 1):
            text = lines[number - 1]
            if number > start and re.match(r"^\s*\)", text):
                break
            body = text[text.index("(") + 1 :] if number == start and "(" in text else text
            if number == start and "(" not in text:
                continue
            match = _FIRST_NAME.match(body)
            if match and _loose(match["name"]) == column:
                return number
        return start


_CREATE_TABLE = re.compile(
    r"create\s+(?:(?:global\s+|local\s+)?(?:temp|temporary|unlogged)\s+)?table\s+"
    r"(?:if\s+not\s+exists\s+)?(?:[\"`\[]?\w+[\"`\]]?\.)?[\"`\[]?(?P<name>[\w$]+)",
    re.IGNORECASE,
)
_FIRST_NAME = re.compile(r"^\s*,?\s*[\"`\[]?(?P<name>[\w$]+)")


def _loose(name: str) -> str:
    return name.replace("_", "").lower()
