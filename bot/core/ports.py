"""The ports the core talks through: what answers and escalations need from a store and from
counters, and nothing of how they are kept.

Why: the core (catalog, lookup, detect, answers, the escalation rules and service) decides; the
adapters (bot.store on SQLAlchemy, bot.metrics on prometheus_client, bot.slack) keep, count and
post. The core names these Protocols, so it imports no database, metrics or Slack library, and
a test can hand it a dictionary. The ruff rule TID251 (pyproject.toml) holds the line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from bot.core.catalog import Entry
from bot.core.channels import ChannelSettings
from bot.core.records import EntryKey, EscalationRecord, NewEscalation, NewJob, StoredFailure

JobsFor = Callable[[EscalationRecord], Sequence[NewJob]]


class Unit(Protocol):
    """One transaction for one decision (bot.store.unit): all of it is kept, or none."""

    def claim_message(self, key: str, channel_id: str) -> bool: ...

    def explained(self, channel_id: str, thread_ts: str) -> set[EntryKey]: ...

    def claim_codes(
        self, channel_id: str, thread_ts: str, keys: Iterable[EntryKey]
    ) -> list[EntryKey]: ...

    def record_sightings(
        self, channel_id: str, message_key: str, keys: Iterable[EntryKey]
    ) -> int: ...

    def sightings(self, channel_id: str, key: EntryKey, since: datetime) -> int: ...

    def enqueue(self, *new: NewJob) -> int: ...


class AnswerStore(Protocol):
    """What bot.core.answers needs kept."""

    def settings(self, channel_id: str) -> ChannelSettings: ...

    def enqueue(self, jobs: Iterable[NewJob], *, due_at: datetime | None = None) -> int: ...

    def unit(self) -> AbstractContextManager[Unit]: ...

    def sightings(self, channel_id: str, key: EntryKey, since: datetime) -> int: ...


class EscalationStore(Protocol):
    """What bot.core.escalation.service needs kept."""

    def settings(self, channel_id: str) -> ChannelSettings: ...

    def failure_of_message(self, provider: str, message_id: str) -> StoredFailure | None: ...

    def enqueue(self, jobs: Iterable[NewJob], *, due_at: datetime | None = None) -> int: ...

    def create_escalation(
        self, new: NewEscalation, *, view_id: str | None = None, jobs_for: JobsFor | None = None
    ) -> EscalationRecord: ...

    def escalation(self, id: int) -> EscalationRecord | None: ...

    def undelivered_escalations(self, limit: int = 500) -> list[EscalationRecord]: ...

    def open_escalations(self, limit: int = 50) -> list[EscalationRecord]: ...

    def move_escalation(
        self, id: int, *, to: str, by: str, jobs_for: JobsFor | None = None
    ) -> EscalationRecord | None: ...


class SightingStore(Protocol):
    """What bot.core.stats reads: codes seen, counted."""

    def top_codes(
        self,
        since: datetime,
        until: datetime,
        *,
        channel_id: str | None = None,
        channel_ids: Sequence[str] | None = None,
        limit: int = 10,
    ) -> list[tuple[EntryKey, int]]: ...

    def sighting_channels(
        self, since: datetime, until: datetime, limit: int = 500
    ) -> list[str]: ...


class Counters(Protocol):
    """What the core counts (bot.metrics counts it for Prometheus)."""

    def detections(self, entries: Iterable[Entry]) -> None: ...

    def reply(self, surface: str) -> None: ...

    def escalation(self, state: str) -> None: ...


class NoCounters:
    """Counters that count nothing: for the console, the command line and tests."""

    def detections(self, entries: Iterable[Entry]) -> None:
        pass

    def reply(self, surface: str) -> None:
        pass

    def escalation(self, state: str) -> None:
        pass
