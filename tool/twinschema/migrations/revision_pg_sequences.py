"""A serial's sequence options changed in the PostgreSQL module, as statements that apply and
undo (stranger72 007).

``init`` writes a serial whose sequence has options of its own as ``sa.Sequence('frame_id_seq',
start=100, increment=10)`` beside ``server_default=text("nextval('frame_id_seq'::regclass)")``.
Alembic's autogenerate compares no sequence options, so a change to them was written nowhere.
Each such sequence of the module is compared here with the one the scratch database at head has
(``pg_sequence``, its bounds cut to the column's range as the checker reads them), and a change
is written as ``ALTER SEQUENCE frame_id_seq INCREMENT BY 1 START WITH 1`` in the upgrade and the
old options in the downgrade. Where START changes, the sequence is also set to hand out the new
START next (``setval``, never below an id in use: ``revision_identity.restart_sql``), as a new
database made from the module does; ``START WITH`` alone moves nothing.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.operations import ops

from twinschema.dialects.postgresql_sequences import SequenceOptions, parsed, spelled
from twinschema.migrations.revision_identity import restart_sql, type_name_of
from twinschema.sources.metadata_identity import drawn_sequence

# The options of one sequence, by its name as SQL writes it (quoted, qualified where needed).
_OPTIONS = (
    "SELECT s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle "
    "FROM pg_sequence s WHERE s.seqrelid = to_regclass(:name)"
)


def altered_sequences(context: Any, script: Any) -> None:
    """Write into a PostgreSQL MigrationScript the ALTER SEQUENCE (and, where START changes,
    the ``setval``) that gives each module sequence behind a ``nextval()`` key its options, and
    the statements that give the old ones back into its downgrade (see the module docstring)."""
    metadata = context.opts.get("target_metadata")
    connection = context.connection
    if not isinstance(metadata, sa.MetaData) or connection is None:
        return
    preparer = context.dialect.identifier_preparer
    for table in metadata.tables.values():
        for column in table.columns:
            sequence = drawn_sequence(column)
            if sequence is None:
                continue
            name = preparer.format_sequence(sequence)
            row = connection.execute(sa.text(_OPTIONS), {"name": name}).first()
            if row is None:  # not made yet: the revision's CREATE TABLE makes it
                continue
            type_name = type_name_of(column.type)
            new = _module_options(sequence, type_name)
            old = _catalog_options(tuple(row), type_name)
            if new == old:
                continue
            where = (table.name, column.name, table.schema)
            for container, to, was in (
                (script.upgrade_ops_list, new, old),
                (script.downgrade_ops_list, old, new),
            ):
                sql = [ops.ExecuteSQLOp(_alter(name, to, was))]
                if to.start != was.start:
                    sql.append(
                        ops.ExecuteSQLOp(restart_sql(preparer, where, to.start, to.increment, name))
                    )
                if container is script.upgrade_ops_list:
                    container[0].ops.extend(sql)
                else:  # undone before the rest of the downgrade, as it was done after
                    container[0].ops[0:0] = sql


def _module_options(sequence: sa.Sequence, type_name: str) -> SequenceOptions:
    """A module's ``sa.Sequence`` options, PostgreSQL's defaults filled in for a column of
    ``type_name`` (as the checker reads a module's)."""
    options = parsed(
        spelled(
            type_name,
            sequence.start,
            sequence.increment,
            None if sequence.nominvalue else sequence.minvalue,
            None if sequence.nomaxvalue else sequence.maxvalue,
            sequence.cache,
            bool(sequence.cycle),
        )
    )
    assert options is not None  # spelled() writes what parsed() reads
    return options


def _catalog_options(row: tuple[Any, ...], type_name: str) -> SequenceOptions:
    """A ``pg_sequence`` row's options, its bounds cut to a column of ``type_name``."""
    start, increment, low, high, cache, cycle = row
    options = parsed(spelled(type_name, start, increment, low, high, cache, bool(cycle)))
    assert options is not None  # spelled() writes what parsed() reads
    return options


def _alter(name: str, to: SequenceOptions, was: SequenceOptions) -> str:
    """``ALTER SEQUENCE name`` with each option of ``to`` that differs from ``was``."""
    parts = [
        f"{label} {value}"
        for label, value, before in (
            ("INCREMENT BY", to.increment, was.increment),
            ("MINVALUE", to.minvalue, was.minvalue),
            ("MAXVALUE", to.maxvalue, was.maxvalue),
            ("START WITH", to.start, was.start),
            ("CACHE", to.cache, was.cache),
        )
        if value != before
    ]
    if to.cycle != was.cycle:
        parts.append("CYCLE" if to.cycle else "NO CYCLE")
    return f"ALTER SEQUENCE {name} " + " ".join(parts)
