"""The bot's memory, behind a small API in the product's words: claims, thread memory, settings,
escalations (bot.store.escalations) and sightings (bot.store.sightings).

Claims are INSERTs that a unique key lets through once: two threads (or two processes) racing
for the same message both try, exactly one row lands, and the loser sees IntegrityError. A
read-then-write check would let both through.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bot.channels import ChannelSettings
from bot.records import EntryKey
from bot.store.escalations import Escalations
from bot.store.migrate import upgrade
from bot.store.models import AnsweredMessage, ChannelSettingsRecord, ThreadCode
from bot.store.sightings import Sightings

log = logging.getLogger(__name__)


class Store(Escalations, Sightings):
    def __init__(self, engine: Engine, *, migrate: bool = True) -> None:
        """migrate=False leaves the schema to `smserror db upgrade` (one instance, ahead of
        time); by default the store brings the database up to date itself."""
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)
        if migrate:
            upgrade(engine)

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        return cls(make_engine(url), migrate=migrate)

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> bool:
        """True when the database answers; /healthz reports it."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            log.exception("database ping failed")
            return False

    # -- answered messages -------------------------------------------------------------------

    def claim_message(self, key: str, channel_id: str) -> bool:
        """True exactly once per key, however many deliveries, threads or restarts ask."""
        return self._insert(AnsweredMessage(claim_key=key, channel_id=channel_id))

    def release_message(self, key: str) -> None:
        """Undo a claim whose answer could not be sent, so a retry may answer."""
        with self._session.begin() as session:
            session.execute(delete(AnsweredMessage).where(AnsweredMessage.claim_key == key))

    # -- thread memory -----------------------------------------------------------------------

    def explained(self, channel_id: str, thread_ts: str) -> set[EntryKey]:
        """Every entry already explained in this thread."""
        with self._session() as session:
            rows = session.execute(
                select(ThreadCode.provider, ThreadCode.code, ThreadCode.scope).where(
                    ThreadCode.channel_id == channel_id, ThreadCode.thread_ts == thread_ts
                )
            )
            return {(p, c, s or None) for p, c, s in rows}

    def claim_codes(
        self, channel_id: str, thread_ts: str, keys: Iterable[EntryKey]
    ) -> list[EntryKey]:
        """Record entries as explained in the thread; returns those that were not already."""
        return [
            key
            for key in dict.fromkeys(keys)
            if self._insert(
                ThreadCode(
                    channel_id=channel_id,
                    thread_ts=thread_ts,
                    provider=key[0],
                    code=key[1],
                    scope=key[2] or "",
                )
            )
        ]

    def release_codes(self, channel_id: str, thread_ts: str, keys: Sequence[EntryKey]) -> None:
        with self._session.begin() as session:
            for provider, code, scope in keys:
                session.execute(
                    delete(ThreadCode).where(
                        ThreadCode.channel_id == channel_id,
                        ThreadCode.thread_ts == thread_ts,
                        ThreadCode.provider == provider,
                        ThreadCode.code == code,
                        ThreadCode.scope == (scope or ""),
                    )
                )

    # -- channel settings --------------------------------------------------------------------

    def settings(self, channel_id: str) -> ChannelSettings:
        with self._session() as session:
            record = session.get(ChannelSettingsRecord, channel_id)
            return _settings(record) if record else ChannelSettings()

    def save_settings(
        self, channel_id: str, settings: ChannelSettings, *, user_id: str | None = None
    ) -> None:
        with self._session.begin() as session:
            record = session.get(ChannelSettingsRecord, channel_id)
            if record is None:
                record = ChannelSettingsRecord(channel_id=channel_id)
                session.add(record)
            record.auto_reply = settings.auto_reply
            record.providers = ",".join(settings.providers)
            record.answer_bots = settings.answer_bots
            record.support_channel = settings.support_channel
            record.updated_by = user_id

    def channels_with_settings(self) -> list[tuple[str, ChannelSettings]]:
        """Every channel someone has configured, oldest change first."""
        with self._session() as session:
            records = session.scalars(
                select(ChannelSettingsRecord).order_by(
                    ChannelSettingsRecord.updated_at, ChannelSettingsRecord.channel_id
                )
            )
            return [(r.channel_id, _settings(r)) for r in records]

    # -- plumbing ----------------------------------------------------------------------------

    def _insert(self, row: object) -> bool:
        session: Session
        with self._session() as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
            return True


def _settings(record: ChannelSettingsRecord) -> ChannelSettings:
    return ChannelSettings(
        auto_reply=record.auto_reply,
        providers=tuple(p for p in record.providers.split(",") if p),
        answer_bots=record.answer_bots,
        support_channel=record.support_channel,
    )


def make_engine(url: str) -> Engine:
    """An engine that several threads can share; SQLite files are created private (0600)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database or ""
    if database in ("", ":memory:") or parsed.query.get("mode") == "memory":
        # One connection for every thread, or each would see its own empty database.
        return create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    _create_private_file(Path(database))
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        # WAL lets Slack's concurrent deliveries read while one writes a claim; the WAL and
        # shared-memory files inherit the database file's permissions.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    return engine


def _create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only: it holds workspace message ids."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # in case the umask took bits away from 0600 (it cannot add any)
