"""Plain frozen values the core and the Store share (never ORM objects): entry keys, examples,
escalations. Kept outside bot.store so the pure core needs no database library.

A caller cannot change the database by touching a record, and records survive the session that
read them (no lazy loading, no detached-instance errors).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

EntryKey = tuple[str, str, str | None]  # Entry.key: (provider, code, scope)


@dataclass(frozen=True)
class Example:
    """One failed message the requester points support at."""

    message_id: str
    sent_at: datetime  # aware, UTC
    recipient: str  # E.164, e.g. +14155550123


@dataclass(frozen=True)
class NewEscalation:
    """What someone asked support to look at, before the database gives it an id."""

    provider: str
    code: str
    scope: str | None
    requester: str  # Slack user id
    source_channel: str
    source_thread_ts: str | None
    permalink: str | None
    examples: tuple[Example, ...]
    notes: str
    support_channel: str


@dataclass(frozen=True)
class EscalationRecord(NewEscalation):
    """A stored escalation (what was asked, as NewEscalation) and where it stands."""

    id: int
    state: str  # "open" | "acknowledged" | "resolved"
    support_ts: str | None  # the support-channel post, once delivered
    delivery_attempts: int
    last_error: str | None
    acknowledged_by: str | None
    resolved_by: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def short_id(self) -> str:
        return f"ESC-{self.id}"

    @property
    def key(self) -> EntryKey:
        """The catalog entry it is about, as Entry.key spells it."""
        return (self.provider, self.code, self.scope)


@dataclass(frozen=True)
class NewJob:
    """Something the bot must say in Slack, written in the same transaction as the decision
    to say it, so a crash or a fault between deciding and posting loses nothing.

    `key` names the job once and for all ("reply:C1:1.1", "esc:42:support"): writing a job
    whose key exists changes nothing, and the key rides on the post as message metadata, so a
    post whose fate is unknown can be found in Slack before it is tried again.
    """

    key: str
    channel: str  # a channel id, or a user id for the bot's DM with that user
    text: str  # the fallback text
    blocks: str  # JSON
    purpose: str  # "reply", "support", "receipt", "note", "update", or "event" (TakenIn)
    thread_ts: str | None = None
    target_ts: str | None = None  # set for an update: the message to change
    escalation_id: int | None = None
    requester: str | None = None  # a note goes to their DM unless they are in `channel`
    event: str | None = None  # for purpose "event": the TakenIn to decide on, as JSON


@dataclass(frozen=True)
class JobRecord(NewJob):
    """A stored job and how its delivery stands."""

    id: int = 0
    state: str = "pending"  # "pending" | "sending" | "sent" | "failed"
    attempts: int = 0
    unsure: bool = False  # the last attempt may have posted: look for it before posting again
    due_at: datetime | None = None
    sent_ts: str | None = None
    last_error: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class TakenIn:
    """A message acknowledged to Slack before anything was decided about it.

    Slack never redelivers an acknowledged event, and deciding (detect, claims, the reply's
    card) is most of an event's cost: so only this is written before the ack, as an outbox job
    of purpose "event", and a delivery worker decides later. What needs the Slack context (is
    it ours, was the bot addressed) is settled before, so the job can be decided anywhere.
    """

    kind: str  # "message" or "app_mention": what the log line calls it
    channel: str
    ts: str
    text: str  # what to answer: the message, or for a question, the question without the mention
    thread_ts: str | None = None
    edit_ts: str | None = None  # set for an edit: the edit's own ts
    asked: bool = False  # a mention or a DM: answer even with no code
    from_bot: bool = False  # posted by a bot or an integration

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> TakenIn:
        return cls(**json.loads(text))


Source = tuple[str, str, str, str]  # where failures come from: (provider, account, sender, service)


@dataclass(frozen=True)
class FailureGroup:
    """Failures of one code from one source over some period."""

    provider: str
    account: str
    sender: str
    service: str
    code: str
    failures: int
    recipients: int  # distinct, by keyed hash
    first_at: datetime
    last_at: datetime

    @property
    def source(self) -> Source:
        return (self.provider, self.account, self.sender, self.service)


@dataclass(frozen=True)
class StoredFailure:
    """One failure a provider reported, as kept: the recipient only masked."""

    provider: str
    message_id: str
    code: str
    account: str
    sender: str
    service: str
    recipient: str  # "+1 ••• ••12"
    failed_at: datetime


@dataclass(frozen=True)
class AlertRecord:
    """One code's alert in one channel (bot.store.models.AlertRow), as read."""

    id: int
    channel: str
    provider: str
    code: str
    state: str  # "quiet" | "open"
    generation: int  # how many messages it has had
    opened_at: datetime | None
    shown: int  # the failures its message counts
    post_key: str | None
    last_job_key: str | None


@dataclass(frozen=True)
class Route:
    """A channel hearing a provider's failures: all of them (match ""), or one account,
    sender or messaging service's."""

    channel: str
    provider: str
    match: str = ""

    def hears(self, source: Source) -> bool:
        provider = source[0]
        return provider == self.provider and (not self.match or self.match in source[1:])


@dataclass(frozen=True)
class Mute:
    channel: str
    provider: str
    code: str
    until: datetime
    muted_by: str
