"""A PostgreSQL DOMAIN column type as metadata-module code that ``create_all`` makes.

SQLAlchemy reflects a domain as ``postgresql.DOMAIN(..., create_type=False)``: the module init
wrote from it named the domain but never made it, so ``metadata.create_all`` on a new database
failed with "type email does not exist". Written here with what SQLAlchemy's ``CREATE DOMAIN``
needs: the base type without a collation of its own (SQLAlchemy writes the domain's and the
base type's, ``COLLATE "default" COLLATE "default"``, which PostgreSQL refuses), the default
and the CHECK as SQL text (a plain string default would be quoted as a literal), and the
database's own collation only where it is not the default one. ``create_all`` checks first, so
a database that has the domain (the baseline revision makes it before the tables) keeps it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def render_domain(domain: postgresql.DOMAIN, base: Callable[[Any], str]) -> str:
    """``postgresql.DOMAIN('email', sa.TEXT(), constraint_name=..., check=sa.text(...))``;
    ``base`` renders the base type as code."""
    data_type = copy.copy(domain.data_type)
    if getattr(data_type, "collation", None) is not None:
        data_type.collation = None  # type: ignore[attr-defined]
    args = [repr(domain.name), base(data_type)]
    if domain.collation is not None and domain.collation.lower() != "default":
        args.append(f"collation={domain.collation!r}")
    if domain.default is not None:
        args.append(f"default=sa.text({_text(domain.default)!r})")
    if domain.not_null:
        args.append("not_null=True")
    if domain.constraint_name is not None:
        args.append(f"constraint_name={str(domain.constraint_name)!r}")
    if domain.check is not None:
        args.append(f"check=sa.text({_text(domain.check)!r})")
    return f"postgresql.DOMAIN({', '.join(args)})"


def _text(element: Any) -> str:
    """The SQL text SQLAlchemy reflected (a string, or a text clause made of one)."""
    return element.text if isinstance(element, sa.TextClause) else str(element)
