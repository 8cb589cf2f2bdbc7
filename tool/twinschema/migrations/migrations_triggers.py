"""The migrations layer's view of a SQLite chain that loses a trigger (stranger71 007).

Triggers are compared only between two sources of one dialect, and a chain whose batch copy
dropped a trigger has a head without it, exactly like the live database it migrated: so the
chain against its module, the live database against the chain's head and the two chains against
each other were all "in sync" while PostgreSQL kept the rule and SQLite had lost it. The chain
itself says what happened: an earlier revision made the trigger (``op.execute``), a later one
copies its table in a batch block and makes it nowhere after. The lint finds that by making the
chain's tables and triggers on an in-memory SQLite database (``lint_fts.ChainTables``, no
database of the project is touched); ``check`` reports each such loss the revision does not allow
(``allow_destructive`` ``drop_trigger:T.N``) as drift of the chain."""

from __future__ import annotations

from twinschema.config import Config
from twinschema.errors import UsageError
from twinschema.migrations.migrations_chain import DRIFT, Chain, migration_difference
from twinschema.records import Difference

# (revision, path:line, table, trigger, the op.execute that keeps it)
Lost = tuple[str, str, str, str, str]


def triggers_lost(config: Config, chain: Chain) -> tuple[Lost, ...]:
    """Each trigger a SQLite ``chain`` made in one revision and lost to a batch copy in a
    later one, with no marker saying it may go; none for a PostgreSQL chain (no batch copies).
    Read once with the chain's scratch run and kept with it (``migrations_cache``)."""
    if chain.dialect != "sqlite":
        return ()
    # Imported here: the lint imports Alembic, which a check whose kept run is reused never needs.
    from twinschema.migrations.lint import chain_scripts, lint_scripts
    from twinschema.migrations.migrate_chain import alembic_config, script_directory

    scripts = chain_scripts(script_directory(alembic_config(config, "sqlite")))
    try:
        found = lint_scripts(scripts, "sqlite", chain.label, config.root)
    except UsageError:  # a malformed marker: `lint` and `migrate` say so
        return ()
    return tuple(
        (
            f.revision,
            f.where,
            f.change.table or "",
            f.change.key.rsplit(".", 1)[1],
            f.change.fix or "",
        )
        for f in found.findings
        if f.refused and f.change.key.startswith("drop_trigger:")
    )


def lost_triggers(lost: tuple[Lost, ...], chain: str, against: str) -> list[Difference]:
    """Each of ``lost`` (``triggers_lost``) as a ``migration_drift`` of ``chain`` (its label)
    against ``against`` (its metadata module)."""
    return [
        migration_difference(
            DRIFT,
            (chain, against),
            name=trigger,
            left=None,
            right=f"trigger {trigger}",
            table=table,
            message=f"trigger {trigger} on {table}, made by an earlier revision of {chain}, is "
            f"lost in revision {revision}: its batch block copies {table}, which drops the "
            "table's triggers (SQLite drops them with the old table; Alembic copies none), and "
            "the revision makes it nowhere after. The chain's head, and every database it "
            "migrates, lack it",
            hint=f"at {where}: add after the block {fix} (or, if the trigger is to go, "
            f'allow_destructive = {{"drop_trigger:{table}.{trigger}": "<why>"}} there)',
        )
        for revision, where, table, trigger, fix in lost
    ]
