"""The Store's outbox: jobs written with the decision to post, taken by delivery workers.

Taking a job is a compare-and-set on its state and lease, so among any number of workers and
instances exactly one holds it at a time. A job whose lease ran out was held by a worker that
died (or hung) mid-post: whoever takes it next is told it is "unsure", and looks in Slack for
the post before making it again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam, func, or_, select, update

from bot.core.records import JobRecord, NewJob
from bot.store.inserts import insert_new
from bot.store.models import EscalationRow, OutboxJobRow, as_utc, utcnow

ERROR_LIMIT = 200
_KEY = ("job_key",)

# Each delivered job takes two of these: built once, so SQLAlchemy compiles them once.
_DUE = or_(
    and_(OutboxJobRow.state == "pending", OutboxJobRow.due_at <= bindparam("now")),
    and_(OutboxJobRow.state == "sending", OutboxJobRow.lease_until < bindparam("now")),
)
_SENT = (
    update(OutboxJobRow)
    .where(OutboxJobRow.job_key == bindparam("key"))
    .values(
        state="sent", sent_ts=bindparam("posted_ts"), lease_until=None, updated_at=bindparam("now")
    )
)


@cache
def _take(limit: int):  # type: ignore[no-untyped-def]
    oldest = select(OutboxJobRow.id).where(_DUE).order_by(OutboxJobRow.due_at).limit(limit)
    return (
        update(OutboxJobRow)
        .where(OutboxJobRow.id.in_(oldest.scalar_subquery()), _DUE)
        .values(
            state="sending",
            attempts=OutboxJobRow.attempts + 1,
            # Held before, lease run out: its holder died mid-post, it may be in Slack.
            unsure=or_(OutboxJobRow.unsure, OutboxJobRow.state == "sending"),
            lease_until=bindparam("held_until"),
            updated_at=bindparam("now"),
        )
        .returning(*OutboxJobRow.__table__.columns)
    )


def enqueue(conn: Connection, jobs: Iterable[NewJob], *, due_at: datetime | None = None) -> int:
    """Write jobs in the caller's transaction; a key already written is skipped. Returns how
    many were new."""
    return len(_write(conn, jobs, due_at=due_at))


def enqueue_held(conn: Connection, jobs: Iterable[NewJob], *, lease: timedelta) -> list[JobRecord]:
    """Write jobs already held by the caller (taken, with `lease`), for it to deliver itself;
    returns the new ones."""
    return _write(conn, jobs, lease=lease)


def _write(
    conn: Connection,
    jobs: Iterable[NewJob],
    *,
    due_at: datetime | None = None,
    lease: timedelta | None = None,
) -> list[JobRecord]:
    now = utcnow()
    written = []
    for job in jobs:
        row = {
            "job_key": job.key[:255],
            "purpose": job.purpose,
            "channel_id": job.channel,
            "thread_ts": job.thread_ts,
            "target_ts": job.target_ts,
            "requester": job.requester,
            "escalation_id": job.escalation_id,
            "text": job.text,
            "blocks": job.blocks,
            "event": job.event,
            "state": "pending" if lease is None else "sending",
            "attempts": 0 if lease is None else 1,
            "unsure": False,
            "due_at": as_utc(due_at) if due_at else now,
            "lease_until": None if lease is None else now + lease,
            "created_at": now,
            "updated_at": now,
        }
        if insert_new(conn, OutboxJobRow.__table__, _KEY, [row]):
            written.append(_record(row))
    return written


class HandOver:
    """Jobs this process wrote and delivers itself, handed to its workers in memory.

    Why: a job written to be taken from the database costs its worker a transaction to take
    it, and the core is what the acks need. A job written here is held by this process from
    the start (state "sending", with a lease), so no other worker or instance takes it, and a
    crash leaves it to be taken, as unsure, once its lease runs out, like any other.
    """

    def __init__(self) -> None:
        self.lease: timedelta | None = None  # None: off, jobs are written to be taken
        self._jobs: deque[JobRecord] = deque()

    def give(self, jobs: Iterable[JobRecord]) -> None:
        """After the transaction that wrote them has committed."""
        self._jobs.extend(jobs)

    def take(self, limit: int) -> list[JobRecord]:
        """Up to `limit` jobs with at least half their lease left: one nearer its end is left to
        run out and be taken from the database, so it can never be posted by two holders."""
        taken: list[JobRecord] = []
        while len(taken) < limit:
            try:
                job = self._jobs.popleft()
            except IndexError:
                break
            assert self.lease is not None and job.due_at is not None
            if utcnow() - job.due_at < self.lease / 2:
                taken.append(job)
        return taken


class Jobs:
    engine: Engine
    handover: HandOver

    def hold_jobs(self, lease: timedelta) -> None:
        """From now on, the jobs written due at once are held by this process as they are
        written, and handed to its workers in memory (HandOver): only for a process whose
        workers call take_jobs."""
        self.handover.lease = lease

    def enqueue(self, jobs: Iterable[NewJob], *, due_at: datetime | None = None) -> int:
        lease = self.handover.lease
        if lease is None or due_at is not None:
            with self.engine.begin() as conn:
                return enqueue(conn, jobs, due_at=due_at)
        with self.engine.begin() as conn:
            held = enqueue_held(conn, jobs, lease=lease)
        self.handover.give(held)
        return len(held)

    def take_jobs(self, *, lease: timedelta, limit: int = 10) -> list[JobRecord]:
        """Due jobs, each now held by the caller until `lease` runs out (or it is finished):
        first those this process wrote held (HandOver), then from the database.

        One UPDATE … RETURNING: the due condition is checked again on each row as it is
        updated, so of two workers reaching for the same job one gets it; and one short write
        per take keeps the database's write lock free for the event path.
        """
        if held := self.handover.take(limit):
            return held
        now = utcnow()
        with self.engine.begin() as conn:
            rows = conn.execute(_take(limit), {"now": now, "held_until": now + lease}).all()
        return [_record(row._mapping) for row in rows]

    def finish_job(
        self,
        job: JobRecord,
        sent_ts: str | None,
        *,
        follow_ups: Sequence[NewJob] = (),
        delivered_escalation: int | None = None,
    ) -> None:
        """The post is in Slack: mark it sent and, in the same transaction, write what follows
        from it (a receipt once a support post is through) and note the escalation delivered."""
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(_SENT, {"key": job.key, "posted_ts": sent_ts, "now": now})
            if delivered_escalation is not None and sent_ts:
                conn.execute(
                    update(EscalationRow)
                    .where(
                        EscalationRow.id == delivered_escalation, EscalationRow.support_ts.is_(None)
                    )
                    .values(
                        support_ts=sent_ts,
                        delivery_attempts=job.attempts,
                        last_error=None,
                        updated_at=now,
                    )
                )
            enqueue(conn, follow_ups)

    def retry_job(
        self,
        job: JobRecord,
        *,
        at: datetime,
        error: str,
        unsure: bool,
        follow_ups: Sequence[NewJob] = (),
        kept_escalation: int | None = None,
    ) -> None:
        """Not through yet: try again at `at`. `unsure`: it may have been posted, so look for it
        first. For a support post, the escalation keeps why it waits."""
        now = utcnow()
        with self.engine.begin() as conn:
            _let_go(conn, job, "pending", error, now, due_at=as_utc(at), unsure=unsure)
            if kept_escalation is not None:
                conn.execute(
                    update(EscalationRow)
                    .where(EscalationRow.id == kept_escalation)
                    .values(
                        last_error=error[:ERROR_LIMIT],
                        delivery_attempts=job.attempts,
                        updated_at=now,
                    )
                )
            enqueue(conn, follow_ups)

    def give_up_job(self, job: JobRecord, error: str) -> None:
        """Slack will never take it (the channel is gone, the bot was removed): keep why."""
        with self.engine.begin() as conn:
            _let_go(conn, job, "failed", error, utcnow())

    def job(self, key: str) -> JobRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(OutboxJobRow).where(OutboxJobRow.job_key == key)
            ).one_or_none()
            return _record(row._mapping) if row else None

    def jobs_waiting(self) -> int:
        """Jobs not yet through (pending or being sent): for /healthz-style checks and tests."""
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    select(func.count()).where(OutboxJobRow.state.in_(("pending", "sending")))
                ).scalar()
                or 0
            )


def _let_go(
    conn: Connection, job: JobRecord, state: str, error: str, now: datetime, **more: Any
) -> None:
    """The job leaves its holder for `state` ("pending" again, or "failed"), keeping why."""
    conn.execute(
        update(OutboxJobRow)
        .where(OutboxJobRow.job_key == job.key)
        .values(
            state=state, lease_until=None, last_error=error[:ERROR_LIMIT], updated_at=now, **more
        )
    )


def _record(row: Mapping[str, Any]) -> JobRecord:
    """The record of an outbox row: one read back (row._mapping) or one just written (its
    values, with no id yet: held jobs are found by their key)."""
    return JobRecord(
        key=row["job_key"],
        channel=row["channel_id"],
        text=row["text"],
        blocks=row["blocks"],
        purpose=row["purpose"],
        thread_ts=row["thread_ts"],
        target_ts=row["target_ts"],
        escalation_id=row["escalation_id"],
        requester=row["requester"],
        event=row["event"],
        id=row.get("id") or 0,
        state=row["state"],
        attempts=row["attempts"],
        unsure=bool(row["unsure"]),
        due_at=row["due_at"],
        sent_ts=row.get("sent_ts"),
        last_error=row.get("last_error"),
        created_at=row["created_at"],
    )
