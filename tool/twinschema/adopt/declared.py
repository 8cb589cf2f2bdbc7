"""A SQLite column type kept exactly as the database declares it.

SQLite keeps a column's declared type as written (``INT``, ``BLOB SUB_TYPE TEXT``), and the
spelling matters: ``INT PRIMARY KEY`` is not a rowid alias where ``INTEGER PRIMARY KEY`` is. Its
SQLAlchemy reflection keeps only a class (``INT`` reads back as ``INTEGER``), so a metadata module
or a baseline rendered from it would declare another type than the database has, and the
comparer (which compares types exactly within one dialect) would say so.

``Declared("INT", sa.INTEGER())`` compiles to ``INT`` on SQLite and behaves as its ``impl``
everywhere else: Alembic's autogenerate compares it by that type, so it proposes no change.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles


class Declared(sa.types.TypeDecorator[Any]):
    """A type whose SQLite DDL is ``spelling``, otherwise its ``impl`` type."""

    impl = sa.types.NullType
    cache_ok = True

    def __init__(self, spelling: str, impl: sa.types.TypeEngine[Any]) -> None:
        super().__init__()
        self.spelling = spelling
        self.impl = impl  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Declared({self.spelling!r}, {self.impl!r})"


@compiles(Declared, "sqlite")
def _sqlite(element: Declared, compiler: Any, **kw: Any) -> str:
    return element.spelling


@compiles(Declared)
def _other(element: Declared, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.impl, **kw))
