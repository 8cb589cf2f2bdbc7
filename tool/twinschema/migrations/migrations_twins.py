"""What twin revisions do to views and triggers, for the ``migrations`` layer (stranger71 009).

Views and triggers are each dialect's own SQL, so two chains' heads are never compared by their
definitions; but the two chains move together, twin by twin (the revisions of one
``domain_version``), and what a twin does to a view or trigger can be compared without reading
its SQL: it creates it, drops it, replaces its definition, or leaves it as it was. A view one
twin redefines (``CREATE OR REPLACE VIEW ... WHERE price_cents > 0``) while the other twin
leaves it alone ends in two databases whose view answers differently on the same rows, and each
chain is in sync with its own module and databases: only the pair of twins shows it.

Each chain's scratch run (``migrations_cache.StepRun``) read the schema before each revision of a
linear chain, and at head: so what the revisions of one domain version did is the difference of the
schema before the first of them and after the last. An object changed by one twin and not by the
other (or changed otherwise: created on one side, dropped on the other) is a ``migration_parity``
difference naming both twins, located in the other twin's revision file; unless that change mends:
what the two chains build after the pair agrees (both hold it, a view with the same columns) where
it differed before (stranger75 007: a PostgreSQL twin re-creating a view with the SQLite one's
columns, its SQLite twin empty). Only the last pair's word on an object stands: a later pair that
mends it clears an earlier one's difference. A trigger's work may lie in a function (PostgreSQL
``EXECUTE FUNCTION f()``) that a twin replaces instead: a trigger one twin changes pairs with a twin
that changes a function. Objects ``domain.yaml`` declares for one dialect only are that dialect's
own, and triggers a batch copy loses are reported as such (``migrations_triggers``), not again here.
The first twins (the chains' first domain version, from an empty database: a baseline ``init`` wrote
from two existing databases) are left out: what each builds from nothing is each head's starting set
of objects, which across dialects is compared only as ``domain.yaml`` declares it
(``compare.objects``); a later twin's change is an act on both chains, which one side alone breaks.

Dialect-free: it compares whether each side's definition changed, and views' columns (which
dialects rewrite a view on a column rename is a fact of ``records.dialects``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from twinschema.migrations.migrations_chain import PARITY, Chain, Revision, migration_difference
from twinschema.migrations.twin_renames import Rename, rewritten
from twinschema.migrations.twin_spans import (
    Change,
    Key,
    Span,
    TwinSide,
    logical_tables,
    version_spans,
)
from twinschema.model import OBJECT_FUNCTION, OBJECT_TRIGGER, OBJECT_VIEW, SchemaObject
from twinschema.records import Difference, FixSide, FixSite
from twinschema.records.domain import Domain

TWINNED = (OBJECT_VIEW, OBJECT_TRIGGER)


def twin_differences(left: TwinSide, right: TwinSide, domain: Domain | None) -> list[Difference]:
    """Each view or trigger that the chains, after the last twin pair that changed it, build
    otherwise (see the module): what the chains build is judged, not which twin ran DDL. A
    pair that changes it on one side only parts views that agreed before it (stranger71 009)
    and mends views that differed before it when both sides agree after it (stranger75 007:
    a PostgreSQL twin re-creating a view with the SQLite one's columns, its twin empty). Nothing
    when either chain is not one line run to head revision by revision."""
    spans = (version_spans(left, domain), version_spans(right, domain))
    if spans[0] is None or spans[1] is None:
        return []
    own = one_dialect(domain)
    lost = tuple(_lost(side, domain) for side in (left, right))
    parted: dict[Key, Parted] = {}  # what left each object differing, pair by pair
    for version in sorted(set(spans[0]) & set(spans[1])):
        span = (spans[0][version], spans[1][version])
        revs = (span[0].revisions, span[1].revisions)
        changes = (span[0].changes, span[1].changes)
        functions = tuple(any(k[0] == OBJECT_FUNCTION for k in c) for c in changes)
        unpaired: list[tuple[Key, int, Change]] = []
        touched: set[Key] = set()
        for key in sorted(set(changes[0]) | set(changes[1])):
            kind, table, name = key
            if kind not in TWINNED or (kind, name) in own:
                continue
            touched.add(key)
            pair = (changes[0].get(key), changes[1].get(key))
            if pair[0] is not None and pair[1] is not None:
                if pair[0].action != pair[1].action:
                    unpaired += [(key, i, c) for i, c in enumerate(pair) if c is not None]
                continue  # changed alike: a view's answers are ``twin_views``'
            index = 0 if pair[0] is not None else 1
            change = pair[index]
            assert change is not None
            if kind == OBJECT_TRIGGER and (table, name) in lost[index]:
                continue  # migrations_triggers says it
            if change.action == "replaced" and kind == OBJECT_TRIGGER and functions[1 - index]:
                continue  # the other twin changes the function a trigger may run
            unpaired.append((key, index, change))
        left_over = _unmatched(unpaired)
        for key in touched - {k for k, _, _ in left_over}:
            parted.pop(key, None)  # both twins changed it alike: its columns are head_views'
        found: dict[Key, Parted] = {}
        for key, index, change in left_over:
            if _mends(key, index, span, parted.get(key)):
                continue  # one twin mends what differed: the chains build the same again
            other = changes[1 - index].get(key)
            chains = ((left, right)[index].chain, (left, right)[1 - index].chain)
            made = _difference(key, (change, other), (revs[index], revs[1 - index]), chains, index)
            was = found.get(key, Parted((), index, span[index].before.get(key)))
            found[key] = replace(was, differences=(*was.differences, made))
        for key in {k for k, _, _ in left_over}:
            if key in found:
                parted[key] = found[key]
            else:
                parted.pop(key, None)
    return [d for key in sorted(parted) for d in parted[key].differences]


@dataclass(frozen=True)
class Parted:
    """What left an object differing at a twin pair: its differences, the side whose twin
    changed it (0: left) and that side's object before the change (None: absent)."""

    differences: tuple[Difference, ...]
    index: int
    was: SchemaObject | None


def _mends(key: Key, index: int, span: tuple[Span, Span], parted: Parted | None) -> bool:
    """True when side ``index``'s change alone (its twin leaving ``key`` as it was) makes the
    two chains build it alike again: they agree after the pair (``_agree``) and differed before
    it, by what ``_agree`` sees (stranger75 007: a view re-created with the other's columns)
    or by an earlier pair's one-sided change (``parted``). Where that change was this same
    side's, only its way back (its object as before that change) mends: another change of it
    is a new difference, which columns alone need not show."""
    if not _agree(key, span[0].after, span[1].after):
        return False
    if parted is not None:
        return parted.index != index or span[index].after.get(key) == parted.was
    return not _agree(key, span[0].before, span[1].before)


def _agree(key: Key, left: Mapping[Key, SchemaObject], right: Mapping[Key, SchemaObject]) -> bool:
    """True when both chains hold ``key`` (or neither) and, for a view, with the same columns
    (names, in order, both read): what the two chains build, compared as far as it can be
    across dialects (a view's SQL is each dialect's own)."""
    mine, theirs = left.get(key), right.get(key)
    if mine is None or theirs is None:
        return mine is None and theirs is None
    if key[0] != OBJECT_VIEW:
        return True
    return bool(mine.columns) and mine.columns == theirs.columns


def _lost(side: TwinSide, domain: Domain | None) -> set[tuple[str, str]]:
    """The triggers ``side``'s batch copies lose, as (logical table, name)."""
    logical = logical_tables(domain, side.chain.dialect)
    return {(logical.get(table.lower(), table), name) for table, name in side.lost}


def _unmatched(unpaired: list[tuple[Key, int, Change]]) -> list[tuple[Key, int, Change]]:
    """Of the changes no twin makes to an object of the same name, those the other twin makes
    to no other object of the same kind (on the same table) alike either: each dialect may name
    its own view or trigger its own way (``OpenInvoices`` and ``open_invoice`` of an adopted
    pair), so as many changes of one kind, table and action on each side pair. Where the
    counts differ, every change of the side with more is reported: which of them lacks a twin
    no name says."""
    groups: dict[tuple[str, str, str], tuple[list[tuple[Key, int, Change]], ...]] = {}
    for item in unpaired:
        key, index, change = item
        groups.setdefault((key[0], key[1], change.action), ([], []))[index].append(item)
    left_over: list[tuple[Key, int, Change]] = []
    for mine, theirs in groups.values():
        if len(mine) != len(theirs):
            left_over += mine if len(mine) > len(theirs) else theirs
    return sorted(left_over, key=lambda item: (item[0], item[1]))


def both_changed(
    left: TwinSide, right: TwinSide, domain: Domain | None
) -> list[tuple[str, tuple[Span, Span], int | None, tuple[Rename, ...]]]:
    """Each view (by name) that the last pair of twins changing it creates or replaces, both
    alike (None) or one alone (the side's index: 0 left), with both chains' spans of that
    version: what ``twin_views`` runs on probe rows, since two twins that each redefine a view
    may define it to answer otherwise, and one that re-creates a view with the other's columns
    (a mend by ``twin_differences``, stranger75 007) may give it another filter (s79views).
    A view whose definition only a twin's column rename rewrote (``twin_renames``: SQLite's
    ``RENAME COLUMN``, stranger78 002) is not changed by that twin; fourth, those renames."""
    own = one_dialect(domain)
    found: list[tuple[str, tuple[Span, Span], int | None, tuple[Rename, ...]]] = []
    for key, pair in sorted(last_pairs(left, right, domain).items(), key=lambda item: item[0]):
        kind, _, name = key
        changes = (pair[0].changes.get(key), pair[1].changes.get(key))
        actions = {c.action for c in changes if c is not None}
        if kind != OBJECT_VIEW or (kind, name) in own or not actions <= _MADE:
            continue
        rewrites = tuple(
            rewritten(c.before, c.after, span.renamed) if c is not None else ()
            for c, span in zip(changes, pair, strict=True)
        )
        made = tuple(c is not None and not r for c, r in zip(changes, rewrites, strict=True))
        if made == (True, True) and len(actions) == 1:
            found.append((name, pair, None, ()))
        elif made[0] != made[1]:  # one twin alone re-made it
            alone = 0 if made[0] else 1
            found.append((name, pair, alone, rewrites[1 - alone]))
    return found


def last_pairs(
    left: TwinSide, right: TwinSide, domain: Domain | None
) -> dict[Key, tuple[Span, Span]]:
    """Each object's last pair of twins that changed it on either chain, as both chains'
    spans of that domain version (none where either chain's spans are unknown)."""
    spans = (version_spans(left, domain), version_spans(right, domain))
    if spans[0] is None or spans[1] is None:
        return {}
    last: dict[Key, tuple[Span, Span]] = {}
    for version in sorted(set(spans[0]) & set(spans[1])):
        pair = (spans[0][version], spans[1][version])
        for key in set(pair[0].changes) | set(pair[1].changes):
            last[key] = pair
    return last


# What a twin does to a view that leaves one to run: makes it, or makes it again.
_MADE = frozenset({"created", "replaced"})


def one_dialect(domain: Domain | None) -> set[tuple[str, str]]:
    """(kind, name) of each view or trigger ``domain.yaml`` declares for one dialect only."""
    if domain is None:
        return set()
    one = (o for o in domain.objects if len(o.dialects) < 2)
    return {(o.kind, n) for o in one for n in (o.name, *o.names.values())}


def _difference(
    key: Key,
    changes: tuple[Change, Change | None],
    revisions: tuple[tuple[Revision, ...], tuple[Revision, ...]],
    chains: tuple[Chain, Chain],
    index: int,
) -> Difference:
    """The difference of an object changed by the twin(s) ``revisions[0]`` of ``chains[0]``
    and not alike by ``revisions[1]`` of ``chains[1]``; ``index``: the side ``chains[0]`` is
    on (0: left)."""
    kind, table, name = key
    change, other = changes
    mine, theirs = revisions
    chain, other_chain = chains[0].label, chains[1].label
    labels = (chain, other_chain) if index == 0 else (other_chain, chain)
    version = mine[0].domain_version
    what = f"{kind} {name}" + (f" on {table}" if table else "")
    did = "leaves it as it was" if other is None else f"{other.action} it"
    sides: list[str | None] = [_shown(change), None if other is None else _shown(other)]
    if index:
        sides.reverse()
    files = ", ".join(r.path for r in theirs)
    on = f"table: {table}, " if table else ""
    declare = f"{kind}s: {{{name}: {{{on}dialects: [{chains[0].dialect}]}}}}"
    line = upgrade_line(chains[1].config.root / theirs[-1].path)
    fix = FixSite(FixSide.RIGHT if index == 0 else FixSide.LEFT, theirs[-1].path, line)
    difference = migration_difference(
        PARITY,
        labels,
        name=name,
        left=sides[0],
        right=sides[1],
        table=table or name,
        message=f"{what} is {change.action} by {_names(mine)} of {chain} (domain version "
        f"{version}), but its twin {_names(theirs)} of {other_chain} {did}: the two chains "
        f"no longer build the same {kind}s, and no comparison of one dialect sees it (the "
        f"{kind}'s SQL is each dialect's own)",
        hint=f"make {files} do to {what} what {_names(mine)} does ({change.action}: an "
        "op.execute in upgrade() and its undoing in downgrade()), or, if it belongs to "
        f"{chain} only, declare it so in domain.yaml ({declare})",
    )
    return replace(difference, fix=fix)  # located in the twin the hint says to edit


def upgrade_line(path: Path) -> int | None:
    """The line of ``def upgrade`` in a revision file, where the twin's change is to be
    written (None: not found, or the file unreadable)."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, text in enumerate(lines, 1) if text.startswith("def upgrade")), None)


def _shown(change: Change) -> str:
    """A change as a side's text in a message: what happened and the definition it left."""
    if change.after is None:
        return f"dropped: {change.before}"
    return f"{change.action}: {change.after}"


def _names(revisions: tuple[Revision, ...]) -> str:
    """Revisions by id, ``revision X`` or ``revisions X, Y``."""
    ids = ", ".join(r.revision for r in revisions)
    return f"revision{'s' if len(revisions) > 1 else ''} {ids}"
