"""Alembic environment of the SQLite chain (the device's local database).

It targets ``schemas.sqlite.metadata`` in batch mode (SQLite cannot ALTER most things, so changes
are rendered as ``batch_alter_table``). Run it through ``twinschema migrate`` (no alembic.ini; see
``twinschema.alembic_env``).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the application's schemas/ package lives at the project root
    sys.path.insert(0, str(ROOT))

from schemas.domain import DOMAIN  # noqa: E402
from schemas.sqlite import metadata  # noqa: E402
from twinschema.alembic_env import run_chain  # noqa: E402

run_chain(metadata, domain_version=DOMAIN.version, render_as_batch=True)
