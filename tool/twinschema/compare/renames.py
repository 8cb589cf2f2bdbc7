"""Objects a database holds under another name than the schema it should match names them.

The comparer matches indexes and constraints by what they do, never by name, so an index renamed
by hand on a live database is in sync with its metadata module. Its name still matters to the
next revision: Alembic drops or alters an index or a constraint by the name the module gives it,
and on that database the statement fails (``index "ix_t_c" does not exist``). ``renamed``
lists such pairs: an object the ``expected`` side names (explicitly or by a naming convention)
that no object of the ``actual`` side bears, while one of the ``actual`` side that does the same
(equal as the comparer compares them) bears a name ``expected`` does not use. Pure, like the
rest of the comparer: what to do about it is the caller's (``layers.live``, ``hints``).

Equal as the comparer compares them, or as the evaluation stage found them (``matched``): a
predicate or CHECK a database stores with a cast the module does not write (``level >= 4`` on a
column of a domain type over integer read back as ``(level)::integer >= 4``) has another
canonical form than the module's, and only running both on probe rows makes them one
(stranger78 008: no warning, and a revision dropping the index by the module's name failed).
The evaluation names the two objects it made one; a pair it parted (another bound, another
column, UNIQUE against plain) is never matched, nor is one the comparer only reordered.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from twinschema.model import Schema, Table

# The kinds of named objects, as messages name them, and the Table field holding them.
_KINDS: tuple[tuple[str, str], ...] = (
    ("index", "indexes"),
    ("unique", "uniques"),
    ("check", "checks"),
    ("foreign_key", "foreign_keys"),
)


@dataclass(frozen=True, slots=True)
class Renamed:
    """An object of ``table`` that ``expected`` names ``name`` and ``actual`` calls ``actual``.

    ``kind``: index, unique, check or foreign_key (``described``: how a message names it)."""

    table: str
    kind: str
    name: str
    actual: str

    @property
    def described(self) -> str:
        """How a message names the object: "index ix_t_c", "CHECK ck_t_c"."""
        what = {
            "index": "index",
            "unique": "UNIQUE",
            "check": "CHECK",
            "foreign_key": "FOREIGN KEY",
        }
        return f"{what[self.kind]} {self.name}"


# (table, the name ``expected`` gives an object, the name ``actual`` gives the one found equal
# to it): pairs the evaluation stage made one (``Equivalence.names``).
Matched = tuple[str, str, str]


def renamed(expected: Schema, actual: Schema, matched: Collection[Matched] = ()) -> list[Renamed]:
    """The objects ``actual`` holds under another name than ``expected`` gives them, in table
    and name order (both schemas canonical, in the same logical names); ``matched``: the pairs
    the evaluation stage found equal though the comparer could not tell (module docstring)."""
    found: list[Renamed] = []
    folded = {(t, a.casefold(), b.casefold()) for t, a, b in matched}
    for name in sorted(set(expected.tables) & set(actual.tables)):
        found.extend(_table_renames(expected.tables[name], actual.tables[name], folded))
    return found


def _table_renames(
    expected: Table, actual: Table, matched: Collection[Matched]
) -> Iterator[Renamed]:
    for kind, attribute in _KINDS:
        mine: Sequence[Any] = getattr(expected, attribute)
        theirs: Sequence[Any] = getattr(actual, attribute)
        names = {o.name.casefold() for o in mine if o.name}
        their_names = {o.name.casefold() for o in theirs if o.name}
        # Only the objects each side alone names can be one object renamed.
        candidates = [o for o in theirs if o.name and o.name.casefold() not in names]
        for wanted in sorted((o for o in mine if o.name), key=lambda o: str(o.name)):
            if wanted.name.casefold() in their_names:
                continue
            twin = next((o for o in candidates if o == wanted), None)
            if twin is None:
                key = (expected.name, wanted.name.casefold())
                twin = next((o for o in candidates if (*key, o.name.casefold()) in matched), None)
            if twin is None:
                continue
            candidates.remove(twin)
            yield Renamed(expected.name, kind, str(wanted.name), str(twin.name))
