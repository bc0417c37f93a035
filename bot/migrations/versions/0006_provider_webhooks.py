"""What provider webhooks report: failures (kept once each), delivered counts per minute,
each channel's alerts, the routes that say which channel hears which provider, and mutes."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "delivery_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("event_key", sa.String(255), nullable=False),
        sa.Column("message_id", sa.String(128), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("sender", sa.String(128), nullable=False),
        sa.Column("service", sa.String(128), nullable=False),
        sa.Column("recipient_masked", sa.String(32), nullable=False),
        sa.Column("recipient_hash", sa.String(32), nullable=False),
        sa.Column("failed_at", _AT, nullable=False),
        sa.Column("received_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_failures")),
        sa.UniqueConstraint(
            "provider", "event_key", name=op.f("uq_delivery_failures_provider_event_key")
        ),
    )
    op.create_index(op.f("ix_delivery_failures_failed_at"), "delivery_failures", ["failed_at"])
    op.create_index(
        op.f("ix_delivery_failures_provider_message_id"),
        "delivery_failures",
        ["provider", "message_id"],
    )
    op.create_table(
        "delivery_counts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("sender", sa.String(128), nullable=False),
        sa.Column("service", sa.String(128), nullable=False),
        sa.Column("minute", _AT, nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_counts")),
        sa.UniqueConstraint(
            "provider",
            "account",
            "sender",
            "service",
            "minute",
            name=op.f("uq_delivery_counts_provider_account_sender_service_minute"),
        ),
    )
    op.create_index(op.f("ix_delivery_counts_minute"), "delivery_counts", ["minute"])
    op.create_table(
        "alert_routes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("match", sa.String(128), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=True),
        sa.Column("created_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_routes")),
        sa.UniqueConstraint(
            "channel_id",
            "provider",
            "match",
            name=op.f("uq_alert_routes_channel_id_provider_match"),
        ),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("opened_at", _AT, nullable=True),
        sa.Column("shown", sa.Integer(), nullable=False),
        sa.Column("post_key", sa.String(255), nullable=True),
        sa.Column("last_job_key", sa.String(255), nullable=True),
        sa.Column("updated_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "channel_id", "provider", "code", name=op.f("uq_alerts_channel_id_provider_code")
        ),
        sa.CheckConstraint("state IN ('quiet', 'open')", name=op.f("ck_alerts_state")),
    )
    op.create_table(
        "alert_mutes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("until", _AT, nullable=False),
        sa.Column("muted_by", sa.String(32), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_mutes")),
        sa.UniqueConstraint(
            "channel_id", "provider", "code", name=op.f("uq_alert_mutes_channel_id_provider_code")
        ),
    )


def downgrade() -> None:
    for table in ("alert_mutes", "alerts", "alert_routes", "delivery_counts", "delivery_failures"):
        op.drop_table(table)
