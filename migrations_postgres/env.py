"""Alembic environment of the PostgreSQL chain (the server's database).

It targets ``schemas.postgres.metadata``. Row-level security and its policies are not in
SQLAlchemy metadata: revisions create them with ``op.execute`` by hand (autogenerate cannot see
them), and the metadata records them in ``table.info["twinschema"]``. Run it through
``twinschema migrate`` (no alembic.ini; see ``twinschema.alembic_env``).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the application's schemas/ package lives at the project root
    sys.path.insert(0, str(ROOT))

from schemas.domain import DOMAIN  # noqa: E402
from schemas.postgres import metadata  # noqa: E402
from twinschema.alembic_env import run_chain  # noqa: E402

run_chain(metadata, domain_version=DOMAIN.version, render_as_batch=False)
