"""Why two column types share no logical kind (``typemap.shared_kind``), in words for a message:
what each side's name means, where the same name or a kind one dialect cannot spell would
otherwise read as a contradiction, and what SQLite's NUMERIC affinity does to text. The facts
are ``typemap``'s data (``SAME_NAME``, ``NO_COUNTERPART``); this module only words them.
"""

from __future__ import annotations

from twinschema.canonical.typemap import (
    AFFINITY_FRAGMENTS,
    ARRAY_NO_COUNTERPART,
    DIALECT_NAMES,
    NO_COUNTERPART,
    SAME_NAME,
    SQLITE,
    TYPE_TABLE,
    kinds_of,
)
from twinschema.model import Column, ColumnType

# Kinds whose values are text that a NUMERIC-affinity column would turn into numbers.
_TEXT_KINDS = frozenset({"text", "varchar", "char", "json"})


def why_types_differ(left: ColumnType, right: ColumnType, column: str = "x") -> str:
    """Why ``shared_kind`` found no kind for two types, in words for a message; when one side
    is a SQLite name of NUMERIC affinity and the other keeps text, what that does to data; a
    SQLite integer against a boolean, the CHECK on ``column`` that makes it one."""
    for one, other in ((left, right), (right, left)):
        if unkept_flag(one, kinds_of(other)):
            return flag_unkept(one, column)
    if left.dialect == right.dialect:
        why = "one database engine: the declared types must be equal"
    elif _typeless(left) or _typeless(right):
        why = TYPELESS_WHY
    elif left.array != right.array and SQLITE in (left.dialect, right.dialect):
        why = ARRAY_NO_COUNTERPART
    else:
        why = _no_counterpart(left, right) or "no logical kind accepts both"
        if left.spelling().lower() == right.spelling().lower():
            why = f"one name, not the same type in the two engines: {why}"
    for one, other in ((left, right), (right, left)):
        if _numeric_affinity(one) and _TEXT_KINDS & kinds_of(other):
            return f"{why}; {_numeric_affinity_effect(one)}"
    return why


# A SQLite column declared without a type (``note``, ``label AS (...)``): BLOB affinity.
TYPELESS = "no type (SQLite's BLOB affinity)"
TYPELESS_WHY = (
    "a SQLite column without a type stores each value as given, 5 as an integer and x'00' as "
    "bytes: it pairs with bytea only; declare the SQLite column's type (TEXT for text)"
)


def _typeless(ctype: ColumnType) -> bool:
    return ctype.dialect == SQLITE and ctype.name == "" and not ctype.array


def shown(ctype: ColumnType) -> str:
    """A type as a message shows it: its spelling, or ``TYPELESS`` for a SQLite column
    declared without a type (an empty spelling reads as nothing at all)."""
    return TYPELESS if _typeless(ctype) else ctype.spelling()


def spelled_apart(left: ColumnType, right: ColumnType, spellings: tuple[str, str]) -> str:
    """``spellings`` (the two types as a message shows them) joined by "vs"; when both read
    alike across dialects ("real vs real" reads as no difference at all), each is named with
    its engine and what that engine means by it (``SAME_NAME``): "SQLite real (an 8-byte
    float) vs PostgreSQL real (a 4-byte float, float4)"."""
    if left.dialect == right.dialect or spellings[0].lower() != spellings[1].lower():
        return f"{spellings[0]} vs {spellings[1]}"
    meanings = SAME_NAME.get(left.spelling().lower(), {})
    shown = []
    for ctype, spelled in zip((left, right), spellings, strict=True):
        meaning = meanings.get(ctype.dialect)
        engine = DIALECT_NAMES.get(ctype.dialect, ctype.dialect)
        shown.append(f"{engine} {spelled}" + (f" ({meaning})" if meaning else ""))
    return " vs ".join(shown)


def _no_counterpart(left: ColumnType, right: ColumnType) -> str | None:
    """Why no type of one side's dialect stands for the other side's kind (``char(1)`` vs
    ``character(1)`` otherwise reads as one type), when the type table says why."""
    for one, other in ((left, right), (right, left)):
        for kind in sorted(kinds_of(one)):
            if not TYPE_TABLE[kind].get(other.dialect) and kind in NO_COUNTERPART:
                return NO_COUNTERPART[kind]
    return None


def unkept_flag(ctype: ColumnType, kinds: frozenset[str]) -> bool:
    """True for a SQLite integer column where ``kinds`` is boolean: SQLite has no boolean type,
    an integer kept to 0 and 1 by a CHECK stands for one (how ``init`` and SQLAlchemy's
    ``Boolean`` write it), so the fix is that CHECK, not another type (stranger84 005)."""
    return ctype.dialect == SQLITE and "integer" in kinds_of(ctype) and kinds == {"boolean"}


def flag_unkept(ctype: ColumnType, column: str) -> str:
    """Why a SQLite integer column ``column`` is no boolean, and the CHECK that makes it one."""
    return (
        f"SQLite has no boolean type: its {ctype.spelling()} stands for one only where a CHECK "
        f"keeps it to 0 and 1, CHECK ({column} IN (0, 1)); without it a device stores 2, which "
        "a boolean refuses"
    )


def numeric_affinity_of_text(ctype: ColumnType, kind: str) -> str | None:
    """What SQLite's NUMERIC affinity does to a value of ``kind``, in words, when ``ctype`` is
    a SQLite name of that affinity (``JSON``, ``UUID``) and ``kind`` holds text: why a column
    declared ``JSON`` cannot stand for the kind json. None otherwise."""
    if not _numeric_affinity(ctype) or kind not in _TEXT_KINDS:
        return None
    return _numeric_affinity_effect(ctype)


def _numeric_affinity(ctype: ColumnType) -> bool:
    """True for a SQLite declared name of NUMERIC affinity (SQLite's fifth rule: none of INT,
    CHAR, CLOB, TEXT, BLOB, REAL, FLOA, DOUB in it), not an empty name (BLOB affinity)."""
    name = ctype.name.split("(", 1)[0]
    return (
        ctype.dialect == SQLITE
        and name != ""
        and not ctype.array
        and not any(fragment in name for fragment in AFFINITY_FRAGMENTS)
    )


def _numeric_affinity_effect(ctype: ColumnType) -> str:
    """What SQLite's NUMERIC affinity does to text, in words, for a column declared ``ctype``."""
    name = ctype.name.split("(", 1)[0].upper()
    # A JSON column's example is a JSON document: jsonb refuses '007' anyway (stranger79 004).
    shown = "'1.0' as 1, '1e2' as 100" if name in ("JSON", "JSONB") else "'007' as 7, '1e2' as 100"
    return (
        f"SQLite gives {name} NUMERIC affinity: it stores text that reads as a number as that "
        f"number ({shown}), where a text column keeps the text"
    )


def as_text(kind: str, name: str, nullable: bool, fix: str) -> str:
    """The fix for a SQLite column whose NUMERIC affinity turns text of ``kind`` into numbers:
    declare it TEXT in ``fix``, and for JSON refuse what is not JSON with ``json_valid`` (with
    ``name IS NULL OR`` on a nullable column: SQLite 3.40's json_valid(NULL) is 0, so a bare
    CHECK refuses the NULL the other side stores, a ``check`` difference of its own)."""
    if kind != "json":
        return f"declare it TEXT in {fix} (sa.Text)"
    check = f"{name} IS NULL OR json_valid({name})" if nullable else f"json_valid({name})"
    return (
        f"declare it TEXT in {fix} (sa.Text), with CHECK ({check}) if it is to refuse text "
        "that is not JSON"
    )


def text_instead(left: Column, right: Column, fixes: tuple[str, str]) -> tuple[str, str] | None:
    """Where one column is a SQLite name of NUMERIC affinity (``sa.JSON`` writes JSON) and the
    other holds text (json, jsonb, text), what the hint's "make them agree" means, since no
    SQLite type is called jsonb (stranger89 004): ``as_text`` in that side's ``fixes`` entry,
    and the logical kind the pair then shares (TEXT against json/jsonb is one type, json;
    README "a column *declared* JSON"); None otherwise."""
    for one, other, fix in ((left, right, fixes[0]), (right, left, fixes[1])):
        kinds = _TEXT_KINDS & kinds_of(other.type)
        if _numeric_affinity(one.type) and kinds and not other.type.array:
            kind = "json" if "json" in kinds else "text"
            return as_text(kind, one.own_name, one.nullable, fix), kind
    return None
