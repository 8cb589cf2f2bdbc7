"""The ``twinschema`` command line: thin, it reads configuration, picks layers and calls the rest.

Every failure a user can cause ends in one line on stderr and a documented exit code (see
``errors``); an unexpected exception ends in one line and exit code 4, never a traceback. The
group and what commands share are in ``app``; each command group has its module, imported here
so that its commands join the group.
"""

from __future__ import annotations

from typing import Any

from twinschema.cli import compare_commands, db_commands, init_command, migration_commands
from twinschema.cli.app import cli

__all__ = ["cli", "compare_commands", "db_commands", "init_command", "main", "migration_commands"]


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``twinschema`` script."""
    return cli.main(args=argv, prog_name="twinschema")
