"""Tables: answered messages, thread memory, channel settings, escalations, sightings, the
outbox, and what provider webhooks reported (failures, delivered counts, alerts, routes, mutes).

Kept migration-friendly (Alembic, bot/migrations): named constraints (a naming convention on
the metadata), explicit table names, no database-specific types, and "" rather than NULL in
columns that take part in a unique key (NULLs never collide in SQL, so a unique key over a NULL
scope would let the same code in twice). A change here needs a new migration in
bot/migrations/versions; tests/store/test_migrations.py fails while the two disagree.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
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


def as_utc(moment: datetime) -> datetime:
    """The same moment in UTC; a naive datetime is refused (local time? UTC? nobody knows)."""
    if moment.tzinfo is None:
        raise ValueError(f"a naive datetime ({moment}) is ambiguous: pass an aware one")
    return moment.astimezone(timezone.utc)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in UTC, aware on the way out whatever the database keeps.

    SQLite has no time zones: it stores the wall-clock text and hands back naive datetimes, and
    it compares moments as text. Converting every value to UTC on the way in keeps those text
    comparisons right; tagging UTC on the way out lets callers compare with aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AnsweredMessageRow(Base):
    """One row per message the bot has claimed; the unique key is what stops double answers."""

    __tablename__ = "answered_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_key: Mapped[str] = mapped_column(String(255), unique=True)
    channel_id: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ThreadCodeRow(Base):
    """An entry already explained in a thread, so the thread never hears it twice."""

    __tablename__ = "thread_codes"
    __table_args__ = (UniqueConstraint("channel_id", "thread_ts", "provider", "code", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str] = mapped_column(String(32))
    provider: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(64), default="")  # "" = no scope, see above
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ChannelSettingsRow(Base):
    """bot.core.channels.ChannelSettings as stored; a channel without a row uses the defaults."""

    __tablename__ = "channel_settings"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    auto_reply: Mapped[bool] = mapped_column(Boolean, default=True)
    providers: Mapped[str] = mapped_column(String(512), default="")  # comma-separated slugs
    answer_bots: Mapped[bool] = mapped_column(Boolean, default=False)
    support_channel: Mapped[str | None] = mapped_column(String(32), nullable=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)  # None: the default
    updated_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class EscalationRow(Base):
    """A request for the support team about one entry; ESC-{id} is what people quote.

    The id comes from the database, so two instances creating escalations at once never pick
    the same number. support_ts stays NULL until the support-channel post went out.
    """

    __tablename__ = "escalations"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'acknowledged', 'resolved')", name="state"),
        Index("ix_escalations_state", "state"),
        Index("ix_escalations_view_id", "view_id", unique=True),
        # SQLite would otherwise reuse the highest id after a delete; an ESC-id means one thing.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(64), default="")
    requester: Mapped[str] = mapped_column(String(32))
    source_channel: Mapped[str] = mapped_column(String(32))
    source_thread_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    permalink: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    examples: Mapped[str] = mapped_column(Text, default="[]")  # JSON, see bot.core.records
    notes: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="open")
    support_channel: Mapped[str] = mapped_column(String(32))
    # The modal it was submitted from: a second submit of the same view finds this row.
    view_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    support_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    delivery_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class SightingRow(Base):
    """An entry seen in a channel message: counted by rows, so no instance loses an update.

    message_key names the message, not its edit: an edit or a retried delivery of the same
    message hits the unique key instead of counting the code again.
    """

    __tablename__ = "sightings"
    __table_args__ = (
        UniqueConstraint("message_key", "provider", "code", "scope"),
        Index("ix_sightings_channel_id_seen_at", "channel_id", "seen_at"),
        Index("ix_sightings_seen_at", "seen_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    message_key: Mapped[str] = mapped_column(String(255))
    provider: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(64), default="")
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class OutboxJobRow(Base):
    """Something the bot must post or update in Slack (bot.core.records.NewJob), until it has.

    Written in the transaction that decided it; a delivery worker takes it (state "sending"
    with a lease, so no other worker takes it meanwhile), posts it and marks it "sent". A
    worker that dies mid-post leaves the lease to expire; the next taker looks for the post in
    Slack by its key first ("unsure"), so it is never made twice.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'sending', 'sent', 'failed')", name="state"),
        Index("ix_outbox_state_due_at", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_key: Mapped[str] = mapped_column(String(255), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    target_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    requester: Mapped[str | None] = mapped_column(String(32), nullable=True)
    escalation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    blocks: Mapped[str] = mapped_column(Text, default="[]")
    event: Mapped[str | None] = mapped_column(Text, nullable=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    unsure: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    sent_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class DeliveryFailureRow(Base):
    """A failure a provider reported by webhook (bot.core.webhooks.report.Report), kept once
    however often the provider retries it (the unique event key), and purged after
    SMSERROR_FAILURE_RETENTION_DAYS. The recipient is kept masked, with a keyed hash to count
    distinct recipients: never the number itself."""

    __tablename__ = "delivery_failures"
    __table_args__ = (
        UniqueConstraint("provider", "event_key"),
        Index("ix_delivery_failures_failed_at", "failed_at"),
        Index("ix_delivery_failures_provider_message_id", "provider", "message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(64))
    event_key: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(128))
    code: Mapped[str] = mapped_column(String(16))  # "" when the provider gave none
    account: Mapped[str] = mapped_column(String(128), default="")
    sender: Mapped[str] = mapped_column(String(128), default="")
    service: Mapped[str] = mapped_column(String(128), default="")
    recipient_masked: Mapped[str] = mapped_column(String(32), default="")
    recipient_hash: Mapped[str] = mapped_column(String(32), default="")
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DeliveryCountRow(Base):
    """Messages reported delivered, per sender and minute: enough for a failure rate, without a
    row per message."""

    __tablename__ = "delivery_counts"
    __table_args__ = (
        UniqueConstraint("provider", "account", "sender", "service", "minute"),
        Index("ix_delivery_counts_minute", "minute"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(128), default="")
    sender: Mapped[str] = mapped_column(String(128), default="")
    service: Mapped[str] = mapped_column(String(128), default="")
    minute: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered: Mapped[int] = mapped_column(Integer, default=0)


class AlertRouteRow(Base):
    """A channel watching a provider: all of it (match ""), or one account, sender or
    messaging service (match is that id)."""

    __tablename__ = "alert_routes"
    __table_args__ = (UniqueConstraint("channel_id", "provider", "match"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    provider: Mapped[str] = mapped_column(String(64))
    match: Mapped[str] = mapped_column(String(128), default="")
    created_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AlertRow(Base):
    """The alert of one code in one channel: one row for good, its `generation` counting the
    messages it has had (a new one after each quiet period). Every change is a compare-and-set
    on generation or shown, so of two instances deciding at once only one posts or updates."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("channel_id", "provider", "code"),
        CheckConstraint("state IN ('quiet', 'open')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    provider: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="quiet")
    generation: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    shown: Mapped[int] = mapped_column(Integer, default=0)  # the failures its message counts
    post_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    last_job_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class AlertMuteRow(Base):
    """A code muted in a channel until a moment; listed and undone on App Home."""

    __tablename__ = "alert_mutes"
    __table_args__ = (UniqueConstraint("channel_id", "provider", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    provider: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(16))
    until: Mapped[datetime] = mapped_column(UtcDateTime)
    muted_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
