"""The warning of an allowance that pins neither side of what it allows (``unpinned_allowance``):
a ``column_type`` one without ``types:``, a ``check`` one without ``checks:``, a
``column_nullable`` one without ``nullable:`` (``PIN_KEYS``), one of another kind
``PINNABLE_KINDS`` names without ``sides:`` (a ``foreign_key``, ``enum``, ``unique``,
``column_generated`` ... allowance: stranger71 011).

Written without ``types:`` (as every hint wrote it until 2026-12-04), a ``column_type``
allowance allows any type difference of its column, for ever: written for the device's
``text`` against the server's ``text[]``, it also hides the server's column made ``integer[]`` later,
which refuses the JSON text the device stores (stranger65 002). So too a CHECK allowance by its
device's text (``check: "founded > 1860"``) allows the server's CHECK made ``founded < 1700``, and
a nullability allowance the NOT NULL of a domain dropped later (stranger68 003). Such an allowance
keeps allowing as before (a file that worked yesterday works today), but where it allows a difference the
comparison warns, naming its line and the allowance pinned to what it allows here. A
warning leaves the exit code alone; one ``check`` says it once (``once``), not in each layer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from twinschema.compare.allowance_entries import allowance_entry, one_sided, place, quoted
from twinschema.definitions import visible_sql
from twinschema.records import Difference, FixSide, FixSite, LayerResult, Severity
from twinschema.records.differences import Pinned
from twinschema.records.domain import PIN_KEYS, PINNABLE_KINDS, Allowance, Domain, check_key

KIND = "unpinned_allowance"
# What the pinned entry a warning offers is: each side as the check sees it now, which after a
# hand edit of one side is the drifted pair, not the one the allowance was written for (fix83b).
AS_NOW = (
    "as each side has it now (if either side changed since the allowance was written, pin what "
    "it was written for instead, or that change is allowed for good)"
)

# By kind: what an allowance of it pins (its key), and the difference it allows; any other
# kind of ``PINNABLE_KINDS`` pins by ``sides:`` (stranger71 011).
_WORDS = {
    "column_type": ("types", "type difference of"),
    "check": ("CHECKs", "pair of CHECKs it names on"),
    "column_nullable": ("nullabilities", "nullability difference of"),
    "view": ("definitions", "change of either side's definition of view"),
}


def _pinnable(allowance: Allowance, d: Difference) -> bool:
    """Whether ``d``, allowed by ``allowance``, is a difference a pinned entry could name: of
    the allowance's kind, with each side's text; or an object on one side only with its text
    there, allowed by an allowance of another kind than ``check`` that names it by no name (a
    CHECK on one side only is named by ``check:``; a name names the object)."""
    if d.kind != allowance.kind:
        return False
    if d.left and d.right and not one_sided(d):
        return True
    if _by_name_alone(allowance, d):
        return True
    return (
        one_sided(d)
        and d.kind not in PIN_KEYS
        and allowance.name is None
        and bool(d.left or d.right)
    )


def _by_name_alone(allowance: Allowance, d: Difference) -> bool:
    """Whether ``allowance`` allows the CHECK ``d`` on one side only by its name and dialect,
    not its text (``check:``): any CHECK later put under that name is allowed too (stranger82
    007: the device's CHECK tightened to refuse most of the server's rows, in sync)."""
    return (
        d.kind == "check"
        and one_sided(d)
        and allowance.name is not None
        and allowance.dialect is not None
        and allowance.check is None
        and bool(d.left or d.right)
    )


def _paired(differences: list[Difference]) -> list[Difference]:
    """``differences`` with each two halves of one named CHECK (on the left only, on the right
    only: the comparer's, before the evaluation stage pairs them) read as the pair they are, so
    the warning names what each side's CHECK says (stranger81 008: ``{kind: check, name:
    ck_vacc_due}`` allowed the server's new ``due_on > given_on`` against the device's ``due_on
    >= given_on`` with no line naming that pair)."""
    halves: dict[tuple[str | None, str | None, bool], Difference] = {
        (d.table, d.name, d.left is None): d
        for d in differences
        if d.kind == "check" and d.name and (d.left is None) != (d.right is None)
    }
    found = []
    for d in differences:
        if d in halves.values() and d.left is not None:
            other = halves.get((d.table, d.name, True))
            found.append(replace(d, right=other.right) if other is not None else d)
        elif not (d in halves.values() and halves.get((d.table, d.name, False)) is not None):
            found.append(d)
    return found


def unpinned_allowances(
    domain: Domain,
    used: dict[Allowance, list[Difference]],
    sides: dict[str, FixSide],
    left: str,
    right: str,
) -> list[Difference]:
    """A warning for each allowance of a kind ``PINNABLE_KINDS`` names that pins nothing and
    allowed a difference (``_pinnable``) across the dialects here (``sides``: dialect -> side),
    whose hint gives the allowance pinned to what it allowed (its own reason kept)."""
    dialects = {side: dialect for dialect, side in sides.items()}
    if len(dialects) < 2:
        return []
    found = []
    for allowance, differences in used.items():
        if allowance.kind not in PINNABLE_KINDS or allowance.sides:
            continue
        allowed = [d for d in _paired(differences) if _pinnable(allowance, d)]
        if not allowed:
            continue
        reason = f"reason: {quoted(allowance.reason)}}}"
        entries = "; ".join(allowance_entry(d, dialects)[: -len("reason: ...}")] + reason
                            for d in allowed)  # fmt: skip
        shown = "; ".join(
            (f"{d.column}: " if d.column else "")
            + ", ".join(
                f"{dialects[s]} {visible_sql(text) if text is not None else '-'}"
                for s, text in ((FixSide.LEFT, d.left), (FixSide.RIGHT, d.right))
            )
            for d in allowed
        )
        where = f"{allowance.table}.{allowance.column}" if allowance.column else allowance.table
        noun, what = _WORDS.get(allowance.kind, ("sides", f"{allowance.kind} difference of"))
        # An index made UNIQUE or not on one side is never one (``allowance_match.fits``).
        but = " but a UNIQUE lost or gained" if allowance.kind == "index" else ""
        names = (
            f"names no {noun}: it allows any {what} {where}{but}, one that comes later on "
            "either side too"
        )
        if all(_by_name_alone(allowance, d) for d in allowed):
            names = (
                f"names no CHECK text: it allows any CHECK named {allowance.name} on {where} "
                f"on {allowance.dialect} only, one whose text changes later too"
            )
            noun = "CHECK"
        elif allowance.check:  # one side's CHECK by its text: the other side's is not pinned
            names = (
                f"names one CHECK, not the pair: it allows any pair of CHECKs on {where} that "
                f"shows {quoted(allowance.check)} on one side, whatever the other side's CHECK "
                "says, one that comes later too"
            )
        found.append(
            Difference(
                layer=allowed[0].layer,
                kind=KIND,
                table=allowance.table,
                column=allowance.column,
                name=None,
                left=None,
                right=None,
                message=f"allowance {allowance.describe()} {names} (it allows {shown} here)",
                hint=f"{domain.path}:{allowance.line}: pin it to the {noun} it is written for"
                f"{place(domain, allowance)}; {AS_NOW}: {entries}",
                severity=Severity.WARNING,
                left_source=left,
                right_source=right,
                fix=FixSite(file=domain.path, line=allowance.line),
                pinned=Pinned(
                    allowance.kind, tuple((d.table, d.name, d.left, d.right) for d in allowed)
                ),
            )
        )
    return found


def once(results: Iterable[LayerResult]) -> None:
    """Keep each ``unpinned_allowance`` warning in the first layer that gives it: the models
    and the live pair allow the same difference by the same allowance, one warning is enough
    (the same pinned entry offered: another, where the live pair allows other sides, is said)."""
    seen: set[tuple[str | None, int | None, str]] = set()
    for result in results:
        kept = []
        for w in result.warnings:
            if w.kind == KIND:
                # By the pinned entry it offers: the message names each side's text as its
                # database prints it (a server's CHECK ((n > 0)) against its module's n > 0).
                key = (w.fix.file if w.fix else None, w.fix.line if w.fix else None, w.hint)
                if key in seen:
                    continue
                seen.add(key)
            kept.append(w)
        result.warnings = kept


def changed_since(results: Iterable[LayerResult]) -> None:
    """Say, in the hint of each ``unpinned_allowance`` warning, where another comparison of
    this check shows that a side it pins is not what is written: one of its two sources (a database)
    has the pinned view or CHECK otherwise than the source it is compared with there (its
    chain, its module), a difference of the allowance's kind on that object with that side's
    text (a hand edit, or a revision not applied). The entry offered then pins that side as it
    is, not as written (fix83b: the server's view hand-edited
    from ``avg(secs)::integer`` to ``max(secs)``, still allowed, was offered pinned as
    ``max``). Only the live pair's warnings: its sources are databases, which a hand edit
    changes; two modules or two chains are what was written (which of a module and its chain
    changed, none can tell)."""
    results = list(results)
    for result in results:
        if result.name != "live":  # the live pair's sources are the databases, edited by hand
            continue
        result.warnings = [_changed(w, result, results) for w in result.warnings]


def _changed(w: Difference, own: LayerResult, results: list[LayerResult]) -> Difference:
    """``w`` with what ``changed_since`` says, where another comparison shows it."""
    if w.kind != KIND or w.pinned is None:
        return w
    said: list[str] = []
    for table, name, *texts in w.pinned.allowed:
        for source, other, text in (
            (w.left_source, w.right_source, texts[0]),
            (w.right_source, w.left_source, texts[1]),
        ):
            if text is None:
                continue
            for result in results:
                sources = (result.left, result.right)
                if result is own or source not in sources or other in sources:
                    continue
                there = sources[1 - sources.index(source)]
                if any(
                    d.kind == w.pinned.kind
                    and (d.table or d.name) == (table if w.pinned.kind != "view" else name)
                    and _holds(d, sources.index(source), text)
                    for d in result.differences
                ):
                    found = (
                        f"{source}'s {_object(w.pinned.kind, name)} is not what {there} has "
                        f"(a {w.pinned.kind} difference in the {result.name} layer)"
                    )
                    if found not in said:
                        said.append(found)
    if not said:
        return w
    return w.said_after(
        f". But {'; '.join(said)}: the entry above pins what the database has now, which is "
        "not what is written there (a hand edit, or a revision not applied); make the two agree "
        "first, then pin the pair the allowance is written for"
    )


def _holds(d: Difference, side: int, text: str) -> bool:
    """True when ``d``'s side ``side`` (0 left, 1 right) is ``text`` (as ``check_key`` reads)."""
    value = d.left if side == 0 else d.right
    return value is not None and check_key(value) == check_key(text)


def _object(kind: str, name: str | None) -> str:
    """How the warning names the object a side changed: ``view v``, ``CHECK``."""
    return f"view {name}" if kind == "view" else "CHECK" if kind == "check" else kind
