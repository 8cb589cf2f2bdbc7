"""``twinschema stamp local|remote REV``: record a side's database at a revision of its chain
without running any revision (only ``alembic_version`` is written), in the transaction, locks and
choice of database that ``migrate`` uses (``migrate.on_side``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from alembic import command

from twinschema.config import Config
from twinschema.migrations.migrate import Outcome, on_side
from twinschema.migrations.migrate_chain import (
    BASE,
    HEAD,
    Target,
    alembic_config,
    current_revisions,
    head_revision,
    refuse_ahead,
    script_directory,
)


def stamp(
    config: Config,
    side: str,
    revision: str,
    *,
    purge: bool = False,
    lock_timeout: float | None = None,
    echo: Callable[[str], None] = print,
    environ: Mapping[str, str] | None = None,
    url: str | None = None,
) -> Outcome:
    """``twinschema stamp local|remote REV``: record ``side``'s database at ``revision`` of its
    chain (``base`` empties the record) without running any revision: only ``alembic_version``
    is written, in one transaction taken as ``migrate`` takes it (the PostgreSQL migration lock,
    the SQLite write lock). ``purge`` first forgets revisions the chain does not know (Alembic's
    ``stamp --purge``). The database is chosen as ``migrate`` chooses it; a missing SQLite file
    is an error, never a new database. An unknown revision is a ``UsageError`` (exit 2)."""
    outcome = on_side(
        config,
        side,
        echo,
        lambda target: (
            lambda connection, state: _stamp_in(config, target, connection, revision, purge, state)
        ),
        chosen=(environ, url, lock_timeout),
        create=False,
    )
    written = "; only alembic_version was written, no revision ran" if outcome.changed else ""
    echo(outcome.describe() + written)
    return outcome


def _stamp_in(
    config: Config,
    target: Target,
    connection: sa.Connection,
    revision: str,
    purge: bool,
    state: dict[str, Any],
) -> Outcome:
    """The stamp inside the caller's transaction."""
    cfg = alembic_config(config, target.dialect, url=target.url, connection=connection)
    head = head_revision(cfg)
    before = state["before"] = current_revisions(connection)
    if not purge:  # --purge forgets the revisions the chain does not know
        refuse_ahead(cfg, target.label, before, stamping=revision)
    script = script_directory(cfg)
    if revision not in (BASE, HEAD, "heads"):
        script.get_revision(revision)  # an unknown revision: CommandError, said as exit 2
    command.stamp(cfg, revision, purge=purge)
    after = current_revisions(connection)
    return Outcome(target.label, before, after, head, action="stamp")
