"""The Store's claims and thread memory: which messages were answered, which entries each thread
has heard.

A claim is one INSERT that the table's unique key lets through once (bot.store.inserts): two
threads (or two processes) racing for the same message both try, exactly one row lands, and the
other learns it lost. A read-then-write check would let both through.

These run for every message with a code, so they go through SQLAlchemy Core on a plain
connection, with statements built once: the ORM's unit of work costs more than the query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Engine, bindparam, delete, select

from bot.core.records import EntryKey
from bot.store.inserts import insert_new
from bot.store.models import AnsweredMessageRow, ThreadCodeRow

_MESSAGE_KEY = ("claim_key",)
_THREAD_KEY = ("channel_id", "thread_ts", "provider", "code", "scope")

_EXPLAINED = select(ThreadCodeRow.provider, ThreadCodeRow.code, ThreadCodeRow.scope).where(
    ThreadCodeRow.channel_id == bindparam("channel_id"),
    ThreadCodeRow.thread_ts == bindparam("thread_ts"),
)
_RELEASE_MESSAGE = delete(AnsweredMessageRow).where(
    AnsweredMessageRow.claim_key == bindparam("key")
)
_RELEASE_CODE = delete(ThreadCodeRow).where(
    *(getattr(ThreadCodeRow, column) == bindparam(column) for column in _THREAD_KEY)
)


class Claims:
    engine: Engine

    # -- answered messages -------------------------------------------------------------------

    def claim_message(self, key: str, channel_id: str) -> bool:
        """True exactly once per key, however many deliveries, threads or restarts ask."""
        with self.engine.begin() as conn:
            return claim_message(conn, key, channel_id)

    def release_message(self, key: str) -> None:
        """Undo a claim whose answer could not be sent, so a retry may answer."""
        with self.engine.begin() as conn:
            conn.execute(_RELEASE_MESSAGE, {"key": key})

    # -- thread memory -----------------------------------------------------------------------

    def explained(self, channel_id: str, thread_ts: str) -> set[EntryKey]:
        """Every entry already explained in this thread."""
        with self.engine.connect() as conn:
            return explained(conn, channel_id, thread_ts)

    def claim_codes(
        self, channel_id: str, thread_ts: str, keys: Iterable[EntryKey]
    ) -> list[EntryKey]:
        """Record entries as explained in the thread; returns those that were not already.

        One transaction per entry, as each is its own claim: two messages racing in one thread
        with the same codes in another order can never wait on each other.
        """
        won = []
        for key in dict.fromkeys(keys):
            with self.engine.begin() as conn:
                won += claim_codes(conn, channel_id, thread_ts, [key])
        return won

    def release_codes(self, channel_id: str, thread_ts: str, keys: Sequence[EntryKey]) -> None:
        if not keys:
            return
        with self.engine.begin() as conn:
            for key in keys:
                conn.execute(_RELEASE_CODE, _thread_row(channel_id, thread_ts, key))


# The same operations on a connection the caller's transaction holds (bot.store.unit).


def claim_message(conn: Connection, key: str, channel_id: str) -> bool:
    row = {"claim_key": key, "channel_id": channel_id}
    return insert_new(conn, AnsweredMessageRow.__table__, _MESSAGE_KEY, [row]) == 1


def explained(conn: Connection, channel_id: str, thread_ts: str) -> set[EntryKey]:
    rows = conn.execute(_EXPLAINED, {"channel_id": channel_id, "thread_ts": thread_ts})
    return {(p, c, s or None) for p, c, s in rows}


def claim_codes(
    conn: Connection, channel_id: str, thread_ts: str, keys: Iterable[EntryKey]
) -> list[EntryKey]:
    """Inside one transaction, in a fixed order: two transactions claiming the same codes in
    the same order wait for each other instead of deadlocking."""
    won = []
    for key in sorted(dict.fromkeys(keys), key=lambda k: (k[0], k[1], k[2] or "")):
        row = _thread_row(channel_id, thread_ts, key)
        if insert_new(conn, ThreadCodeRow.__table__, _THREAD_KEY, [row]) == 1:
            won.append(key)
    return won


def _thread_row(channel_id: str, thread_ts: str, key: EntryKey) -> dict[str, str]:
    provider, code, scope = key
    # "" rather than NULL for no scope: NULLs never collide in a unique key (bot.store.models).
    return {
        "channel_id": channel_id,
        "thread_ts": thread_ts,
        "provider": provider,
        "code": code,
        "scope": scope or "",
    }
