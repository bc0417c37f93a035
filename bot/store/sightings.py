"""The Store's sightings: which entries came up in which channel, and how often.

A sighting is a row, never a counter: two instances seeing codes at once each insert their own
rows, and nothing is lost to an update race. A second insert for the same message and entry
(a retried delivery, an edit) is dropped by the unique key, so nothing counts twice either.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Insert, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.records import EntryKey
from bot.store.models import Sighting, as_utc, utcnow

_UNIQUE = ("message_key", "provider", "code", "scope")


class Sightings:
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
        with self._session.begin() as session:
            # One statement that skips duplicates: a row already there does not abort the rest,
            # as an IntegrityError would.
            insert = _insert_skipping_duplicates(session.get_bind().dialect.name)
            # SQLAlchemy keeps an INSERT's rowcount (the rows it added) only when asked to.
            added = session.execute(insert.values(rows).execution_options(preserve_rowcount=True))
            return added.rowcount

    def sightings(self, channel_id: str, key: EntryKey, since: datetime) -> int:
        """How many messages in the channel showed this entry since then."""
        provider, code, scope = key
        since = as_utc(since)
        with self._session() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(Sighting)
                    .where(
                        Sighting.channel_id == channel_id,
                        Sighting.provider == provider,
                        Sighting.code == code,
                        Sighting.scope == (scope or ""),
                        Sighting.seen_at >= since,
                    )
                )
                or 0
            )

    def top_codes(
        self,
        since: datetime,
        until: datetime,
        *,
        channel_id: str | None = None,
        limit: int = 10,
    ) -> list[tuple[EntryKey, int]]:
        """The most seen entries in [since, until): one channel's, or (None) the workspace's."""
        since, until = as_utc(since), as_utc(until)
        count = func.count().label("n")
        query = select(Sighting.provider, Sighting.code, Sighting.scope, count).where(
            Sighting.seen_at >= since, Sighting.seen_at < until
        )
        if channel_id is not None:
            query = query.where(Sighting.channel_id == channel_id)
        query = (
            query.group_by(Sighting.provider, Sighting.code, Sighting.scope)
            .order_by(count.desc(), Sighting.provider, Sighting.code, Sighting.scope)
            .limit(limit)
        )
        with self._session() as session:
            return [((p, c, s or None), n) for p, c, s, n in session.execute(query)]


def _insert_skipping_duplicates(dialect: str) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING, which both databases the bot runs on understand."""
    # Imported here: loading the PostgreSQL dialect costs a SQLite-only start ~50 ms.
    from sqlalchemy.dialects import postgresql, sqlite

    table = Sighting.__table__
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=_UNIQUE)
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=_UNIQUE)
    raise NotImplementedError(f"sightings need SQLite or PostgreSQL, not {dialect}")
