"""PostgreSQL values as the scratch connection reads them back (``pg_loaders``), with no
psycopg import, so that messages can show them as PostgreSQL writes them (``shown``): an array
as its text ('{1,2}', '[0:1]={1,2}', '{"30 days"}'), never Python's list; a boolean as true or
false, never Python's True (stranger59 017)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from twinschema.evaluate.shown_probes import quoted


@dataclass(frozen=True)
class Written:
    """A PostgreSQL value kept as the server writes it (its output text) with its type's name:
    two are equal only when both are; shown as a literal of its type, ``'1 day'::interval``."""

    text: str
    type_name: str

    def __str__(self) -> str:
        return "'" + self.text.replace("'", "''") + "'::" + self.type_name


class ArrayValue(list[Any]):
    """A PostgreSQL array as psycopg's list gives it (equal as that list is), with the text the
    server wrote for it (``text``: '{1,2}', '{"30 days"}'), which is how it is shown."""

    text: str

    def __init__(self, items: Iterable[Any] = (), text: str = "") -> None:
        super().__init__(items)
        self.text = text


def shown(value: Any) -> str | None:
    """``value`` as PostgreSQL writes it, where Python would write it otherwise: an array as its
    text, quoted (``'[0:1]={1,2}'``); a boolean as ``true`` or ``false``. None for any other
    value (its own spelling stands)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, ArrayValue):
        return quoted(value.text)
    if isinstance(value, Written) and value.type_name.endswith("[]"):
        return quoted(value.text)
    return None
