"""The ``migrations`` layer of ``twinschema check`` (issue 4): can the migration chains be trusted?

For each chain configured in ``[tool.twinschema.<dialect>].migrations``:

* **one head** (``migration_heads``): a second head names both revisions;
* **head == metadata** (``migration_drift``): an empty scratch database upgraded to head is
  reflected and compared with the metadata module *by the checker itself*, so every object kind
  counts (CHECKs, partial indexes, enum labels, RLS), not only what Alembic's autogenerate sees;
* **round trip** (``migration_roundtrip``): downgrading to base leaves nothing behind (no table
  but ``alembic_version``; on PostgreSQL no enum type, sequence, function, view or policy either,
  read from the catalog), and upgrading again gives the schema of the first upgrade;

across the chains, **parity** (``migration_parity``): every revision declares the domain version it
brings (``domain_version = N``), a revision without a twin of the same version in the other chain
is named, and both heads are at ``domain.yaml``'s ``version``; and for each live database,
**state** (``migration_state``): it is at its chain's head, read with a read-only connection.

Scratch databases: a temporary SQLite file, and a database created next to the check's PostgreSQL
database (on the same server) and dropped afterwards. When the server refuses ``CREATE DATABASE``
the layer is ``error``: it never passes without looking. Each dialect's scratch work (upgrade,
downgrade, upgrade) happens once per check run, on one scratch database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy.engine import URL

from twinschema import migrate, progress, scratch
from twinschema.alembic_env import VERSION_TABLE
from twinschema.compare import compare
from twinschema.config import Config
from twinschema.dialects import ReflectOptions
from twinschema.domain import Domain
from twinschema.errors import DatabaseError, TwinschemaError
from twinschema.layers.plan import CheckPlan, migrate_command
from twinschema.paths import shown
from twinschema.records import DIALECTS, Comparison, Difference, LayerResult, Report, Side, Status
from twinschema.sources import make_canonical, read_metadata, reflect_url
from twinschema.urls import parse_url, redact, scrub

LAYER = "migrations"

HEADS, PARITY, DRIFT, ROUNDTRIP, STATE = (
    "migration_heads",
    "migration_parity",
    "migration_drift",
    "migration_roundtrip",
    "migration_state",
)


def check_migrations(plan: CheckPlan, domain: Domain | None, report: Report) -> None:
    """Add the migrations layer's comparisons to ``report`` (never raises for a database)."""
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
    for dialect, folder in chains.items():
        assert folder is not None
        chain = read_chain(config, dialect, folder)
        found[dialect] = chain
        _chain_checks(plan, domain, chain, report)
    if len(found) == len(DIALECTS):
        report.add(
            LayerResult(LAYER, found["sqlite"].label, found["postgresql"].label, Status.IN_SYNC),
            parity(found["sqlite"], found["postgresql"], domain),
        )
    for chain in found.values():
        _state_check(plan, chain, report)


# ---------------------------------------------------------------------------------------------
# A chain, read once


@dataclass(frozen=True)
class Revision:
    """One revision of a chain: its id, the domain version it declares (None if it declares
    none), and its file for messages."""

    revision: str
    domain_version: int | None
    path: str


@dataclass(frozen=True)
class Chain:
    """A dialect's Alembic chain: its folder's label, its heads and its revisions, base first."""

    config: Config
    dialect: str
    label: str
    heads: tuple[str, ...]
    revisions: tuple[Revision, ...]

    def ancestors(self, revision: str) -> set[str]:
        """``revision`` and every revision below it (empty if the chain does not know it)."""
        script = migrate.script_directory(migrate.alembic_config(self.config, self.dialect))
        try:
            return {rev.revision for rev in script.walk_revisions("base", revision)}
        except (CommandError, RevisionError):  # an unknown revision id: the database is ahead
            return set()


def read_chain(config: Config, dialect: str, folder: Path) -> Chain:
    """The heads and revisions of ``dialect``'s chain (importing each revision module once)."""
    script = migrate.script_directory(migrate.alembic_config(config, dialect))
    revisions = []
    for rev in reversed(list(script.walk_revisions())):
        version = getattr(rev.module, "domain_version", None)
        declared = version if isinstance(version, int) and not isinstance(version, bool) else None
        revisions.append(Revision(rev.revision, declared, shown(Path(rev.path), config.root)))
    return Chain(
        config,
        dialect,
        shown(folder, config.root),
        tuple(sorted(script.get_heads())),
        tuple(revisions),
    )


# ---------------------------------------------------------------------------------------------
# Heads, drift and round trip: one scratch database per chain


def _chain_checks(plan: CheckPlan, domain: Domain | None, chain: Chain, report: Report) -> None:
    config = plan.config
    dialect = chain.dialect
    spec = config.side(dialect).metadata
    result = LayerResult(LAYER, chain.label, spec or f"{dialect} metadata", Status.IN_SYNC)
    comparison = Comparison(differences=heads_differences(chain, result.right))
    if spec is None:
        result.status, result.message = (
            Status.SKIPPED,
            f"no {dialect} metadata module to compare with",
        )
        report.add(result)
        return
    progress.step(f"upgrading a scratch {dialect} database with {chain.label}")
    options = config.reflect_options(dialect)
    raw, path = read_metadata(spec, dialect, options, config.root)
    metadata = Side(make_canonical(raw, domain), path, path, file=path)
    result.right = path
    comparison = Comparison(differences=heads_differences(chain, path))
    live = live_at_head(plan, chain, options)
    try:
        with scratch.empty_database(config, dialect, plan.scratch_url) as url:
            comparison.differences.extend(
                upgrade_checks(config, chain, url, metadata, domain, options, live)
            )
    except DatabaseError as exc:
        result.status, result.message = Status.ERROR, exc.message
        report.add(result)
        return
    report.add(result, comparison)


def heads_differences(chain: Chain, against: str) -> list[Difference]:
    """``migration_heads`` when the chain has more than one head."""
    if len(chain.heads) <= 1:
        return []
    heads = ", ".join(chain.heads)
    return [
        _difference(
            HEADS,
            (chain.label, against),
            name=head,
            left=heads,
            right="one head",
            message=f"{chain.label} has {len(chain.heads)} heads ({heads}); revision {head} is "
            "one of them",
            hint=f"merge them: alembic merge -m 'merge heads' {' '.join(chain.heads)} (in "
            f"{chain.label}), so the chain has one head",
        )
        for head in chain.heads
    ]


def live_at_head(plan: CheckPlan, chain: Chain, options: ReflectOptions) -> Side | None:
    """The chain's live database, read-only, when it is exactly at the chain's head: its views,
    triggers, functions and sequences are then compared with the scratch database the chain
    builds (metadata modules hold none of them). None when there is no database, when it cannot
    be read or when it is not at head: the state check reports those."""
    url = plan.urls.get(chain.dialect)
    if url is None or not chain.heads:
        return None
    try:
        if set(
            current_revisions(url, plan.config.postgres_schema, plan.config.lock_timeout)
        ) != set(chain.heads):
            return None
        raw = reflect_url(url, options)
    except DatabaseError:
        return None
    label = plan.label(chain.dialect)
    # At head already: migrating does not bring back what a hand edit took away.
    return Side(raw, label, f"the database {label}", role="database")


def objects_at_head(live: Side, head: Side, domain: Domain | None) -> list[Difference]:
    """The views, triggers, functions and sequences of ``live`` against the chain at head
    (tables are the live layer's: compared against the metadata module, not again here)."""
    compared = compare(
        replace(live, schema=replace(live.schema, tables={})),
        replace(head, schema=replace(head.schema, tables={}), role="chain"),
        layer=LAYER,
        domain=domain,
    )
    return compared.differences


def upgrade_checks(
    config: Config,
    chain: Chain,
    url: str,
    metadata: Side,
    domain: Domain | None,
    options: ReflectOptions,
    live: Side | None = None,
) -> list[Difference]:
    """Upgrade the empty database at ``url`` to head, compare with the metadata (and the
    objects of ``live``, a database at head); downgrade to base, look for leftovers; upgrade
    again and compare with the first upgrade."""
    target = (chain.dialect, url)
    scratch = f"{chain.label} at head (scratch database)"
    failed = _run(config, target, migrate.upgrade, "heads")
    if failed:
        return [
            _failure(DRIFT, chain, metadata.label, "upgrading an empty database to head", failed)
        ]
    first = make_canonical(reflect_url(url, options), domain)
    head = Side(first, scratch, f"a revision in {chain.label}")
    differences = [
        _relabel(d, DRIFT, f"upgrading an empty database to head does not give {metadata.label}")
        for d in compare(metadata, head, layer=LAYER, domain=domain).differences
    ]
    if live is not None:
        differences.extend(objects_at_head(live, head, domain))
    failed = _run(config, target, migrate.downgrade, "base")
    if failed:
        return [
            *differences,
            _failure(ROUNDTRIP, chain, metadata.label, "downgrading to base", failed),
        ]
    differences.extend(
        _difference(
            ROUNDTRIP,
            (chain.label, metadata.label),
            name=name,
            left=what,
            right=None,
            table=table,
            message=f"after downgrading to base, {what} {name} is left behind",
            hint=f"drop it in the downgrade() of the revision that creates it ({chain.label})",
        )
        for what, name, table in leftovers(chain.dialect, url, options.schema, options)
    )
    failed = _run(config, target, migrate.upgrade, "heads")
    if failed:
        return [
            *differences,
            _failure(ROUNDTRIP, chain, metadata.label, "upgrading again after base", failed),
        ]
    again = Side(
        make_canonical(reflect_url(url, options), domain),
        f"{chain.label} at head after downgrade to base and upgrade",
        f"the downgrade() functions of {chain.label}",
    )
    first_side = Side(first, scratch, f"the downgrade() functions of {chain.label}")
    differences.extend(
        _relabel(d, ROUNDTRIP, "downgrading to base and upgrading again changes the schema")
        for d in compare(first_side, again, layer=LAYER, domain=domain).differences
    )
    return differences


def _run(config: Config, target: tuple[str, str], step: Callable[..., None], to: str) -> str | None:
    """Run one Alembic step on the scratch database in one transaction, as ``migrate`` does
    (atomic on SQLite too); its error in one line, if any."""
    dialect, url = target
    try:
        waits = migrate.Waits.of(config)
        with migrate.connect(migrate.Target(dialect, parse_url(url)), waits=waits) as connection:
            step(migrate.alembic_config(config, dialect, connection=connection), to)
    except TwinschemaError as exc:
        return exc.message
    except Exception as exc:  # a revision's own error is a finding, not a crash
        lines = str(exc).strip().splitlines() or [""]
        return scrub(f"{type(exc).__name__}: {lines[0]}".rstrip(": "))
    return None


def upgrade_database(config: Config, dialect: str, url: str, to: str = "heads") -> str | None:
    """Upgrade the database at ``url`` with ``dialect``'s chain (the pytest plugin's databases);
    the failure in one line, if any."""
    return _run(config, (dialect, url), migrate.upgrade, to)


def _failure(kind: str, chain: Chain, against: str, doing: str, error: str) -> Difference:
    return _difference(
        kind,
        (chain.label, against),
        name=None,
        left=error,
        right=None,
        message=f"{doing} fails on a scratch {chain.dialect} database: {error}",
        hint=f"fix the failing revision in {chain.label}",
    )


def _relabel(d: Difference, kind: str, why: str) -> Difference:
    """A comparison's difference as a migrations finding; the original kind stays in the message."""
    return replace(d, kind=kind, message=f"{why}: {d.kind}: {d.message}")


# ---------------------------------------------------------------------------------------------
# What a downgrade to base leaves behind


# Every non-extension object of the schema other than the version table: tables, views,
# sequences, enum and domain types, functions and policies.
_PG_LEFTOVERS = """
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = %(schema)s),
ext AS (SELECT objid, classid FROM pg_depend WHERE deptype = 'e')
SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view'
                      WHEN 'm' THEN 'materialized view' ELSE 'table' END, c.relname
FROM pg_class c
WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND c.relname <> %(version_table)s
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT CASE t.typtype WHEN 'e' THEN 'enum type' WHEN 'd' THEN 'domain' ELSE 'type' END, t.typname
FROM pg_type t
WHERE t.typnamespace = (SELECT oid FROM ns) AND t.typtype IN ('e', 'd', 'r', 'm')
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)
UNION ALL
SELECT 'function', p.proname FROM pg_proc p
WHERE p.pronamespace = (SELECT oid FROM ns)
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)
UNION ALL
SELECT 'policy', pol.polname || ' on ' || c.relname FROM pg_policy pol
JOIN pg_class c ON c.oid = pol.polrelid WHERE c.relnamespace = (SELECT oid FROM ns)
ORDER BY 1, 2
"""

_SQLITE_LEFTOVERS = """
SELECT type, name, tbl_name FROM sqlite_master
WHERE name <> ? AND tbl_name <> ? AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY type, name
"""


def leftovers(
    dialect: str, url: str, schema: str, options: ReflectOptions | None = None
) -> list[tuple[str, str, str | None]]:
    """``(what, name, table)`` of every object left in the database besides the version table
    (connecting with ``options``' timeouts)."""
    if dialect == "sqlite":
        from twinschema.dialects import sqlite as sqlite_dialect

        path = parse_url(url).database or ""
        lite = sqlite_dialect.connect(path)
        try:
            rows = lite.execute(_SQLITE_LEFTOVERS, (VERSION_TABLE, VERSION_TABLE)).fetchall()
        finally:
            lite.close()
        return [(str(kind), str(name), str(table)) for kind, name, table in rows]
    from twinschema.dialects import postgresql as pg_dialect

    options = replace(options or ReflectOptions(), schema=schema)
    with pg_dialect.connect(parse_url(url), options) as conn:
        found = conn.execute(
            _PG_LEFTOVERS, {"schema": schema, "version_table": VERSION_TABLE}
        ).fetchall()
    return [(str(kind), str(name), None) for kind, name in found]


# ---------------------------------------------------------------------------------------------
# Parity of the two chains


def parity(left: Chain, right: Chain, domain: Domain | None) -> Comparison:
    """Revisions without a twin, revisions without a domain version, heads not at the domain's."""
    differences: list[Difference] = []
    for chain, other in ((left, right), (right, left)):
        theirs = {rev.domain_version for rev in other.revisions}
        for rev in chain.revisions:
            if rev.domain_version is None:
                differences.append(
                    _difference(
                        PARITY,
                        (left.label, right.label),
                        name=rev.revision,
                        left=None,
                        right=None,
                        message=f"revision {rev.revision} ({rev.path}) declares no domain version",
                        hint=f"add `domain_version = N` at module level in {rev.path}: the "
                        "domain.yaml version it brings the schema to",
                    )
                )
            elif rev.domain_version not in theirs:
                differences.append(
                    _difference(
                        PARITY,
                        (left.label, right.label),
                        name=rev.revision,
                        left=str(rev.domain_version),
                        right=None,
                        message=f"revision {rev.revision} ({rev.path}, domain version "
                        f"{rev.domain_version}) has no twin in {other.label}",
                        hint=f"add the twin revision to {other.label} with domain_version = "
                        f"{rev.domain_version} (twinschema revision makes both)",
                    )
                )
    if domain is not None:
        for chain in (left, right):
            versions = {rev.revision: rev.domain_version for rev in chain.revisions}
            for head in chain.heads:
                version = versions.get(head)
                if version is not None and version != domain.version:
                    differences.append(
                        _difference(
                            PARITY,
                            (left.label, right.label),
                            name=head,
                            left=str(version),
                            right=str(domain.version),
                            message=f"the head of {chain.label}, {head}, is at domain version "
                            f"{version}, but {domain.path} is at version {domain.version}",
                            hint=f"add a revision to {chain.label} that brings the schema to "
                            f"domain version {domain.version}"
                            if version < domain.version
                            else f"set version: {version} in {domain.path}",
                        )
                    )
    return Comparison(differences=differences)


# ---------------------------------------------------------------------------------------------
# The live databases are at head


def _state_check(plan: CheckPlan, chain: Chain, report: Report) -> None:
    dialect = chain.dialect
    url = plan.urls.get(dialect)
    if url is None:
        why = plan.url_errors.get(dialect, f"no {dialect} database configured")
        status = Status.ERROR if dialect in plan.url_errors else Status.SKIPPED
        report.add(LayerResult(LAYER, f"{dialect} database", chain.label, status, why))
        return
    label = plan.label(dialect)
    result = LayerResult(LAYER, label, chain.label, Status.IN_SYNC)
    try:
        current = current_revisions(url, plan.config.postgres_schema, plan.config.lock_timeout)
    except DatabaseError as exc:
        result.status, result.message = Status.ERROR, exc.message
        report.add(result)
        return
    fix = plan.fix_command(dialect)
    report.add(result, Comparison(differences=state_differences(chain, current, label, fix)))


def current_revisions(
    url: str, schema: str = "public", lock_timeout: float = 5.0
) -> tuple[str, ...]:
    """The revisions a live database is at, read through a read-only connection (a missing
    SQLite file is an error, never a new empty database). A table locked longer than
    ``lock_timeout`` (a migration holding alembic_version) is a ``DatabaseError`` naming it."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_revisions(parsed)
    import psycopg

    from twinschema.dialects import postgresql as pg_dialect

    with pg_dialect.connect(parsed, ReflectOptions(schema=schema)) as conn:
        conn.execute(f"SET lock_timeout = {max(1, int(lock_timeout * 1000))}")
        exists = conn.execute(
            "SELECT to_regclass(quote_ident(%(schema)s) || '.' || %(table)s)",
            {"schema": schema, "table": VERSION_TABLE},
        ).fetchone()
        if exists is None or exists[0] is None:
            return ()
        try:
            rows = conn.execute(f'SELECT version_num FROM "{schema}".{VERSION_TABLE}').fetchall()
        except psycopg.errors.LockNotAvailable:
            raise DatabaseError(
                f"cannot read {redact(url)}: table {schema}.{VERSION_TABLE} is locked (a migration "
                f"may be running), and lock_timeout ({lock_timeout:g} s) ran out; run the check "
                "again when it is done, or raise lock_timeout in [tool.twinschema]"
            ) from None
    return tuple(sorted(str(row[0]) for row in rows))


def _sqlite_revisions(url: URL) -> tuple[str, ...]:
    from twinschema.dialects import sqlite as sqlite_dialect

    path = url.database or ""
    conn = sqlite_dialect.connect(path)  # read-only; a missing file is a DatabaseError
    try:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (VERSION_TABLE,)
        ).fetchone()
        if not has_table:
            return ()
        rows = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path}: cannot read SQLite database: {exc}") from None
    finally:
        conn.close()
    return tuple(sorted(str(row[0]) for row in rows))


def state_differences(
    chain: Chain, current: Sequence[str], label: str, fix: str | None = None
) -> list[Difference]:
    """``migration_state`` when the database is not exactly at the chain's heads; ``fix`` is
    the command that migrates that database (by default the project's, ``fix_command``)."""
    if set(current) == set(chain.heads):
        return []
    fix = fix or fix_command(chain)
    at = ", ".join(current) or "base"
    heads = ", ".join(chain.heads) or "base"
    known = set().union(*(chain.ancestors(head) for head in chain.heads)) if chain.heads else set()
    unknown = [rev for rev in current if rev not in known]
    if unknown:
        message = (
            f"{label} is at {at}, ahead of {chain.label} (head {heads}): it does not know "
            f"revision {', '.join(unknown)}"
        )
        hint = (
            f"check out the code that has revision {', '.join(unknown)} (or downgrade the "
            f"database deliberately), then run `{fix}`"
        )
    else:
        message = f"{label} is at {at}, behind {chain.label} (head {heads})"
        hint = f"run `{fix}`"
    return [
        Difference(
            layer=LAYER,
            kind=STATE,
            table=None,
            column=None,
            name=heads,
            left=at,
            right=heads,
            message=message,
            hint=hint,
            left_source=label,
            right_source=chain.label,
        )
    ]


def fix_command(chain: Chain) -> str:
    """The command that brings a database to its chain's head."""
    return migrate_command(chain.config, chain.dialect)


# ---------------------------------------------------------------------------------------------
# Scratch databases


def _difference(
    kind: str,
    sources: tuple[str, str],
    *,
    name: str | None,
    left: str | None,
    right: str | None,
    message: str,
    hint: str,
    table: str | None = None,
) -> Difference:
    return Difference(
        layer=LAYER,
        kind=kind,
        table=table,
        column=None,
        name=name,
        left=left,
        right=right,
        message=message,
        hint=hint,
        left_source=sources[0],
        right_source=sources[1],
    )
