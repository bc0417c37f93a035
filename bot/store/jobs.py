"""The Store's outbox: jobs written with the decision to post, taken by delivery workers.

Taking a job is a compare-and-set on its state and lease, so among any number of workers and
instances exactly one holds it at a time. A job whose lease ran out was held by a worker that
died (or hung) mid-post: whoever takes it next is told it is "unsure", and looks in Slack for
the post before making it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Connection, Engine, and_, bindparam, func, or_, select, update

from bot.records import JobRecord, NewJob
from bot.store.inserts import insert_new
from bot.store.models import Escalation, OutboxJob, as_utc, utcnow

ERROR_LIMIT = 200
_KEY = ("job_key",)

# Each delivered job takes two of these: built once, so SQLAlchemy compiles them once.
_DUE = or_(
    and_(OutboxJob.state == "pending", OutboxJob.due_at <= bindparam("now")),
    and_(OutboxJob.state == "sending", OutboxJob.lease_until < bindparam("now")),
)
_SENT = (
    update(OutboxJob)
    .where(OutboxJob.id == bindparam("job_id"))
    .values(
        state="sent", sent_ts=bindparam("posted_ts"), lease_until=None, updated_at=bindparam("now")
    )
)


@cache
def _take(limit: int):  # type: ignore[no-untyped-def]
    oldest = select(OutboxJob.id).where(_DUE).order_by(OutboxJob.due_at).limit(limit)
    return (
        update(OutboxJob)
        .where(OutboxJob.id.in_(oldest.scalar_subquery()), _DUE)
        .values(
            state="sending",
            attempts=OutboxJob.attempts + 1,
            # Held before, lease run out: its holder died mid-post, it may be in Slack.
            unsure=or_(OutboxJob.unsure, OutboxJob.state == "sending"),
            lease_until=bindparam("held_until"),
            updated_at=bindparam("now"),
        )
        .returning(*OutboxJob.__table__.columns)
    )


def enqueue(conn: Connection, jobs: Iterable[NewJob], *, due_at: datetime | None = None) -> int:
    """Write jobs in the caller's transaction; a key already written is skipped. Returns how
    many were new."""
    now = utcnow()
    rows = [
        {
            "job_key": job.key[:255],
            "purpose": job.purpose,
            "channel_id": job.channel,
            "thread_ts": job.thread_ts,
            "target_ts": job.target_ts,
            "requester": job.requester,
            "escalation_id": job.escalation_id,
            "text": job.text,
            "blocks": job.blocks,
            "state": "pending",
            "attempts": 0,
            "unsure": False,
            "due_at": as_utc(due_at) if due_at else now,
            "created_at": now,
            "updated_at": now,
        }
        for job in jobs
    ]
    return sum(insert_new(conn, OutboxJob.__table__, _KEY, [row]) for row in rows)


class Jobs:
    engine: Engine

    def enqueue(self, jobs: Iterable[NewJob], *, due_at: datetime | None = None) -> int:
        with self.engine.begin() as conn:
            return enqueue(conn, jobs, due_at=due_at)

    def take_jobs(self, *, lease: timedelta, limit: int = 10) -> list[JobRecord]:
        """Due jobs, each now held by the caller until `lease` runs out (or it is finished).

        One UPDATE … RETURNING: the due condition is checked again on each row as it is
        updated, so of two workers reaching for the same job one gets it; and one short write
        per take keeps the database's write lock free for the event path.
        """
        now = utcnow()
        with self.engine.begin() as conn:
            rows = conn.execute(_take(limit), {"now": now, "held_until": now + lease}).all()
        return [_record(row) for row in rows]

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
            conn.execute(_SENT, {"job_id": job.id, "posted_ts": sent_ts, "now": now})
            if delivered_escalation is not None and sent_ts:
                conn.execute(
                    update(Escalation)
                    .where(Escalation.id == delivered_escalation, Escalation.support_ts.is_(None))
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
            conn.execute(
                update(OutboxJob)
                .where(OutboxJob.id == job.id)
                .values(
                    state="pending",
                    due_at=as_utc(at),
                    unsure=unsure,
                    lease_until=None,
                    last_error=error[:ERROR_LIMIT],
                    updated_at=now,
                )
            )
            if kept_escalation is not None:
                conn.execute(
                    update(Escalation)
                    .where(Escalation.id == kept_escalation)
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
            conn.execute(
                update(OutboxJob)
                .where(OutboxJob.id == job.id)
                .values(
                    state="failed",
                    lease_until=None,
                    last_error=error[:ERROR_LIMIT],
                    updated_at=utcnow(),
                )
            )

    def job(self, key: str) -> JobRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(OutboxJob).where(OutboxJob.job_key == key)).one_or_none()
            return _record(row) if row else None

    def jobs_waiting(self) -> int:
        """Jobs not yet through (pending or being sent): for /healthz-style checks and tests."""
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    select(func.count()).where(OutboxJob.state.in_(("pending", "sending")))
                ).scalar()
                or 0
            )


def _record(row) -> JobRecord:  # type: ignore[no-untyped-def]
    return JobRecord(
        key=row.job_key,
        channel=row.channel_id,
        text=row.text,
        blocks=row.blocks,
        purpose=row.purpose,
        thread_ts=row.thread_ts,
        target_ts=row.target_ts,
        escalation_id=row.escalation_id,
        requester=row.requester,
        id=row.id,
        state=row.state,
        attempts=row.attempts,
        unsure=bool(row.unsure),
        due_at=row.due_at,
        sent_ts=row.sent_ts,
        last_error=row.last_error,
        created_at=row.created_at,
    )
