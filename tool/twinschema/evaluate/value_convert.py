"""A value as the logical kind of its column reads it (``convert``): how the evaluation stage
compares what two dialects store or compute (SQLite's ``'0'`` in an INTEGER column and
PostgreSQL's ``0`` are one value; 45.0 and 45.00 too; a JSON document with its keys in another
order). Split from ``values``, which classifies what a default gives."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from twinschema.dialects import sqlite_library
from twinschema.evaluate.clock import date_of, timestamp_of


def convert(value: Any, kind: str | None) -> Any:
    """``value`` as the logical ``kind`` reads it (a number, a boolean, text, a UUID, a JSON
    document, an instant in UTC), or as it is tagged by its type when it does not convert."""
    if value is None:
        return None
    try:
        converted = _CONVERTERS.get(kind or "", _as_is)(value)
    except (ValueError, TypeError, InvalidOperation, ArithmeticError):
        converted = None
    return ("raw", type(value).__name__, repr(value)) if converted is None else converted


def _as_is(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return ("bytes", bytes(value))
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        # A number read back from two types of no shared kind (REAL against numeric(7,2), a
        # pair domain.yaml allows) is the number, not its text: 45.0 and 45.00 are one value.
        return ("number", _number(value))
    if isinstance(value, list):  # an array, never the text Python spells it as (below)
        return ("array", repr(value))
    return ("text", str(value))


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        # Text is a number only where SQLite's rule says so: a SQLite number column keeps
        # '1_000' or '٣' as text (which Decimal() would read as 1000 and 3).
        return Decimal(value.strip()) if sqlite_library.stores_as_number(value) else None
    return None


def _boolean(value: Any) -> Any:
    # Only what both dialects read as a boolean: PostgreSQL's own, SQLite's 0 and 1 (text such
    # as 'true' stays text in a SQLite column, and reads back as a string, not a boolean).
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def _text(value: Any) -> Any:
    # An array (a PostgreSQL text[] column's value, a list) is no text: str([]) is '[]', which
    # made SQLite's JSON text '[]' "the same value" as PostgreSQL's '{}'::text[], though
    # PostgreSQL rejects '[]' in that column as it does in a date[] one (stranger61 025).
    if isinstance(value, bytes | list):
        return None
    return value if isinstance(value, str) else str(value)


def _char(value: Any) -> Any:
    text = _text(value)
    return text.rstrip(" ") if isinstance(text, str) else None  # char(n) pads with spaces


def _uuid(value: Any) -> Any:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _json(value: Any) -> Any:
    """A JSON document as a value to compare: spacing and key order aside, but a key written
    twice kept (SQLite's json_extract reads the first, jsonb keeps the last)."""
    if not isinstance(value, str | bytes):
        return ("json", json.dumps(value, sort_keys=True))
    return ("json", json.dumps(json.loads(value, object_pairs_hook=_members), sort_keys=True))


def _members(pairs: list[tuple[str, Any]]) -> Any:
    keys = [k for k, _ in pairs]
    return dict(pairs) if len(set(keys)) == len(keys) else {"repeated keys": pairs}


def _instant(value: Any) -> Any:
    stamp = timestamp_of(value)
    if stamp is None:
        return None
    return stamp.replace(tzinfo=None) if stamp.tzinfo is None else stamp


def _bytes(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return None


_CONVERTERS = {
    "integer": _number,
    "bigint": _number,
    "smallint": _number,
    "numeric": _number,
    "float": _number,
    "boolean": _boolean,
    "text": _text,
    "varchar": _text,
    "enum": _text,
    "char": _char,
    "uuid": _uuid,
    "json": _json,
    "timestamp": _instant,
    "timestamptz": _instant,
    "date": date_of,
    "time": _text,
    "bytes": _bytes,
}
