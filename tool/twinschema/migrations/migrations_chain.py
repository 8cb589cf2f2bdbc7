"""The migration chains as the ``migrations`` layer reads them (see ``migrations_layer``): each
chain's heads and revisions, read once, and the **parity** of the two chains (every revision
declares the domain version it brings, has a twin of that version in the other chain, and
both heads are at ``domain.yaml``'s version)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from twinschema.config import Config
from twinschema.migrations.migrations_cache import ChainFacts
from twinschema.paths import shown
from twinschema.records import Comparison, Difference
from twinschema.records.domain import Domain

if TYPE_CHECKING:  # chain_renames imports Alembic: a check whose kept runs are reused never does
    from twinschema.migrations.chain_renames import Renamed

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
    none), its file for messages, and the tables its upgrade() renames (``chain_renames``)."""

    revision: str
    domain_version: int | None
    path: str
    renames: tuple[Renamed, ...] = ()


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

        from twinschema.migrations import migrate_chain

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
    from twinschema.migrations import migrate_chain
    from twinschema.migrations.chain_renames import script_renames

    script = migrate_chain.script_directory(migrate_chain.alembic_config(config, dialect))
    revisions = []
    for rev in reversed(list(script.walk_revisions())):
        version = getattr(rev.module, "domain_version", None)
        declared = version if isinstance(version, int) and not isinstance(version, bool) else None
        path = shown(Path(rev.path), config.root)
        revisions.append(Revision(rev.revision, declared, path, script_renames(rev, dialect)))
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
        chain.heads,
        tuple((r.revision, r.domain_version, r.path, r.renames) for r in chain.revisions),
    )


def chain_of(config: Config, dialect: str, label: str, facts: ChainFacts) -> Chain:
    """The chain again from what its kept run says of it (without importing its revisions)."""
    revisions = tuple(Revision(*revision) for revision in facts.revisions)
    return Chain(config, dialect, label, facts.heads, revisions)


# ---------------------------------------------------------------------------------------------
# Parity of the two chains


def head_version(chain: Chain) -> int | None:
    """The domain version the chain's single head declares (None: no head, several, or none
    declared)."""
    if len(chain.heads) != 1:
        return None
    return next((r.domain_version for r in chain.revisions if r.revision == chain.heads[0]), None)


def one_ahead(chain: Chain, other: Chain) -> bool:
    """Whether ``chain``'s head is one domain version above ``other``'s: the case
    ``twinschema revision`` settles by writing ``other``'s missing twin."""
    mine, theirs = head_version(chain), head_version(other)
    return mine is not None and theirs is not None and mine == theirs + 1


def _twin_hint(ahead: Chain, behind: Chain) -> str:
    version = head_version(ahead)
    return (
        f"run `twinschema revision -m MESSAGE`: with {ahead.label} one revision ahead, it "
        f"writes only the missing twin in {behind.label} (domain_version = {version}, "
        "autogenerated from its metadata module) and sets domain.yaml's version to "
        f"{version}"
    )


def parity(left: Chain, right: Chain, domain: Domain | None) -> Comparison:
    """Revisions without a twin, revisions without a domain version, a domain version brought
    by more revisions in one chain than in the other, heads not at the domain's."""
    differences: list[Difference] = []
    for chain, other in ((left, right), (right, left)):
        theirs = {rev.domain_version for rev in other.revisions}
        differences.extend(_uneven(chain, other, (left.label, right.label)))
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
                        hint=_twin_hint(chain, other)
                        if one_ahead(chain, other) and rev.revision in chain.heads
                        else f"add the twin revision to {other.label} by hand, with "
                        f"domain_version = {rev.domain_version}",
                    )
                )
    if domain is not None:
        for chain, other in ((left, right), (right, left)):
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
                            hint=_head_hint((chain, other), version, domain),
                        )
                    )
    return Comparison(differences=differences)


def _uneven(chain: Chain, other: Chain, labels: tuple[str, str]) -> list[Difference]:
    """The revisions of ``chain`` beyond the number ``other`` has at the same domain version
    (a revision added without a version bump has no twin, though its version has one)."""
    differences = []
    for version in sorted({v for r in chain.revisions if (v := r.domain_version) is not None}):
        mine = [r for r in chain.revisions if r.domain_version == version]
        theirs = [r for r in other.revisions if r.domain_version == version]
        count = len(theirs)
        if not count or len(mine) <= count:
            continue  # no twin at all is said above; as many or fewer: the other's turn
        # Twins share an id stem (``0003_x_sqlite``, ``0003_x_postgresql``): a revision with its
        # twin is not the one blamed, whichever of them the chain lists first (stranger32 case
        # 043: ``0003b_other_postgresql`` beside ``0003_email_lower_postgresql``).
        stems = {_stem(r.revision, other.dialect) for r in theirs}
        mine.sort(key=lambda r: _stem(r.revision, chain.dialect) not in stems)
        for rev in mine[count:]:
            differences.append(
                migration_difference(
                    PARITY,
                    labels,
                    name=rev.revision,
                    left=str(version),
                    right=None,
                    message=f"{chain.label} has {len(mine)} revisions at domain version "
                    f"{version}, {other.label} has {count}: revision {rev.revision} "
                    f"({rev.path}) has no twin",
                    hint=f"give {rev.path} the next domain version (domain_version = N, and "
                    f"version: N in domain.yaml) and write its twin in {other.label} with the "
                    "same N (`twinschema revision` does both for a new change)",
                )
            )
    return differences


def _stem(revision: str, dialect: str) -> str:
    """A revision's id without its dialect's suffix: what twins have in common."""
    suffix = f"_{dialect}"
    return revision.removesuffix(suffix)


def _head_hint(chains: tuple[Chain, Chain], version: int, domain: Domain) -> str:
    """What settles the head of ``chains[0]`` being at domain version ``version``, another
    than ``domain``'s: the missing twin when one chain is one revision ahead of the other
    (``twinschema revision`` writes it, whichever of the two versions domain.yaml is at), else
    domain.yaml's version set to the heads'."""
    chain, other = chains
    for ahead, behind in ((chain, other), (other, chain)):
        if one_ahead(ahead, behind) and domain.version in (
            head_version(ahead),
            head_version(behind),
        ):
            return _twin_hint(ahead, behind)
    if version < domain.version:
        return (
            f"set version: {version} back in {domain.path} (the chains' head version) and run "
            "`twinschema revision -m MESSAGE`, which writes the twin revisions and bumps the "
            "version itself"
        )
    return f"set version: {version} in {domain.path}"


def heads_differences(chain: Chain, against: str) -> list[Difference]:
    """``migration_heads`` when the chain has more than one head."""
    if len(chain.heads) <= 1:
        return []
    heads = ", ".join(chain.heads)
    return [
        migration_difference(
            HEADS,
            (chain.label, against),
            name=head,
            left=heads,
            right="one head",
            message=f"{chain.label} has {len(chain.heads)} heads ({heads}); revision {head} is "
            "one of them",
            hint=f"merge them: {merge_command(chain)}, so the chain has one head",
        )
        for head in chain.heads
    ]


def merge_command(chain: Chain, note: str = "") -> str:
    """The ``alembic merge`` that joins the chain's heads (``note`` said with its folder), and
    the ``domain_version`` the merge revision declares: the highest of its heads' (the
    project's ``script.py.mako`` writes it; an older one writes None, which the chain check
    refuses: stranger35 finding 6)."""
    notes = [f"in {chain.label}", *([note] if note else [])]
    declared = [r.domain_version for r in chain.revisions if r.revision in chain.heads]
    versions = [v for v in declared if v is not None]
    if versions:
        notes.append(
            f"the merge revision declares domain_version = {max(versions)}: set it there if "
            "it says None"
        )
    return f"alembic merge -m 'merge heads' {' '.join(chain.heads)} ({'; '.join(notes)})"


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


def given(d: Difference, module: str) -> str:
    """What a chain's head should have given where ``d`` parts them: the metadata ``module``, or,
    for an object only domain.yaml declares (a trigger, a view, a function: no module holds one),
    that declaration (stranger83 009: "does not give schemas/sqlite.py" sent a user looking for
    a trigger in the module)."""
    if d.ways is not None and d.ways.declaration is not None:
        return f"what domain.yaml declares at {d.ways.declaration}"
    return module


def relabeled(d: Difference, kind: str, why: str) -> Difference:
    """A comparison's difference as a migrations finding; the original kind stays in the
    message. An ``unknown_column`` stays one: it is the metadata module's own (a CHECK naming a
    column its table does not have), said under that kind in each layer that reads the module,
    and ``check`` keeps it once (stranger76 011: the chain's drift repeated it in prose)."""
    if d.kind == "unknown_column":
        return d
    return replace(d, kind=kind, message=f"{why}: {d.kind}: {d.message}")
