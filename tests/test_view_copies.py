"""A probe row copied with keys of its own (``view_copies.copied``: a float-sum group's parent and
child rows, ``view_sums``; a row near now's parents, ``view_own_parents``) is one both real
databases store beside the others.

The float-sum groups' copy gave a unique key the copy did not renew a fresh value of the
column's kind: seat's UNIQUE (row_label, seat_no) under CHECK (row_label GLOB '[A-Z]'), the
only label the probe rows offer ('A') held, became (2, 'sum0', 1), which both databases refuse
(the scratch copy drops it, and the group rows naming it with it). Now the key takes a
combination of the values its columns take that no row holds, (2, 'A', 2), stored on both; where
every combination is held there is no copy (near miss), not one a database refuses.
"""

from __future__ import annotations

from itertools import count

import psycopg
import pytest
from support.stored import stored_on_each

from twinschema.evaluate import view_copies
from twinschema.evaluate.view_keys import Keys, Reference, Unique

SEAT = {
    "sqlite": "CREATE TABLE seat (id INTEGER PRIMARY KEY, row_label TEXT NOT NULL CHECK "
    "(row_label GLOB '[A-Z]'), seat_no INTEGER NOT NULL, UNIQUE (row_label, seat_no))",
    "postgresql": "CREATE TABLE seat (id integer PRIMARY KEY, row_label text NOT NULL CHECK "
    "(row_label ~ '^[A-Z]$'), seat_no integer NOT NULL, UNIQUE (row_label, seat_no))",
}
INSERT = "INSERT INTO seat (id, row_label, seat_no) VALUES (?, ?, ?)"
# Base 0: booking (id, seat_id), naming base 1: seat (id, row_label, seat_no).
KEYS = Keys(
    (Unique(0, (0,)), Unique(1, (0,)), Unique(1, (1, 2))),
    (Reference(0, (1,), 1, (0,)),),
)
SEATS = [(1, "A", 1)]


def _fits(seat_nos: list[int]) -> list[list[list[object]]]:
    """The values each column of the two bases takes: one label, the seat numbers given."""
    return [[[1, 2], [1]], [[1, 2], ["A"], seat_nos]]


def _stored(pg_url: str, copy: tuple[object, ...]) -> tuple[bool, bool]:
    """Whether each real database stores ``copy`` beside the probe row it was copied from."""
    return stored_on_each(
        ":memory:",
        pg_url,
        (INSERT, copy),
        before=[(INSERT, SEATS[0])],
        ddl=(SEAT["sqlite"], SEAT["postgresql"]),
        refusals=(psycopg.errors.IntegrityError,),  # a CHECK's or the key's
    ).accepted


@pytest.mark.parametrize("fresh", [False, True], ids=["group", "fresh-group"])
def test_a_copied_parent_keeps_its_unique_key_within_the_glob_check(
    pg_url: str, fresh: bool
) -> None:
    """The seat a float-sum group's rows name, copied with a new id: its (row_label, seat_no)
    takes ('A', 2), a combination no row holds, and both real databases store it; the fresh
    text the copy used to take there is refused by both (the witness of the old copy)."""
    rows = [[(1, 1)], SEATS]
    got = view_copies.copied(rows, _fits([1, 2]), KEYS, 1, SEATS[0], (0,), count(), fresh)
    assert got == [2, "A", 2]
    assert _stored(pg_url, tuple(got)) == (True, True)
    assert _stored(pg_url, (2, "sum0", 1)) == (False, False)  # what the old copy gave


def test_no_copy_where_every_combination_is_held(pg_url: str) -> None:
    """Near miss: the only label and the only seat number held: no copy (its group keeps
    naming the seat it named), where a fresh value would be refused."""
    rows = [[(1, 1)], SEATS]
    assert view_copies.copied(rows, _fits([1]), KEYS, 1, SEATS[0], (0,), count()) is None
    assert _stored(pg_url, (2, "A", 1)) == (False, False)  # the held key: UNIQUE refuses it


def test_a_key_a_foreign_key_binds_is_kept() -> None:
    """A unique key holding the copy's foreign key column changes only its other columns (a
    value of its own there would name a parent no row holds)."""
    keys = Keys((Unique(0, (0,)), Unique(0, (1, 2))), (Reference(0, (1,), 1, (0,)),))
    rows = [[(1, 1, 1)], [(1,), (2,)]]
    fits = [[[1, 2], [1, 2], [1, 2]], [[1, 2]]]
    assert view_copies.copied(rows, fits, keys, 0, rows[0][0], (0,), count()) == [2, 1, 2]


def test_a_fresh_value_only_where_the_probe_values_run_out() -> None:
    """The new key takes a probe value no row holds, else one past them (``unheld``); the
    numbers a copy's fresh values take come from ``numbers`` in turn."""
    keys = Keys((Unique(0, (0,)),), ())
    rows = [[(1, "x"), (2, "y")]]
    assert view_copies.copied(rows, [[[1, 2, 3], ["x"]]], keys, 0, rows[0][0], (0,), count()) == [
        3,
        "x",
    ]
    numbers = count(5)
    got = view_copies.copied(rows, [[[1, 2], ["x"]]], keys, 0, rows[0][0], (0,), numbers, True)
    assert got == [7105, "sum6"]  # the key, then the column no key holds
