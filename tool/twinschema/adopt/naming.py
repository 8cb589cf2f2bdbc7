"""Pairing the names of two databases, and the naming conventions ``init`` knows.

Tables, then each paired table's columns, are paired by name in stages, strictest first; a stage
pairs two names only when each is the other's single candidate, so an ambiguous name is left for
a person to decide:

1. ``exact``: the same name;
2. ``case``: the same name ignoring case (a quoted ``"Album"`` against an unquoted ``album``);
3. ``convention``: the same words (``InvoiceLine``, ``invoiceLine`` and ``invoice_line``);
4. ``plural``: the same words once the last is made singular (``Album`` and ``albums``,
   ``category`` and ``categories``, ``box`` and ``boxes``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Words of an identifier: acronyms, capitalised or lower-case words (digits stay with their word).
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")
_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman"}


def words(name: str) -> list[str]:
    """The lower-case words of ``name``: ``InvoiceLineId`` and ``invoice_line_id`` both give
    ``["invoice", "line", "id"]``."""
    return [w.lower() for w in _WORD.findall(name)]


def snake_case(name: str) -> str:
    """``name`` in snake_case (``AlbumId`` -> ``album_id``); ``name`` itself if it has no words."""
    return "_".join(words(name)) or name


def singular_forms(word: str) -> frozenset[str]:
    """``word`` and what it may be the plural of: ``boxes`` -> {boxes, box, boxe}."""
    forms = {word}
    if word in _IRREGULAR:
        forms.add(_IRREGULAR[word])
    if len(word) > 3 and word.endswith("ies"):
        forms.add(word[:-3] + "y")
    if word.endswith(("ses", "xes", "zes", "ches", "shes")):
        forms.add(word[:-2])
    if len(word) > 1 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        forms.add(word[:-1])
    return frozenset(forms)


def _plural_keys(name: str) -> frozenset[str]:
    parts = words(name)
    if not parts:
        return frozenset({name})
    head = "_".join(parts[:-1])
    return frozenset(f"{head}_{s}" if head else s for s in singular_forms(parts[-1]))


# The stages, strictest first: each maps a name to the keys it can be paired by.
STAGES: tuple[tuple[str, Callable[[str], frozenset[str]]], ...] = (
    ("exact", lambda name: frozenset({name})),
    ("case", lambda name: frozenset({name.lower()})),
    ("convention", lambda name: frozenset({snake_case(name)})),
    ("plural", _plural_keys),
)


@dataclass(frozen=True)
class Pairing:
    """Names of two sides paired: ``(left, right, stage)`` triples and what is left over."""

    pairs: tuple[tuple[str, str, str], ...]
    left_only: tuple[str, ...]
    right_only: tuple[str, ...]


def pair_names(left: Iterable[str], right: Iterable[str]) -> Pairing:
    """Pair two lists of names by the ``STAGES``; a name with several candidates stays unpaired."""
    lefts, rights = list(dict.fromkeys(left)), list(dict.fromkeys(right))
    pairs: list[tuple[str, str, str]] = []
    for stage, keys in STAGES:
        lkeys = {name: keys(name) for name in lefts}
        rkeys = {name: keys(name) for name in rights}
        found = []
        for lname, lk in lkeys.items():
            candidates = [r for r, rk in rkeys.items() if lk & rk]
            if len(candidates) != 1:
                continue
            (rname,) = candidates
            if [n for n, k in lkeys.items() if k & rkeys[rname]] == [lname]:
                found.append((lname, rname, stage))
        pairs.extend(found)
        paired_left = {p[0] for p in found}
        paired_right = {p[1] for p in found}
        lefts = [n for n in lefts if n not in paired_left]
        rights = [n for n in rights if n not in paired_right]
    return Pairing(tuple(pairs), tuple(lefts), tuple(rights))
