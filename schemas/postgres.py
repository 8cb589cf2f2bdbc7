"""The server's schema: PostgreSQL, native types, every name from ``domain.yaml``.

Native types: uuid, timestamp with time zone, jsonb, bigint, boolean, and a native enum type for
``communities.subscription_tier``; ``shadow_states.status`` is text with a CHECK, as on SQLite.

PostgreSQL-only, declared as allowances in ``domain.yaml``: a GIN index on ``profiles.metadata``,
and row-level security with the policy ``tenant_isolation`` on every tenant-scoped table. RLS and
policies cannot be expressed in SQLAlchemy metadata: the PostgreSQL migration creates them, and each
table records them in ``table.info["twinschema"]`` (``row_level_security``, ``policies``) so the
checker can compare them with the live database.

The policy (see migrations_postgres/versions/0001_initial_postgresql.py):

    USING (community_id = NULLIF(current_setting('app.community_id', true), '')::uuid)

A session sees and writes only the rows of the community it set with
``SET app.community_id = '<uuid>'`` (or ``set_config``); with the setting unset or empty it sees no
rows at all. RLS does not apply to the tables' owner (the role that runs migrations) nor to
superusers: the application must connect as a separate, non-owner role. ``communities`` is not
secured: it is the tenant registry, read before a tenant is known.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from schemas.domain import NAMING_CONVENTION, VALUES, names

N = names("postgresql")

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

TENANT_POLICY = "tenant_isolation"
TENANT_SETTING = "app.community_id"
SUBSCRIPTION_TIER_TYPE = "subscription_tier"  # the native enum type's name


def _tenant_scoped() -> dict[str, Any]:
    """``Table.info`` of a table with row-level security and the tenant policy."""
    return {"twinschema": {"row_level_security": True, "policies": [TENANT_POLICY]}}


def _uuid() -> pg.UUID[Any]:
    return pg.UUID(as_uuid=True)


def _timestamptz() -> pg.TIMESTAMP:
    return pg.TIMESTAMP(timezone=True)


def _in(column: str, values: tuple[str, ...]) -> sa.ColumnElement[bool]:
    """``column IN ('a', 'b')`` as an expression (quoted as the name needs)."""
    return sa.column(column).in_(values)


NOW = sa.text("now()")

c = N.communities
communities = sa.Table(
    c.__tablename__,
    metadata,
    sa.Column(c.id, _uuid(), primary_key=True),
    sa.Column(c.name, sa.Text, nullable=False),
    sa.Column(c.theme_id, sa.Text, server_default="basic"),
    sa.Column(
        c.subscription_tier,
        pg.ENUM(*VALUES.communities.subscription_tier, name=SUBSCRIPTION_TIER_TYPE),
        server_default="free",
    ),
    sa.Column(c.discord_guild_id, sa.Text),
    sa.Column(c.telegram_chat_id, sa.Text),
    sa.Column(c.is_active, sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column(c.settings, pg.JSONB),
    sa.Column(c.version, sa.BigInteger, nullable=False, server_default=sa.text("1")),
    sa.Column(c.created_at, _timestamptz(), nullable=False, server_default=NOW),
    sa.Column(c.updated_at, _timestamptz(), nullable=False, server_default=NOW),
    sa.UniqueConstraint(c.discord_guild_id),
    sa.UniqueConstraint(c.telegram_chat_id),
)
community_id = communities.c[c.id]

p = N.profiles
profiles = sa.Table(
    p.__tablename__,
    metadata,
    sa.Column(p.id, _uuid(), primary_key=True),
    sa.Column(
        p.community_id,
        _uuid(),
        sa.ForeignKey(community_id, ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(p.discord_id, sa.Text),
    sa.Column(p.telegram_id, sa.Text),
    sa.Column(p.wallet_address, sa.Text),
    sa.Column(p.tier, sa.Text),
    sa.Column(p.current_rank, sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column(p.activity_score, sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column(p.conviction_score, sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column(p.joined_at, _timestamptz()),
    sa.Column(p.last_seen_at, _timestamptz()),
    sa.Column(p.first_claim_at, _timestamptz()),
    sa.Column(p.metadata, pg.JSONB),
    sa.Column(p.version, sa.BigInteger, nullable=False, server_default=sa.text("1")),
    sa.Column(p.created_at, _timestamptz(), nullable=False, server_default=NOW),
    sa.Column(p.updated_at, _timestamptz(), nullable=False, server_default=NOW),
    sa.UniqueConstraint(p.community_id, p.discord_id),
    sa.UniqueConstraint(p.community_id, p.telegram_id),
    sa.Index(None, p.community_id),
    sa.Index(None, p.wallet_address),
    sa.Index(None, p.community_id, p.tier),
    sa.Index(None, p.community_id, p.current_rank),
    # PostgreSQL only (allowance in domain.yaml): jsonb containment queries on metadata.
    sa.Index("ix_profiles_metadata_gin", p.metadata, postgresql_using="gin"),
    info=_tenant_scoped(),
)
profile_id = profiles.c[p.id]

b = N.badges
badges = sa.Table(
    b.__tablename__,
    metadata,
    sa.Column(b.id, _uuid(), primary_key=True),
    sa.Column(
        b.community_id,
        _uuid(),
        sa.ForeignKey(community_id, ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(b.profile_id, _uuid(), sa.ForeignKey(profile_id, ondelete="CASCADE"), nullable=False),
    sa.Column(b.badge_type, sa.Text, nullable=False),
    sa.Column(b.awarded_at, _timestamptz()),
    # Lineage survives the awarder's deletion.
    sa.Column(b.awarded_by, _uuid(), sa.ForeignKey(profile_id, ondelete="SET NULL")),
    sa.Column(b.revoked_at, _timestamptz()),
    sa.Column(b.metadata, pg.JSONB),
    sa.Column(b.created_at, _timestamptz(), nullable=False, server_default=NOW),
    sa.UniqueConstraint(b.community_id, b.profile_id, b.badge_type),
    sa.Index(None, b.profile_id),
    sa.Index(None, b.community_id, b.badge_type),
    sa.Index(None, b.awarded_by),
    # The badges a profile holds now: the hot path, so only unrevoked rows are indexed.
    sa.Index(
        "ix_badges_profile_id_active",
        b.profile_id,
        postgresql_where=sa.column(b.revoked_at).is_(None),
    ),
    info=_tenant_scoped(),
)

m = N.manifests
manifests = sa.Table(
    m.__tablename__,
    metadata,
    sa.Column(m.id, _uuid(), primary_key=True),
    sa.Column(
        m.community_id,
        _uuid(),
        sa.ForeignKey(community_id, ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(m.version, sa.Integer, nullable=False),
    sa.Column(m.content, pg.JSONB, nullable=False),
    sa.Column(m.checksum, sa.Text, nullable=False),
    sa.Column(m.synthesized_at, _timestamptz()),
    sa.Column(m.synthesized_by, sa.Text),
    sa.Column(m.is_active, sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column(m.created_at, _timestamptz(), nullable=False, server_default=NOW),
    sa.UniqueConstraint(m.community_id, m.version),
    sa.CheckConstraint(sa.column(m.version) > 0, name="version_positive"),
    info=_tenant_scoped(),
)

s = N.shadow_states
shadow_states = sa.Table(
    s.__tablename__,
    metadata,
    sa.Column(s.id, _uuid(), primary_key=True),
    sa.Column(
        s.community_id,
        _uuid(),
        sa.ForeignKey(community_id, ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(s.manifest_version, sa.Integer, nullable=False),
    sa.Column(s.applied_at, _timestamptz()),
    sa.Column(s.applied_by, sa.Text),
    sa.Column(s.resources, pg.JSONB, nullable=False),
    sa.Column(s.checksum, sa.Text, nullable=False),
    sa.Column(s.status, sa.Text, nullable=False, server_default="applied"),
    sa.Column(s.created_at, _timestamptz(), nullable=False, server_default=NOW),
    sa.CheckConstraint(_in(s.status, VALUES.shadow_states.status), name="status_values"),
    info=_tenant_scoped(),
)

del c, p, b, m, s
