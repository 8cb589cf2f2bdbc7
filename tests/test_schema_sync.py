"""The project's own schema-sync suite (issue 4): one test per layer and per table.

The tests are the pytest plugin's (``twinschema.pytest_plugin``, registered as a ``pytest11``
entry point): importing them is all another project does too, so this module proves the plugin.
They run on real databases: a temporary SQLite file and a scratch database on the session's
PostgreSQL server, both migrated to head; never ``var/`` and never ``DATABASE_URL``.
"""

from __future__ import annotations

import pytest

from twinschema.pytest_plugin import *  # noqa: F403


@pytest.fixture(scope="session")
def twinschema_postgres_server(pg_server: str) -> str:
    """The scratch database lives on the suite's own server (see conftest.py)."""
    return pg_server
