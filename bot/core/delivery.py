"""Delivering the outbox: every job posted once, none lost, whatever Slack or the process does.

The rules, with Slack behind a small port (Poster) so they run the same against the Web API,
the console and tests:
- a job is held by one worker at a time (bot.store.jobs), so no two post it at once;
- a post whose fate is unknown (a timeout, a dropped connection, a worker killed mid-call) is
  looked for in Slack by the job's key before it is made again: at most once;
- a rate limit waits as long as Slack asks, without holding a thread; other faults back off
  and try again: at least once;
- a refusal Slack will repeat (channel gone, bot removed) ends the job, except where a hook
  says otherwise (an escalation waits for its support channel and tells the requester once).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Protocol

from bot.cards.ids import is_channel
from bot.cards.message import Message
from bot.core.records import JobRecord, NewJob, TakenIn

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=120)  # longer than a Slack call with all its retries can take
BACKOFF_FIRST = 2.0  # seconds before the second try; doubling up to BACKOFF_MOST
BACKOFF_MOST = 300.0
SETTLE = 20.0  # seconds; bot.slack.app sets it from SMSERROR_SLACK_TIMEOUT
# Tries at deciding a message before it is given up: a database that is away is waited out
# (backoff reaches minutes by then), an event that breaks the decision every time is not.
EVENT_TRIES = 8


class Refused(Exception):
    """Slack refused, and will again (channel_not_found, not_in_channel, is_archived...)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class Later(Exception):
    """Slack asked us to wait (429 with Retry-After)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"rate limited for {seconds:g} s")
        self.seconds = seconds


class Unsure(Exception):
    """The request went out and no answer came back: Slack may have posted it."""


class Poster(Protocol):
    """What delivery needs from Slack; bot.slack.poster implements it over the Web API."""

    def post(self, job: JobRecord, channel: str, thread_ts: str | None) -> str:
        """Post the job's message tagged with its key; returns the message ts."""

    def update(self, job: JobRecord) -> None:
        """Change the message job.target_ts to the job's message."""

    def find(self, job: JobRecord) -> str | None:
        """The ts of a message tagged with job.key where the job posts, or None."""

    def is_member(self, channel: str, user: str) -> bool: ...


@dataclass(frozen=True)
class AfterSent:
    follow_ups: Sequence[NewJob] = ()
    delivered_escalation: int | None = None


@dataclass(frozen=True)
class AfterRefused:
    retry_at: datetime | None = None  # None: give the job up
    follow_ups: Sequence[NewJob] = ()
    kept_escalation: int | None = None


class Hooks(Protocol):
    """What follows a job of some purposes (an escalation's support post)."""

    def sent(self, job: JobRecord, ts: str) -> AfterSent: ...

    def refused(self, job: JobRecord, error: str) -> AfterRefused: ...


class NoHooks:
    def sent(self, job: JobRecord, ts: str) -> AfterSent:
        return AfterSent()

    def refused(self, job: JobRecord, error: str) -> AfterRefused:
        return AfterRefused()


def job_for(
    key: str,
    purpose: str,
    channel: str,
    message: Message,
    *,
    thread_ts: str | None = None,
    target_ts: str | None = None,
    escalation_id: int | None = None,
    requester: str | None = None,
) -> NewJob:
    """A job to post (or, with target_ts, to update) `message`."""
    return NewJob(
        key=key,
        channel=channel,
        text=message.text,
        blocks=json.dumps(list(message.blocks), ensure_ascii=False, separators=(",", ":")),
        purpose=purpose,
        thread_ts=thread_ts,
        target_ts=target_ts,
        escalation_id=escalation_id,
        requester=requester,
    )


def message_of(job: NewJob) -> Message:
    return Message(job.text, tuple(json.loads(job.blocks or "[]")))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_MOST, BACKOFF_FIRST * 2 ** max(0, attempts - 1)))


@dataclass
class Deliveries:
    store: JobStore
    hooks: Hooks = field(default_factory=NoHooks)
    lease: timedelta = LEASE
    # How long a request whose answer never came may still be under way at Slack: the look
    # for its post waits this long, or it could miss a post Slack is still making.
    settle: timedelta = timedelta(seconds=SETTLE)
    clock: Callable[[], datetime] = utcnow
    # Decides a message taken in before its ack (bot.core.answers.Answers.decide): its jobs are
    # decisions still to make, not posts.
    decide: Callable[[TakenIn], str] | None = None

    def deliver_due(self, poster: Poster, limit: int = 10) -> int:
        """Take the due jobs and deliver each; returns how many were taken."""
        taken = self.store.take_jobs(lease=self.lease, limit=limit)
        for job in taken:
            self.deliver(job, poster)
        return len(taken)

    def deliver(self, job: JobRecord, poster: Poster) -> str:
        """One attempt at one held job; returns the outcome, and logs it."""
        outcome = self._attempt(job, poster)
        log.info("job %s %s attempt=%d", job.key, outcome, job.attempts)
        return outcome

    def _attempt(self, job: JobRecord, poster: Poster) -> str:
        if job.purpose == "event":
            return self._decide(job)
        now = self.clock()
        try:
            if job.unsure and (ts := poster.find(job)):
                outcome, sent = "found", ts  # posted before the fault: not again
            elif job.target_ts:
                poster.update(job)
                outcome, sent = "updated", job.target_ts
            else:
                channel, thread = self._where(job, poster)
                outcome, sent = "posted", poster.post(job, channel, thread)
        except Later as wait:
            self.store.retry_job(
                job, at=now + timedelta(seconds=wait.seconds), error=str(wait), unsure=job.unsure
            )
            return "rate-limited"
        except Unsure as error:
            log.warning(
                "job %s: no answer from Slack (%s); will look before retrying", job.key, error
            )
            wait = max(backoff(job.attempts), self.settle)
            self.store.retry_job(job, at=now + wait, error="no answer", unsure=True)
            return "unsure"
        except Refused as refusal:
            after = self.hooks.refused(job, refusal.error)
            if after.retry_at is None:
                log.error("job %s: Slack refused it: %s; given up", job.key, refusal.error)
                self.store.give_up_job(job, refusal.error)
                return "refused"
            log.warning("job %s: Slack refused it: %s; will try again", job.key, refusal.error)
            self.store.retry_job(
                job,
                at=after.retry_at,
                error=refusal.error,
                unsure=False,
                follow_ups=after.follow_ups,
                kept_escalation=after.kept_escalation,
            )
            return "refused-kept"
        except Exception as error:  # Slack away, a 5xx past its retries, the database: later
            log.warning("job %s: not delivered (%s); will try again", job.key, type(error).__name__)
            self.store.retry_job(
                job, at=now + backoff(job.attempts), error=type(error).__name__, unsure=job.unsure
            )
            return "failed"
        after = self.hooks.sent(job, sent)
        self.store.finish_job(
            job,
            sent,
            follow_ups=after.follow_ups,
            delivered_escalation=after.delivered_escalation,
        )
        return outcome

    def _decide(self, job: JobRecord) -> str:
        """Decide on a message taken in. A decision is made once whatever happens (its claim is
        in the database), so a crash before the job is marked done only repeats the claim."""
        assert self.decide is not None and job.event is not None, job.key
        try:
            outcome = self.decide(TakenIn.from_json(job.event))
        except Exception as error:
            if job.attempts >= EVENT_TRIES:
                log.exception("job %s: cannot be decided; given up", job.key)
                self.store.give_up_job(job, type(error).__name__)
                return "given-up"
            log.warning("job %s: not decided (%s); will try again", job.key, type(error).__name__)
            at = self.clock() + backoff(job.attempts)
            self.store.retry_job(job, at=at, error=type(error).__name__, unsure=False)
            return "failed"
        self.store.finish_job(job, None)
        return outcome

    def _where(self, job: JobRecord, poster: Poster) -> tuple[str, str | None]:
        """Where a job posts: its channel, unless it is a note for a requester who is not in
        that channel (it then goes to their DM with the bot, as a user id)."""
        if (
            job.requester
            and is_channel(job.channel)
            and not poster.is_member(job.channel, job.requester)
        ):
            return job.requester, None
        return job.channel, job.thread_ts


class JobStore(Protocol):
    def take_jobs(self, *, lease: timedelta, limit: int = 10) -> list[JobRecord]: ...

    def finish_job(
        self,
        job: JobRecord,
        sent_ts: str | None,
        *,
        follow_ups: Sequence[NewJob] = (),
        delivered_escalation: int | None = None,
    ) -> None: ...

    def retry_job(
        self,
        job: JobRecord,
        *,
        at: datetime,
        error: str,
        unsure: bool,
        follow_ups: Sequence[NewJob] = (),
        kept_escalation: int | None = None,
    ) -> None: ...

    def give_up_job(self, job: JobRecord, error: str) -> None: ...
