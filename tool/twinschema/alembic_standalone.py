"""A chain run by plain Alembic (``alembic -c <chain>/alembic.ini ...``), with neither a connection
nor a URL handed over by ``twinschema migrate``: the database is taken as ``twinschema migrate``
takes it, in its one transaction (see ``alembic_env``'s docstring)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def standalone(context: Any, options: dict[str, Any], run: Any) -> None:
    """Plain ``alembic -c <chain>/alembic.ini ...``: the database as ``twinschema migrate``
    takes it, in its transaction (see the module docstring). A problem is one line on stderr
    and twinschema's exit code, never a traceback."""
    from twinschema.errors import TwinschemaError

    try:
        _standalone_run(context, options, run)
    except TwinschemaError as exc:
        print(f"twinschema: error: {exc.message}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None


def _standalone_run(context: Any, options: dict[str, Any], run: Any) -> None:
    from twinschema.config import find_pyproject, load_config
    from twinschema.errors import UsageError
    from twinschema.migrations import migrate_chain, migrate_connect

    folder = Path(context.config.get_main_option("script_location") or ".").resolve()
    pyproject = find_pyproject(folder)
    config = load_config(pyproject) if pyproject else None
    dialect = next(
        (
            d
            for d in ("sqlite", "postgresql")
            if config is not None
            and (config.side(d).migrations or Path("/nonexistent")).resolve() == folder
        ),
        None,
    )
    if config is None or dialect is None:
        raise UsageError(
            f"{folder}: no [tool.twinschema] in a pyproject.toml above it names this folder as "
            "a chain's migrations"
        )
    flag = context.get_x_argument(as_dictionary=True).get("url")
    if context.is_offline_mode():
        chosen = config.database(dialect, flag)
        if chosen.url is not None:
            context.configure(url=chosen.url, literal_binds=True, **options)
        else:
            context.configure(dialect_name=dialect, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return

    def say(line: str) -> None:
        print(f"twinschema: {line}", file=sys.stderr)

    context.config.attributes["say"] = say

    with migrate_chain.resolve_target(config, dialect, None, flag) as target:
        if target.note:
            say(target.note)
        waits = migrate_connect.Waits.of(config)
        with migrate_connect.connect(target, create=True, write=True, waits=waits) as connection:
            if dialect == "postgresql":
                migrate_connect.acquire_migration_lock(
                    connection, config.migrate_lock_timeout, say, target.label
                )
            run(connection)
