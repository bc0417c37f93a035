"""One transaction for one decision: claim a message, count its codes, claim them in the thread
and write the reply job, all or nothing.

Why: a reply decided in one transaction and written as a job in another is lost when the
process dies between the two (the claim says "answered", nothing was posted, and Slack's retry
is refused as a duplicate). In one transaction, a crash before the commit leaves no claim (a
retry answers) and after it leaves a job (a worker posts it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Connection

from bot.core.records import EntryKey, JobRecord, NewJob
from bot.store import claims, jobs, sightings


class TransactionUnit:
    """One transaction's work, as bot.core.ports.Unit: what answers do inside one commit."""

    def __init__(self, conn: Connection, hold: timedelta | None = None) -> None:
        self.conn = conn
        self._hold = hold
        self.held: list[JobRecord] = []  # for the hand-over, once the transaction commits

    def claim_message(self, key: str, channel_id: str) -> bool:
        return claims.claim_message(self.conn, key, channel_id)

    def explained(self, channel_id: str, thread_ts: str) -> set[EntryKey]:
        return claims.explained(self.conn, channel_id, thread_ts)

    def claim_codes(
        self, channel_id: str, thread_ts: str, keys: Iterable[EntryKey]
    ) -> list[EntryKey]:
        return claims.claim_codes(self.conn, channel_id, thread_ts, keys)

    def record_sightings(self, channel_id: str, message_key: str, keys: Iterable[EntryKey]) -> int:
        return sightings.record_sightings(self.conn, channel_id, message_key, keys)

    def sightings(self, channel_id: str, key: EntryKey, since: datetime) -> int:
        return sightings.sightings(self.conn, channel_id, key, since)

    def enqueue(self, *new: NewJob) -> int:
        if self._hold is None:
            return jobs.enqueue(self.conn, new)
        held = jobs.enqueue_held(self.conn, new, lease=self._hold)
        self.held.extend(held)
        return len(held)
