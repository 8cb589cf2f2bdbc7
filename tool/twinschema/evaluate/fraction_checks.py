"""What an integer column pair's CHECKs make of a fraction, for its fraction warning
(``crossing``; stranger82 005). SQLite's INTEGER keeps 99.6 (a REAL), PostgreSQL's integer rounds
it to 100 before its CHECKs run: under ``CHECK (battery_pct < 100)`` on both sides the device
stores 99.6 and the server refuses the row (a sync fails); under ``x >= 0`` SQLite refuses
-0.4 and PostgreSQL stores 0. The CHECK pair is no difference (on whole numbers both sides agree;
the column pair keeping fractions on one side only is the cause), so the column pair's one
fraction warning takes such a fraction as its witness and names the CHECK that refuses it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from twinschema.evaluate.backends import REJECTED
from twinschema.evaluate.check_conjuncts import conjuncts
from twinschema.model import Table
from twinschema.records.kinds import INTEGER_KINDS

# What a dialect's copy of the column stores of values (each, or ``REJECTED``) under the CHECKs
# given (their texts; none: the column alone); None where the copy cannot be made.
Store = Callable[[str, Sequence[str], list[Any]], "list[Any] | None"]


@dataclass(frozen=True)
class Lead:
    """A fraction a CHECK parts: how a message names it, its text, whether it breaks a
    SQLite to PostgreSQL sync (else it is an insert one side refuses, and no sync fails)."""

    said: str
    text: str
    push: bool


def is_fraction(kind: str | None, value: Any) -> bool:
    """True for a number not whole probed in an integer column (``crossing_literals.fractions``)."""
    return kind in INTEGER_KINDS and isinstance(value, Decimal) and value != int(value)


def lead(
    kind: str | None,
    rows: Sequence[tuple[tuple[str, Any], Any, Any]],
    dialects: tuple[str, str],
    store: Store,
    checks: dict[str, tuple[Table, list[str]]],
) -> Lead | None:
    """The first fraction of ``rows`` (each probe with what the left and right side stored,
    or ``REJECTED``) that SQLite stores as written and PostgreSQL refuses by a CHECK on the
    whole number its integer rounds it to; else the first that a SQLite CHECK refuses and
    PostgreSQL stores rounded, where the rounded value crosses back (SQLite stores it); None
    where no CHECK parts a fraction. ``checks``: each dialect's table and the CHECK texts that
    read the column alone. Proved on the scratch databases: the column with no CHECK stores the
    value (SQLite) or its rounding (PostgreSQL), and one CHECK alone refuses it."""
    if kind not in INTEGER_KINDS or set(dialects) != {"sqlite", "postgresql"}:
        return None
    first = dialects.index("sqlite")
    found: Lead | None = None
    for (said, value), *got in rows:
        if not is_fraction(kind, value):
            continue
        sqlite, pg = got[first], got[1 - first]
        if sqlite is not REJECTED and pg is REJECTED and _kept(sqlite, value):
            rounded = _alone(store, "postgresql", value)
            name = _refuser(store, "postgresql", checks, rounded)
            if name is not None:
                return Lead(said, _pushed(rounded, name), True)
        elif found is None and sqlite is REJECTED and pg is not REJECTED:
            back = store("sqlite", checks["sqlite"][1], [pg])
            name = _refuser(store, "sqlite", checks, _alone(store, "sqlite", value))
            if name is not None and back is not None and back[0] is not REJECTED:
                found = Lead(said, _refused(pg, name), False)
    return found


def _kept(stored: Any, value: Decimal) -> bool:
    """True when SQLite stored ``value`` as written (its REAL, not a whole number)."""
    return isinstance(stored, int | float | Decimal) and Decimal(str(stored)) == value


def _alone(store: Store, dialect: str, value: Decimal) -> Any:
    """What ``dialect``'s column with no CHECK stores of ``value`` (``REJECTED`` where it
    refuses it: a STRICT table, a rowid alias)."""
    got = store(dialect, (), [value])
    return REJECTED if got is None else got[0]


def _refuser(
    store: Store, dialect: str, checks: dict[str, tuple[Table, list[str]]], value: Any
) -> str | None:
    """The first CHECK of ``dialect``'s side that refuses ``value`` alone, as a message names
    it (``CHECK ck_name``, else its text); None where the column refuses it with no CHECK or no
    CHECK alone refuses it."""
    if value is REJECTED:
        return None
    table, texts = checks[dialect]
    for text in texts:
        got = store(dialect, [text], [value])
        if got is not None and got[0] is REJECTED:
            return check_named(dialect, table, text)
    return None


def check_named(dialect: str, table: Table, text: str) -> str:
    """How a message names the CHECK of ``table`` one of whose top AND's operands is ``text``:
    ``CHECK name`` where it has a name, else ``CHECK (text)``."""
    for check in table.checks:
        if check.name and text in conjuncts(dialect, check.raw or check.expression):
            return f"CHECK {check.name}"
    return f"CHECK ({text})"


def _pushed(rounded: Any, check: str) -> str:
    """A fraction SQLite stores and PostgreSQL refuses rounded to ``rounded``."""
    return (
        f"SQLite stores it, PostgreSQL rounds it to {rounded}, which {check} refuses "
        "(a SQLite to PostgreSQL sync fails)"
    )


def _refused(rounded: Any, check: str) -> str:
    """A fraction a SQLite CHECK refuses and PostgreSQL stores rounded to ``rounded``."""
    return (
        f"SQLite refuses it ({check}), PostgreSQL rounds it to {rounded} and stores it: an "
        f"insert one side takes fails on the other, no sync does ({rounded} crosses as it is)"
    )


def names(lead_: Lead, kind: str | None, value: Any, got: tuple[Any, Any]) -> bool:
    """True when ``lead_`` names the fraction warning judged on ``value`` (what the two sides
    stored of it: ``got``): a fraction, and a lead a sync fails on, or a fraction both sides
    store (1.5 crossing as 2, said after the lead); one a side refuses (PostgreSQL's 2, which
    SQLite refuses: a sync fails) says enough on its own."""
    return is_fraction(kind, value) and (lead_.push or REJECTED not in got)


def message(lead_: Lead, said: str, what: str, push: bool) -> tuple[bool, str, str]:
    """The column's fraction warning where ``lead_`` is found, instead of the first fraction
    judged (``said``: how it is named, ``what``: what happens to it, ``push``: whether a push
    fails on it): the lead alone where a SQLite to PostgreSQL sync fails on it, else the lead
    and then what happens to that fraction, one both sides store (SQLite stores 1.5,
    PostgreSQL 2). Whether it breaks a push, how it names the witness, what happens."""
    if lead_.push:
        return True, lead_.said, lead_.text
    return push, lead_.said, f"{lead_.text}; {said}: {what}"
