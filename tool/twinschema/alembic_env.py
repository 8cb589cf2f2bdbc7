"""What every chain's ``env.py`` does, once: run Alembic the way twinschema drives it.

``twinschema migrate`` builds the Config in code and passes the database as
``config.attributes["connection"]`` (online; the caller owns the transaction) or
``config.attributes["url"]``, so a URL is never written to a file. ``domain_version`` (the version
new revisions declare, see ``script.py.mako``) and ``on_version_apply`` (which revision ran, to
name the one that failed) come the same way.

Plain Alembic works too, through the ``alembic.ini`` beside each chain's ``env.py``
(``alembic -c migrations_sqlite/alembic.ini upgrade head``): with neither attribute set, the chain
finds its project's ``[tool.twinschema]``, tells its dialect from the ``migrations`` folder that
names it, and takes the database as ``twinschema migrate`` does (``-x url=URL``, else the side's
variable, ``default_url``, the embedded server), in the same one transaction (SQLite foreign keys
off and checked before COMMIT, the PostgreSQL migration lock). What plain Alembic does not do is
twinschema's own: the destructive-change lint and the downgrade confirmation.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import cache
from typing import Any

import sqlalchemy as sa

from twinschema.alembic_declared import declared_types_kept
from twinschema.alembic_keys import primary_key_code
from twinschema.alembic_standalone import standalone
from twinschema.alembic_stored import stored_default
from twinschema.alembic_virtual import virtual_filter
from twinschema.migrations import VERSION_TABLE
from twinschema.records.dialects import as_read


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Autogenerate compares the application's tables, never Alembic's own bookkeeping."""
    return not (type_ == "table" and name == VERSION_TABLE)


def object_filter(metadata: sa.MetaData) -> Callable[[Any, str | None, str, bool, Any], bool]:
    """``include_object`` for a chain of ``metadata``; it also keeps a database's CHECK out of
    the revision where the module's table has an unnamed one, which Alembic's named-CHECK
    plugin would drop as removed (PostgreSQL names every CHECK)."""

    def included(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "check_constraint" and reflected and compare_to is None:
            table = metadata.tables.get(obj.table.key)
            return table is not None and all(
                c.name is not None for c in table.constraints if isinstance(c, sa.CheckConstraint)
            )
        return include_object(obj, name, type_, reflected, compare_to)

    return included


def compare_server_default(
    context: Any,
    inspected_column: sa.Column[Any],
    metadata_column: sa.Column[Any],
    inspected_default: str | None,
    metadata_default: Any,
    rendered_metadata_default: str | None,
) -> bool | None:
    """Autogenerate's server default comparison, judged as twinschema's migrations layer judges
    it: both defaults in canonical form (``now()`` = ``CURRENT_TIMESTAMP``, ``'x'::text`` =
    ``'x'``, ``(0)`` = ``0``), and where those differ on PostgreSQL, the module's as the server
    stores it (``alembic_stored``: ``'{}'`` on a text[] column is ``'{}'::text[]``). True: the
    revision alters the default; False: the same default; None: Alembic's own comparison (a
    computed column or a default twinschema does not read)."""
    from twinschema.canonical.expressions import Scope, canonical, is_null

    if metadata_default is not None and not isinstance(metadata_default, sa.DefaultClause):
        return None
    dialect = context.dialect
    ours: str | None = None
    if metadata_default is not None:
        arg = metadata_default.arg
        if isinstance(arg, str):
            ours = str(sa.literal(arg).compile(dialect=as_read(dialect), compile_kwargs=_LITERAL))
        else:
            ours = rendered_metadata_default
    theirs = inspected_default
    if ours is None and theirs is not None and "nextval(" in theirs.lower():
        return False  # a serial column's sequence: not a default the metadata declares
    own = Scope(own=_value_kind(metadata_column.type))

    def canon(text: str | None) -> str | None:
        if text is None or is_null(text):
            return None
        return canonical(dialect.name, text, own).text

    if canon(ours) == canon(theirs):
        return False
    if ours is None or theirs is None:
        return True
    # PostgreSQL prints a default back with the cast to its column's type it added ('{}' on a
    # text[] column reads '{}'::text[]): the module's, stored by the server, is the one to read.
    stored = stored_default(getattr(context, "connection", None), inspected_column, ours)
    return stored is None or canon(stored) != canon(theirs)


_LITERAL = {"literal_binds": True}


# The autogenerate plugin that runs ``compare_server_default`` (Alembic 1.18+). Alembic's own
# hook for it (``compare_server_default=<callable>``) reads ``.arg`` of the reflected default
# before calling it, which an ``Identity`` or a ``Computed`` does not have (exit 4 on any
# identity column), and it asserts when a plain default becomes an identity. The plugin runs
# first, judges plain defaults itself and leaves identities and computed columns to Alembic.
PLUGIN = "twinschema.server_default"


# Alembic's opt-in plugin that autogenerates a named CHECK added to or dropped from a metadata
# module (Alembic's own defaults compare none: a CHECK added to both modules made empty twins).
# It compares by name only: an unnamed CHECK, and one changed in place, are not seen; revision
# writes those itself (revision_sqlite_checks, revision_pg_checks, revision_pg_named_checks).
CHECKS_PLUGIN = "alembic.ext.checkconstraint_byname"


def _plugin_names() -> list[str] | None:
    """The ``autogenerate_plugins`` a chain runs with: Alembic's own, its named-CHECK plugin
    where this Alembic has it, and twinschema's; None on an Alembic without plugins (before
    1.18), whose callable hook then does the comparison."""
    if not _registered():
        return None
    try:
        import alembic.ext.checkconstraint_byname  # noqa: F401  (Alembic 1.18 has none)
    except ImportError:  # pragma: no cover - depends on the Alembic installed
        return ["alembic.autogenerate.*", PLUGIN]
    return ["alembic.autogenerate.*", CHECKS_PLUGIN, PLUGIN]


@cache
def _registered() -> bool:
    """Register twinschema's plugin with Alembic, once per process (Alembic refuses a second
    plugin of one name); False on an Alembic without plugins."""
    try:
        from alembic.runtime.plugins import Plugin
    except ImportError:  # pragma: no cover - Alembic before 1.18
        return False
    from alembic.util import DispatchPriority

    from twinschema.alembic_indexes import compare_expression_indexes
    from twinschema.alembic_nullable import compare_column_nullable
    from twinschema.alembic_type_checks import drop_type_checks_not_made

    plugin = Plugin(PLUGIN)
    plugin.add_autogenerate_comparator(
        _compare_column_default, "column", "server_default", priority=DispatchPriority.FIRST
    )
    plugin.add_autogenerate_comparator(
        compare_column_nullable, "column", "nullable", priority=DispatchPriority.FIRST
    )
    plugin.add_autogenerate_comparator(
        compare_expression_indexes, "table", "indexes", priority=DispatchPriority.LAST
    )
    # After the named-CHECK plugin: a type's own CHECK only where SQLAlchemy makes it, and not
    # again beside the add_column that makes it (stranger53 050).
    plugin.add_autogenerate_comparator(
        drop_type_checks_not_made, "table", "type_checks", priority=DispatchPriority.LAST
    )
    return True


def _compare_column_default(
    autogen_context: Any,
    alter_column_op: Any,
    schema: str | None,
    tname: str,
    cname: str,
    conn_col: sa.Column[Any],
    metadata_col: sa.Column[Any],
) -> Any:
    """One column's server default, as autogenerate's first comparator: plain defaults (or
    none) on both sides are judged by ``compare_server_default`` and decided here; a plain
    default on one side and an identity on the other is a change (Alembic's identity comparison
    asserts on it); identities and computed columns go on to Alembic's own comparators. A
    column of a PostgreSQL domain is judged by its own DEFAULT (``alembic_nullable.own_default``)."""
    from alembic.util import PriorityDispatchResult

    from twinschema.alembic_nullable import own_default, serial_default

    ours, theirs = metadata_col.server_default, conn_col.server_default
    asked, own = own_default(autogen_context.connection, conn_col)
    if asked:  # a domain's column: its own DEFAULT, not the domain's SQLAlchemy folds in
        theirs = None if own is None else sa.DefaultClause(sa.text(own))
        alter_column_op.existing_server_default = theirs
    if theirs is None and isinstance(ours, sa.DefaultClause):  # a serial's, left out?
        drawn = serial_default(autogen_context.connection, conn_col)
        if drawn is not None:  # the downgrade of a change gives it back, never drops it
            theirs = alter_column_op.existing_server_default = sa.DefaultClause(sa.text(drawn))
    if ours is None and theirs is None:  # none on both: nothing to do, nor for Alembic's own
        return PriorityDispatchResult.STOP if asked else PriorityDispatchResult.CONTINUE
    plain = (sa.DefaultClause, type(None))
    if not isinstance(ours, plain) or not isinstance(theirs, plain):
        if _identity_against_plain(ours, theirs):
            alter_column_op.modify_server_default = ours
            return PriorityDispatchResult.STOP
        return PriorityDispatchResult.CONTINUE
    rendered: str | None = None
    if ours is not None:
        arg = ours.arg
        rendered = (
            arg
            if isinstance(arg, str)
            else str(arg.compile(dialect=as_read(autogen_context.dialect), compile_kwargs=_LITERAL))
        )
    inspected = theirs.arg.text if theirs is not None else None  # type: ignore[union-attr]
    changed = compare_server_default(
        autogen_context.migration_context, conn_col, metadata_col, inspected, ours, rendered
    )
    if changed:
        alter_column_op.modify_server_default = ours
    return PriorityDispatchResult.STOP


def _identity_against_plain(ours: Any, theirs: Any) -> bool:
    """An identity on one side, a plain default (not none) on the other."""
    return (isinstance(ours, sa.Identity) and isinstance(theirs, sa.DefaultClause)) or (
        isinstance(theirs, sa.Identity) and isinstance(ours, sa.DefaultClause)
    )


# How the expression engine reads a default of a SQLAlchemy type (``expressions.Scope.own``);
# the first class that matches wins (Boolean before Integer: SQLAlchemy's is not a subclass,
# but order keeps the intent plain). An enum or an array is "other", as ``value_kinds.value_kind``
# has it for the migrations layer: a cast to it changes nothing (``'free'::subscription_tier``
# is ``'free'``), and sa.Enum, a String, must not be read as text.
_VALUE_KINDS: tuple[tuple[type[sa.types.TypeEngine[Any]], str], ...] = (
    (sa.Enum, "other"),
    (sa.ARRAY, "other"),
    (sa.Boolean, "boolean"),
    (sa.Integer, "integer"),
    (sa.Float, "float"),
    (sa.Numeric, "numeric"),
    (sa.String, "text"),
)


def _value_kind(type_: sa.types.TypeEngine[Any]) -> str | None:
    for cls, kind in _VALUE_KINDS:
        if isinstance(type_, cls):
            return kind
    return None


def compare_type(
    context: Any,
    inspected_column: sa.Column[Any],
    metadata_column: sa.Column[Any],
    inspected_type: sa.types.TypeEngine[Any],
    metadata_type: sa.types.TypeEngine[Any],
) -> bool | None:
    """A SQLite type kept as declared (``Declared``, which ``init`` writes) against the type the
    database declares for the column, spelling for spelling: SQLAlchemy reads ``tinyint`` back as
    INTEGER, so Alembic's own comparison would alter every such column in each new revision.
    None: Alembic's own comparison (any other type, or a column SQLite does not list)."""
    from twinschema.declared_types import Declared, spelled

    if not isinstance(metadata_type, Declared) or context.dialect.name != "sqlite":
        return None
    table = inspected_column.table
    row = context.connection.exec_driver_sql(
        "SELECT type FROM pragma_table_info(?, ?) WHERE name = ?",
        (table.name, table.schema or "main", inspected_column.name),
    ).first()
    if row is None:
        return None
    return spelled(str(row[0])) != spelled(metadata_type.spelling)


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """A SQLite type kept as declared, written into a revision with its import (Alembic would
    write ``twinschema.declared_types.Declared(...)``, which nothing imports); False: Alembic's
    own rendering."""
    from twinschema.declared_types import IMPORT, Declared, rendered

    if type_ == "primary_key":
        return primary_key_code(obj, autogen_context)
    if type_ != "type" or not isinstance(obj, Declared):
        return False
    autogen_context.imports.add(IMPORT)
    return rendered(obj, autogen_context)


# What Alembic's PostgreSQL DDL says of ``op.alter_column(..., autoincrement=True)``, which its
# own autogenerate wrote into revisions (twinschema's ``revision`` no longer does): the keyword is
# ignored, and the warning, two lines per column on stderr at every migrate and every check that
# runs the chain, broke their one-line output (stranger32 case 010).
_IGNORED_AUTOINCREMENT = "autoincrement and existing_autoincrement only make sense for MySQL"
# What Alembic's autogenerate says (with its site-packages path and source line) of a generated
# column whose expression the database prints back in other words than the module
# (PostgreSQL's ``(round((p * (100)::numeric), 0))::integer``): at every ``revision``, of a
# column that did not change (stranger44 014). It writes nothing for it either way; an
# expression that did change is said by ``revision``'s own "not written" line.
_COMPUTED_UNMODIFIABLE = "Computed default on .* cannot be modified"


def merged_version(config: Any, down_revision: Any) -> int | None:
    """The ``domain_version`` a merge revision written by plain ``alembic merge`` declares: the
    highest its parents declare (the version the heads it joins bring the schema to; the chain
    check then counts it as the twin of the other chain's merge). None for a revision with one
    parent or none, or parents that declare none: the template then writes
    ``domain_version = None`` and asks for it. ``script.py.mako`` calls it (stranger35 finding
    6: the merge ``check``'s hint names was then refused by the chain check)."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    if not isinstance(config, AlembicConfig) or not isinstance(down_revision, tuple | list):
        return None
    if len(down_revision) < 2:
        return None
    script = ScriptDirectory.from_config(config)
    declared = [
        getattr(rev.module, "domain_version", None)
        for rev in (script.get_revision(parent) for parent in down_revision)
        if rev is not None
    ]
    versions = [v for v in declared if isinstance(v, int) and not isinstance(v, bool)]
    return max(versions) if versions else None


def run_chain(metadata: sa.MetaData, *, domain_version: int, render_as_batch: bool) -> None:
    """Run the current Alembic command of a chain that targets ``metadata``.

    ``render_as_batch`` is for SQLite, which cannot ALTER most things: changes are rendered as
    ``batch_alter_table`` (copy, move, rename).
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _IGNORED_AUTOINCREMENT, UserWarning)
        warnings.filterwarnings("ignore", _COMPUTED_UNMODIFIABLE, UserWarning)
        _run_chain(metadata, domain_version=domain_version, render_as_batch=render_as_batch)


def _run_chain(metadata: sa.MetaData, *, domain_version: int, render_as_batch: bool) -> None:
    from alembic import context

    config = context.config
    plugins = _plugin_names()
    options: dict[str, Any] = {
        "target_metadata": metadata,
        "render_as_batch": render_as_batch,
        "compare_type": compare_type,
        "render_item": render_item,
        # With the plugin, Alembic's callable hook is off (True: compare, through the plugin).
        "compare_server_default": compare_server_default if plugins is None else True,
        "include_object": object_filter(metadata),
        "version_table": VERSION_TABLE,
        "template_args": {
            "domain_version": config.attributes.get("domain_version", domain_version)
        },
        "on_version_apply": config.attributes.get("on_version_apply", ()),
    }
    if plugins is not None:
        options["autogenerate_plugins"] = plugins

    def run(connection: sa.Connection) -> None:
        context.configure(connection=connection, **options, **virtual_filter(connection))
        with context.begin_transaction(), declared_types_kept(config.attributes.get("say")):
            context.run_migrations()

    given = config.attributes.get("url")
    connection = config.attributes.get("connection")
    if not given and connection is None:
        standalone(context, options, run)
        return
    if context.is_offline_mode():
        context.configure(url=str(given), literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    if connection is not None:
        run(connection)
        return
    engine = sa.create_engine(str(given), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            run(conn)
    finally:
        engine.dispose()
