"""A PostgreSQL dialect fact: how a ``nextval()`` default names the sequence it draws from, read
from the catalog's text (``pg_get_expr`` of ``pg_attrdef``) and from a metadata module's
``server_default`` alike: the one parser of it (the adapter's, the module reader's, the hints'
and ``init``'s).

What PostgreSQL 16 stores for what was written (read back from pg_attrdef on a real server,
``tests/test_nextval_names.py``)::

    nextval('"My Seq"')              nextval('"My Seq"'::regclass)
    nextval('public.s')              nextval('s'::regclass)      (public on the search path)
    nextval('s'::regclass)           nextval('s'::regclass)
    nextval('s'), nextval('S')       nextval('s'::regclass)      (an unquoted name folds)
    nextval('other.s2')              nextval('other.s2'::regclass)
    nextval('"it''s"')               nextval('"it''s"'::regclass)
    nextval('s'::text)               nextval(('s'::text)::regclass)

A name cast to regclass is resolved once, when the default is made (a dependency on the
sequence is recorded); one given as text is resolved at each call, on the caller's search path
(``late``), and may name a sequence that no longer exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# nextval('name') or nextval('name'::regclass): the name resolved when the default is made.
_BOUND = re.compile(r"nextval\(\s*'((?:[^']|'')*)'\s*(?:::\s*regclass\s*)?\)", re.I)
# nextval('name'::text), as stored nextval(('name'::text)::regclass): resolved at each call.
_LATE = re.compile(
    r"nextval\(\s*(?:\(\s*'((?:[^']|'')*)'\s*::\s*[a-z ]+?\s*\)\s*::\s*regclass"
    r"|'((?:[^']|'')*)'\s*::\s*(?!regclass\b)[a-z ]+?)\s*\)",
    re.I,
)
# One identifier of a dotted name: "quoted" (inner quotes doubled) or plain (folded).
_PART = re.compile(r'\s*(?:"((?:[^"]|"")+)"|([^".\s]+))\s*')


@dataclass(frozen=True, slots=True)
class Nextval:
    """The sequence one ``nextval()`` default names: ``name`` as written inside its quotes
    (``"My Seq"``, ``other.s2``, ``s``; a doubled quote undone), and ``late`` where it is given
    as text and resolved at each call."""

    name: str
    late: bool = False

    @property
    def parts(self) -> tuple[str, ...] | None:
        """The name's identifiers as PostgreSQL resolves them (``dotted_parts``)."""
        return dotted_parts(self.name)


def dotted_parts(name: str) -> tuple[str, ...] | None:
    """A dotted name's identifiers as PostgreSQL resolves them (as ``parse_ident`` does: an
    unquoted one folded to lower case, a quoted one exact): ``("My Seq",)`` for ``"My Seq"``,
    ``("other", "s2")`` for ``other.s2``; None where the text is no dotted name of one to three
    identifiers."""
    found: list[str] = []
    rest = name
    while True:
        part = _PART.match(rest)
        if part is None:
            return None
        quoted, plain = part.group(1), part.group(2)
        found.append(quoted.replace('""', '"') if quoted is not None else plain.lower())
        rest = rest[part.end() :]
        if not rest:
            break
        if not rest.startswith("."):
            return None
        rest = rest[1:]
    return tuple(found) if len(found) <= 3 else None


def nextval_of(default: str) -> Nextval | None:
    """The sequence a default that is one ``nextval()`` call of a quoted name draws from (the
    whole default: ``nextval('s') + 1`` is none); None for any other default."""
    text = default.strip()
    bound = _BOUND.fullmatch(text)
    if bound is not None:
        return Nextval(bound.group(1).replace("''", "'"))
    late = _LATE.fullmatch(text)
    if late is not None:
        return Nextval((late.group(1) or late.group(2) or "").replace("''", "'"), late=True)
    return None
