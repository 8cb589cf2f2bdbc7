"""A column moved from a domain onto its replacement of another base type, written as
``op.alter_column`` with both domains and their base types, so the destructive-change lint sees
the narrowing it may be (s82mig).

``revision_pg_domain_type`` gives a domain a new base type by a new domain and ``ALTER TABLE ...
ALTER COLUMN ... TYPE <new> USING <column>::<new>`` for each column of it. Written as SQL, the
lint read no type in it: the downgrade of ``DOMAIN('code_t', sa.BIGINT())`` back to integer
passed ``migrate`` with no marker where an ``alter_column`` from bigint to integer is refused.
Written as ``op.alter_column(..., existing_type=postgresql.DOMAIN('code_t', sa.BIGINT(), ...),
type_=postgresql.DOMAIN('code_t_new', sa.INTEGER(), ...), postgresql_using=...)`` the lint
judges the base types (a domain is its base type's family there): narrowing needs its
``narrow_type:T.C`` marker, widening passes. PostgreSQL runs the same statement.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.render import _repr_type
from alembic.operations import ops
from sqlalchemy.dialects import postgresql

_IMPORT = "from sqlalchemy.dialects import postgresql"


class DomainMove(ops.AlterColumnOp):
    """``op.alter_column`` moving a column onto another domain, with ``postgresql_using``
    (Alembic's autogenerate renders neither a domain's base type qualified nor that keyword)."""


def domain_move(
    table: tuple[str | None, str, str],
    before: postgresql.DOMAIN,
    after: postgresql.DOMAIN,
    using: str,
) -> DomainMove:
    """The operation moving the column ``table`` ((schema, table, column)) from the domain
    ``before`` to ``after``, converting each value by ``using`` (``<column>::<after>``)."""
    schema, name, column = table
    return DomainMove(
        name, column, schema=schema, modify_type=after, existing_type=before, postgresql_using=using
    )


def base_type(text: str, name: str) -> sa.types.TypeEngine[Any] | None:
    """The SQLAlchemy type of a base type as PostgreSQL prints it (``format_type``:
    ``character varying(8)``); None where SQLAlchemy has no type of that name (an enum)."""
    dialect: postgresql.base.PGDialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    if text.split("(")[0].split("[")[0] not in dialect.ischema_names:
        return None
    loader = cast(Any, SimpleNamespace(enums={}, domains={}))
    return dialect._reflect_type(text, loader, name, None)


@renderers.dispatch_for(DomainMove)
def _render_domain_move(autogen_context: Any, op: DomainMove) -> str:
    prefix = autogen_context.opts.get("alembic_module_prefix") or "op."
    autogen_context.imports.add(_IMPORT)
    schema = f", schema={op.schema!r}" if op.schema else ""
    return (
        f"{prefix}alter_column({str(op.table_name)!r}, {str(op.column_name)!r}{schema}, "
        f"existing_type={_domain(op.existing_type, autogen_context)}, "
        f"type_={_domain(op.modify_type, autogen_context)}, "
        f"postgresql_using={op.kw['postgresql_using']!r})"
    )


def _domain(domain: Any, autogen_context: Any) -> str:
    """``postgresql.DOMAIN(name, <base type>, create_type=False)``, its base type as Alembic
    writes a column's (``sa.BIGINT()``)."""
    schema = f", schema={domain.schema!r}" if domain.schema else ""
    base = _repr_type(domain.data_type, autogen_context)
    return f"postgresql.DOMAIN({domain.name!r}, {base}{schema}, create_type=False)"
