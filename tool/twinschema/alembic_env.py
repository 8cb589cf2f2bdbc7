"""What every chain's ``env.py`` does, once: run Alembic the way twinschema drives it.

There is no ``alembic.ini``: ``twinschema migrate`` builds the Config in code and passes the
database as ``config.attributes["connection"]`` (online; the caller owns the transaction) or
``config.attributes["url"]``, so a URL is never written to a file. ``domain_version`` (the version
new revisions declare, see ``script.py.mako``) and ``on_version_apply`` (which revision ran, to
name the one that failed) come the same way.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

VERSION_TABLE = "alembic_version"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Autogenerate compares the application's tables, never Alembic's own bookkeeping."""
    return not (type_ == "table" and name == VERSION_TABLE)


def run_chain(metadata: sa.MetaData, *, domain_version: int, render_as_batch: bool) -> None:
    """Run the current Alembic command of a chain that targets ``metadata``.

    ``render_as_batch`` is for SQLite, which cannot ALTER most things: changes are rendered as
    ``batch_alter_table`` (copy, move, rename).
    """
    from alembic import context

    config = context.config
    options: dict[str, Any] = {
        "target_metadata": metadata,
        "render_as_batch": render_as_batch,
        "compare_type": True,
        "include_object": include_object,
        "version_table": VERSION_TABLE,
        "template_args": {
            "domain_version": config.attributes.get("domain_version", domain_version)
        },
        "on_version_apply": config.attributes.get("on_version_apply", ()),
    }

    def url() -> str:
        given = config.attributes.get("url")
        if not given:
            raise RuntimeError("no database given: run this chain through `twinschema migrate`")
        return str(given)

    def run(connection: sa.Connection) -> None:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()

    if context.is_offline_mode():
        context.configure(url=url(), literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = sa.create_engine(url(), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            run(conn)
    finally:
        engine.dispose()
