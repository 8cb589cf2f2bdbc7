"""A SQLite column type kept exactly as the database declares it.

SQLite keeps a column's declared type as written (``INT``, ``BLOB SUB_TYPE TEXT``), and the
spelling matters: ``INT PRIMARY KEY`` is not a rowid alias where ``INTEGER PRIMARY KEY`` is. Its
SQLAlchemy reflection keeps only a class (``INT`` reads back as ``INTEGER``), so a metadata module
or a baseline rendered from it would declare another type than the database has, and the
comparer (which compares types exactly within one dialect) would say so.

``Declared("INT", sa.INTEGER())`` compiles to ``INT`` on SQLite and behaves as its ``impl``
everywhere else. A type SQLAlchemy reads as ``NullType`` (a SQLite column declared without a
type, ``Declared("", sa.types.NullType())``; a PostgreSQL composite type, ``Declared("pair",
sa.types.NullType())``) compiles to its spelling on every dialect: ``NullType`` has no DDL.

Alembic's autogenerate would compare its DDL with the type SQLAlchemy reflects (``tinyint`` read
back as INTEGER) and alter every such column, and would write it into a
revision by a class path nothing imports: the chains' environment (``alembic_env``) compares it
with the spelling the database declares, and renders it with ``rendered`` and its import.
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


# The import a revision or a baseline that writes ``Declared`` needs.
IMPORT = "from twinschema.declared_types import Declared"


def rendered(declared: Declared, autogen_context: Any) -> str:
    """``declared`` as a revision's Python writes it: ``Declared('tinyint', sa.INTEGER())``;
    a column SQLite declares without a type is ``Declared('', sa.types.NullType())``."""
    from alembic.autogenerate.render import _repr_type

    if isinstance(declared.impl, sa.types.NullType):
        # Alembic writes ``sa.NullType()``, which the module sqlalchemy does not export
        impl = "sa.types.NullType()"
    else:
        impl = _repr_type(declared.impl, autogen_context)  # type: ignore[arg-type]
    return f"Declared({declared.spelling!r}, {impl})"


def spelled(text: str) -> str:
    """A declared SQLite type as SQLite compares spellings for a column: case and spacing
    folded (``TINYINT(1)`` is ``tinyint(1)``)."""
    return " ".join(text.lower().split())


@compiles(Declared, "sqlite")
def _sqlite(element: Declared, compiler: Any, **kw: Any) -> str:
    collation = getattr(element.impl, "collation", None)  # a String's, as SQLAlchemy writes it
    return f'{element.spelling} COLLATE "{collation}"' if collation else element.spelling


@compiles(Declared)
def _other(element: Declared, compiler: Any, **kw: Any) -> str:
    if isinstance(element.impl, sa.types.NullType):  # a type SQLAlchemy does not know
        return element.spelling
    return str(compiler.process(element.impl, **kw))
