"""Escalations (ESC-n requests to support) and sightings (which codes come up where)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("requester", sa.String(32), nullable=False),
        sa.Column("source_channel", sa.String(32), nullable=False),
        sa.Column("source_thread_ts", sa.String(32), nullable=True),
        sa.Column("permalink", sa.String(1000), nullable=True),
        sa.Column("examples", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("support_channel", sa.String(32), nullable=False),
        sa.Column("support_ts", sa.String(32), nullable=True),
        sa.Column("delivery_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("acknowledged_by", sa.String(32), nullable=True),
        sa.Column("resolved_by", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.CheckConstraint(
            "state IN ('open', 'acknowledged', 'resolved')", name=op.f("ck_escalations_state")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_escalations_state"), "escalations", ["state"])
    op.create_table(
        "sightings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("message_key", sa.String(255), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sightings")),
        sa.UniqueConstraint(
            "message_key",
            "provider",
            "code",
            "scope",
            name=op.f("uq_sightings_message_key_provider_code_scope"),
        ),
    )
    op.create_index(op.f("ix_sightings_channel_id_seen_at"), "sightings", ["channel_id", "seen_at"])
    op.create_index(op.f("ix_sightings_seen_at"), "sightings", ["seen_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sightings_seen_at"), table_name="sightings")
    op.drop_index(op.f("ix_sightings_channel_id_seen_at"), table_name="sightings")
    op.drop_table("sightings")
    op.drop_index(op.f("ix_escalations_state"), table_name="escalations")
    op.drop_table("escalations")
