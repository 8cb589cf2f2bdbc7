"""The ``sa.Identity(...)`` a metadata module written by ``init`` gives a reflected identity column.

Every option the database's sequence has beside PostgreSQL's defaults is written (START,
INCREMENT, MINVALUE, MAXVALUE, CACHE, CYCLE), so that the module's ``create_all`` makes the
sequence the adopted database has, and ``check`` compares the two as equal (stranger69 010: the
options were dropped, and a module creating other ids passed every layer).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from twinschema.dialects import postgresql_sequences
from twinschema.dialects.postgresql_nextval import nextval_of
from twinschema.sql_names import PLAIN_NAME


def _type_name(sa_type: Any) -> str:
    """The PostgreSQL integer type a reflected key type is (the defaults of its sequence)."""
    if isinstance(sa_type, sa.SmallInteger):
        return "smallint"
    if isinstance(sa_type, sa.BigInteger):
        return "bigint"
    return "integer"


def identity_code(identity: sa.Identity, sa_type: Any) -> str:
    """``sa.Identity(always=..., start=..., ...)`` for a reflected identity: the options that
    differ from the ones PostgreSQL gives a sequence of the column's type by default."""
    step = identity.increment if identity.increment is not None else 1
    default = postgresql_sequences.parsed(
        postgresql_sequences.spelled(_type_name(sa_type), increment=step)
    )
    assert default is not None  # spelled() writes what parsed() reads
    args = [f"always={bool(identity.always)}"]
    given = (
        ("start", identity.start, default.start),
        ("increment", step, 1),
        ("minvalue", identity.minvalue, default.minvalue),
        ("maxvalue", identity.maxvalue, default.maxvalue),
        ("cache", identity.cache, 1),
    )
    args += [f"{name}={value}" for name, value, usual in given if value not in (None, usual)]
    if identity.cycle:
        args.append("cycle=True")
    return f"sa.Identity({', '.join(args)})"


def serial_sequence_code(
    default: str, generator: str | None, sa_type: Any, shared: bool = False
) -> str | None:
    """``sa.Sequence('q_id_seq', increment=10, ...)`` for a serial key whose sequence has
    options other than a serial's (``ALTER SEQUENCE q_id_seq INCREMENT BY 10``), written beside
    its ``nextval()`` default so that the module's ``create_all`` makes that sequence (a plain
    ``sa.BIGINT()`` key makes a serial of increment 1: stranger69 leftovers); None for a serial
    with a serial's options, a sequence of another name shape, or options not read. ``shared``:
    the sequence is drawn from by another table's key too (stranger76 014), so it is named
    whatever its options (a plain key would make a sequence of its own)."""
    drawn = nextval_of(default)  # a sequence of a plain name (``nextval('q_id_seq'::regclass)``)
    found = (
        drawn if drawn is not None and not drawn.late and PLAIN_NAME.fullmatch(drawn.name) else None
    )
    read = postgresql_sequences.parsed(generator or "")
    name = _type_name(sa_type)
    usual = postgresql_sequences.parsed(postgresql_sequences.spelled(name))
    if found is None or read is None or (read == usual and not shared):
        return None
    step = postgresql_sequences.parsed(postgresql_sequences.spelled(name, increment=read.increment))
    assert usual is not None and step is not None  # spelled() writes what parsed() reads
    given = (
        ("start", read.start, step.start),
        ("increment", read.increment, 1),
        ("minvalue", read.minvalue, step.minvalue),
        ("maxvalue", read.maxvalue, step.maxvalue),
        ("cache", read.cache, 1),
    )
    args = [repr(found.name)]
    args += [f"{key}={value}" for key, value, default_value in given if value != default_value]
    if read.cycle:
        args.append("cycle=True")
    return f"sa.Sequence({', '.join(args)})"
