"""``domain.yaml``'s rules, once: the JSON Schema shipped in the package (``domain.schema.json``,
the one editors use) validates every domain file at run time, and its first error (in file
order) becomes one ``DomainError`` naming the file and line, in the loader's words.

A document the schema accepted is remembered in the user's cache folder
(``paths.user_cache_dir() / "domain-valid"``), by the digest of the document's data, the schema
and jsonschema's version: the same document is not validated again, and jsonschema (about a
sixth of a ``check``'s imports) is imported only for a document not seen before. A document the
schema refuses is never remembered.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twinschema.domain_model import dialect_problem
from twinschema.domain_yaml import (
    Located,
    Where,
    describe,
    identifier_problem,
    physical_name_problem,
)
from twinschema.errors import DomainError, suggestion
from twinschema.paths import user_cache_dir

if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError

SCHEMA_FILE = Path(__file__).with_name("domain.schema.json")


@functools.cache
def schema() -> dict[str, Any]:
    """The JSON Schema of ``domain.yaml``, as shipped in the package."""
    document: dict[str, Any] = json.loads(SCHEMA_FILE.read_text("utf-8"))
    return document


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema

    document = schema()
    cls = jsonschema.validators.validator_for(document)
    return cls(document)


def validate(located: Located, label: str) -> None:
    """Refuse ``located`` unless the schema accepts it: the error that comes first in the file,
    as one ``DomainError`` (``file:line: ...``). A missing key is told last: it is most often
    the consequence of a misspelt one, which is the error to fix."""
    accepted = _accepted_mark(located.data)
    if accepted is not None and accepted.exists():
        return
    first: tuple[bool, int, int, str] | None = None
    for order, error in enumerate(_validator().iter_errors(located.data)):
        line, message = _explain(error, located, label)
        rank = (error.validator == "required", line, order, message)
        if first is None or rank < first:
            first = rank
    if first is not None:
        raise DomainError(f"{label}:{first[1]}: {first[3]}")
    if accepted is not None:
        _remember(accepted)


def _accepted_mark(data: object) -> Path | None:
    """The file whose existence says the schema accepted ``data`` (None when jsonschema's
    version cannot be read: the data is then always validated)."""
    text = _exact(data)
    try:
        version = metadata.version("jsonschema")
    except metadata.PackageNotFoundError:
        return None
    digest = hashlib.sha256()
    for part in (version, SCHEMA_FILE.read_text("utf-8"), text):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return user_cache_dir() / "domain-valid" / digest.hexdigest()


def _exact(data: object) -> str:
    """``data`` as text that tells apart whatever YAML can give and the schema can tell apart
    (the type of each scalar, 1 from 1.0 from true and from "1", a key's type as well as its
    value), mappings in a fixed order."""
    if isinstance(data, dict):
        items = sorted((_exact(k), _exact(v)) for k, v in data.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(data, list | tuple):
        return "[" + ",".join(_exact(v) for v in data) + "]"
    return f"{type(data).__name__}:{data!r}"


def _remember(mark: Path) -> None:
    """Leave ``mark`` (an empty file); a cache folder that cannot be written is skipped."""
    try:
        mark.parent.mkdir(parents=True, exist_ok=True)
        partial = mark.with_name(f".{mark.name}.{os.getpid()}")
        partial.touch()
        os.replace(partial, mark)
    except OSError:
        return


def _explain(error: ValidationError, located: Located, label: str) -> tuple[int, str]:
    """The line an error belongs to, and what to say about it."""
    where: Where = tuple(error.absolute_path)
    if "propertyNames" in error.relative_schema_path:  # a key of ``where`` is at fault
        name = str(error.instance)
        key = (*where, name)
        if error.validator == "enum":
            return located.line(key), dialect_problem(name)
        problem = identifier_problem(name, _name_of(where))
        return located.line(key), problem or f"{_name_of(where)} {name!r}: {error.message}"
    explain = _EXPLAIN.get(str(error.validator), _generic)
    return explain(error, where, located, label)


def _name_of(where: Where) -> str:
    """What the keys of the mapping at ``where`` name."""
    kinds = {
        "tables": "table",
        "columns": "column",
        "views": "view",
        "triggers": "trigger",
    }
    return f"{kinds.get(str(where[-1]), 'a')} name" if where else "a name"


_Explain = Callable[["ValidationError", Where, Located, str], tuple[int, str]]


def _unknown_key(
    error: ValidationError, where: Where, located: Located, label: str
) -> tuple[int, str]:
    allowed = list(error.schema.get("properties", {}))
    extra = next(str(k) for k in error.instance if k not in allowed)
    line = located.line((*where, extra))
    if "enum" in error.schema.get("propertyNames", {}):  # a dialect's name
        return line, dialect_problem(extra)
    hint = suggestion(extra, allowed) or f" (valid keys: {', '.join(allowed)})"
    if extra == "allow" and not where:  # stranger79 005: where a user writes one first
        hint += (
            "; an allowance goes in its table's allow: list (tables: {t: {allow: [...]}}), "
            + _VIEW_ALLOW.format(view="v")
        )
    return line, f"unknown key {extra!r} in {describe(where)}{hint}"


# Where a view's allowance is written (stranger79 005: README's form was refused everywhere).
_VIEW_ALLOW = (
    "a view's difference is allowed under the view's own entry: views: {{{view}: {{allow: "
    "[{{kind: view, reason: ...}}]}}}}"
)


def _view(located: Located, where: Where) -> str:
    """The view an allowance of a table's ``allow:`` names (``name:``), else ``v``."""
    name = _at(located.data, (*where[:-1], "name"))
    return str(name) if name else "v"


def _missing(error: ValidationError, where: Where, located: Located, label: str) -> tuple[int, str]:
    wanted = next(k for k in error.validator_value if k not in (error.instance or {}))
    what = describe(where)
    if not where:
        message = f"missing top-level key {wanted!r}"
    elif where[0] == "triggers":
        message = f"{what} needs 'table' (the table it is on)"
    elif wanted == "reason":
        message = f"{what} ({error.instance.get('kind')}) has no 'reason': say why it is allowed"
    else:
        message = f"{what} has no {wanted!r}"
    return located.line(where), message


def _empty(error: ValidationError, where: Where, located: Located, label: str) -> tuple[int, str]:
    if where[-1:] == ("columns",):
        return located.line(where[:-1]), f"{describe(where[:-1])} has no columns"
    return located.value_line(where), f"{describe(where)} is empty"


def _wrong_type(
    error: ValidationError, where: Where, located: Located, label: str
) -> tuple[int, str]:
    expected = error.validator_value
    wanted = set(expected) if isinstance(expected, list) else {expected}
    value = error.instance
    if value is None and "object" in wanted:  # an empty entry: what it lacks
        if error.schema.get("required"):
            return _missing(error, where, located, label)
        if error.schema.get("minProperties"):
            return _empty(error, where, located, label)
    line, what = located.value_line(where), describe(where)
    if "integer" in wanted:
        return (
            line,
            f"{what} must be a whole number, not {located.texts.get(where, value)!r}",
        )
    if "object" in wanted:
        return line, f"{what} must be a mapping"
    if "array" in wanted:
        return line, f"{what} must be a list"
    if isinstance(value, list | dict):
        found = "a list" if isinstance(value, list) else "a mapping"
    else:
        found = "null" if value is None else repr(located.texts.get(where, value))
    return line, f"{what} must be a single value (text), not {found}"


def _not_one_of(
    error: ValidationError, where: Where, located: Located, label: str
) -> tuple[int, str]:
    line, value = located.value_line(where), str(error.instance)
    options = [str(v) for v in error.validator_value]
    if "postgresql" in options:
        return line, dialect_problem(value)
    if where[-1:] == ("kind",) and "table_missing" in options and value == "view":
        return (
            line,
            f"{describe(where[:-1])} has kind 'view': {_VIEW_ALLOW.format(view=_view(located, where))}",
        )
    if where[-1:] == ("kind",) and "table_missing" in options:
        return line, (
            f"{describe(where[:-1])} has unknown kind {value!r}" + suggestion(value, options)
        )
    if where[-1:] == ("kind",):
        hint = suggestion(value, options) or f" (kinds: {', '.join(options)})"
        return line, f"unknown kind {value!r} for {describe(where[:-1])}{hint}"
    return line, f"{describe(where)} is {value!r}; expected one of {', '.join(options)}"


def _bad_text(
    error: ValidationError, where: Where, located: Located, label: str
) -> tuple[int, str]:
    line = located.value_line(where)
    if where[-1:] == ("reason",):
        kind = _at(located.data, (*where[:-1], "kind"))
        what = describe(where[:-1])
        return located.line(where[:-1]), f"{what} ({kind}) has no 'reason': say why it is allowed"
    if where[-1:] == ("geometry",):
        return line, (
            f"geometry type of {describe(where[:-1])} must be a PostGIS type name such as Point "
            f"or MultiPolygon, not {str(error.instance).lower()!r}"
        )
    name = str(error.instance)
    physical = where[-1:] == ("name",) or where[-2:-1] == ("names",)
    problem = (physical_name_problem if physical else identifier_problem)(name, describe(where))
    return line, problem or f"{describe(where)}: {error.message}"


def _at(data: Any, where: Where) -> Any:
    """The value at ``where`` in ``data`` (None where there is none)."""
    for key in where:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _whole_number(
    error: ValidationError, where: Where, located: Located, label: str
) -> tuple[int, str]:
    text = located.texts.get(where, str(error.instance))
    return located.value_line(where), f"{describe(where)} must be a whole number, not {text!r}"


def _any_of(error: ValidationError, where: Where, located: Located, label: str) -> tuple[int, str]:
    if where[-1:] == ("sqlite",):
        what = describe(where[:-1])
        return located.value_line(where), f"'sqlite' of {what} must name a SQLite type"
    return _generic(error, where, located, label)


def _generic(error: ValidationError, where: Where, located: Located, label: str) -> tuple[int, str]:
    return located.value_line(where), f"{describe(where)}: {error.message}"


_EXPLAIN: dict[str, _Explain] = {
    "additionalProperties": _unknown_key,
    "required": _missing,
    "minProperties": _empty,
    "minItems": lambda e, w, loc, lab: (
        loc.value_line(w),
        f"{describe(w)} must be a non-empty list",
    ),
    "type": _wrong_type,
    "enum": _not_one_of,
    "minimum": _whole_number,
    "pattern": _bad_text,
    "minLength": _bad_text,
    "maxLength": _bad_text,
    "anyOf": _any_of,
}
