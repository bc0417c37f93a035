"""Bring a database to the schema this code expects, with the Alembic scripts in bot/migrations.

The usual start finds the database already at HEAD with one small query and does not even
import Alembic. When there is work, it runs in one transaction under a lock, so instances
starting together take turns: a PostgreSQL advisory lock, or SQLite's write lock (BEGIN
IMMEDIATE; the next one waits out busy_timeout). Whoever comes second finds nothing left to do.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0006"  # the newest script in bot/migrations/versions (a test keeps the two in step)
FIRST = "0001"  # the tables Store's create_all made before there were migrations
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
LEGACY_TABLES = ("answered_messages", "thread_codes", "channel_settings")
_PG_LOCK = int.from_bytes(b"SMSERROR", "big")  # any constant that every instance agrees on
# alembic.op and alembic.context are module-wide: two threads migrating at once would mix them.
_ONE_AT_A_TIME = threading.Lock()


class SchemaError(Exception):
    """The database holds something the migrations do not know how to take over."""


def current(engine: Engine) -> str | None:
    """The revision the database is at; None when it has never been migrated."""
    with engine.connect() as conn:
        return _revision(conn)


def upgrade(engine: Engine) -> None:
    """Apply every migration the database lacks; a database from before them is kept."""
    if current(engine) == HEAD:
        return
    from alembic import command  # ~90 ms to import, paid only when there is work to do

    with _ONE_AT_A_TIME, engine.connect() as conn:
        take_migration_lock(conn)
        cfg = alembic_config(conn)
        if _revision(conn) is None and _legacy(conn):
            command.stamp(cfg, FIRST)  # its tables are there already: record that, keep rows
        command.upgrade(cfg, "head")
        conn.commit()


def alembic_config(conn: Connection) -> Config:
    """Alembic's settings, made in code: the wheel carries no alembic.ini."""
    from alembic.config import Config

    cfg = Config()
    # The value goes through configparser, which reads "%" as the start of a substitution.
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    cfg.attributes["connection"] = conn
    return cfg


def take_migration_lock(conn: Connection) -> None:
    """Begin the migration transaction, holding a lock that only its end releases."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        # The transaction-scoped kind: commit or rollback frees it, even on an error path.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    elif dialect == "sqlite":
        # Takes the file's write lock now rather than at the first write, so the check of
        # the current revision below already sees what another process may have just done.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.begin()


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _legacy(conn: Connection) -> bool:
    """True for a database made by create_all before migrations; False for an empty one."""
    present = [t for t in LEGACY_TABLES if inspect(conn).has_table(t)]
    if present and len(present) < len(LEGACY_TABLES):
        missing = sorted(set(LEGACY_TABLES) - set(present))
        raise SchemaError(
            f"the database has {', '.join(present)} but not {', '.join(missing)}, and no "
            "alembic_version table: it was not made by smserror, so it is left alone"
        )
    return bool(present)
