"""How the expression engine treats a column's values (``expressions.Scope``), by its type:
what a cast to it can change, which literal a default stores, what ``col = 1`` means. Read by
``normalize`` and by ``check_reading`` (an allowance's ``check:`` read as the CHECK was)."""

from __future__ import annotations

from twinschema.model import ColumnType

# How the expression engine treats a column's values (``expressions.Scope``), by type name.
_PG_VALUE_KINDS = {
    **dict.fromkeys(("text", "character varying", "character", "citext", "name", "bpchar"), "text"),
    **dict.fromkeys(("integer", "bigint", "smallint", "serial", "bigserial"), "integer"),
    **dict.fromkeys(("real", "double precision"), "float"),
    "numeric": "numeric",
    "boolean": "boolean",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
    "date": "date",
    **dict.fromkeys(("json", "jsonb"), "json"),
    "uuid": "uuid",
}
# SQLite's type affinity (first matching fragment wins, as in SQLite), plus its booleans.
_SQLITE_AFFINITY = (
    ("int", "integer"),
    ("char", "text"),
    ("clob", "text"),
    ("text", "text"),
    ("blob", "other"),
    ("real", "float"),
    ("floa", "float"),
    ("doub", "float"),
)


def value_kind(ctype: ColumnType) -> str:
    """How the expression engine treats values of ``ctype``: what a cast to it can change, which
    literal a default stores, what ``col = 1`` means (see ``expressions.Scope``)."""
    if ctype.array or ctype.values is not None:
        return "other"
    if ctype.dialect != "sqlite":
        return _PG_VALUE_KINDS.get(ctype.name, "other")
    if ctype.name in ("boolean", "bool"):
        return "boolean"
    for fragment, kind in _SQLITE_AFFINITY:
        if fragment in ctype.name:
            return kind
    return "other" if not ctype.name else "numeric"
