"""Equal columns of the neutral model as one shared object (``ColumnPool``), for the sources
that build a whole schema."""

from __future__ import annotations

from typing import Any

from twinschema.model import Collation, Column, ColumnType, Generated


class ColumnPool:
    """Equal columns as one shared object, for a source building a whole schema.

    A schema repeats a few column shapes (an ``id``, a ``created_at`` with its default) across
    all its tables. Shared, they are fewer objects to build and keep, and comparing two equal
    columns stops at their identity (tuple equality tries ``is`` first). Types are keyed by
    identity: a source makes each distinct type once (from a cache), and a pooled column keeps
    its type alive. Measured (live layer, bench schema, same run): without the pool, N = 5,000
    SQLite took 4.35-4.61 s against 2.51-3.08 s with it.
    """

    __slots__ = ("_made",)

    def __init__(self) -> None:
        self._made: dict[
            tuple[
                str,
                int,
                bool,
                str | None,
                str | None,
                str | None,
                Any,
                Any,
                str | None,
                str | None,
                str | None,
                int | None,
            ],
            Column,
        ] = {}

    def column(
        self,
        name: str,
        type: ColumnType,
        nullable: bool,
        default: str | None,
        identity: str | None,
        raw_default: str | None,
        collation: Collation | None = None,
        generated: Generated | None = None,
        generator: str | None = None,
        sequence: str | None = None,
        fails: str | None = None,
        next_id: int | None = None,
    ) -> Column:
        """The pooled column with these fields (made now if it is the first)."""
        key = (
            name, id(type), nullable, default, identity, raw_default, collation, generated,
            generator, sequence, fails, next_id,
        )  # fmt: skip
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = Column(
                name, type, nullable, default, identity, raw_default, collation, generated,
                generator, sequence, fails, next_id=next_id,
            )  # fmt: skip
        return found
