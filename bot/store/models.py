"""Tables: what the bot has answered, what each thread has been told, and channel settings.

Kept migration-friendly for the Alembic issue to come: named constraints (a naming convention on
the metadata), explicit table names, no database-specific types, and "" rather than NULL in
columns that take part in a unique key (NULLs never collide in SQL, so a unique key over a NULL
scope would let the same code in twice).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Boolean, DateTime, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AnsweredMessage(Base):
    """One row per message the bot has claimed; the unique key is what stops double answers."""

    __tablename__ = "answered_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_key: Mapped[str] = mapped_column(String(255), unique=True)
    channel_id: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ThreadCode(Base):
    """An entry already explained in a thread, so the thread never hears it twice."""

    __tablename__ = "thread_codes"
    __table_args__ = (UniqueConstraint("channel_id", "thread_ts", "provider", "code", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str] = mapped_column(String(32))
    provider: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(64), default="")  # "" = no scope, see above
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ChannelSettingsRecord(Base):
    """bot.channels.ChannelSettings as stored; a channel without a row uses the defaults."""

    __tablename__ = "channel_settings"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    auto_reply: Mapped[bool] = mapped_column(Boolean, default=True)
    providers: Mapped[str] = mapped_column(String(512), default="")  # comma-separated slugs
    answer_bots: Mapped[bool] = mapped_column(Boolean, default=False)
    support_channel: Mapped[str | None] = mapped_column(String(32), nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
