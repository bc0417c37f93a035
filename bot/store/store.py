"""The bot's memory, behind a small API in the product's words: claims and thread memory
(bot.store.claims), channel settings (bot.store.settings), escalations (bot.store.escalation)
and sightings (bot.store.sightings).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import weakref
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from bot.store.alerts import Alerts
from bot.store.claims import Claims
from bot.store.escalation import StoredEscalations
from bot.store.jobs import HandOver, Jobs
from bot.store.migrate import upgrade
from bot.store.reports import Reports
from bot.store.settings import RecentSettings, Settings
from bot.store.sightings import Sightings
from bot.store.unit import TransactionUnit

log = logging.getLogger(__name__)


class Store(Claims, Settings, StoredEscalations, Sightings, Jobs, Reports, Alerts):
    def __init__(self, engine: Engine, *, migrate: bool = True) -> None:
        """migrate=False leaves the schema to `smserror db upgrade` (one instance, ahead of
        time); by default the store brings the database up to date itself."""
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)
        self._recent = RecentSettings()
        self.handover = HandOver()
        # Keys the recipients' hashes (bot.core.webhooks.report.recipient_key); set from the
        # configuration by whoever serves webhooks.
        self.recipient_secret = b""
        self._delivered = Counter()
        self._delivered_lock = threading.Lock()
        if migrate:
            upgrade(engine)

    @classmethod
    def open(cls, url: str, *, migrate: bool = True, create_folder: bool = True) -> Store:
        """`create_folder=False` for a path an operator named: a missing folder there is a
        volume not mounted or a typo, not something to paper over with a new empty database."""
        return cls(make_engine(url, create_folder=create_folder), migrate=migrate)

    def close(self) -> None:
        self.engine.dispose()

    @staticmethod
    def unavailable(error: BaseException) -> bool:
        """Whether `error` is the database failing (worth trying again later), not the input."""
        return isinstance(error, SQLAlchemyError)

    @contextmanager
    def unit(self) -> Iterator[TransactionUnit]:
        """One transaction: everything done through the unit commits together, or not at all."""
        with self.engine.begin() as conn:
            unit = TransactionUnit(conn, self.handover.lease)
            yield unit
        self.handover.give(unit.held)

    def ping(self) -> bool:
        """True when the database takes a write; /healthz reports it. A database that still
        answers reads but refuses writes (a read-only file, a full disk, a replica) cannot
        claim a message or keep an escalation, so it is not healthy."""
        if not _same_file(self.engine):
            log.error("the SQLite file was removed or replaced under the running bot")
            return False
        try:
            with self.engine.begin() as conn:
                # A write that changes nothing, rolled back or not: it needs the write lock.
                conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
            return True
        except SQLAlchemyError:
            log.exception("database ping failed")
            return False


# The SQLite file each engine opened (path, device, inode), to notice it vanishing.
_FILES: weakref.WeakKeyDictionary[Engine, tuple[str, int, int]] = weakref.WeakKeyDictionary()


class StoreError(Exception):
    """The database cannot be used as configured; the message names the path or URL part."""


def make_engine(url: str, *, create_folder: bool = True) -> Engine:
    """An engine that several threads can share; SQLite files are created private (0600).

    After it is created the SQLite file is opened read-write only ("mode=rw"): a file removed
    under a running bot makes its database calls fail (and /healthz say so) instead of
    SQLite quietly starting a new, empty one, which would answer old messages again and lose
    open escalations.
    """
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database or ""
    if database in ("", ":memory:") or parsed.query.get("mode") == "memory":
        # One connection for every thread, or each would see its own empty database.
        return create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    path = Path(database)
    _check_folder(path, create=create_folder)
    _create_private_file(path)
    opened = path.resolve()
    engine = create_engine(
        f"sqlite:///file:{quote(str(opened))}?mode=rw&uri=true",
        connect_args={"check_same_thread": False, "timeout": 15},
    )
    stat = opened.stat()
    _FILES[engine] = (str(opened), stat.st_dev, stat.st_ino)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=15000")
        # WAL lets Slack's concurrent deliveries read while one writes a claim; the WAL and
        # shared-memory files inherit the database file's permissions.
        _into_wal(cursor)
        # With WAL, NORMAL keeps every commit through a crash of the process (what the outbox
        # needs) and skips the fsync per commit that FULL adds against power loss.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


WAL_WAIT = 15.0  # seconds, as busy_timeout


def _into_wal(cursor: sqlite3.Cursor) -> None:
    """Put the file in WAL mode (it stays so). Why a loop: on a new file, SQLite refuses the
    switch with "database is locked" at once, without waiting out busy_timeout, while another
    connection holds a lock; instances starting together on a new file hit that."""
    deadline = time.monotonic() + WAL_WAIT
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _check_folder(path: Path, *, create: bool) -> None:
    folder = path.parent
    if not folder.exists():
        if not create:
            raise StoreError(
                f"the folder of the SQLite file {path} does not exist: create it (or mount "
                "its volume), or point DATABASE_URL elsewhere"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as error:
            raise StoreError(f"cannot create the folder {folder} for {path}: {error}") from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(
            f"the folder {folder} of the SQLite file {path} is not writable by this user "
            "(SQLite writes its journal beside the file)"
        )


def _same_file(engine: Engine) -> bool:
    """Whether the SQLite file the engine opened is still there, and still that file."""
    kept = _FILES.get(engine)
    if not kept:
        return True
    name, device, inode = kept
    try:
        stat = os.stat(name)
    except OSError:
        return False
    return (stat.st_dev, stat.st_ino) == (device, inode)


def _create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only: it holds workspace message ids."""
    if path.exists():
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    except OSError as error:
        raise StoreError(f"cannot create the SQLite file {path}: {error}") from error
    os.close(fd)
    os.chmod(path, 0o600)  # in case the umask took bits away from 0600 (it cannot add any)
