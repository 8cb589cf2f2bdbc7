"""A metadata module's exclusion constraints (SQLAlchemy's PostgreSQL ``ExcludeConstraint``) as
``SchemaObject``s of kind exclusion, so that one a database has and its module lacks (or the
reverse) is a difference, not a silent count (s71live)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import AddConstraint

from twinschema.model import OBJECT_EXCLUSION, SchemaObject
from twinschema.sources.metadata_parts import DDL_DIALECTS


def exclusions(tables: Iterable[sa.Table], dialect: str) -> tuple[SchemaObject, ...]:
    """Each ExcludeConstraint of ``tables``, by its table and name ("" where the module names
    none: the database names it), its text as ``dialect``'s DDL compiler writes it."""
    found = []
    for table in tables:
        for constraint in table.constraints:
            if not isinstance(constraint, postgresql.ExcludeConstraint):
                continue
            ddl = str(AddConstraint(constraint).compile(dialect=DDL_DIALECTS[dialect]))
            text = ddl.split(" ADD ", 1)[-1].strip()
            if text.upper().startswith("CONSTRAINT "):
                text = text.split(" ", 2)[-1]
            name = constraint.name if isinstance(constraint.name, str) else ""
            found.append(SchemaObject(OBJECT_EXCLUSION, name, text, table.name, text))
    return tuple(sorted(found, key=lambda o: o.key))
