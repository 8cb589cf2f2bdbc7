"""Where a metadata module builds each table, column, index and constraint: its lines, found
with ``ast`` (``c = N.<table>`` then ``Table(c.__tablename__, ...)`` and ``Column(c.<column>,
...)``, or string literals), for ``report.locate``."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

# SQLAlchemy constructs that build a named schema object inside (or next to) a Table.
_OBJECT_CALLS = frozenset(
    {
        "Index",
        "UniqueConstraint",
        "CheckConstraint",
        "PrimaryKeyConstraint",
        "ForeignKeyConstraint",
        "ForeignKey",
    }
)


@dataclass
class _TableIndex:
    """The lines of one ``Table(...)`` call of a metadata module and of what it builds."""

    line: int
    columns: dict[str, int] = field(default_factory=dict)  # logical column -> line
    # (line, string literals, column names referenced, call name) of each object built
    objects: list[tuple[int, tuple[str, ...], tuple[str, ...], str]] = field(default_factory=list)

    def object_line(self, name: str, kind: str) -> int | None:
        """The line of the Index/constraint named ``name`` (by a literal, or by the naming
        convention's ``<prefix>_<table>_<col1>_<col2>...`` built from the columns it uses)."""
        best: tuple[int, int] | None = None  # (score, line)
        for line, literals, columns, call in self.objects:
            score = 0
            if name in literals:
                score = 1000
            elif any(lit and name.endswith("_" + lit) for lit in literals):
                score = 500 + max(len(lit) for lit in literals if name.endswith("_" + lit))
            elif columns:
                joined = "_".join(columns)
                if name.endswith("_" + joined) or f"_{joined}_" in name:
                    score = len(joined)
            if kind == "foreign_key" and call == "ForeignKey":
                score += 1 if score else 0
            if kind == "dialect_object" and call == "info":
                score = max(score, 100)
            if score and (best is None or score > best[0]):
                best = (score, line)
        return best[1] if best else None


@dataclass
class ModuleIndex:
    """Every table a metadata module builds, by logical name, with its lines."""

    tables: dict[str, _TableIndex] = field(default_factory=dict)

    @classmethod
    def build(cls, tree: ast.Module) -> ModuleIndex:
        """The index of a parsed metadata module: its Table(...) calls, then the indexes and
        constraints built outside them (``Index("ix", table.c.col)``)."""
        index = cls()
        bindings: dict[str, str] = {}  # a variable bound to N.<table> -> the table's name
        variables: dict[str, str] = {}  # a variable bound to a Table(...) -> the table's name
        for statement in tree.body:
            for call in _calls(statement):
                if _call_name(call) == "Table" and call.args:
                    table = _table_name(call.args[0], bindings)
                    if table is not None:
                        index.tables.setdefault(table, _index_table(call, table, bindings))
            if isinstance(statement, ast.Assign):
                _bind(statement, bindings, variables)
        # Indexes and constraints built outside their Table: Index("ix", table.c.col) and such.
        for statement in tree.body:
            for call in _calls(statement):
                if _call_name(call) in _OBJECT_CALLS:
                    index.add_outside(call, _owner(call, variables, bindings), bindings)
        return index

    def add_outside(self, call: ast.Call, owner: str | None, bindings: dict[str, str]) -> None:
        """An index or constraint built outside the Table of ``owner`` (a table this index
        knows), once per line."""
        if owner in self.tables:
            table_index = self.tables[owner]
            if not any(o[0] == call.lineno for o in table_index.objects):
                table_index.objects.append(_object(call, bindings, ()))


def _bind(statement: ast.Assign, bindings: dict[str, str], variables: dict[str, str]) -> None:
    """Note what an assignment binds its names to: ``c = N.<table>`` (``bindings``) or
    ``t = Table(...)`` (``variables``), each by the table's name."""
    value = statement.value
    for target in statement.targets:
        if not isinstance(target, ast.Name):
            continue
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
            bindings[target.id] = value.attr
        elif isinstance(value, ast.Call) and _call_name(value) == "Table":
            name = _table_name(value.args[0], bindings) if value.args else None
            if name is not None:
                variables[target.id] = name


def _calls(node: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Call)]


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _table_name(node: ast.expr, bindings: dict[str, str]) -> str | None:
    """``c.__tablename__`` with ``c = N.<table>``, ``N.<table>.__tablename__``, or a literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute) and node.attr == "__tablename__":
        owner = node.value
        if isinstance(owner, ast.Name):
            return bindings.get(owner.id)
        if isinstance(owner, ast.Attribute):
            return owner.attr
    return None


def _column_name(node: ast.expr, table: str, bindings: dict[str, str]) -> str | None:
    """``c.<column>`` with ``c`` bound to ``table``, or a string literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and bindings.get(node.value.id) == table
        and not node.attr.startswith("__")
    ):
        return node.attr
    return None


def _referenced(node: ast.AST, bindings: dict[str, str]) -> tuple[str, ...]:
    """The column names a call's arguments name through a bound variable (``c.col``)."""
    out: list[str] = []
    for n in ast.walk(node):
        if (
            isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name)
            and n.value.id in bindings
            and not n.attr.startswith("__")
        ):
            out.append(n.attr)
    return tuple(out)


def _literals(call: ast.Call) -> tuple[str, ...]:
    values = [*call.args, *(k.value for k in call.keywords if k.arg == "name")]
    return tuple(
        v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)
    )


def _object(
    call: ast.Call, bindings: dict[str, str], columns: tuple[str, ...]
) -> tuple[int, tuple[str, ...], tuple[str, ...], str]:
    name = _call_name(call)
    referenced = columns if name == "ForeignKey" else _referenced(call, bindings)
    return (call.lineno, _literals(call), referenced, name)


def _index_table(call: ast.Call, table: str, bindings: dict[str, str]) -> _TableIndex:
    index = _TableIndex(line=call.lineno)
    for arg in call.args[1:]:
        if not isinstance(arg, ast.Call):
            continue
        name = _call_name(arg)
        if name == "Column" and arg.args:
            column = _column_name(arg.args[0], table, bindings)
            if column is None:
                continue
            # The line of the column's name (``sa.Column(\n    p.metadata, ...`` spans lines).
            index.columns.setdefault(column, arg.args[0].lineno)
            for inner in _calls(arg):
                if inner is not arg and _call_name(inner) == "ForeignKey":
                    index.objects.append(_object(inner, bindings, (column,)))
        else:  # an Index or constraint, or a helper that builds one (``_boolean(c.flag)``)
            index.objects.append(_object(arg, bindings, ()))
    for keyword in call.keywords:
        if keyword.arg == "info":  # row-level security and policies live in Table.info
            index.objects.append((keyword.value.lineno, ("row_level_security",), (), "info"))
    return index


def _owner(call: ast.Call, variables: dict[str, str], bindings: dict[str, str]) -> str | None:
    """The table an Index/constraint outside a Table belongs to: ``profiles.c[...]``/``.c.x``."""
    attributes = [
        n for n in ast.walk(call) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
    ]
    for n in attributes:
        assert isinstance(n.value, ast.Name)
        if n.attr in ("c", "columns") and n.value.id in variables:
            return variables[n.value.id]
    for n in attributes:
        assert isinstance(n.value, ast.Name)
        if n.value.id in bindings:
            return bindings[n.value.id]
    return None
