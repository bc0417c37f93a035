"""The Store's sightings: which entries came up in which channel, and how often.

A sighting is a row, never a counter: two instances seeing codes at once each insert their own
rows, and nothing is lost to an update race. A second insert for the same message and entry
(a retried delivery, an edit) is dropped by the unique key, so nothing counts twice either.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, Engine, bindparam, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.records import EntryKey
from bot.store.inserts import insert_new
from bot.store.models import SightingRow, as_utc, utcnow

_UNIQUE = ("message_key", "provider", "code", "scope")

# Asked for each code of each message with a code: Core, built once (see bot.store.claims).
_SEEN_SINCE = (
    select(func.count())
    .select_from(SightingRow)
    .where(
        SightingRow.channel_id == bindparam("channel_id"),
        SightingRow.provider == bindparam("provider"),
        SightingRow.code == bindparam("code"),
        SightingRow.scope == bindparam("scope"),
        SightingRow.seen_at >= bindparam("since"),
    )
)


def record_sightings(
    conn: Connection,
    channel_id: str,
    message_key: str,
    keys: Iterable[EntryKey],
    *,
    at: datetime | None = None,
) -> int:
    """Sightings.record_sightings on a connection the caller's transaction holds."""
    seen_at = as_utc(at) if at else utcnow()
    rows = [
        {
            "channel_id": channel_id,
            "message_key": message_key,
            "provider": provider,
            "code": code,
            "scope": scope,
            "seen_at": seen_at,
        }
        for provider, code, scope in dict.fromkeys((p, c, s or "") for p, c, s in keys)
    ]
    if not rows:
        return 0
    # One statement that skips duplicates: a row already there does not abort the rest, as an
    # IntegrityError would.
    return insert_new(conn, SightingRow.__table__, _UNIQUE, rows)


def sightings(conn: Connection, channel_id: str, key: EntryKey, since: datetime) -> int:
    provider, code, scope = key
    asked = {
        "channel_id": channel_id,
        "provider": provider,
        "code": code,
        "scope": scope or "",
        "since": as_utc(since),
    }
    return conn.execute(_SEEN_SINCE, asked).scalar() or 0


class Sightings:
    engine: Engine
    _session: sessionmaker[Session]

    def record_sightings(
        self,
        channel_id: str,
        message_key: str,
        keys: Iterable[EntryKey],
        *,
        at: datetime | None = None,
    ) -> int:
        """Count each entry once for this message; returns how many were new."""
        with self.engine.begin() as conn:
            return record_sightings(conn, channel_id, message_key, keys, at=at)

    def sightings(self, channel_id: str, key: EntryKey, since: datetime) -> int:
        """How many messages in the channel showed this entry since then."""
        with self.engine.connect() as conn:
            return sightings(conn, channel_id, key, since)

    def top_codes(
        self,
        since: datetime,
        until: datetime,
        *,
        channel_id: str | None = None,
        channel_ids: Sequence[str] | None = None,
        limit: int = 10,
    ) -> list[tuple[EntryKey, int]]:
        """The most seen entries in [since, until): one channel's, some channels' (channel_ids),
        or (neither) the workspace's."""
        since, until = as_utc(since), as_utc(until)
        count = func.count().label("n")
        query = select(SightingRow.provider, SightingRow.code, SightingRow.scope, count).where(
            SightingRow.seen_at >= since, SightingRow.seen_at < until
        )
        if channel_id is not None:
            query = query.where(SightingRow.channel_id == channel_id)
        if channel_ids is not None:
            query = query.where(SightingRow.channel_id.in_(list(channel_ids)))
        query = (
            query.group_by(SightingRow.provider, SightingRow.code, SightingRow.scope)
            .order_by(count.desc(), SightingRow.provider, SightingRow.code, SightingRow.scope)
            .limit(limit)
        )
        with self._session() as session:
            return [((p, c, s or None), n) for p, c, s, n in session.execute(query)]

    def sighting_channels(self, since: datetime, until: datetime, limit: int = 500) -> list[str]:
        """The channels with codes seen in [since, until), most active first."""
        since, until = as_utc(since), as_utc(until)
        count = func.count().label("n")
        query = (
            select(SightingRow.channel_id, count)
            .where(SightingRow.seen_at >= since, SightingRow.seen_at < until)
            .group_by(SightingRow.channel_id)
            .order_by(count.desc(), SightingRow.channel_id)
            .limit(limit)
        )
        with self._session() as session:
            return [channel for channel, _ in session.execute(query)]
