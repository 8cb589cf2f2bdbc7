"""The device's schema: SQLite, native spellings, every name from ``domain.yaml``.

SQLite has no uuid, timestamp, json, boolean or enum type: uuids, timestamps (ISO 8601 text, UTC,
as CURRENT_TIMESTAMP writes them) and json are TEXT; booleans are INTEGER with CHECK (x IN (0, 1));
bigints are INTEGER (SQLite integers are 64-bit); ``communities.subscription_tier`` is TEXT with a
CHECK of its values, where PostgreSQL has a native enum. Everything else (keys, ON DELETE actions,
unique constraints, indexes including the partial one) is the same as on PostgreSQL.

Foreign keys are enforced only when the connection runs ``PRAGMA foreign_keys = ON``.
"""

from __future__ import annotations

import sqlalchemy as sa

from schemas.domain import NAMING_CONVENTION, VALUES, names

N = names("sqlite")

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def _in(column: str, values: tuple[str, ...] | tuple[int, ...]) -> sa.ColumnElement[bool]:
    """``column IN (...)`` as an expression (quoted as the name needs)."""
    return sa.column(column).in_(values)


def _boolean(column: str) -> sa.CheckConstraint:
    """The CHECK that makes an INTEGER column a boolean: ``x IN (0, 1)``."""
    return sa.CheckConstraint(_in(column, (0, 1)), name=f"{column}_bool")


NOW = sa.text("CURRENT_TIMESTAMP")
TRUE = sa.text("1")

c = N.communities
communities = sa.Table(
    c.__tablename__,
    metadata,
    sa.Column(c.id, sa.Text, primary_key=True),
    sa.Column(c.name, sa.Text, nullable=False),
    sa.Column(c.theme_id, sa.Text, server_default="basic"),
    sa.Column(
        c.subscription_tier,
        sa.Text,
        server_default="free",
    ),
    sa.Column(c.discord_guild_id, sa.Text),
    sa.Column(c.telegram_chat_id, sa.Text),
    sa.Column(c.is_active, sa.Integer, nullable=False, server_default=TRUE),
    sa.Column(c.settings, sa.Text),
    sa.Column(c.version, sa.Integer, nullable=False, server_default=sa.text("1")),
    sa.Column(c.created_at, sa.Text, nullable=False, server_default=NOW),
    sa.Column(c.updated_at, sa.Text, nullable=False, server_default=NOW),
    sa.UniqueConstraint(c.discord_guild_id),
    sa.UniqueConstraint(c.telegram_chat_id),
    sa.CheckConstraint(
        _in(c.subscription_tier, VALUES.communities.subscription_tier),
        name="subscription_tier_values",
    ),
    _boolean(c.is_active),
)
community_id = communities.c[c.id]

p = N.profiles
profiles = sa.Table(
    p.__tablename__,
    metadata,
    sa.Column(p.id, sa.Text, primary_key=True),
    sa.Column(
        p.community_id,
        sa.Text,
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
    sa.Column(p.joined_at, sa.Text),
    sa.Column(p.last_seen_at, sa.Text),
    sa.Column(p.first_claim_at, sa.Text),
    sa.Column(p.metadata, sa.Text),
    sa.Column(p.version, sa.Integer, nullable=False, server_default=sa.text("1")),
    sa.Column(p.created_at, sa.Text, nullable=False, server_default=NOW),
    sa.Column(p.updated_at, sa.Text, nullable=False, server_default=NOW),
    sa.UniqueConstraint(p.community_id, p.discord_id),
    sa.UniqueConstraint(p.community_id, p.telegram_id),
    sa.Index(None, p.community_id),
    sa.Index(None, p.wallet_address),
    sa.Index(None, p.community_id, p.tier),
    sa.Index(None, p.community_id, p.current_rank),
)
profile_id = profiles.c[p.id]

b = N.badges
badges = sa.Table(
    b.__tablename__,
    metadata,
    sa.Column(b.id, sa.Text, primary_key=True),
    sa.Column(
        b.community_id,
        sa.Text,
        sa.ForeignKey(community_id, ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(b.profile_id, sa.Text, sa.ForeignKey(profile_id, ondelete="CASCADE"), nullable=False),
    sa.Column(b.badge_type, sa.Text, nullable=False),
    sa.Column(b.awarded_at, sa.Text),
    # Lineage survives the awarder's deletion.
    sa.Column(b.awarded_by, sa.Text, sa.ForeignKey(profile_id, ondelete="SET NULL")),
    sa.Column(b.revoked_at, sa.Text),
    sa.Column(b.metadata, sa.Text),
    sa.Column(b.created_at, sa.Text, nullable=False, server_default=NOW),
    sa.UniqueConstraint(b.community_id, b.profile_id, b.badge_type),
    sa.Index(None, b.profile_id),
    sa.Index(None, b.community_id, b.badge_type),
    sa.Index(None, b.awarded_by),
    # The badges a profile holds now: the hot path, so only unrevoked rows are indexed.
    sa.Index(
        "ix_badges_profile_id_active",
        b.profile_id,
        sqlite_where=sa.column(b.revoked_at).is_(None),
    ),
)

m = N.manifests
manifests = sa.Table(
    m.__tablename__,
    metadata,
    sa.Column(m.id, sa.Text, primary_key=True),
    sa.Column(
        m.community_id,
        sa.Text,
        sa.ForeignKey(community_id, ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(m.version, sa.Integer, nullable=False),
    sa.Column(m.content, sa.Text, nullable=False),
    sa.Column(m.checksum, sa.Text, nullable=False),
    sa.Column(m.synthesized_at, sa.Text),
    sa.Column(m.synthesized_by, sa.Text),
    sa.Column(m.is_active, sa.Integer, nullable=False, server_default=TRUE),
    sa.Column(m.created_at, sa.Text, nullable=False, server_default=NOW),
    sa.UniqueConstraint(m.community_id, m.version),
    sa.CheckConstraint(sa.column(m.version) > 0, name="version_positive"),
    _boolean(m.is_active),
)

s = N.shadow_states
shadow_states = sa.Table(
    s.__tablename__,
    metadata,
    sa.Column(s.id, sa.Text, primary_key=True),
    sa.Column(
        s.community_id,
        sa.Text,
        sa.ForeignKey(community_id, ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(s.manifest_version, sa.Integer, nullable=False),
    sa.Column(s.applied_at, sa.Text),
    sa.Column(s.applied_by, sa.Text),
    sa.Column(s.resources, sa.Text, nullable=False),
    sa.Column(s.checksum, sa.Text, nullable=False),
    sa.Column(s.status, sa.Text, nullable=False, server_default="applied"),
    sa.Column(s.created_at, sa.Text, nullable=False, server_default=NOW),
    sa.CheckConstraint(_in(s.status, VALUES.shadow_states.status), name="status_values"),
)

del c, p, b, m, s
