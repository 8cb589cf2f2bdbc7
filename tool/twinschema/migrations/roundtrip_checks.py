"""What to write in a PostgreSQL downgrade() whose CHECK does not come back as it was: the
statements that drop the CHECK the downgrade leaves and create the one the schema had before the
upgrade, with its old text (stranger84 004: "undo exactly what its upgrade() does" did not say
what that is when the upgrade never named the CHECK, as an ALTER COLUMN TYPE that PostgreSQL
carries the CHECK through, its text rewritten)."""

from __future__ import annotations

from collections.abc import Sequence

from twinschema.model import Schema
from twinschema.records import Difference

__all__ = ["check_statements"]


def check_statements(
    dialect: str, d: Difference, found: Sequence[Difference], before: Schema, table: str
) -> str:
    """The hint's addition for a round-trip CHECK difference ``d`` of a PostgreSQL chain on the
    table named ``table`` in the chain's database (``before``: the schema before the upgrade,
    ``found``: every difference of the step), naming the statements for ``downgrade()``; "" for
    any other difference, an unnamed CHECK, or SQLite (whose batch hint says its own)."""
    if dialect != "postgresql" or d.kind != "check" or d.name is None or d.table is None:
        return ""
    twin = any(
        o.kind == "check"
        and o.table == d.table
        and o.name == d.name
        and (o.left is None) != (d.left is None)
        for o in found
    )
    drop = f"op.drop_constraint({d.name!r}, {table!r}, type_='check')"
    old = _old_text(before, d.table, d.name)
    create = None if old is None else f"op.create_check_constraint({d.name!r}, {table!r}, {old!r})"
    if twin and create is not None:
        return (
            f"; the downgrade leaves CHECK {d.name} with another text than it had before the "
            "upgrade: drop it and create it again with its old text, after the column types "
            f"are back: {drop} then {create}"
        )
    if d.left is not None and create is not None:
        return f"; the downgrade does not give CHECK {d.name} back: {create}"
    if d.right is not None:
        return f"; the downgrade leaves CHECK {d.name}, which was not there before: {drop}"
    return ""


def _old_text(before: Schema, table: str, name: str) -> str | None:
    """The text of the CHECK ``name`` on ``table`` before the upgrade, as its database printed
    it (one pair of outer parentheses off), None where there was none."""
    found = before.tables.get(table)
    if found is None:
        return None
    for check in found.checks:
        if check.name == name:
            text = check.raw or check.expression
            if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
                text = text[1:-1]
            return text
    return None


def _balanced(text: str) -> bool:
    """Whether ``text``'s parentheses close in order (quotes aside: a CHECK's printed text)."""
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0
