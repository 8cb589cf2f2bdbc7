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


def test_a_batch_copy_makes_its_new_table_where_twinschema_completes_it() -> None:
    """``alembic_declared`` wraps ``ApplyBatchImpl._transfer_elements_to_new_table`` while a
    chain runs: after it, ``_create`` copies the rows of the ``column_transfers`` entries that
    have an ``expr`` (a generated column's is taken out) into ``self.new_table`` (unnamed
    CHECKs put back into it unless ``self.table_args`` restates CHECKs; ``self.reflected``,
    ``self.columns``). All must stay where they are (tests/test_sqlite_batch_keys.py)."""
    import inspect

    from alembic.operations.batch import ApplyBatchImpl

    transfer = ApplyBatchImpl._transfer_elements_to_new_table
    assert list(inspect.signature(transfer).parameters) == ["self"]
    create = inspect.getsource(ApplyBatchImpl._create)
    assert create.index("self._transfer_elements_to_new_table()") < create.index("insert()")
    assert create.count('if "expr" in transfer') == 2, create
    assert "self.new_table = " in inspect.getsource(transfer)
    init = inspect.getsource(ApplyBatchImpl.__init__)
    for attribute in ("self.column_transfers", "self.table_args", "self.reflected"):
        assert attribute in init, attribute
    assert "self.columns[c.name]" in inspect.getsource(ApplyBatchImpl._grab_table_elements)


def test_a_reflected_sqlite_table_is_completed_where_alembic_reflects_it() -> None:
    """``alembic_declared`` wraps SQLAlchemy's ``Inspector.reflect_table`` while a chain runs,
    completing each SQLite table reflected there, and completes a foreign key attached to such
    a table later: a batch copy reflects its table through ``Table(autoload_with=...)``, which
    calls it; autogenerate calls it for each table, then makes the database's keys from
    ``get_foreign_keys`` and attaches them to that table. All must stay where they are
    (tests/test_sqlite_batch_keys.py shows what the completion keeps)."""
    import inspect

    from alembic.autogenerate.compare import constraints, tables
    from alembic.operations.batch import BatchOperationsImpl
    from sqlalchemy.engine.reflection import Inspector

    parameters = list(inspect.signature(Inspector.reflect_table).parameters)
    assert parameters[:2] == ["self", "table"]
    assert "autoload_with=" in inspect.getsource(BatchOperationsImpl.flush)
    assert "conn_insp.reflect_table(" in inspect.getsource(sa.Table._autoload)
    assert ".reflect_table(t" in inspect.getsource(tables)
    assert "conn_table.append_constraint(const)" in inspect.getsource(constraints._make_foreign_key)
