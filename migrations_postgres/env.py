"""Alembic environment of the PostgreSQL chain (the server's database).

It targets ``schemas.postgres.metadata``. Row-level security and its policies are not in
SQLAlchemy metadata: revisions create them with ``op.execute`` by hand (autogenerate cannot see
them), and the metadata records them in ``table.info["twinschema"]``. There is no alembic.ini:
``twinschema migrate`` (``tool/twinschema/migrate.py``) builds the Config in code and passes the
database as ``config.attributes["connection"]`` (online) or ``config.attributes["url"]``
(offline ``--sql``), so a URL is never written to a file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import context

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the application's schemas/ package lives at the project root
    sys.path.insert(0, str(ROOT))

from schemas.domain import DOMAIN  # noqa: E402
from schemas.postgres import metadata  # noqa: E402

config = context.config
VERSION_TABLE = "alembic_version"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Autogenerate compares the application's tables, never Alembic's own bookkeeping."""
    return not (type_ == "table" and name == VERSION_TABLE)


OPTIONS: dict[str, Any] = {
    "target_metadata": metadata,
    "compare_type": True,
    "include_object": include_object,
    "version_table": VERSION_TABLE,
    # New revisions declare the domain version they build (see script.py.mako);
    # `twinschema revision` passes the version it is about to write to domain.yaml.
    "template_args": {"domain_version": config.attributes.get("domain_version", DOMAIN.version)},
    # `twinschema migrate` learns which revisions were applied (to name the one that failed).
    "on_version_apply": config.attributes.get("on_version_apply", ()),
}


def _url() -> str:
    url = config.attributes.get("url")
    if not url:
        raise RuntimeError("no database given: run this chain through `twinschema migrate`")
    return str(url)


def run_migrations_offline() -> None:
    """Render the SQL without a database (``twinschema migrate remote --dry-run``)."""
    context.configure(url=_url(), literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run on the connection the caller opened (it owns the transaction), or on the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = sa.create_engine(_url(), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
