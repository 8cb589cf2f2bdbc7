"""PostgreSQL's type spellings reduced to ColumnType, its collations and its default operator
classes, as the model keeps them."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from twinschema.model import (
    EQUALITY_CASE,
    EQUALITY_CASE_ACCENT,
    EQUALITY_EXACT,
    Collation,
    ColumnType,
    DomainCheck,
)
from twinschema.sql_names import sql_name

DIALECT = "postgresql"

# Every accepted spelling of a built-in type -> the name format_type() prints. Lower case, single
# spaces, parameters removed. A name not listed here is kept as it is (tsvector, a domain, citext).
ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "character varying": "character varying",
        "varchar": "character varying",
        "char varying": "character varying",
        "character": "character",
        "char": "character",
        "text": "text",
        "integer": "integer",
        "int": "integer",
        "int4": "integer",
        "serial": "integer",
        "serial4": "integer",
        "bigint": "bigint",
        "int8": "bigint",
        "bigserial": "bigint",
        "serial8": "bigint",
        "smallint": "smallint",
        "int2": "smallint",
        "smallserial": "smallint",
        "serial2": "smallint",
        "boolean": "boolean",
        "bool": "boolean",
        "numeric": "numeric",
        "decimal": "numeric",
        "double precision": "double precision",
        "float8": "double precision",
        "float": "double precision",  # FLOAT without a precision is float8; FLOAT(p): see below
        "real": "real",
        "float4": "real",
        "timestamp with time zone": "timestamp with time zone",
        "timestamptz": "timestamp with time zone",
        "timestamp without time zone": "timestamp without time zone",
        "timestamp": "timestamp without time zone",
        "time without time zone": "time without time zone",
        "time": "time without time zone",
        "time with time zone": "time with time zone",
        "timetz": "time with time zone",
        "date": "date",
        "interval": "interval",
        "bytea": "bytea",
        "uuid": "uuid",
        "json": "json",
        "jsonb": "jsonb",
        "bit": "bit",
        "bit varying": "bit varying",
        "varbit": "bit varying",
    }
)


# Which ColumnType fields a type's parenthesised parameters fill.
_LENGTH, _PRECISION, _PRECISION_SCALE = "length", "precision", "precision_scale"
PARAMETERS: Mapping[str, str] = MappingProxyType(
    {
        "character varying": _LENGTH,
        "character": _LENGTH,
        "bit": _LENGTH,
        "bit varying": _LENGTH,
        "numeric": _PRECISION_SCALE,
        "timestamp with time zone": _PRECISION,
        "timestamp without time zone": _PRECISION,
        "time with time zone": _PRECISION,
        "time without time zone": _PRECISION,
        "interval": _PRECISION,
    }
)


# PostgreSQL's own defaults for a parameter left out: CHAR is CHAR(1), NUMERIC(p) is NUMERIC(p,0).
_DEFAULT_LENGTH: Mapping[str, int] = MappingProxyType({"character": 1, "bit": 1})


# FLOAT(p): p in 1..24 is real, 25..53 double precision (https://www.postgresql.org/docs/current/datatype-numeric.html).
_FLOAT_REAL_MAX_PRECISION = 24


_COLLATE = re.compile(r"\s+collate\s+.*$", re.IGNORECASE | re.DOTALL)


_ARRAY = re.compile(r"(?:\s*\[\s*\d*\s*\])+\s*$|\s+array(?:\s*\[\s*\d*\s*\])?\s*$", re.IGNORECASE)


_ARGS = re.compile(r"\s*\(([^()]*)\)")


# A possibly schema-qualified name; ``last`` is its final part.
_QUALIFIED = re.compile(r'^(?:(?:"(?:[^"]|"")*"|[^".]+)\.)+(?P<last>.+)$', re.DOTALL)


def parse_type(spelling: str) -> ColumnType:
    """Reduce a PostgreSQL type as ``format_type()`` or SQLAlchemy spells it to a ``ColumnType``.

    The name is the lower-case base name ``format_type()`` prints (``VARCHAR(40)`` and
    ``character varying(40)`` are both ``character varying`` with length 40), so that a spelling
    difference is never reported as drift. Unknown names (tsvector, a domain) are kept, lower-cased
    unless quoted; a type's schema qualifier and COLLATE clause are dropped.
    """
    return parse_type_cached(spelling)


@functools.lru_cache(maxsize=4096)
def parse_type_cached(spelling: str) -> ColumnType:
    """``parse_type``'s work, cached: a reflected schema repeats a handful of spellings
    thousands of times."""
    text = _COLLATE.sub("", spelling.strip())
    array_match = _ARRAY.search(text)
    array = array_match is not None
    if array_match is not None:
        text = text[: array_match.start()]
    args: list[str] = []
    args_match = _ARGS.search(text)
    if args_match is not None:
        args = [a.strip() for a in args_match.group(1).split(",") if a.strip()]
        text = text[: args_match.start()] + " " + text[args_match.end() :]
    text = text.strip()
    qualified = _QUALIFIED.match(text)
    if qualified is not None:
        text = qualified["last"].strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        name = text[1:-1].replace('""', '"')  # a quoted identifier: its case is its own
    else:
        name = " ".join(text.lower().split())
        if name == "float" and args and args[0].isdigit():
            precise = int(args[0]) > _FLOAT_REAL_MAX_PRECISION
            name, args = ("double precision" if precise else "real"), []
        name = ALIASES.get(name, name)
    return _with_parameters(name, args, array, spelling)


def _with_parameters(name: str, args: list[str], array: bool, raw: str) -> ColumnType:
    numbers = [int(a) for a in args if a.isdigit()]
    if len(numbers) != len(args):  # geometry(Point, 4326): keep the parameters in the name
        return ColumnType(
            DIALECT, f"{name}({','.join(a.lower() for a in args)})", array=array, raw=raw
        )
    role = PARAMETERS.get(name)
    if role is None and numbers:  # an unknown type: one number is a length, two a precision
        role = _LENGTH if len(numbers) == 1 else _PRECISION_SCALE
    if role == _LENGTH:
        length = numbers[0] if numbers else _DEFAULT_LENGTH.get(name)
        return ColumnType(DIALECT, name, length=length, array=array, raw=raw)
    if role == _PRECISION and numbers:
        return ColumnType(DIALECT, name, precision=numbers[0], array=array, raw=raw)
    if role == _PRECISION_SCALE and numbers:
        scale = numbers[1] if len(numbers) > 1 else 0
        return ColumnType(DIALECT, name, precision=numbers[0], scale=scale, array=array, raw=raw)
    return ColumnType(DIALECT, name, array=array, raw=raw)


# The built-in operator classes that are the default of every index method they belong to
# (``pg_opclass.opcdefault`` on PostgreSQL 16; ``inet_ops`` is not: it is GiST's default only).
# The catalog says whether an index uses its type's default operator class; a model names one
# by name only: one of these named in a model is the default, as the catalog would say.
DEFAULT_OPCLASSES = frozenset(
    {
        "aclitem_ops", "array_ops", "bit_minmax_ops", "bit_ops", "bool_ops", "box_inclusion_ops",
        "box_ops", "bpchar_minmax_ops", "bpchar_ops", "bytea_minmax_ops", "bytea_ops",
        "char_minmax_ops", "char_ops", "cid_ops", "circle_ops", "date_minmax_ops", "date_ops",
        "enum_ops", "float4_minmax_ops", "float4_ops", "float8_minmax_ops", "float8_ops",
        "inet_inclusion_ops", "int2_minmax_ops", "int2_ops", "int4_minmax_ops", "int4_ops",
        "int8_minmax_ops", "int8_ops", "interval_minmax_ops", "interval_ops", "jsonb_ops",
        "macaddr8_minmax_ops", "macaddr8_ops", "macaddr_minmax_ops", "macaddr_ops", "money_ops",
        "multirange_ops", "name_minmax_ops", "name_ops", "numeric_minmax_ops", "numeric_ops",
        "oid_minmax_ops", "oid_ops", "oidvector_ops", "pg_lsn_minmax_ops", "pg_lsn_ops",
        "point_ops", "poly_ops", "quad_point_ops", "range_inclusion_ops", "range_ops",
        "record_ops", "text_minmax_ops", "text_ops", "tid_minmax_ops", "tid_ops",
        "time_minmax_ops", "time_ops", "timestamp_minmax_ops", "timestamp_ops",
        "timestamptz_minmax_ops", "timestamptz_ops", "timetz_minmax_ops", "timetz_ops",
        "tsquery_ops", "tsvector_ops", "uuid_minmax_ops", "uuid_ops", "varbit_minmax_ops",
        "varbit_ops", "xid8_ops", "xid_ops",
    }
)  # fmt: skip


# The built-in btree operator classes that are not their type's default but test equality with
# the default one's operator (``=``, under the column's own collation): a unique index that uses
# one refuses exactly the rows an index with the default class refuses. They order by bytes
# (for LIKE 'abc%'), which no row shows. Proven on PostgreSQL 16 (the probe cases
# ``unique-index-within-key-pattern-ops*``): ``text_pattern_ops`` and ``varchar_pattern_ops``
# refuse 'a' after 'a', not 'A'; ``bpchar_pattern_ops`` refuses 'a ' after 'a' as bpchar's own
# ``=`` does (trailing spaces ignored); none is allowed on a nondeterministic collation.
# ``varchar_ops`` and ``cidr_ops`` are in their type's default family (text_ops, network_ops:
# the same ``=``; ``pg-pg.unique-index-same-family-opclasses``). Any other class, built in
# (``record_image_ops`` compares bytes: 1.0 and 1.00 apart) or the user's, may not.
EQUALITY_KEEPING_OPCLASSES = frozenset(
    {"text_pattern_ops", "varchar_pattern_ops", "bpchar_pattern_ops", "varchar_ops", "cidr_ops"}
)


def operator_class(name: str) -> str:
    """An operator class as an ``Index`` keeps it: "" for a built-in default one."""
    return "" if name.lower() in DEFAULT_OPCLASSES else name


# What a nondeterministic ICU collation makes equal, by its strength: the ``ks`` keyword of a
# BCP 47 locale (und-u-ks-level2) or the older ``colStrength`` attribute (@colStrength=secondary).
# Level 3 and above tell case apart: only a nondeterministic collation below it merges values.
ICU_STRENGTHS: Mapping[str, str] = MappingProxyType(
    {
        "level1": EQUALITY_CASE_ACCENT,
        "primary": EQUALITY_CASE_ACCENT,
        "level2": EQUALITY_CASE,
        "secondary": EQUALITY_CASE,
    }
)


_ICU_STRENGTH = re.compile(r"(?:-ks-|colstrength=)([a-z0-9]+)", re.IGNORECASE)


def collation_of(name: str, deterministic: bool | None, locale: str | None) -> Collation:
    """A PostgreSQL collation other than the default, with what it makes equal.

    A deterministic collation never makes different strings equal (it may sort them its own
    way); a nondeterministic one (ICU) does, as far as its strength says (``ICU_STRENGTHS``).
    ``deterministic`` None means only the name is known (a metadata module): see
    ``named_collation``.
    """
    if deterministic is None:
        return named_collation(name)
    if deterministic:
        return Collation(_SAME_AS_C.get(name.lower(), name), EQUALITY_EXACT)
    strength = _ICU_STRENGTH.search(locale or "")
    equality = ICU_STRENGTHS.get(strength.group(1).lower()) if strength else None
    return Collation(name, equality or f"nondeterministic {locale}")


# The collations every PostgreSQL server has, all deterministic (initdb creates one per locale of
# the system (en_US, en_US.utf8) and per ICU locale (de-DE-x-icu), all deterministic too.
_BUILTIN_DETERMINISTIC = frozenset({"c", "posix", "ucs_basic", "unicode", "default"})


# Other names of the C collation (byte order, exact equality): PostgreSQL's documentation
# ("Managing Collations") says POSIX is C, and ucs_basic sorts by code point, which is C's byte
# order in UTF-8, the encoding the scratch and embedded servers use (checked on PostgreSQL 16).
_SAME_AS_C = {"posix": "C", "ucs_basic": "C"}

# Compiled at first use (re's cache), not at import: a check that never needs it does not pay.
_LOCALE_NAME = r"(?i)^(?:[a-z]{2,3}(?:_[a-z]{2})?(?:\.[a-z0-9-]+)?|.+-x-icu)$"


def named_collation(name: str) -> Collation:
    """A collation known by name only (a metadata module's ``String(collation=...)``): a built-in
    or a locale-named one is deterministic; any other may be a nondeterministic collation that
    a migration creates, so what it makes equal is unknown (None)."""
    if name.lower() in _BUILTIN_DETERMINISTIC or re.match(_LOCALE_NAME, name):
        return Collation(_SAME_AS_C.get(name.lower(), name), EQUALITY_EXACT)
    return Collation(name, None)


# A domain definition's base type as the catalog query prints it (``postgresql_catalog``).
_DOMAIN_BASE = re.compile(r"(.*?)(?= COLLATE \"| NOT NULL| DEFAULT | CHECK \(|$)")


def domain_relabels_dropped(definition: str) -> str:
    """A domain definition read from the catalog with ``(VALUE)::base`` written ``VALUE``.

    The CHECK of a domain over a domain sees VALUE as the lower domain, so PostgreSQL 16 prints
    its use as the base type as a cast (``CREATE DOMAIN b AS a CHECK (VALUE < 100)`` over
    ``a AS integer`` prints ``CHECK (((VALUE)::integer < 100))``). A domain is its base type
    (the cast changes no value), so the CHECK is read as written, as the one of a domain made over
    the base type prints it: the two make one definition. A cast to another type (``bigint``, a
    ``character varying(3)``) is kept."""
    found = _DOMAIN_BASE.match(definition)
    base = re.sub(r"\(\d+(?:,\d+)?\)", "", found.group(1) if found else "").strip()
    if not base or "(VALUE)::" not in definition:
        return definition
    relabel = re.compile(r"\(VALUE\)::" + re.escape(base) + r"(?![\w\[(])")
    return relabel.sub("VALUE", definition)


# How the catalog prints a domain CHECK that is not validated (``pg_constraint.convalidated``
# false: ``ALTER DOMAIN ... ADD CHECK ... NOT VALID``): after the CHECK.
DOMAIN_CHECK_NOT_VALID = "NOT VALID"


def domain_levels(ctype: ColumnType, levels: Any) -> ColumnType:
    """A domain column's type with what the catalog says of its levels (``levels``: JSON
    ``{"not_null": name, "checks": [[definition, domain, name], ...]}``): the domain holding its
    NOT NULL, and each CHECK's domain and name, the CHECK's text relabelled as the definition's
    (``domain_relabels_dropped``) so that messages find it there."""
    if not isinstance(levels, dict):
        return ctype
    head = (ctype.definition or "").partition(" CHECK (")[0]
    suffix = f" {DOMAIN_CHECK_NOT_VALID}"
    checks = tuple(
        DomainCheck(
            domain_relabels_dropped(f"{head} {text.removesuffix(suffix)}")[len(head) + 1 :],
            domain,
            name,
            drop_domain_check(domain, name),
            not_valid=text.endswith(suffix),
        )
        for text, domain, name in levels.get("checks") or ()
    )
    return replace(ctype, not_null_by=levels.get("not_null"), domain_checks=checks)


def drop_domain_check(domain: str, name: str | None) -> str | None:
    """The statement that drops the CHECK ``name`` of ``domain`` (each name quoted where it
    must be); None without a name."""
    if name is None:
        return None
    return f"ALTER DOMAIN {sql_name(domain)} DROP CONSTRAINT {sql_name(name)}"
