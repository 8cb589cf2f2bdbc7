"""A PostgreSQL domain whose CHECK, DEFAULT or NOT NULL changed in the metadata module
(``postgresql.DOMAIN``), written into the PostgreSQL revision as ``ALTER DOMAIN`` (stranger66
008).

Alembic compares a column's type by its name only, so ``postgresql.DOMAIN('wh_code', ...,
check=sa.text('length(VALUE) BETWEEN 3 AND 4'))`` where the database's domain says ``=
4`` made no operation, and ``revision`` warned that the chain's head lacks it. Now each domain a
column of the module uses, and that the scratch database at head holds, is set against it, each
part as PostgreSQL reads it back: the module's CHECK and DEFAULT are tried on the scratch
database (``ALTER DOMAIN ... ADD CONSTRAINT ... NOT VALID`` and ``SET DEFAULT`` in a savepoint,
rolled back), so a spelling is never taken for a change. The module's one CHECK is compared with
the domain's CHECKs conjunct by conjunct (``_checks_changed``): a CHECK of the database whose
conjuncts the module still has stays by its name, one with a conjunct the module lacks is
dropped by its name, and the module's CHECK is added (by its ``constraint_name``, else by the
name PostgreSQL gives it there) only where those that stay lack one of its conjuncts; a DEFAULT changed is set
(dropped where the module has none); NOT NULL is set or dropped. The downgrade puts each back.
PostgreSQL checks the columns' rows when a CHECK or NOT NULL is added: a row it refuses makes
``migrate`` fail and roll back. A changed base type is written by ``revision_pg_domain_type``
(a new domain, every column moved to it), before these steps; a collation is not compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql.named_types import CreateDomainType, DropDomainType
from sqlglot.errors import SqlglotError

from twinschema.canonical.expr_tree import conjuncts
from twinschema.canonical.expressions import canonical
from twinschema.migrations.revision_pg_checks import run_sql
from twinschema.migrations.revision_pg_domain_type import retyped
from twinschema.migrations.revision_pg_enums import escape_binds
from twinschema.records.dialects import as_read

_DOMAIN = (
    "SELECT t.oid, t.typnotnull, pg_get_expr(t.typdefaultbin, 0) FROM pg_type t "
    "WHERE t.typtype = 'd' AND t.typname = %(name)s AND t.typnamespace = "
    "(SELECT oid FROM pg_namespace WHERE nspname = coalesce(%(schema)s, current_schema()))"
)
_CHECKS = (
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE contypid = %(oid)s AND contype = 'c' ORDER BY conname"
)


@dataclass(frozen=True)
class Held:
    """A domain as the database holds it: its oid, NOT NULL, DEFAULT (as read back, or None)
    and CHECKs (name to ``CHECK (...)`` as read back)."""

    oid: int
    not_null: bool
    default: str | None
    checks: dict[str, str]


def altered_domains(context: Any, script: Any) -> list[int]:
    """Write, in each upgrade of ``script`` (a MigrationScript), the ``ALTER DOMAIN`` statements
    that give each domain of the PostgreSQL module's columns its module's CHECK, DEFAULT and
    NOT NULL (and its base type: ``revision_pg_domain_type``), and in its downgrade those
    that put the database's back (see the module docstring). ``context``: the
    MigrationContext on the scratch database at head. Returns the oids of the domains given a
    new base type (whose views ``revision_pg_views`` drops and makes again)."""
    metadata = context.opts.get("target_metadata")
    if not isinstance(metadata, sa.MetaData):
        return []
    connection: sa.Connection = context.connection
    retyped_oids: list[int] = []
    for domain in _domains(metadata):
        held = _held(connection, domain)
        if held is None:  # a new domain: made by a create_table that uses it, else here
            _make_new(connection, script, domain)
            continue
        steps = _steps(connection, domain, held) or ([], [])
        retype = retyped(connection, domain, held.oid) or ([], [])
        if retype[0]:
            retyped_oids.append(held.oid)
        up, down = retype[0] + steps[0], steps[1] + retype[1]
        if not up:
            continue
        for upgrade, downgrade in zip(
            script.upgrade_ops_list, script.downgrade_ops_list, strict=True
        ):
            upgrade.ops[:0] = [_op(s) for s in up]
            downgrade.ops.extend(_op(s) for s in down)
    return retyped_oids


def _op(step: Any) -> Any:
    """A statement as ``op.execute``; an operation (a column moved onto a domain) as it is."""
    return ops.ExecuteSQLOp(escape_binds(step)) if isinstance(step, str) else step


def _make_new(connection: sa.Connection, script: Any, domain: postgresql.DOMAIN) -> None:
    """``CREATE DOMAIN`` first in each upgrade of ``script`` whose ``alter_column`` or
    ``add_column`` puts a column on ``domain``, which the scratch database at head lacks, and
    ``DROP DOMAIN`` last in its downgrade, once the columns are back on their old types. Alembic
    writes neither (only ``create_table`` makes a column's domain): the upgrade failed with
    ``type "minutes_t" does not exist`` (stranger76 015). An upgrade whose ``create_table``
    uses the domain is left as it is (that makes it)."""
    dialect: Any = as_read(connection.dialect)
    made = str(CreateDomainType(domain).compile(dialect=dialect))
    dropped = str(DropDomainType(domain).compile(dialect=dialect))
    for upgrade, downgrade in zip(script.upgrade_ops_list, script.downgrade_ops_list, strict=True):
        uses = [_uses(op, domain) for op in upgrade.ops]
        if "create" in uses or "column" not in uses:
            continue
        upgrade.ops.insert(0, ops.ExecuteSQLOp(escape_binds(made)))
        downgrade.ops.append(ops.ExecuteSQLOp(escape_binds(dropped)))


def _uses(op: Any, domain: postgresql.DOMAIN) -> str | None:
    """ "create" where ``op`` is a ``create_table`` with a column of ``domain``, "column" where
    it alters or adds one onto it (within a table's operations), else None."""

    def same(sa_type: Any) -> bool:
        return (
            isinstance(sa_type, postgresql.DOMAIN)
            and sa_type.name == domain.name
            and sa_type.schema == domain.schema
        )

    if isinstance(op, ops.CreateTableOp):
        return (
            "create" if any(same(c.type) for c in op.columns if isinstance(c, sa.Column)) else None
        )
    for inner in getattr(op, "ops", ()):
        if isinstance(inner, ops.AlterColumnOp) and same(inner.modify_type):
            return "column"
        if isinstance(inner, ops.AddColumnOp) and same(inner.column.type):
            return "column"
    return None


def _domains(metadata: sa.MetaData) -> list[postgresql.DOMAIN]:
    """Each domain a column of ``metadata`` uses, once, in the order of the tables."""
    found: dict[tuple[str | None, str], postgresql.DOMAIN] = {}
    for table in metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, postgresql.DOMAIN):
                found.setdefault((column.type.schema, str(column.type.name)), column.type)
    return list(found.values())


def _held(connection: sa.Connection, domain: postgresql.DOMAIN) -> Held | None:
    row = connection.exec_driver_sql(
        _DOMAIN, {"name": domain.name, "schema": domain.schema}
    ).first()
    if row is None:
        return None
    checks = connection.exec_driver_sql(_CHECKS, {"oid": row[0]})
    return Held(
        int(row[0]),
        bool(row[1]),
        None if row[2] is None else str(row[2]),
        {str(n): str(d) for n, d in checks},
    )


def _steps(
    connection: sa.Connection, domain: postgresql.DOMAIN, held: Held
) -> tuple[list[str], list[str]] | None:
    """The upgrade's and the downgrade's statements; None when PostgreSQL refuses the
    module's CHECK or DEFAULT on the scratch database (left to ``revision``'s warning)."""
    dialect: Any = as_read(connection.dialect)  # its DDL compiler, no statement: for the parts
    compiler = dialect.ddl_compiler(dialect, None)
    name = compiler.preparer.format_type(domain)
    quote = compiler.preparer.quote
    check = default = None
    if domain.check is not None:
        check = str(
            compiler.sql_compiler.process(domain.check, include_table=False, literal_binds=True)
        )
    if domain.default is not None:
        default = str(compiler.render_default_string(domain.default))
    tried = _tried(connection, name, held, check, domain.constraint_name, default)
    if tried is None:
        return None
    given, default_read = tried
    up: list[str] = []
    down: list[str] = []
    dropped, given = _checks_changed(held, given)
    for old in dropped:
        up.append(f"ALTER DOMAIN {name} DROP CONSTRAINT {quote(old)}")
    if given is not None:
        up.append(f"ALTER DOMAIN {name} ADD CONSTRAINT {quote(given[0])} CHECK ({check})")
        down.append(f"ALTER DOMAIN {name} DROP CONSTRAINT {quote(given[0])}")
    down += [f"ALTER DOMAIN {name} ADD CONSTRAINT {quote(o)} {held.checks[o]}" for o in dropped]
    if default_read != held.default:
        up.append(_set_default(name, default))
        down.append(_set_default(name, held.default))
    if domain.not_null != held.not_null:
        up.append(f"ALTER DOMAIN {name} {'SET' if domain.not_null else 'DROP'} NOT NULL")
        down.append(f"ALTER DOMAIN {name} {'DROP' if domain.not_null else 'SET'} NOT NULL")
    return up, down


def _checks_changed(
    held: Held, given: tuple[str, str] | None
) -> tuple[list[str], tuple[str, str] | None]:
    """The names of the domain's CHECKs to drop, and the module's CHECK to add (None: none).
    The module's one CHECK is set against the domain's CHECKs as conjuncts in canonical form
    (``(a) AND (b)``, as ``init`` writes a domain's CHECKs: SQLAlchemy's DOMAIN holds one): a
    CHECK of the database each of whose conjuncts the module still has stays, by its name; the
    others are dropped by theirs; the module's CHECK is added only where the ones that stay
    lack one of its conjuncts. Renaming ``brix_min`` and ``brix_max`` into one ``brix_check``
    when only the DEFAULT changed took the names the database had from under the user
    (stranger70 005). An added CHECK of the name of one that stays replaces it (that one is
    dropped too). Where a CHECK cannot be read so, it is compared by its text as read back."""
    if given is None:
        return list(held.checks), None
    wanted = _conjuncts(given[1])
    if wanted is None:
        same = [n for n, d in held.checks.items() if d == given[1]]
        return [n for n in held.checks if n not in same[:1]], None if same else given
    kept: dict[str, frozenset[str]] = {}
    for held_name, text in held.checks.items():
        parts = _conjuncts(text)
        if parts and parts <= wanted:
            kept[held_name] = parts
    if frozenset().union(*kept.values()) >= wanted:
        return [n for n in held.checks if n not in kept], None
    kept.pop(given[0], None)
    return [n for n in held.checks if n not in kept], given


def _conjuncts(check: str) -> frozenset[str] | None:
    """The conjuncts of ``CHECK (...)`` (as PostgreSQL prints it) in canonical form, or None
    where it cannot be read."""
    try:
        return frozenset(conjuncts(canonical("postgresql", check.removeprefix("CHECK ")).text))
    except (SqlglotError, RecursionError):
        return None


def _set_default(name: str, default: str | None) -> str:
    if default is None:
        return f"ALTER DOMAIN {name} DROP DEFAULT"
    return f"ALTER DOMAIN {name} SET DEFAULT {default}"


def _tried(
    connection: sa.Connection,
    name: str,
    held: Held,
    check: str | None,
    constraint: str | None,
    default: str | None,
) -> tuple[tuple[str, str] | None, str | None] | None:
    """In a savepoint rolled back: the module's CHECK added to the domain (by ``constraint``,
    else unnamed, once its CHECKs of another expression are dropped) and its DEFAULT set; the
    CHECK's name and ``CHECK (...)`` as PostgreSQL gives them back (None without a CHECK), and
    the DEFAULT as read back. None when PostgreSQL refuses one of them."""
    quote = connection.dialect.identifier_preparer.quote
    savepoint = connection.begin_nested()
    try:
        given = None
        if check is not None:
            for old in held.checks:
                run_sql(connection, f"ALTER DOMAIN {name} DROP CONSTRAINT {quote(old)}")
            named = f"CONSTRAINT {quote(constraint)} " if constraint else ""
            run_sql(connection, f"ALTER DOMAIN {name} ADD {named}CHECK ({check}) NOT VALID")
            (given,) = [
                (str(n), str(d).removesuffix(" NOT VALID"))
                for n, d in connection.exec_driver_sql(_CHECKS, {"oid": held.oid})
            ]
        if default is None:
            run_sql(connection, f"ALTER DOMAIN {name} DROP DEFAULT")
        else:
            run_sql(connection, f"ALTER DOMAIN {name} SET DEFAULT {default}")
        row = connection.exec_driver_sql(
            "SELECT pg_get_expr(typdefaultbin, 0) FROM pg_type WHERE oid = %(oid)s",
            {"oid": held.oid},
        ).first()
    except sa.exc.DBAPIError:
        return None
    finally:
        savepoint.rollback()
    return given, None if row is None or row[0] is None else str(row[0])
