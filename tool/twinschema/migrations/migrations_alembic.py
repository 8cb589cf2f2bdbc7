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
    Alembic is imported here: a run kept by ``migrations_cache`` never needs it."""
    from twinschema.migrations import migrate_chain, migrate_connect

    dialect, url = target
    run = migrate_chain.upgrade if step == "upgrade" else migrate_chain.downgrade
    try:
        waits = migrate_connect.Waits.of(config)
        with migrate_connect.connect(
            migrate_chain.Target(dialect, parse_url(url)), waits=waits
        ) as connection:
            run(migrate_chain.alembic_config(config, dialect, connection=connection), to)
    except TwinschemaError as exc:
        return exc.message
    except Exception as exc:  # a revision's own error is a finding, not a crash
        lines = str(exc).strip().splitlines() or [""]
        return scrub(f"{type(exc).__name__}: {lines[0]}".rstrip(": "))
    return None


def upgrade_database(config: Config, dialect: str, url: str, to: str = "heads") -> str | None:
    """Upgrade the database at ``url`` with ``dialect``'s chain (the pytest plugin's databases);
    the failure in one line, if any."""
    return run_step(config, (dialect, url), "upgrade", to)
