"""The parts of a view's SQL where a comparison does not say what the rows it keeps hold
(fix94b): under a NOT, and inside a CASE.

``view_filters`` reads a view's comparisons of a column with a literal, and the float-sum
groups are placed on rows meeting them. ``WHERE NOT (o.status = 'void') AND o.total > 6`` and
``WHERE CASE WHEN o.status = 'void' THEN 0 ELSE 1 END = 1 AND ...`` were read as
``status = 'void'``: every group went to a void order the view drops, and 6.01 + 6.05
(SQLite's 12.059999999999999 against PostgreSQL's 12.06) was "the same rows". Here the spans
of a ``NOT (...)``, a ``NOT EXISTS (...)``, a ``NOT x = ...`` up to its condition's end and a
``CASE ... END`` are found, and a comparison inside one is left to the probe rows. Near miss:
``x NOT IN (...)``, ``NOT LIKE``, ``NOT BETWEEN`` and ``IS NOT NULL`` mask nothing (the
comparison beside them is read as before), nor does ``o.status <> 'void'``.
"""

from __future__ import annotations

import re

# A NOT that negates what follows it (not the NOT of NOT IN, NOT LIKE, IS NOT NULL ...).
_NOT = re.compile(r"(?<!\bis\s)\bnot\b(?!\s+(?:in|like|ilike|between|null|distinct)\b)", re.I)
_CASE = re.compile(r"\b(case|end)\b", re.I)
# What ends a bare NOT's condition: a connective, a clause's word, a closing parenthesis.
_END = re.compile(r"\b(?:and|or|then|else|when|end|group|order|having|limit|union)\b|[);]", re.I)
_STRING = re.compile(r"'(?:[^']|'')*'")


def spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` (start, end) under a NOT or inside a CASE ... END (string
    literals' contents are not read as SQL)."""
    plain = _STRING.sub(lambda m: "'" + " " * (len(m[0]) - 2) + "'", text)
    found: list[tuple[int, int]] = []
    for m in _NOT.finditer(plain):
        rest = re.match(r"\s*(?:exists\s*)?\(", plain[m.end() :], re.I)
        if rest:
            found.append((m.start(), _closing(plain, m.end() + rest.end() - 1)))
            continue
        end = _END.search(plain, m.end())
        found.append((m.start(), end.start() if end else len(plain)))
    depth, start = 0, 0
    for m in _CASE.finditer(plain):
        if m[1].lower() == "case":
            start = m.start() if depth == 0 else start
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                found.append((start, m.end()))
    return found


def inside(match: re.Match[str], masked: list[tuple[int, int]]) -> bool:
    """True when ``match`` starts inside one of the ``masked`` spans."""
    return any(a <= match.start() < b for a, b in masked)


def _closing(text: str, at: int) -> int:
    """The end of the parenthesis opened at ``at`` (the text's end where none closes it)."""
    depth = 0
    for i in range(at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return len(text)
