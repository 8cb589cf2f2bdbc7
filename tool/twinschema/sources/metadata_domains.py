"""A PostgreSQL DOMAIN of a metadata module as the PostgreSQL reader reads one from the catalog
(``sources.metadata`` reads the column types that name one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.type_api import to_instance

from twinschema.model import ColumnType


def domain_definition(
    domain: postgresql.DOMAIN,
    compile_type: Callable[[sa.types.TypeEngine[Any]], ColumnType],
    sql: Callable[[Any], str],
) -> str:
    """A DOMAIN's definition as the PostgreSQL reader builds it from the catalog (base type
    as ``format_type`` spells it, NOT NULL, DEFAULT, CHECKs as the DDL compiler writes them;
    ``normalize`` makes the CHECKs canonical), so that the domain a module declares and the
    one a database holds compare equal when they are. A DOMAIN over a DOMAIN is read, as the
    reader reads the database, through every level to its base type: the CHECKs and NOT
    NULL of every level, the nearest level's COLLATE and DEFAULT (CREATE DOMAIN takes its
    base domain's where it writes none). ``compile_type`` and ``sql``: the metadata reader's, which
    compiles a type and an expression as the dialect's DDL compiler writes them."""
    levels = [domain]
    inner = to_instance(domain.data_type)
    while isinstance(inner, postgresql.DOMAIN) and len(levels) < 64:
        levels.append(inner)
        inner = to_instance(inner.data_type)
    base = compile_type(inner).spelling().replace(", ", ",")
    parts = [base]
    collation = next((d.collation for d in levels if d.collation is not None), None)
    if collation is not None and collation.lower() != "default":
        parts.append('COLLATE "' + collation.replace('"', '""') + '"')
    if any(d.not_null for d in levels):
        parts.append("NOT NULL")
    default = next((d.default for d in levels if d.default is not None), None)
    if default is not None:
        parts.append("DEFAULT " + sql(default))
    parts.extend(f"CHECK ({sql(d.check)})" for d in levels if d.check is not None)
    return " ".join(parts)
