"""The ``migrations`` layer of ``twinschema check`` (issue 4): can the migration chains be trusted?

For each chain configured in ``[tool.twinschema.<dialect>].migrations``:

* **one head** (``migration_heads``): a second head names both revisions;
* **head == metadata** (``migration_drift``): an empty scratch database upgraded to head is
  reflected and compared with the metadata module *by the checker itself*, so every object kind
  counts (CHECKs, partial indexes, enum labels, RLS), not only what Alembic's autogenerate sees;
* **round trip** (``migration_roundtrip``): on a linear chain, each revision's downgrade gives
  back the schema before its upgrade (``migrations_steps``: going down to base alone hides an
  index a downgrade forgets on a table an older revision drops); downgrading to base leaves
  nothing behind (no table but ``alembic_version``; on PostgreSQL no enum type, sequence,
  function, view or policy either, read from the catalog), and upgrading again gives the
  schema of the first upgrade;

across the chains, **parity** (``migration_parity``): every revision declares the domain version it
brings (``domain_version = N``), a revision without a twin of the same version in the other chain
is named, and both heads are at ``domain.yaml``'s ``version``; and for each live database,
**state** (``migration_state``): it is at its chain's head, read with a read-only connection.

Scratch databases: a temporary SQLite file, and a PostgreSQL database on the scratch server
(``servers.scratch``: one per process and server, emptied and checked as new before each later
block, dropped at exit). When the server refuses ``CREATE DATABASE``
the layer is ``error``: it never passes without looking. Each dialect's scratch work (upgrade,
downgrade, upgrade) happens once per check run, on one scratch database.

The metadata-against-head and live-against-head comparisons go through the evaluation stage
(``twinschema.evaluate``; off with ``--no-evaluate``), as the models and live layers do: a default
the chain spells otherwise than the metadata module is drift only if running them says so, and
the layer result says how many pairs were evaluated and where. The chains and their parity are
``migrations_chain``'s, the comparisons through the stage ``migrations_compare``'s, the live
databases' state and the leftovers of a downgrade
``migrations_state``'s, what one chain's scratch run shows ``migrations_findings``'; this
module re-exports their public names.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path

from twinschema import progress
from twinschema.config import Config
from twinschema.dialects import ReflectOptions
from twinschema.errors import DatabaseError
from twinschema.evaluate import Evaluation, Evaluator
from twinschema.layers.plan import CheckPlan
from twinschema.layers.sources import Sources
from twinschema.migrations import migrations_alembic, migrations_cache
from twinschema.migrations.chain_views import chain_pair_views
from twinschema.migrations.hand_renames import renamed_by_hand
from twinschema.migrations.migrations_cache import ScratchRun
from twinschema.migrations.migrations_chain import (
    LAYER,
    Chain,
    chain_facts,
    chain_of,
    heads_differences,
    parity,
    read_chain,
)
from twinschema.migrations.migrations_compare import (
    live_at_head,
    objects_at_head,
)
from twinschema.migrations.migrations_findings import run_findings
from twinschema.migrations.migrations_state import (
    current_revisions,
    leftovers,
    state_check,
)
from twinschema.migrations.migrations_steps import (
    downgrade_steps,
    linear_revisions,
    own_defaults_at_head,
    upgrade_steps,
)
from twinschema.migrations.migrations_triggers import lost_triggers, triggers_lost
from twinschema.migrations.twin_spans import TwinSide
from twinschema.migrations.twin_views import twin_views
from twinschema.model import Schema
from twinschema.paths import shown
from twinschema.records import DIALECTS, Comparison, Difference, LayerResult, Report, Side, Status
from twinschema.records.domain import Domain
from twinschema.servers import scratch
from twinschema.sources import make_canonical, reflect_url
from twinschema.urls import parse_url, redact

__all__ = ["check_migrations", "run_findings", "scratch_run"]


def check_migrations(
    sources: Sources, domain: Domain | None, report: Report, evaluator: Evaluator | None
) -> None:
    """Add the migrations layer's comparisons to ``report`` (never raises for a database);
    ``sources``: the run's metadata modules and live databases, read once for every layer;
    ``evaluator``: the run's (None: no evaluation stage)."""
    plan = sources.plan
    config = plan.config
    chains = {d: config.side(d).migrations for d in DIALECTS if config.side(d).migrations}
    if not chains:
        report.add(
            LayerResult(
                LAYER,
                "migrations",
                "metadata",
                Status.SKIPPED,
                'no migration chain configured ([tool.twinschema.<dialect>] migrations = "folder")',
            )
        )
        return
    found: dict[str, Chain] = {}
    after: dict[str, tuple[str | None, list[Difference]]] = {}  # for the state check
    # Each live database's revisions, read once for its state and for live_at_head.
    current: dict[str, tuple[str, ...] | DatabaseError | None] = {}
    twins: dict[str, TwinSide] = {}  # each chain's scratch run, for what its twins do
    for dialect, folder in chains.items():
        assert folder is not None
        current[dialect] = _current_revisions(plan, dialect)
        found[dialect], after[dialect] = _chain_checks(
            sources, domain, (dialect, folder), current[dialect], report, evaluator, twins
        )
    if len(found) == len(DIALECTS):
        comparison = parity(found["sqlite"], found["postgresql"], domain)
        if len(twins) == len(DIALECTS):
            pair = (twins["sqlite"], twins["postgresql"])
            answered, unsure, same, notes = twin_views(*pair, domain, evaluator)
            comparison.equivalences.extend(notes)  # parted between two pairs only
            built = [d for d in chain_pair_views(*pair, domain) if d.name not in same]
            named = {d.name for d in built}  # a view's columns apart: its answers too, once
            comparison.differences.extend(built + [d for d in answered if d.name not in named])
            comparison.warnings.extend(w for w in unsure if w.name not in named)
        report.add(
            LayerResult(LAYER, found["sqlite"].label, found["postgresql"].label, Status.IN_SYNC),
            comparison,
        )
    for dialect, chain in found.items():
        first = partial(sources.first_behind, dialect)
        state_check(plan, chain, report, current[dialect], first, *after[dialect])


def _current_revisions(plan: CheckPlan, dialect: str) -> tuple[str, ...] | DatabaseError | None:
    """The revisions ``dialect``'s live database is at, why they could not be read, or None
    when no database is configured."""
    url = plan.urls.get(dialect)
    if url is None:
        return None
    try:
        return current_revisions(url, plan.config.postgres_schema, plan.config.lock_timeout)
    except DatabaseError as exc:
        return exc


# ---------------------------------------------------------------------------------------------
# Heads, drift and round trip: one scratch database per chain


def _chain_checks(
    sources: Sources,
    domain: Domain | None,
    where: tuple[str, Path],
    current: tuple[str, ...] | DatabaseError | None,
    report: Report,
    evaluator: Evaluator | None = None,
    twins: dict[str, TwinSide] | None = None,
) -> tuple[Chain, tuple[str | None, list[Difference]]]:
    """Heads, drift and round trip of the chain of dialect ``where[0]`` in folder ``where[1]``
    (its run on a scratch database reused while nothing it depends on changed, see
    ``migrations_cache``); returns the chain, and for the state check why it fails to upgrade
    an empty database to head (None if it does not) and ``objects_at_head``'s findings. The
    chain and its run go into ``twins`` (by dialect) for ``chain_pair_views``."""
    plan = sources.plan
    config = plan.config
    dialect, folder = where
    spec = config.side(dialect).metadata
    if spec is None:
        chain = read_chain(config, dialect, folder)
        result = LayerResult(LAYER, chain.label, f"{dialect} metadata", Status.SKIPPED)
        result.message = f"no {dialect} metadata module to compare with"
        report.add(result)
        return chain, (None, [])
    options = config.reflect_options(dialect)
    metadata = sources.model(dialect)
    label = shown(folder, config.root)
    result = LayerResult(LAYER, label, metadata.label, Status.IN_SYNC)
    try:
        with scratch_server(config, dialect, plan.scratch_url, evaluator) as (server_url, server):
            run_key = migrations_cache.key(config, dialect, folder, options, server)
            kept = migrations_cache.load(config, dialect, run_key)
            if kept is None:
                chain = read_chain(config, dialect, folder)
                progress.step(f"upgrading a scratch {dialect} database with {chain.label}")
                run = scratch_run(config, chain, server_url, options)
                facts = replace(chain_facts(chain), lost=triggers_lost(config, chain))
                kept = migrations_cache.Kept(facts, run)
                migrations_cache.store(config, dialect, run_key, kept, folder)
            else:
                progress.step(f"{label} unchanged since its last scratch run: reusing it")
                chain = chain_of(config, dialect, label, kept.facts)
    except DatabaseError as exc:
        chain = read_chain(config, dialect, folder)
        result.status, result.message = Status.ERROR, exc.message
        report.add(result)
        return chain, (None, [])
    if twins is not None:
        lost = frozenset((table, trigger) for _, _, table, trigger, _ in kept.facts.lost)
        twins[dialect] = TwinSide(chain, kept.run, lost)
    live = live_at_head(sources, chain, current)
    evaluation = Evaluation() if evaluator is not None else None
    stage = (evaluator, evaluation) if evaluator is not None and evaluation is not None else None
    comparison = Comparison(differences=heads_differences(chain, metadata.label))
    history = partial(sources.chain_history, dialect)
    comparison.differences.extend(run_findings(kept.run, chain, metadata, domain, stage, history))
    comparison.differences.extend(lost_triggers(kept.facts.lost, chain.label, metadata.label))
    objects: list[Difference] = []
    if live is not None and kept.run.first is not None:
        named, fix = f"{chain.label} at head (scratch database)", f"a revision in {chain.label}"
        head = Side(make_canonical(kept.run.first, domain), named, fix)
        objects = objects_at_head(live, head, domain, stage)
        objects += own_defaults_at_head(
            head.schema, live.schema, kept.run.first, (live.label, named)
        )
        if domain is not None:  # renamed by hand ahead of its chain (stranger75 012)
            objects += renamed_by_hand(live, (kept.run.first, named), metadata, domain, history)
    report.add(result, comparison, evaluation)
    failed = (kept.run.upgrade_error or "") if kept.run.first is None else None
    return chain, (failed, objects)


@contextmanager
def scratch_server(
    config: Config, dialect: str, given: str | None, evaluator: Evaluator | None = None
) -> Iterator[tuple[str, str]]:
    """The scratch server of ``dialect`` for the block (its URL, None-free; for SQLite an empty
    string: its scratch databases are files) and what names it in a cache key: its URL without
    the password and its ``version()`` (for SQLite, the library's version), read through the
    evaluator's connection to that server when it has one open, else through a new one."""
    if dialect == "sqlite":
        yield "", f"sqlite {sqlite3.sqlite_version}"
        return
    with scratch.server(config, given) as url:
        version = evaluator.open_version(dialect) if evaluator is not None else None
        if version is None:
            version = scratch.server_version(url, connect_timeout=config.connect_timeout)
        yield url, f"{redact(parse_url(url))} {version}"


def scratch_run(
    config: Config, chain: Chain, server_url: str, options: ReflectOptions
) -> ScratchRun:
    """Upgrade an empty scratch database (on ``server_url`` for PostgreSQL) to head, one
    revision at a time on a linear chain, reading it before each revision's upgrade; read it at
    head; downgrade one revision at a time, reading it after each downgrade; downgrade to base,
    list what is left; upgrade again, read it. Stops at the first step that fails, with its
    error in one line."""
    with scratch.empty_database(config, chain.dialect, server_url or None) as url:
        target = (chain.dialect, url)
        revisions = linear_revisions(chain, migrations_alembic.down_revisions(config, chain))

        def step(direction: str, to: str) -> str | None:
            return migrations_alembic.run_step(config, target, direction, to)

        def read() -> Schema:
            return reflect_url(url, options)

        steps = upgrade_steps(revisions, step, read)
        if steps.failed is not None:
            return ScratchRun(upgrade_error=steps.failed[2])
        failed = (
            None if revisions else migrations_alembic.run_step(config, target, "upgrade", "heads")
        )
        if failed:
            return ScratchRun(upgrade_error=failed)
        first = read()
        downgrade_steps(steps, revisions, step, read)
        if steps.failed is not None:
            return ScratchRun(first=first, steps=steps)
        failed = migrations_alembic.run_step(config, target, "downgrade", "base")
        if failed:
            return ScratchRun(first=first, steps=steps, downgrade_error=failed)
        left = tuple(leftovers(chain.dialect, url, options.schema, options))
        failed = migrations_alembic.run_step(config, target, "upgrade", "heads")
        if failed:
            return ScratchRun(first=first, steps=steps, left_behind=left, again_error=failed)
        return ScratchRun(first=first, steps=steps, left_behind=left, again=read())
