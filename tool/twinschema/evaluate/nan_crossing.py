"""The NaN probe of a number column pair (``crossing_values.NAN``): PostgreSQL's numeric, real and
double precision store 'NaN', and a CHECK such as ``x >= 0`` lets it in (NaN sorts above every
number there); SQLite has no NaN: the float its driver binds, as SQLAlchemy writes a
Decimal('NaN') read from the server, is stored as NULL, which a NOT NULL column refuses
(stranger84 006, on real databases). Only the PostgreSQL to SQLite direction carries it: no
device makes a NaN. A PostgreSQL CHECK that refuses it (``x <> 'NaN'``, ``x < 1e9``) leaves
nothing to say."""

from __future__ import annotations

from typing import Any

from twinschema.evaluate.backends import REJECTED
from twinschema.records.dialects import POSTGRESQL, SQLITE


def judged(
    got: tuple[tuple[str, Any], tuple[str, Any]], sqlite_nullable: bool
) -> tuple[bool, str] | None:
    """The warning's text (never a push failure: the device never writes NaN) for what the two
    sides did with NaN (``got``: each dialect with what it stored, or ``REJECTED``); None where
    PostgreSQL refuses it."""
    stored = dict(got)
    server, device = stored.get(POSTGRESQL, REJECTED), stored.get(SQLITE, REJECTED)
    if server is REJECTED or server == server:  # refused, or not NaN once stored
        return None
    if device is REJECTED or not sqlite_nullable:
        return False, (
            "PostgreSQL stores it, SQLite has no NaN: its driver writes NULL, which this column "
            "refuses (a PostgreSQL to SQLite sync fails)"
        )
    return False, (
        "PostgreSQL stores it, SQLite has no NaN: its driver writes NULL (changed on the way)"
    )
