"""Indicators, their sources (observations), and the alert outbox with its deliveries.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Aware datetimes; SQLite stores them as naive UTC text (see monitor.store.tables.UTCDateTime).
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("series", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("country", sa.String(8), nullable=False),
        sa.Column("counterpart", sa.String(64)),
        sa.Column("unit", sa.String(32)),
        sa.Column("value", sa.BigInteger),
        sa.Column("qualifier", sa.String(16)),
        sa.Column("status", sa.String(16)),
        sa.Column("as_of", UTC_DATETIME),
        sa.Column("source_count", sa.Integer, nullable=False),
        sa.Column("current_observation_id", sa.Integer),
        sa.Column("threshold", sa.String(32)),
        sa.Column("first_seen_at", UTC_DATETIME, nullable=False),
        sa.Column("changed_at", UTC_DATETIME),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_indicators"),
        sa.UniqueConstraint("series", name="uq_indicators_series"),
    )

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dedup_key", sa.String(80), nullable=False),
        sa.Column("indicator_id", sa.Integer),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("change_type", sa.String(16), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("routed_at", UTC_DATETIME),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.UniqueConstraint("dedup_key", name="uq_alerts_dedup_key"),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name="fk_alerts_indicator_id_indicators",
            ondelete="SET NULL",
        ),
    )
    # `monitor alerts --status`, and the send job's look for alerts without deliveries.
    op.create_index("ix_alerts_status_id", "alerts", ["status", "id"])
    op.create_index("ix_alerts_routed_at_id", "alerts", ["routed_at", "id"])
    op.create_index("ix_alerts_indicator_id", "alerts", ["indicator_id"])

    op.create_table(
        "observations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("indicator_id", sa.Integer, nullable=False),
        sa.Column("entry_id", sa.Integer),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("backs_current", sa.Boolean, nullable=False),
        sa.Column("value", sa.BigInteger),
        sa.Column("qualifier", sa.String(16)),
        sa.Column("unit", sa.String(32)),
        sa.Column("status", sa.String(16)),
        sa.Column("published", UTC_DATETIME, nullable=False),
        sa.Column("observed_at", UTC_DATETIME, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("link", sa.Text),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
        sa.Column("alert_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_observations"),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name="fk_observations_indicator_id_indicators",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name="fk_observations_entry_id_entries",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name="fk_observations_alert_id_alerts", ondelete="SET NULL"
        ),
    )
    # `monitor history`: one series over time; the sources that back the current value.
    op.create_index(
        "ix_observations_indicator_id_observed_at", "observations", ["indicator_id", "observed_at"]
    )
    op.create_index(
        "ix_observations_indicator_id_backs_current",
        "observations",
        ["indicator_id", "backs_current"],
    )
    # A duplicate story finds the indicators of the original entry.
    op.create_index("ix_observations_entry_id", "observations", ["entry_id"])
    op.create_index("ix_observations_alert_id", "observations", ["alert_id"])

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("alert_id", sa.Integer, nullable=False),
        sa.Column("target_hash", sa.String(64), nullable=False),
        sa.Column("target_label", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTC_DATETIME, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", UTC_DATETIME),
        sa.Column("message_key", sa.String(80)),
        sa.Column("lease_owner", sa.String(200)),
        sa.Column("lease_until", UTC_DATETIME),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        # Also the index of an alert's deliveries.
        sa.UniqueConstraint("alert_id", "target_hash", name="uq_deliveries_alert_id_target_hash"),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name="fk_deliveries_alert_id_alerts", ondelete="CASCADE"
        ),
    )
    # The send job's claim (due deliveries), and the rate limit (sent per target and window).
    op.create_index(
        "ix_deliveries_status_next_attempt_at", "deliveries", ["status", "next_attempt_at"]
    )
    op.create_index("ix_deliveries_target_hash_sent_at", "deliveries", ["target_hash", "sent_at"])


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("observations")
    op.drop_table("alerts")
    op.drop_table("indicators")
