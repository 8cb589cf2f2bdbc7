"""PostgreSQL domains read as what a table stores through them.

A column of a domain (``qty posint``, ``CREATE DOMAIN posint AS integer CHECK (VALUE > 0)``)
refuses the rows its base type with the domain's CHECKs as the column's CHECKs refuses, and an
insert that omits it gets the domain's DEFAULT where the column has none: run on PostgreSQL 16,
``qty posint`` and ``qty integer CHECK (qty > 0)`` take and refuse the same rows. So a domain
column is compared as that base type, those CHECKs and that DEFAULT (``unfolded``), against a
SQLite column that writes them out (SQLite has no domains) as against a PostgreSQL one.

A NOT NULL domain is read so too, its NOT NULL kept apart (``Column.not_null_domain``): it
refuses a NULL value, but stores the NULL of a subquery of its type that finds no row (``UPDATE t
SET x = (SELECT x FROM t WHERE false)``, an INSERT's ``VALUES ((SELECT x FROM t WHERE false))``,
run on PostgreSQL 16), which a column's NOT NULL refuses.

Kept folded, compared by the domain's definition as before: a domain that has a CHECK not known
to pass NULL (``VALUE IS NOT NULL``, ``coalesce(VALUE, 0) > 0``, a function
call other than the strict ones ``expr_nulls`` knows, array functions and subscripts among them:
a column of it takes NULL through a subquery of the domain's type, ``INSERT INTO t (x)
VALUES ((SELECT x FROM t WHERE false))``, which a column's NOT NULL or CHECK refuses; run on
PostgreSQL 16, stranger43), an array of a domain (its CHECKs hold for each element) and a
domain over a type the type table does not know (an enum: no base type to compare). Such a
domain's NOT NULL and DEFAULT are still read as the column's (``_lifted``): only its CHECKs stay
in its type.

A domain over a domain comes here as one definition: the sources read it through every level to
its base type (``postgresql_catalog``, ``sources.metadata``; stranger66 005).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlglot.errors import SqlglotError

from twinschema.canonical.expr_nulls import null_passes
from twinschema.canonical.expr_tree import conjuncts, key
from twinschema.canonical.expressions import canonical, parse
from twinschema.canonical.typemap import kinds_of
from twinschema.dialects.postgresql_types import (
    DOMAIN_CHECK_NOT_VALID,
    named_collation,
    parse_type_cached,
)
from twinschema.model import CheckConstraint, Column, ColumnType, DomainCheck, Table
from twinschema.sql_expression import closing_paren
from twinschema.sql_names import PLAIN_NAME


@dataclass(frozen=True, slots=True)
class DomainParts:
    """A domain's definition as the readers print it: ``integer NOT NULL DEFAULT 5 CHECK
    ((VALUE > 0))`` (the base type as ``format_type`` spells it, then each clause; a
    ``COLLATE "C"`` after the base type where the domain has a collation of its own)."""

    base: str
    not_null: bool
    default: str | None
    checks: tuple[str, ...]
    collation: str | None = None


def domain_parts(text: str) -> DomainParts | None:
    """The parts of a domain definition, or None where the text does not take that shape. A
    CHECK marked NOT VALID is read as a CHECK: it refuses new values as a valid one does."""
    head, marker, rest = text.partition(" CHECK (")
    checks: list[str] = []
    body = marker.lstrip() + rest
    while body:
        if not body.startswith("CHECK ("):
            return None
        end = closing_paren(body, len("CHECK"))
        if end is None:
            return None
        checks.append(body[len("CHECK (") : end])
        body = body[end + 1 :].strip()
        # ``ALTER DOMAIN ... ADD CHECK ... NOT VALID``: the rows stored before it may break it,
        # but each new value is checked (run on PostgreSQL 16: ``value for domain eur violates
        # check constraint``), so for what the databases take it is a CHECK (stranger73 006)
        body = body.removeprefix(DOMAIN_CHECK_NOT_VALID).strip()
    head, _, default = head.partition(" DEFAULT ")
    typed = head.removesuffix(" NOT NULL")
    base, collate, quoted = typed.partition(' COLLATE "')
    if collate and not quoted.endswith('"'):
        return None
    collation = quoted[:-1].replace('""', '"') if collate else None
    return DomainParts(base, typed != head, default or None, tuple(checks), collation)


def domain_definition(dialect: str, text: str) -> str:
    """A domain's definition with each CHECK in canonical form and the CHECKs in order: ``0 <
    VALUE`` and ``VALUE > 0`` are one domain. Text that does not take that shape is returned as
    it is."""
    parts = domain_parts(text)
    if parts is None or not parts.checks:
        return text
    head = text.partition(" CHECK (")[0]
    # Split at AND: one CHECK (a AND b) refuses what CHECK (a) CHECK (b) refuses (a value passes
    # a CHECK unless it is false; ``check_groups``). init writes a domain's CHECKs as one.
    whole = (canonical(dialect, c).text for c in parts.checks)
    checks = sorted({canonical(dialect, part).text for c in whole for part in conjuncts(c)})
    return " ".join([head, *(f"CHECK ({c})" for c in checks)])


def unfolded(table: Table) -> Table:
    """``table`` (of a PostgreSQL source, as read) with each domain column that can be read as
    its base type so read: the domain's CHECKs become the table's, its DEFAULT the column's
    where the column has none (see the module's docstring for what stays folded)."""
    columns: list[Column] = []
    checks = list(table.checks)
    for column in table.columns:
        ctype = column.type
        parts = None if ctype.definition is None else domain_parts(ctype.definition)
        parts = None if parts is None else not_null_read(parts)
        folded = parts is None or ctype.array or not _passes_null(parts)
        base = None if folded or parts is None else parse_base(parts.base)
        if parts is None or base is None:
            columns.append(column if parts is None or ctype.array else _lifted(column, parts))
            continue
        default, raw_default = column.default, column.raw_default
        if default is None and parts.default is not None:
            default = raw_default = parts.default
        domain, via = _not_null(ctype, parts, column)
        collation = column.collation  # the column's own COLLATE, else the domain's
        if collation is None and parts.collation is not None:
            collation = named_collation(parts.collation)
        columns.append(
            replace(
                column,
                type=base,
                default=default,
                raw_default=raw_default,
                not_null_domain=domain,
                not_null_via=via,
                collation=collation,
                domain_read=ctype.name,
            )
        )
        for check in parts.checks:
            text = _value_as(check, column.name)
            written = _value_as(check, column.name, quote=False)
            held = _held(ctype, check)
            checks.append(CheckConstraint(text, raw=text, written=written, domain=held))
    if len(checks) == len(table.checks) and columns == list(table.columns):
        return table
    return replace(table, columns=tuple(columns), checks=tuple(checks))


def not_null_read(parts: DomainParts) -> DomainParts:
    """``parts`` with each CHECK conjunct ``VALUE IS NOT NULL`` (``NOT VALUE IS NULL``) read as
    the domain's NOT NULL: run on PostgreSQL 16, a domain ``CHECK (VALUE IS NOT NULL)`` refuses
    a NULL value and an insert that omits its column as ``NOT NULL`` does, and stores the NULL
    of a subquery of its type that finds no row (``INSERT INTO g VALUES (3, (SELECT s FROM g
    WHERE false))``, an UPDATE so too) as ``NOT NULL`` does: a domain's CHECKs do not see that
    NULL (stranger68 016). The other conjuncts of such a CHECK stay, in canonical form."""
    try:
        test = canonical("postgresql", "VALUE IS NOT NULL").text
        split = [conjuncts(canonical("postgresql", check).text) for check in parts.checks]
    except (SqlglotError, RecursionError):
        return parts
    if not any(test in found for found in split):
        return parts
    checks: list[str] = []
    for check, found in zip(parts.checks, split, strict=True):
        kept = [c for c in found if c != test]
        if len(kept) == len(found):
            checks.append(check)
        elif kept:  # the canonical form prints the checked value as value: VALUE again
            upper = (_WORDS.sub(lambda m: _upper_value(m.group(0)), c) for c in kept)
            checks.append(" AND ".join(f"({c})" for c in upper))
    return replace(parts, not_null=True, checks=tuple(checks))


def _lifted(column: Column, parts: DomainParts) -> Column:
    """A column of a domain kept folded (not an array of one) with the domain's NOT NULL and
    DEFAULT taken out of its type into the column's nullability and default, as ``unfolded``
    reads them: compared as such (``column_nullable``, ``column_default``), so that an allowance
    of the type does not also allow them (stranger65 002: ``INSERT INTO t (id) VALUES (1)``
    stores NULL in SQLite, and PostgreSQL refuses it or stores the domain's DEFAULT). The type
    keeps the base type and the CHECKs."""
    ctype = column.type
    text = str(ctype.definition)
    head, marker, rest = text.partition(" CHECK (")
    typed = head.partition(" DEFAULT ")[0].removesuffix(" NOT NULL")
    definition = typed + marker + rest if marker else typed
    default, raw_default = column.default, column.raw_default
    if default is None and parts.default is not None:
        default = raw_default = parts.default
    domain, via = _not_null(ctype, parts, column)
    if domain is None:
        domain, via = column.not_null_domain, column.not_null_via
    return replace(
        column,
        type=replace(ctype, definition=definition),
        default=default,
        raw_default=raw_default,
        not_null_domain=domain,
        not_null_via=via,
    )


def _not_null(
    ctype: ColumnType, parts: DomainParts, column: Column
) -> tuple[str | None, str | None]:
    """For a nullable column of a NOT NULL domain: the domain that holds the NOT NULL (the
    column's, or one it is made over: ``ALTER DOMAIN`` of the column's would change nothing,
    stranger68 015), and the column's domain where that is another; else (None, None)."""
    if not (parts.not_null and column.nullable):
        return None, None
    held = ctype.not_null_by or ctype.name
    return held, (ctype.name if held != ctype.name else None)


def _held(ctype: ColumnType, check: str) -> DomainCheck | None:
    """Which domain's CHECK ``check`` (as the definition writes it) is, and its name, where the
    source says (``ColumnType.domain_checks``); ``via`` the column's domain where it is a base
    of it."""
    for found in ctype.domain_checks:
        if found.text == f"CHECK ({check})":
            return replace(found, via=ctype.name if found.domain != ctype.name else None)
    return None


def _passes_null(parts: DomainParts) -> bool:
    """True when each CHECK of the domain is known to pass a NULL (``expr_nulls.null_passes``):
    only then is a NULL the domain lets through a subquery one the column's CHECK lets in too."""
    try:
        value = key(parse("postgresql", "VALUE"))  # as the parser names the checked value
        trees = [parse("postgresql", check) for check in parts.checks]
    except (SqlglotError, RecursionError):
        return False
    return all(null_passes(tree, value) for tree in trees)


def parse_base(spelling: str) -> ColumnType | None:
    """The base type, where it is one the type table knows (not another domain, an enum, a
    composite: what it stores is not read here)."""
    found = parse_type_cached(spelling)
    return found if kinds_of(found) else None


# A domain CHECK's words, strings and quoted names: VALUE is the checked value where it is a word.
_WORDS = re.compile(r"""'[^']*(?:''[^']*)*'|"[^"]*(?:""[^"]*)*"|[A-Za-z_][A-Za-z0-9_$]*""")


def _upper_value(word: str) -> str:
    """``VALUE`` where ``word`` is that word in any letter case, else ``word`` as it is."""
    return "VALUE" if word.upper() == "VALUE" else word


def _value_as(check: str, column: str, quote: bool = True) -> str:
    """A domain CHECK with its ``VALUE`` read as ``column``: quoted, so that any name reads
    back, or (``quote`` false, for messages) as people write a plain lower-case name."""
    name = column
    if quote or not PLAIN_NAME.fullmatch(column):
        name = '"' + column.replace('"', '""') + '"'
    text = _WORDS.sub(lambda m: name if m.group(0).upper() == "VALUE" else m.group(0), check)
    if quote or not (text.startswith("(") and closing_paren(text, 0) == len(text) - 1):
        return text
    return text[1:-1]
