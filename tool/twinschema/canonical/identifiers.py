"""How each dialect folds identifiers: the one place that knows it.

PostgreSQL folds an unquoted name to lower case and keeps a quoted one exactly (``"Amount"`` and
``amount`` are two columns). SQLite compares names without regard to ASCII case, quoted or not
(``Amount``, ``"AMOUNT"`` and ``amount`` are one column). Both fold ASCII letters only: real
PostgreSQL 16 (UTF8) stores an unquoted ``Éa`` as ``Éa``, and SQLite 3.40 finds no column ``éa``
in a table whose column is ``Éa``. Everything that matches a name written in
SQL against a catalog name goes through ``fold``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from twinschema.records.dialects import fold_name
from twinschema.sql_names import PLAIN_NAME, quoted, sql_name

__all__ = ["PLAIN_NAME", "quoted", "sql_name"]


def _postgresql(name: str, quoted: bool) -> str:
    return name if quoted else fold_name(name)


def _sqlite(name: str, quoted: bool) -> str:
    return fold_name(name)


# dialect -> how a name written in SQL (quoted or not) becomes the key it is matched by.
FOLDING: Mapping[str, Callable[[str, bool], str]] = {
    "postgresql": _postgresql,
    "sqlite": _sqlite,
}


def fold(dialect: str, name: str, quoted: bool) -> str:
    """The key a name written in ``dialect`` SQL is matched by (quoted: written in quotes)."""
    return FOLDING.get(dialect, _postgresql)(name, quoted)


def catalog_key(dialect: str, name: str) -> str:
    """The key of a name as the catalog stores it (the exact name a quoted reference matches)."""
    return fold(dialect, name, True)
