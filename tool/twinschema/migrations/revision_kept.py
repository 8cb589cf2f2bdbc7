"""The user's metadata module as it was before an autogenerate run (stranger51 030).

Alembic turns a CHECK it found into an operation and back (``CreateCheckConstraintOp``'s
``to_constraint``, for the downgrade's reverse and again to render it) by building a new
``CheckConstraint`` from the CHECK's expression. A type's own CHECK (``sa.Boolean(
create_constraint=True)``, a non-native ``sa.Enum``) has an expression that names the module's
column, and SQLAlchemy attaches such a constraint to that column's table: each ``revision`` left
the module's table with two more copies of the CHECK. ``revision``'s "not written" warnings
then compared the chain's one CHECK with the module's three and said the CHECK exists only in
the module, though the revision had just written it (``twinschema check`` in a new process said
in sync). The tables of the metadata are given back the constraints and indexes they had.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from twinschema.config import Config


@contextmanager
def metadata_kept(metadata: sa.MetaData) -> Iterator[None]:
    """Run the block, then remove from each table of ``metadata`` the constraints and indexes
    the block attached to it (see the module docstring)."""
    kept = [(t, set(t.constraints), set(t.indexes)) for t in metadata.tables.values()]
    try:
        yield
    finally:
        for table, constraints, indexes in kept:
            table.constraints.intersection_update(constraints)
            table.indexes.intersection_update(indexes)


@contextmanager
def module_kept(config: Config, dialect: str) -> Iterator[None]:
    """``metadata_kept`` for the metadata module of ``dialect``, imported as the checks import
    it (the same module object ``env.py`` imports); nothing to keep without one."""
    from twinschema.sources.metadata_import import import_metadata

    spec = config.side(dialect).metadata
    if spec is None:
        yield
        return
    with metadata_kept(import_metadata(spec, config.root)[0]):
        yield
