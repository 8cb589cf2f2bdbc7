"""The migration chains as the ``migrations`` layer reads them (see ``migrations_layer``): each
chain's heads and revisions, read once, and the **parity** of the two chains (every revision
declares the domain version it brings, has a twin of that version in the other chain, and
both heads are at ``domain.yaml``'s version)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from twinschema.config import Config
from twinschema.migrations_cache import ChainFacts
from twinschema.paths import shown
from twinschema.records import Comparison, Difference
from twinschema.records.domain import Domain

LAYER = "migrations"

HEADS, PARITY, DRIFT, ROUNDTRIP, STATE = (
    "migration_heads",
    "migration_parity",
    "migration_drift",
    "migration_roundtrip",
    "migration_state",
)


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
        from alembic.script.revision import RevisionError
        from alembic.util import CommandError

        from twinschema import migrate_chain

        script = migrate_chain.script_directory(
            migrate_chain.alembic_config(self.config, self.dialect)
        )
        try:
            return {rev.revision for rev in script.walk_revisions("base", revision)}
        except (CommandError, RevisionError):  # an unknown revision id: the database is ahead
            return set()


def read_chain(config: Config, dialect: str, folder: Path) -> Chain:
    """The heads and revisions of ``dialect``'s chain (importing each revision module once,
    and Alembic: a chain whose run ``migrations_cache`` kept is not read again)."""
    from twinschema import migrate_chain

    script = migrate_chain.script_directory(migrate_chain.alembic_config(config, dialect))
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


def chain_facts(chain: Chain) -> ChainFacts:
    """What a chain's run keeps of it: its heads and revisions."""
    return ChainFacts(
        chain.heads, tuple((r.revision, r.domain_version, r.path) for r in chain.revisions)
    )


def chain_of(config: Config, dialect: str, label: str, facts: ChainFacts) -> Chain:
    """The chain again from what its kept run says of it (without importing its revisions)."""
    revisions = tuple(Revision(rev, version, path) for rev, version, path in facts.revisions)
    return Chain(config, dialect, label, facts.heads, revisions)


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
                    migration_difference(
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
                    migration_difference(
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
                        migration_difference(
                            PARITY,
                            (left.label, right.label),
                            name=head,
                            left=str(version),
                            right=str(domain.version),
                            message=f"the head of {chain.label}, {head}, is at domain version "
                            f"{version}, but {domain.path} is at version {domain.version}",
                            hint=f"set version: {version} back in {domain.path} (the chains' "
                            "head version) and run `twinschema revision -m MESSAGE`, which "
                            "writes the twin revisions and bumps the version itself"
                            if version < domain.version
                            else f"set version: {version} in {domain.path}",
                        )
                    )
    return Comparison(differences=differences)


def migration_difference(
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
