"""SQLite's declared types, collations and foreign-key action spellings, as the model keeps them."""

from __future__ import annotations

import re

from twinschema.dialects.sqlite_lexer import unquote
from twinschema.model import (
    EQUALITY_ASCII_CASE,
    EQUALITY_EXACT,
    EQUALITY_TRAILING_SPACE,
    FK_ACTIONS,
    NO_ACTION,
    Collation,
    ColumnType,
    element_flags,
)

NAME = "sqlite"


# What SQLite's built-in collations make equal (https://sqlite.org/datatype3.html#collation).
# BINARY is the default (None). A collation an application registers is unknown (None).
COLLATIONS: dict[str, str | None] = {
    # ASCII letters only: not PostgreSQL's ICU level 2, which folds every letter ('Ä' = 'ä')
    "NOCASE": EQUALITY_ASCII_CASE,
    "RTRIM": EQUALITY_TRAILING_SPACE,
}


_DEFAULT_COLLATION = "BINARY"


def collation_of(name: str | None) -> Collation | None:
    """A SQLite collation as the model keeps it: None for BINARY (the default), else its
    upper-case name (SQLite's names ignore case) with what it makes equal."""
    if name is None:
        return None
    upper = unquote(name.strip()).upper()
    if upper == _DEFAULT_COLLATION:
        return None
    return Collation(upper, COLLATIONS.get(upper))


# How SQLite spells a foreign-key action in pragma_foreign_key_list, mapped to model.FK_ACTIONS.
_FK_ACTION = {action: action for action in FK_ACTIONS} | {"NONE": NO_ACTION, "": NO_ACTION}


_TYPE_PARAMS = re.compile(r"\(([^()]*)\)")


_PRECISION_FIRST = frozenset({"numeric", "decimal"})


# Names that SQL defines as one type and SQLite treats alike (the same affinity, no rule of its
# own), reduced to one so that a same-dialect pair, compared exactly, does not tell them apart.
# INT and INTEGER are not among them: only INTEGER PRIMARY KEY aliases the rowid.
_SYNONYMS = {"decimal": "numeric"}


def parse_type(spelling: str) -> ColumnType:
    """Reduce a declared SQLite type (``NVARCHAR(160)``, ``NUMERIC(10, 2)``) to a ``ColumnType``.

    The name is the lower-case spelling without its parameters, inner whitespace collapsed, so that
    ``typemap.kinds_of`` can apply SQLite's affinity rules to it. One parameter is a length (a
    precision for NUMERIC and DECIMAL, whose scale is then 0: the SQL standard's NUMERIC(p) is
    NUMERIC(p, 0), as PostgreSQL reads it), two are a precision and a scale. Parameters that are
    not integers are dropped rather than guessed at.
    """
    params: list[int] = []
    match = _TYPE_PARAMS.search(spelling)
    base = spelling
    if match is not None:
        base = spelling[: match.start()] + " " + spelling[match.end() :]
        try:
            params = [int(part) for part in match.group(1).split(",")]
        except ValueError:
            params = []
    name = " ".join(base.lower().split())
    name = _SYNONYMS.get(name, name)
    if len(params) == 1 and name not in _PRECISION_FIRST:
        return ColumnType(NAME, name, length=params[0], raw=spelling)
    if len(params) == 1:
        return ColumnType(NAME, name, precision=params[0], scale=0, raw=spelling)
    if len(params) == 2:
        return ColumnType(NAME, name, precision=params[0], scale=params[1], raw=spelling)
    return ColumnType(NAME, name, raw=spelling)


def fk_action(spelling: str) -> str:
    """A foreign-key action as ``model.FK_ACTIONS`` spells it (SQLite says NONE for none)."""
    return _FK_ACTION.get(spelling.upper(), spelling.upper())


# BINARY as an explicit collation (an index element that overrides a NOCASE column's).
_BINARY = Collation(_DEFAULT_COLLATION, EQUALITY_EXACT)


# A COLLATE clause that ends an index element's text (its collation comes from the catalog).
COLLATE_SUFFIX = re.compile(r"\s+collate\s+(?:\"[^\"]*\"|'[^']*'|`[^`]*`|\[[^\]]*\]|\w+)\s*$", re.I)


def element_collations(
    names: list[str],
    cids: list[int],
    colls: list[str],
    own: dict[str, Collation | None],
    texts: list[str],
) -> tuple[Collation | None, ...]:
    """Each index element's collation where it is not its own: a column's, where it differs
    from the column's collation; an expression's, where its text names one (the catalog gives
    an expression the collation it derives from its operands, which no COLLATE wrote)."""
    found: list[Collation | None] = []
    for n, (name, cid, coll_name) in enumerate(zip(names, cids, colls, strict=True)):
        coll = collation_of(coll_name) or _BINARY
        if cid >= 0:
            found.append(None if coll.name == (own.get(name) or _BINARY).name else coll)
        else:
            written = texts[n] if n < len(texts) else ""
            found.append(coll if COLLATE_SUFFIX.search(written) else None)
    return element_flags(found, None)
