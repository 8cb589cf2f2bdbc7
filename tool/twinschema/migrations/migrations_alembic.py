"""The migrations layer's Alembic steps on a scratch database (and the pytest plugin's
upgrades): each revision's parents, and one upgrade or downgrade in one transaction, its error
in one line. Alembic is imported inside: a run kept by ``migrations_cache`` never needs it."""

from __future__ import annotations

from twinschema.config import Config
from twinschema.errors import TwinschemaError
from twinschema.migrations.migrations_chain import Chain
from twinschema.urls import parse_url, scrub


def down_revisions(config: Config, chain: Chain) -> dict[str, tuple[str, ...]]:
    """Each revision of the chain and the revisions below it (none for a base)."""
    from twinschema.migrations import migrate_chain

    script = migrate_chain.script_directory(migrate_chain.alembic_config(config, chain.dialect))
    found: dict[str, tuple[str, ...]] = {}
    for rev in script.walk_revisions():
        down = rev.down_revision
        found[rev.revision] = (down,) if isinstance(down, str) else tuple(down or ())
    return found


def run_step(config: Config, target: tuple[str, str], step: str, to: str) -> str | None:
    """Run one Alembic step (``"upgrade"`` or ``"downgrade"``) on the scratch database in one
    transaction, as ``migrate`` does (atomic on SQLite too); its error in one line, if any.
    Where PostgreSQL refuses an enum label added earlier in the same upgrade (``unsafe use of
    new value``, which ``migrate`` answers by committing the revision that adds it first), the
    upgrade is run again one revision per transaction. Alembic is imported here: a run kept by
    ``migrations_cache`` never needs it."""
    try:
        try:
            _in_one_transaction(config, target, step, to)
        except _LabelUncommitted:
            for revision in _pending(config, target, to):
                _in_one_transaction(config, target, step, revision)
    except TwinschemaError as exc:
        return exc.message
    except Exception as exc:  # a revision's own error is a finding, not a crash
        lines = str(exc).strip().splitlines() or [""]
        return scrub(f"{type(exc).__name__}: {lines[0]}".rstrip(": "))
    return None


class _LabelUncommitted(Exception):
    """PostgreSQL refused an enum label added earlier in the same upgrade (rolled back)."""


def _in_one_transaction(config: Config, target: tuple[str, str], step: str, to: str) -> None:
    from twinschema.migrations import migrate_chain, migrate_connect
    from twinschema.migrations.migrate_enum_labels import unsafe_enum_use

    dialect, url = target
    run = migrate_chain.upgrade if step == "upgrade" else migrate_chain.downgrade
    waits = migrate_connect.Waits.of(config)
    with migrate_connect.connect(
        migrate_chain.Target(dialect, parse_url(url)), waits=waits
    ) as connection:
        try:
            run(migrate_chain.alembic_config(config, dialect, connection=connection), to)
        except Exception as exc:  # ``connect`` turns a database's error into one line
            if step == "upgrade" and unsafe_enum_use(exc):
                raise _LabelUncommitted from None
            raise


def _pending(config: Config, target: tuple[str, str], to: str) -> list[str]:
    """The revisions an upgrade of the database at ``target`` to ``to`` applies, in order."""
    from twinschema.migrations import migrate_chain, migrate_connect

    dialect, url = target
    waits = migrate_connect.Waits.of(config)
    with migrate_connect.connect(
        migrate_chain.Target(dialect, parse_url(url)), waits=waits
    ) as connection:
        cfg = migrate_chain.alembic_config(config, dialect, connection=connection)
        current = migrate_chain.current_revisions(connection)
        return [s.revision for s in migrate_chain.pending_revisions(cfg, current, to)]


def upgrade_database(config: Config, dialect: str, url: str, to: str = "heads") -> str | None:
    """Upgrade the database at ``url`` with ``dialect``'s chain (the pytest plugin's databases);
    the failure in one line, if any."""
    return run_step(config, (dialect, url), "upgrade", to)
