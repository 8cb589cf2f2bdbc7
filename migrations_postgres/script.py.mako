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
