"""The bot's memory, behind a small API in the product's words: claims and thread memory
(bot.store.claims), channel settings (bot.store.settings), escalations (bot.store.escalations)
and sightings (bot.store.sightings).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from bot.store.claims import Claims
from bot.store.escalations import Escalations
from bot.store.jobs import Jobs
from bot.store.migrate import upgrade
from bot.store.settings import RecentSettings, Settings
from bot.store.sightings import Sightings
from bot.store.unit import Unit

log = logging.getLogger(__name__)


class Store(Claims, Settings, Escalations, Sightings, Jobs):
    def __init__(self, engine: Engine, *, migrate: bool = True) -> None:
        """migrate=False leaves the schema to `smserror db upgrade` (one instance, ahead of
        time); by default the store brings the database up to date itself."""
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)
        self._recent = RecentSettings()
        if migrate:
            upgrade(engine)

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        return cls(make_engine(url), migrate=migrate)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def unit(self) -> Iterator[Unit]:
        """One transaction: everything done through the unit commits together, or not at all."""
        with self.engine.begin() as conn:
            yield Unit(conn)

    def ping(self) -> bool:
        """True when the database answers; /healthz reports it."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            log.exception("database ping failed")
            return False


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
