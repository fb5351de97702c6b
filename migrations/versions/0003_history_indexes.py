"""Indexes for the history CLI at a million events: the newest events of a country, the
newest events of all, a series' readings in publication order, and its value changes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # `monitor events --country RU [--since ...]`: newest first without sorting the country.
    op.create_index("ix_events_country_published_id", "events", ["country", "published", "id"])
    # `monitor events [--since ...]` and filters the other indexes do not serve.
    op.create_index("ix_events_published_id", "events", ["published", "id"])
    # `monitor history`: a series' latest readings and its changes, in publication order.
    op.create_index(
        "ix_observations_indicator_id_published_id",
        "observations",
        ["indicator_id", "published", "id"],
    )
    op.create_index(
        "ix_observations_indicator_id_outcome_published_id",
        "observations",
        ["indicator_id", "outcome", "published", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_observations_indicator_id_outcome_published_id", "observations")
    op.drop_index("ix_observations_indicator_id_published_id", "observations")
    op.drop_index("ix_events_published_id", "events")
    op.drop_index("ix_events_country_published_id", "events")
