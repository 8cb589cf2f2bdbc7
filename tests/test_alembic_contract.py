"""Alembic publishes no API for "this SQLAlchemy type as Python code": ``twinschema init``
renders a column's type (``adopt.models.render_type``) and a baseline revision's enum and domain
types (``adopt.baseline``) with ``alembic.autogenerate.render._repr_type``, the function its own
autogenerate writes types with. pyproject pins Alembic below 2; this fails loudly if an allowed
release moves it or changes what it writes."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import render as alembic_render
from sqlalchemy.dialects import postgresql

from twinschema.adopt.models import render_type, type_renderer


def test_repr_type_is_where_init_asks_for_it() -> None:
    context = type_renderer("postgresql")
    repr_type = alembic_render._repr_type
    assert repr_type(sa.NUMERIC(precision=10, scale=2), context) == (
        "sa.NUMERIC(precision=10, scale=2)"
    )
    assert repr_type(sa.Enum("a", "b", name="tier"), context) == "sa.Enum('a', 'b', name='tier')"


def test_a_dialect_type_brings_its_import() -> None:
    """The code init writes must import what it names: the context collects it."""
    context = type_renderer("postgresql")
    assert render_type(postgresql.JSONB(), context) == "postgresql.JSONB(astext_type=sa.Text())"
    assert any("postgresql" in line for line in context.imports)


def test_a_batch_copy_adds_a_column_where_migrate_checks_it() -> None:
    """``alembic_declared`` wraps ``ApplyBatchImpl.add_column`` while a chain runs, refusing a
    column the copied table already has (``self.columns``, by name): both must stay where they
    are (tests/test_sqlite_batch_add_existing.py shows what the wrap prevents)."""
    import inspect

    from alembic.operations.batch import ApplyBatchImpl

    parameters = list(inspect.signature(ApplyBatchImpl.add_column).parameters)
    assert parameters[:3] == ["self", "table_name", "column"]
    source = inspect.getsource(ApplyBatchImpl.add_column)
    assert "self.columns[column.name]" in source
