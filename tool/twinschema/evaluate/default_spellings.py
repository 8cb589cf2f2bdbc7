"""A SQLite text default that stands for a PostgreSQL uuid, jsonb, date, timestamp,
timestamptz or time default of the same value, spelled otherwise than PostgreSQL stores it
(stranger59 012): TEXT ``DEFAULT 'A0EEBC99-...'`` against uuid ``'a0eebc99-...'``, TEXT
``'2024-01-01 00:00:00+02'`` against timestamptz. One value, as the defaults stage says
("equal by evaluation: both give the same value"), but SQLite keeps its text as written and
PostgreSQL its own spelling ('a0eebc99-...', '2023-12-31 22:00:00+00'): a row that omits the
column holds other text on each side, which SQLite's text comparisons, ORDER BY and UNIQUE
read as another value (a lookup by PostgreSQL's text finds the row on PostgreSQL only; checked
on real SQLite 3.40 and PostgreSQL 16). As for such spellings under a UNIQUE rule or in a CHECK
(``crossing_values.SPELLINGS``, ``date_text``), that is a ``value_compatibility`` warning naming what
each side stores, not a difference."""

from __future__ import annotations

import uuid
from typing import Any

from twinschema.canonical import typemap
from twinschema.evaluate.backends import Backend
from twinschema.evaluate.context import StageContext, find, matched_columns
from twinschema.evaluate.crossing import warning
from twinschema.evaluate.crossing_values import SPELLINGS
from twinschema.evaluate.default_texts import default_text
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.value_convert import convert
from twinschema.evaluate.values import CONSTANT, RANDOM_UUID
from twinschema.model import Column, ColumnType
from twinschema.model_shown import column_shown
from twinschema.records.hint_ways import Offer

_AS_TEXT = ColumnType("postgresql", "text")
HINT = Offer(
    "write SQLite's default as PostgreSQL stores it ({stored}), so that both sides keep one "
    "text; or "
)


def findings(st: StageContext, backends: dict[str, Backend]) -> list[tuple[bool, Any]]:
    """The warnings (none breaks a push) for each column pair whose SQLite text default
    PostgreSQL stores as the same value in another spelling."""
    pg = backends.get("postgresql")
    if not st.cross or pg is None or "sqlite" not in backends:
        return []
    said = {(d.table, d.column) for d in st.comparison.differences if d.kind == "column_default"}
    found: list[tuple[bool, Any]] = []
    layer = st.layer or "diff"
    for table, lc, rc in matched_columns(st):
        key = (table.name, lc.name)
        if key in said or key in st.failed:
            continue  # the default's own difference says what each side gives
        kind = typemap.shared_kind(lc.type, rc.type)
        sqlite, postgresql = (lc, rc) if st.left.schema.dialect == "sqlite" else (rc, lc)
        shown = column_shown(table, find(st.right, table.name, "")[0], lc.name)
        if kind == "text":
            as_text = _drawn_as_text(st, backends, (sqlite, postgresql))
            if as_text is not None:
                message, hint = as_text
                message = f"{shown}: {message}"
                found.append(
                    (False, warning(layer, st.left, st.right, table.name, lc, rc, message, hint))
                )
        if kind not in SPELLINGS:
            continue
        stored = _spelled_otherwise(st, pg, (sqlite, postgresql), kind)
        drawn = None if stored else _drawn_otherwise(st, backends, (sqlite, postgresql), kind)
        if stored is not None:
            written, kept = stored
            head = f"its default {probe_text(written)}: SQLite stores it as written, PostgreSQL "
            head += "stores "
            hint = HINT.filled(stored=probe_text(kept))
        elif drawn is not None:
            (written, kept), how = drawn
            head = (
                f"its default gives {how}: SQLite stores each as written (such as "
                f"{probe_text(written)}), PostgreSQL stores that one as "
            )
            hint = HINT.filled(stored=f"lower-case text with hyphens, such as {probe_text(kept)}")
        else:
            continue
        message = (
            f"{shown}: {head}{probe_text(kept)}, the same {kind} "
            f"spelled otherwise (a row that omits {lc.name} holds other text on each side: "
            "SQLite's text comparisons, ORDER BY and UNIQUE read it as another value)"
        )
        found.append((False, warning(layer, st.left, st.right, table.name, lc, rc, message, hint)))
    return found


def _spelled_otherwise(
    st: StageContext, pg: Backend, columns: tuple[Column, Column], kind: str
) -> tuple[str, str] | None:
    """SQLite's default text and PostgreSQL's text of it where both defaults are one constant
    value and the two texts differ; None otherwise."""
    sqlite, postgresql = columns
    stext, ptext = default_text(sqlite), default_text(postgresql)
    if stext is None or ptext is None:
        return None
    sv = st.ev.single("sqlite", stext, sqlite)  # run already, in memory (``failures``)
    if sv.kind != CONSTANT or not isinstance(sv.value, str):
        return None  # only then is PostgreSQL's default run (a round trip)
    pv = st.ev.single("postgresql", ptext, postgresql)
    if pv.kind != CONSTANT:
        return None
    if convert(sv.value, kind) != convert(pv.value, kind):
        return None  # two values: the defaults' own difference
    # What a sync stores of SQLite's text, as PostgreSQL writes it (its own text, in the
    # scratch server's UTC session).
    ran = pg.computed(
        [("v", postgresql.type)], '"v"::text', _AS_TEXT, [(sv.value,)], generated=False
    )
    if not ran or ran[0] is None or not ran[0][0]:
        return None
    kept = ran[0][1]
    if not isinstance(kept, str) or kept == sv.value:
        return None
    return sv.value, kept


# A uuid drawn at random, as an example of how a random default spells its values (what
# PostgreSQL stores of it is read from the server, as for a constant default).
_EXAMPLE = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"


def _drawn_otherwise(
    st: StageContext, backends: dict[str, Backend], columns: tuple[Column, Column], kind: str
) -> tuple[tuple[str, str], str] | None:
    """Where both defaults give a random UUID and SQLite's text spells it otherwise than
    PostgreSQL stores a uuid (``upper(hex(randomblob(4))) || '-' || ...``: capitals; stranger61
    012): an example of SQLite's spelling and PostgreSQL's text of it, and how SQLite spells
    them ("a random version-4 UUID in capitals"); None otherwise (the lower-case idiom)."""
    sqlite, postgresql = columns
    stext, ptext = default_text(sqlite), default_text(postgresql)
    if kind != "uuid" or stext is None or ptext is None:
        return None
    sv = st.ev.single("sqlite", stext, sqlite)
    if sv.kind != RANDOM_UUID or st.ev.single("postgresql", ptext, postgresql).kind != RANDOM_UUID:
        return None
    spelling = _spelling([row[0] for row in backends["sqlite"].run([(stext, sqlite.type)]).rows])
    if spelling is None:
        return None
    capitals, hyphens = spelling
    written = _example(spelling)
    how = [w for w, holds in (("in capitals", capitals), ("without hyphens", not hyphens)) if holds]
    ran = backends["postgresql"].computed(
        [("v", postgresql.type)], '"v"::text', _AS_TEXT, [(written,)], generated=False
    )
    if not how or not ran or ran[0] is None or not ran[0][0]:
        return None
    kept = ran[0][1]
    if not isinstance(kept, str) or kept == written:
        return None
    return (written, kept), f"{sv.describe()} {' and '.join(how)}"


def _spelling(values: list[Any]) -> tuple[bool, bool] | None:
    """Whether every one of ``values`` (texts of uuids) is in capitals, and has hyphens; None
    where they are no uuids or are spelled both ways."""
    try:
        [uuid.UUID(v) for v in values]
    except (TypeError, ValueError, AttributeError):
        return None
    capitals = {v == v.upper() for v in values}
    hyphens = {"-" in v for v in values}
    if not values or len(capitals) > 1 or len(hyphens) > 1:
        return None
    return capitals.pop(), hyphens.pop()


def _spelled(spelling: tuple[bool, bool]) -> tuple[str, str]:
    """How a spelling is said ("in capitals with hyphens") and ``_EXAMPLE`` spelled so."""
    capitals, hyphens = spelling
    case = "in capitals" if capitals else "in lower case"
    return f"{case} {'with' if hyphens else 'without'} hyphens", probe_text(_example(spelling))


def _example(spelling: tuple[bool, bool]) -> str:
    """``_EXAMPLE`` in capitals or not, with hyphens or not (``_spelling``'s two answers)."""
    capitals, hyphens = spelling
    example = _EXAMPLE.upper() if capitals else _EXAMPLE
    return example if hyphens else example.replace("-", "")


def _drawn_as_text(
    st: StageContext, backends: dict[str, Backend], columns: tuple[Column, Column]
) -> tuple[str, Offer] | None:
    """Where both defaults of a text column pair give a random UUID, each side's text spelled
    otherwise (SQLite's version-4 idiom in capitals against ``gen_random_uuid()::text``, lower
    case): the warning's message (without its column) and hint; None otherwise (the
    lower-case idiom). The uuid-column form is ``_drawn_otherwise``'s."""
    sqlite, postgresql = columns
    stext, ptext = default_text(sqlite), default_text(postgresql)
    if stext is None or ptext is None:
        return None
    sv = st.ev.single("sqlite", stext, sqlite)
    if sv.kind != RANDOM_UUID or st.ev.single("postgresql", ptext, postgresql).kind != RANDOM_UUID:
        return None
    mine, theirs = (
        _spelling([row[0] for row in backends[d].run([(text, c.type)]).rows])
        for d, text, c in (("sqlite", stext, sqlite), ("postgresql", ptext, postgresql))
    )
    if mine is None or theirs is None or mine == theirs:
        return None
    (how, written), (pg_how, kept) = _spelled(mine), _spelled(theirs)
    message = (
        f"its default gives {sv.describe()} {how}: SQLite stores each as written (such as "
        f"{written}), PostgreSQL's default writes each {pg_how} (such as {kept}), one uuid "
        "spelled otherwise in a text column (the rows each side makes are spelled otherwise: "
        "text comparisons, ORDER BY and UNIQUE read the case as another value)"
    )
    return message, HINT.filled(stored=f"text {pg_how}, such as {kept}")
