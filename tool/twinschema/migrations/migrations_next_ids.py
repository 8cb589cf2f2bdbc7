"""Where the sequences of a database the chain builds stand: the id a new database's first
insert that omits the key gets, against the module's (stranger72 014).

A scratch database upgraded from empty to head holds no rows (but those a revision inserts), so
each identity or serial of it should hand out its START next, as ``create_all`` of the metadata
module does. ``ALTER TABLE jar ALTER COLUMN id SET START WITH 1000`` on a sequence already made
moves nothing (START only says where a later RESTART goes back to): a revision that changes START
so, without a RESTART or a ``setval``, left every database the chain builds handing out 1 while
the module's gives 1000, and the options compared alike (checked on PostgreSQL 16). The
sequence's options are the comparer's; this compares where the chain leaves it standing with
the START the module gives.
Only a sequence standing short of its START is reported (below it, for an ascending one): rows a
revision inserts (seed data) move a sequence past START, never short of it.
"""

from __future__ import annotations

from twinschema.dialects.postgresql_sequences import parsed
from twinschema.migrations.migrations_chain import DRIFT, Chain, migration_difference
from twinschema.model import Schema
from twinschema.records import Difference


def fresh_next_ids(
    built: Schema, module: Schema, chain: Chain, module_label: str
) -> list[Difference]:
    """Each key of ``built`` (the chain's scratch database at head, as read) whose sequence has
    the module's options yet stands short of its START: the first insert that omits the key gets
    another id in a database the chain builds than in one ``create_all`` of the module makes."""
    found: list[Difference] = []
    for name, table in sorted(built.tables.items()):
        theirs = module.tables.get(name)
        if theirs is None:
            continue
        columns = {c.name: c for c in theirs.columns}
        for column in table.columns:
            other = columns.get(column.name)
            if other is None or column.next_id is None or column.generator is None:
                continue
            options = parsed(column.generator)
            if options is None or column.generator != other.generator:
                continue  # no options read, or options that differ: the comparer's finding
            behind = column.next_id - options.start
            if behind == 0 or (behind > 0) == (options.increment > 0):
                continue  # at START, or past it: rows a revision inserted (seed data) moved it
            found.append(
                migration_difference(
                    DRIFT,
                    (chain.label, module_label),
                    name=column.name,
                    left=f"next id {column.next_id}",
                    right=f"next id {options.start}",
                    table=name,
                    message=(
                        f"upgrading an empty database to head does not give {module_label}: "
                        f"column_default: the first insert that omits {name}.{column.name} gets "
                        f"{column.next_id} in a new database the chain builds and "
                        f"{options.start} (its START WITH) in one made from {module_label}: "
                        "the sequence's START was changed without moving it (SET START WITH "
                        "alone moves nothing until a RESTART)"
                    ),
                    hint=(
                        f"in the revision of {chain.label} that changes START, set the sequence "
                        f"to it as well: SELECT setval(pg_get_serial_sequence('{name}', "
                        f"'{column.name}'), greatest({options.start}, (SELECT max({column.name}) "
                        f"+ 1 FROM {name})), false) (never below an id in use), in its "
                        "downgrade() likewise with the old START"
                    ),
                )
            )
    return found
