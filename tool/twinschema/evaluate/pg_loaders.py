"""How the scratch PostgreSQL connection reads values back: as the server keeps them, where
psycopg's Python value would make two different stored values one.

JSON stays the text the server keeps (json: as written, a key twice too); a time of day Python
cannot hold ('24:00:00') stays its text; an interval is kept as the server writes it, since
Python's timedelta makes '1 day', '24 hours' (and '1 mon', '30 days') one value though
PostgreSQL stores them apart (``timestamptz + interval`` parts them across a DST change, a date
plus '1 mon' is not that date plus '30 days': stranger58 010); an array whose lower bound is not
1 is kept as the server writes it ('[0:2]={10,20,30}'), since a Python list drops the bound
(stranger58 011). Imported only where a scratch connection is made (psycopg loads then).
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg.types.array import ArrayLoader
from psycopg.types.datetime import TimeLoader, TimetzLoader

from twinschema.evaluate.server_values import ArrayValue, Written


def register(conn: Any) -> None:
    """Register on ``conn`` (a psycopg connection) the loaders the module docstring lists."""
    for json_type in ("json", "jsonb"):
        conn.adapters.register_loader(json_type, psycopg.types.string.TextLoader)
    for time_type, loader in (("time", TimeLoader), ("timetz", TimetzLoader)):
        conn.adapters.register_loader(time_type, _time_loader(loader))
    conn.adapters.register_loader("interval", _IntervalLoader)
    conn.adapters.register_dumper(Written, _WrittenDumper)
    for info in list(conn.adapters.types):
        if info.array_oid:
            attributes = {
                "base_oid": info.oid,
                "delimiter": info.delimiter.encode(),
                "type_name": f"{info.name}[]",
            }
            made = type(
                f"{info.name.title()}BoundedArrayLoader", (_BoundedArrayLoader,), attributes
            )
            conn.adapters.register_loader(info.array_oid, made)


def _time_loader(base: Any) -> Any:
    """``base`` (psycopg's loader of a time type), giving the text of a value Python's time
    cannot hold (PostgreSQL's '24:00:00', the end of a day) instead of failing the run."""

    class Loader(base):  # type: ignore[misc]
        def load(self, data: Any) -> Any:
            try:
                return super().load(data)
            except psycopg.DataError:
                return bytes(data).decode()

    return Loader


class _IntervalLoader(Loader):
    """An interval as the server writes it (IntervalStyle postgres: '1 day', '24:00:00')."""

    def load(self, data: Any) -> Written:
        return Written(bytes(data).decode(), "interval")


class _WrittenDumper(Dumper):
    """A ``Written`` value sent back as its text, of no declared type: the server reads it as
    the type of the column or parameter it meets (a value stored again, ``store``)."""

    oid = 0

    def dump(self, obj: Any) -> bytes:
        return str(obj.text).encode()


class _BoundedArrayLoader(ArrayLoader):
    """A list, as psycopg's own loader gives it, for an array whose every lower bound is 1,
    with the server's text to show it by (``ArrayValue``); the server's text (``Written``) for
    one with bounds of its own ('[0:2]={10,20,30}')."""

    type_name = "array"

    def load(self, data: Any) -> Any:
        raw = bytes(data)
        if raw.startswith(b"["):
            return Written(raw.decode(), self.type_name)
        return ArrayValue(super().load(data), raw.decode())
