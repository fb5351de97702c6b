"""Feeds, their entries and the events found in them.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Aware datetimes; SQLite stores them as naive UTC text (see monitor.store.tables.UTCDateTime).
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("interval_seconds", sa.Integer, nullable=False),
        sa.Column("next_poll_at", UTC_DATETIME, nullable=False),
        sa.Column("last_polled_at", UTC_DATETIME),
        sa.Column("last_status", sa.Integer),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("error_count", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("disabled_reason", sa.Text),
        sa.Column("lease_owner", sa.String(200)),
        sa.Column("lease_until", UTC_DATETIME),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feeds"),
        sa.UniqueConstraint("url", name="uq_feeds_url"),
    )
    # The poll tick's query: enabled feeds by next_poll_at.
    op.create_index("ix_feeds_enabled_next_poll_at", "feeds", ["enabled", "next_poll_at"])

    op.create_table(
        "entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("feed_id", sa.Integer, nullable=False),
        sa.Column("guid", sa.Text, nullable=False),
        sa.Column("link", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("published", UTC_DATETIME),
        sa.Column("fetched_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_entries"),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feeds.id"], name="fk_entries_feed_id_feeds", ondelete="CASCADE"
        ),
        # Also the index of an entry's feed.
        sa.UniqueConstraint("feed_id", "guid", name="uq_entries_feed_id_guid"),
    )
    op.create_index("ix_entries_fingerprint", "entries", ["fingerprint"])

    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_id", sa.Integer, nullable=False),
        sa.Column("feed_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("country", sa.String(8), nullable=False),
        sa.Column("counterpart", sa.String(64)),
        sa.Column("value", sa.BigInteger),
        sa.Column("unit", sa.String(32)),
        sa.Column("qualifier", sa.String(16)),
        sa.Column("status", sa.String(16)),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("published", UTC_DATETIME, nullable=False),
        sa.Column("detected_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], name="fk_events_entry_id_entries", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feeds.id"], name="fk_events_feed_id_feeds", ondelete="CASCADE"
        ),
    )
    # History queries: a country's events of one kind over time.
    op.create_index("ix_events_country_kind_published", "events", ["country", "kind", "published"])
    op.create_index("ix_events_entry_id", "events", ["entry_id"])
    op.create_index("ix_events_feed_id", "events", ["feed_id"])


def downgrade() -> None:
    op.drop_table("events")
    op.drop_table("entries")
    op.drop_table("feeds")
