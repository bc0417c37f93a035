"""The first tables: answered messages, thread memory and channel settings.

Exactly what Store's create_all made before migrations existed, so a database from then is
stamped 0001 as it is (bot.store.migrate) and upgraded from there without losing a row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answered_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_key", sa.String(255), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answered_messages")),
        sa.UniqueConstraint("claim_key", name=op.f("uq_answered_messages_claim_key")),
    )
    op.create_index(op.f("ix_answered_messages_channel_id"), "answered_messages", ["channel_id"])
    op.create_table(
        "channel_settings",
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("auto_reply", sa.Boolean(), nullable=False),
        sa.Column("providers", sa.String(512), nullable=False),
        sa.Column("answer_bots", sa.Boolean(), nullable=False),
        sa.Column("support_channel", sa.String(32), nullable=True),
        sa.Column("updated_by", sa.String(32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_channel_settings")),
    )
    op.create_table(
        "thread_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("thread_ts", sa.String(32), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_codes")),
        sa.UniqueConstraint(
            "channel_id",
            "thread_ts",
            "provider",
            "code",
            "scope",
            name=op.f("uq_thread_codes_channel_id_thread_ts_provider_code_scope"),
        ),
    )


def downgrade() -> None:
    op.drop_table("thread_codes")
    op.drop_table("channel_settings")
    op.drop_index(op.f("ix_answered_messages_channel_id"), table_name="answered_messages")
    op.drop_table("answered_messages")
