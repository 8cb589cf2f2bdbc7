"""What a view reads: the views it is built on, the tables and columns its text names (for
``view_answers``, which copies those into scratch databases before running the view)."""

from __future__ import annotations

import re

from twinschema.model import OBJECT_VIEW, Schema, SchemaObject, Table


def needed(schema: Schema, name: str) -> list[SchemaObject]:
    """View ``name`` of ``schema`` and the views it reads, those it reads first."""
    views = {o.name: o for o in schema.objects if o.kind == OBJECT_VIEW}
    order: list[SchemaObject] = []

    def visit(view: SchemaObject, seen: frozenset[str]) -> None:
        for other in sorted(views):
            text = view.raw
            if other not in seen and other != view.name and word(other).search(text):
                visit(views[other], seen | {other})
        if view not in order:
            order.append(view)

    visit(views[name], frozenset({name}))
    return order


def word(name: str) -> re.Pattern[str]:
    """``name`` as a whole word of SQL, quoted or not, in any case."""
    return re.compile(r'(?<![\w$"])"?' + re.escape(name) + r'"?(?![\w$])', re.I)


def reads(text: str, table: Table) -> bool:
    """Whether the views' ``text`` names ``table`` (by the name it has in its database)."""
    return bool(word(table.physical or table.name).search(text))
