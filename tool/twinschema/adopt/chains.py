"""The two Alembic environments ``init`` writes: ``alembic.ini``, ``env.py``, ``script.py.mako``
and ``versions/``, like this repository's ``migrations_sqlite/`` and ``migrations_postgres/``.

``env.py`` hands everything to ``twinschema.alembic_env.run_chain`` (batch mode for SQLite), so
``twinschema migrate`` and plain ``alembic -c FOLDER/alembic.ini`` both work; ``script.py.mako``
gives each revision its ``domain_version`` and the destructive-change marker.
"""

from __future__ import annotations

import sys
from pathlib import Path

ENV = '''"""Alembic environment of the {label} chain, written by `twinschema init`.

It targets ``{module}:metadata``{batch}. Run it through ``twinschema migrate``
(see ``twinschema.alembic_env``), or plain ``alembic -c {folder}/alembic.ini``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent{parents}
if str(ROOT) not in sys.path:  # the application's metadata modules live at the project root
    sys.path.insert(0, str(ROOT))

from {loader} import DOMAIN  # noqa: E402
from {module} import metadata  # noqa: E402
from twinschema.alembic_env import run_chain  # noqa: E402

run_chain(metadata, domain_version=DOMAIN.version, render_as_batch={as_batch})
'''

ALEMBIC_INI = """\
# Plain Alembic on this chain, from anywhere:
#   alembic -c {folder}/alembic.ini upgrade head      (current, history, downgrade -1, ...)
#   alembic -c {folder}/alembic.ini -x url=URL upgrade head
# The database is the one `twinschema migrate` would use (-x url=, else the side's variable,
# else default_url, else the embedded server), never written here; see
# twinschema.alembic_env. Prefer `twinschema migrate`: it also runs the destructive-change
# lint and asks before a downgrade.
[alembic]
script_location = %(here)s
file_template = %%(rev)s
path_separator = os
"""

SCRIPT_MAKO = '''\
<%!
from twinschema.alembic_env import merged_version
%>"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision: str = ${repr(up_revision)}
down_revision: str | Sequence[str] | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}

# The domain.yaml version this revision brings the schema to: the twin revision of the other
# dialect's chain declares the same one.
% if domain_version is not UNDEFINED:
domain_version = ${domain_version}
% elif merged_version(config, down_revision) is not None:
# A merge (`alembic merge`): the version of the heads it joins.
domain_version = ${merged_version(config, down_revision)}
% else:
# Plain `alembic revision` cannot know it: set it here (`twinschema revision` does).
domain_version = None
% endif

# `twinschema migrate` and `twinschema lint` refuse a revision that drops a table or column,
# narrows a type, or adds a NOT NULL column without a server default to a table with rows, unless
# it says why the data may go (keys: drop_table:T, drop_column:T.C, narrow_type:T.C,
# add_not_null:T.C, unlinted; see tool/twinschema/migrations/lint.py):
# allow_destructive = {"drop_column:table.column": "why this data may go"}
# `twinschema migrate --to REV --yes-downgrade` lints downgrade() the same way (a table or column
# holding no data loses nothing); its marker is allow_destructive_downgrade, with the same keys.


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''


def chain_files(
    dialect: str, folder: Path, root: Path, module: str, loader: str
) -> dict[Path, str]:
    """The files of ``dialect``'s chain in ``folder`` (under the project ``root``): its
    ``env.py`` imports ``module``'s metadata and ``loader``'s domain."""
    relative = folder.resolve().relative_to(root.resolve())
    sqlite = dialect == "sqlite"
    env = ENV.format(
        label="SQLite" if sqlite else "PostgreSQL",
        module=module,
        loader=loader,
        folder=relative.as_posix(),
        batch=" in batch mode (SQLite cannot ALTER most things)" if sqlite else "",
        parents=".parent" * len(relative.parts),
        as_batch=sqlite,
    )
    return {
        folder / "alembic.ini": ALEMBIC_INI.format(folder=relative.as_posix()),
        folder / "env.py": env,
        folder / "script.py.mako": SCRIPT_MAKO,
    }


MAKEFILE = """\
# Written by `twinschema init`: the project's schema-sync jobs (twinschema's README).
# TWINSCHEMA names the command (make check-sync TWINSCHEMA=.venv/bin/twinschema): the one on
# PATH, else the one that wrote this file.
TWINSCHEMA ?= $(or $(shell command -v twinschema 2>/dev/null),{tool})

.PHONY: check-sync migrate-local migrate-remote

## The databases the project owns to head, then every check; a database a variable names
## (pyproject.toml's url_env) is checked as it is, never migrated here. --require-all: a
## database no variable names fails the check (exit 3), never a pass that looked at nothing.
check-sync:
\t$(TWINSCHEMA) migrate local --owned-only
\t$(TWINSCHEMA) migrate remote --owned-only
\t$(TWINSCHEMA) check --require-all

## The local SQLite database (its url_env variable, see pyproject.toml) to head.
migrate-local:
\t$(TWINSCHEMA) migrate local

## The remote PostgreSQL database (its url_env variable, else the embedded server) to head.
migrate-remote:
\t$(TWINSCHEMA) migrate remote
"""


def makefile(root: Path) -> dict[Path, str]:
    """The project's ``Makefile`` (``make check-sync``, ``make migrate-local``, ``make
    migrate-remote``), as this repository's own: a project adopted by ``init`` had none, so the
    commands its README promises did not exist there (stranger40). One that exists is the
    project's own: never written over, not even with ``--force``. The command is the
    ``twinschema`` on PATH, else the one running now (a clone's ``.venv/bin/twinschema``, which
    README's ``make install`` makes and puts on no PATH: stranger76 004, Error 127)."""
    return {root / "Makefile": MAKEFILE.replace("{tool}", _this_tool())}


def _this_tool() -> str:
    """The ``twinschema`` command beside the Python running this one (its virtualenv's), else
    the bare name (a path with a space, which make cannot hold, included)."""
    found = Path(sys.executable).parent / "twinschema"
    return str(found) if found.is_file() and " " not in str(found) else "twinschema"
