"""The neutral records as JSON data and back, by their type hints: a dataclass is an object of
its fields, a tuple or list an array, a mapping an object with text keys. Reading checks every
value against the field's type and refuses anything else (``ValueError``), so a file read back
can only ever give the records it names, never run code (as a pickle from a shared folder could).

Used by ``migrations_cache`` to keep a chain's scratch run between checks.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")

_SCALARS = (str, int, float, bool)  # as JSON has them


def dump(value: object) -> Any:
    """``value`` (records, tuples, mappings with text keys, scalars, None) as JSON data."""
    if value is None or isinstance(value, _SCALARS):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [dump(v) for v in value]
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise ValueError(f"a mapping with keys other than text: {sorted(map(repr, value))}")
        return {k: dump(v) for k, v in value.items()}
    raise ValueError(f"no JSON form for a {type(value).__name__}")


def load(kind: type[T], data: Any) -> T:
    """The record of type ``kind`` that ``dump`` gave ``data`` for; ``ValueError`` when ``data``
    does not fit the type (a field missing, unknown or of another type)."""
    found: T = _reader(typing.cast(Any, kind))(data)
    return found


Reader = Callable[[Any], Any]


@functools.cache
def _reader(hint: Any) -> Reader:
    """The function that reads data of the type ``hint`` (made once per type)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is type(None) or hint is None:
        return _checked(lambda d: d is None, "None")
    if origin in (types.UnionType, typing.Union):
        return _union(args)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _record(hint)
    if hint in _SCALAR_TESTS:
        return _checked(_SCALAR_TESTS[hint], hint.__name__)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _reader(args[0])
        return lambda d: tuple(item(v) for v in _list(d))
    if origin is tuple:
        items = [_reader(a) for a in args]
        return lambda d: tuple(r(v) for r, v in zip(items, _list(d, len(items)), strict=True))
    if origin is list:
        item = _reader(args[0])
        return lambda d: [item(v) for v in _list(d)]
    if origin in (dict, Mapping):
        key, value = _reader(args[0]), _reader(args[1])
        wrap: Callable[[dict[Any, Any]], Any] = dict if origin is dict else types.MappingProxyType
        return lambda d: wrap({key(k): value(v) for k, v in _dict(d).items()})
    raise ValueError(f"no reader for the type {hint!r}")


def _number(kinds: type | tuple[type, ...]) -> Callable[[Any], bool]:
    return lambda d: isinstance(d, kinds) and not isinstance(d, bool)


_SCALAR_TESTS: dict[Any, Callable[[Any], bool]] = {
    bool: lambda d: isinstance(d, bool),
    int: _number(int),
    float: _number((int, float)),
    str: lambda d: isinstance(d, str),
}


def _checked(test: Callable[[Any], bool], name: str) -> Reader:
    def read(data: Any) -> Any:
        if not test(data):
            raise ValueError(f"{str(data)[:60]!r} is not a {name}")
        return data

    return read


def _list(data: Any, length: int | None = None) -> list[Any]:
    if not isinstance(data, list) or (length is not None and len(data) != length):
        raise ValueError(f"{str(data)[:60]!r} is not an array of {length or 'any'} items")
    return data


def _dict(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError(f"{str(data)[:60]!r} is not an object")
    return data


def _record(kind: type) -> Reader:
    hints = typing.get_type_hints(kind)
    fields = [f.name for f in dataclasses.fields(kind) if f.init]
    readers: dict[str, Reader] = {}

    def read(data: Any) -> Any:
        if not readers:  # filled on first use: a record may contain itself
            readers.update({name: _reader(hints[name]) for name in fields})
        values = _dict(data)
        unknown = values.keys() - readers.keys()
        if unknown:
            raise ValueError(f"{kind.__name__} has no field {sorted(unknown)[0]!r}")
        try:
            return kind(**{name: readers[name](value) for name, value in values.items()})
        except TypeError as exc:  # a required field missing
            raise ValueError(f"{kind.__name__}: {exc}") from None

    return read


def _union(options: tuple[Any, ...]) -> Reader:
    nullable = type(None) in options
    readers = [_reader(o) for o in options if o is not type(None)]

    def read(data: Any) -> Any:
        if data is None and nullable:
            return None
        failures = []
        for reader in readers:
            try:
                return reader(data)
            except ValueError as exc:
                failures.append(str(exc))
        raise ValueError("; ".join(failures))

    return read
