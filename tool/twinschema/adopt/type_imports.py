"""The imports a rendered baseline revision needs for the types it names.

Alembic's ``render_python_code`` qualifies a column's own type (``sa.INTEGER()``,
``postgresql.INET()``, ``sqlite.JSON()``) but renders a type nested in another one bare, by its
class name (``postgresql.ARRAY(INTERVAL())``, ``postgresql.JSONB(astext_type=Text())``): each of
those names must be imported, from the module that defines it, or the revision fails with a
``NameError`` when it runs (stranger60 001).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable

# Where a bare type name may come from, in the order a name is looked up.
_MODULES = ("sqlalchemy.types", "sqlalchemy.dialects.postgresql", "sqlalchemy.dialects.sqlite")
_DIALECT_MODULES = {
    "postgresql": "from sqlalchemy.dialects import postgresql  # noqa: F401",
    "sqlite": "from sqlalchemy.dialects import sqlite  # noqa: F401",
}
# A name called bare: not after a dot, a word character or a quote (a string's text).
_BARE_CALL = re.compile(r"(?<![\w.'\"])([A-Z][A-Za-z0-9_]*)\(")


def _home(name: str) -> str | None:
    """The first module of ``_MODULES`` that defines the type ``name``, if one does."""
    for module in _MODULES:
        found = getattr(importlib.import_module(module), name, None)
        if isinstance(found, type):
            return module
    return None


def type_imports(lines: Iterable[str]) -> list[str]:
    """The import lines for the code ``lines``: ``from sqlalchemy.dialects import sqlite``
    (or ``postgresql``) where a type is qualified by the dialect, and ``from MODULE import
    NAME, ...`` for each bare type name, each with ``# noqa: F401`` (the revision may not use
    all of them once edited). Lines that run SQL (``op.execute(...)``) are not read: their
    text is the database's, not Python."""
    code = [line for line in lines if not line.lstrip().startswith("op.execute(")]
    imports = [
        statement
        for prefix, statement in _DIALECT_MODULES.items()
        if any(f"{prefix}." in line for line in code)
    ]
    bare: dict[str, set[str]] = {}
    for line in code:
        for name in _BARE_CALL.findall(line):
            module = _home(name)
            if module is not None:
                bare.setdefault(module, set()).add(name)
    for module in _MODULES:
        if module in bare:
            imports.append(f"from {module} import {', '.join(sorted(bare[module]))}  # noqa: F401")
    return imports
