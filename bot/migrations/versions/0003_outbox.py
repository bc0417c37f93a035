"""The outbox (everything the bot must post, until it has) and idempotent escalation submits."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_key", sa.String(255), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("thread_ts", sa.String(32), nullable=True),
        sa.Column("target_ts", sa.String(32), nullable=True),
        sa.Column("requester", sa.String(32), nullable=True),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("blocks", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("unsure", sa.Boolean(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_ts", sa.String(32), nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("job_key", name=op.f("uq_outbox_job_key")),
        sa.CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'failed')", name=op.f("ck_outbox_state")
        ),
    )
    op.create_index(op.f("ix_outbox_state_due_at"), "outbox", ["state", "due_at"])
    # A plain ADD COLUMN and a unique index: SQLite needs no table rebuild for either.
    op.add_column("escalations", sa.Column("view_id", sa.String(64), nullable=True))
    op.create_index(op.f("ix_escalations_view_id"), "escalations", ["view_id"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_escalations_view_id"), table_name="escalations")
    with op.batch_alter_table("escalations") as batch:
        batch.drop_column("view_id")
    op.drop_index(op.f("ix_outbox_state_due_at"), table_name="outbox")
    op.drop_table("outbox")
