"""Escalations, from the Escalate button to the support channel and back to the thread.

The rules live here as plain values: a listener hands over what Slack sent plus an Outbox to
reach Slack through, and gets back a view, errors for the modal, or an outcome word to log.
HTTP, Socket Mode, the console and the retry loop all run this one path.

Nothing here calls Slack to post: the escalation and its support post are written together
(the post as an outbox job, bot.core.delivery), so a crash, a slow Slack or a refusal loses nothing
and posts nothing twice. Once the post is through, the requester's receipt follows as another
job; a support channel that refuses the post keeps it waiting (the requester is told once) and
it is tried again every `retry_after` until it is through.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from bot.cards.escalation import (
    EscalationSource,
    escalation_modal,
    escalation_receipt,
    escalation_update,
    escalations_list,
    read_escalation_submission,
    support_message,
)
from bot.cards.ids import Forged, entry_for, entry_ref, is_channel, is_dm
from bot.cards.message import Message
from bot.core.catalog import Catalog, Entry
from bot.core.delivery import AfterRefused, AfterSent, job_for
from bot.core.escalation import recurrence
from bot.core.escalation.form import check_examples
from bot.core.ports import Counters, EscalationStore, NoCounters
from bot.core.records import EscalationRecord, Example, JobRecord, NewEscalation, NewJob
from bot.strings import default, speaking

log = logging.getLogger(__name__)

STATES = ("acknowledged", "resolved")


class Outbox(Protocol):
    """What escalations ask Slack while someone waits; bot.slack.outbox implements it."""

    def permalink(self, channel: str, ts: str) -> str | None: ...

    def is_member(self, channel: str, user: str) -> bool: ...


@dataclass(frozen=True)
class Submitted:
    """The outcome of a modal submission: a stored escalation, or errors to show in the modal."""

    record: EscalationRecord | None = None
    errors: Mapping[str, str] = field(default_factory=dict)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Escalations:
    def __init__(
        self,
        store: EscalationStore,
        catalog: Catalog,
        *,
        default_support: str | None = None,
        mask_numbers: bool = True,
        region: str = "US",
        retry_after: timedelta = timedelta(minutes=1),
        clock: Callable[[], datetime] = utcnow,
        counters: Counters | None = None,
    ) -> None:
        self.store = store
        self.counters = counters or NoCounters()
        self.catalog = catalog
        self.default_support = default_support
        self.mask_numbers = mask_numbers
        self.region = region
        self.retry_after = retry_after  # between attempts at an undelivered escalation
        self.clock = clock

    # -- the form ----------------------------------------------------------------------------

    def destination(self, channel: str) -> str:
        """The channel's own support channel, else the operator's, else the channel itself."""
        own = self.store.settings(channel).support_channel if is_channel(channel) else None
        return own or self.default_support or channel

    def form(
        self,
        entry: Entry,
        *,
        channel: str,
        thread_ts: str | None,
        out: Outbox,
        examples: Sequence[Example] = (),
    ) -> dict:
        """The modal for one entry, pre-filled with where it came from and where it will go
        (and, from an alert, with the failures the provider reported)."""
        permalink = out.permalink(channel, thread_ts) if thread_ts else None
        try:
            source = EscalationSource(channel, thread_ts, permalink, entry_ref(entry))
        except ValueError:  # an odd permalink: the form works without the link
            source = EscalationSource(channel, thread_ts, None, entry_ref(entry))
        return escalation_modal(
            entry, source, destination=self.destination(channel), examples=examples
        )

    def entry(self, ref: str) -> Entry:
        """The entry a button or modal names; Forged when it is not one of ours."""
        return entry_for(self.catalog, ref)

    def submit(
        self, metadata: str, state_values: Any, user: str, *, view_id: str | None = None
    ) -> Submitted:
        """Check the answers; store the escalation, with its support post as a job, when they
        hold. The same view submitted again gets the same escalation. Forged: bad metadata."""
        try:
            source = EscalationSource.from_metadata(metadata)
        except ValueError as error:
            raise Forged(str(error)) from error
        entry = self.entry(source.entry_ref)
        rows, notes = read_escalation_submission(
            state_values if isinstance(state_values, dict) else {}, recurrence.needed(entry)
        )
        examples, errors = check_examples(
            entry,
            rows,
            now=self.clock(),
            region=self.region,
            id_shape=self.catalog.message_id_shape(entry.provider),
            reported=lambda message_id: self._reported(entry.provider, message_id),
        )
        if errors or examples is None:
            return Submitted(errors=errors)
        record = self.store.create_escalation(
            NewEscalation(
                provider=entry.provider,
                code=entry.code,
                scope=entry.scope,
                requester=user,
                source_channel=source.channel,
                source_thread_ts=source.thread_ts,
                permalink=source.permalink,
                examples=tuple(examples),
                notes=notes,
                support_channel=self.destination(source.channel),
            ),
            view_id=view_id,
            jobs_for=lambda stored: [self.support_job(stored)],
        )
        self.counters.escalation(record.state)
        return Submitted(record=record)

    def _reported(self, provider: str, message_id: str) -> str | None:
        failure = self.store.failure_of_message(provider, message_id)
        return failure.recipient if failure else None

    # -- delivery (bot.core.delivery.Hooks) --------------------------------------------------------

    def support_job(self, record: EscalationRecord) -> NewJob:
        return job_for(
            f"esc:{record.id}:support",
            "support",
            record.support_channel,
            self.support_post(record),
            escalation_id=record.id,
        )

    def adopt_undelivered(self) -> int:
        """Give every escalation still waiting for its support post a job, if it has none:
        those stored before the outbox existed were retried by a loop that is gone. A job
        already written is left as it is (the key names it once)."""
        return self.store.enqueue(
            [self.support_job(record) for record in self.store.undelivered_escalations()]
        )

    def sent(self, job: JobRecord, ts: str) -> AfterSent:
        """A support post is through: the escalation is delivered and the requester hears."""
        if job.purpose != "support" or job.escalation_id is None:
            return AfterSent()
        record = self.store.escalation(job.escalation_id)
        if record is None:
            return AfterSent()
        delivered = replace(record, support_ts=ts)
        with self._speaking_in(record.source_channel):
            message = escalation_receipt(delivered, delivered=True)
        receipt = self._note(delivered, "receipt", message)
        log.info("escalation %s delivered to %s", record.short_id, record.support_channel)
        return AfterSent(follow_ups=[receipt], delivered_escalation=record.id)

    def refused(self, job: JobRecord, error: str) -> AfterRefused:
        """The support channel refused the post: keep it, tell the requester once, try again."""
        if job.purpose != "support" or job.escalation_id is None:
            return AfterRefused()
        record = self.store.escalation(job.escalation_id)
        if record is None or record.state == "resolved":
            return AfterRefused()
        log.warning("escalation %s not delivered: %s", record.short_id, error)
        kept = replace(record, last_error=error)
        with self._speaking_in(record.source_channel):
            message = escalation_receipt(kept, delivered=False, problem=error)
        note = self._note(kept, "kept", message)
        return AfterRefused(
            retry_at=self.clock() + self.retry_after,
            follow_ups=[note],  # keyed once per escalation: said once, not on every retry
            kept_escalation=record.id,
        )

    def support_post(self, record: EscalationRecord) -> Message:
        entry = self.catalog.get(*record.key)
        if entry is None:
            raise Forged(f"{record.short_id} names an entry the catalog no longer has")
        with self._speaking_in(record.support_channel):  # the support channel's own language
            return support_message(record, entry, mask_numbers=self.mask_numbers)

    # -- acknowledge and resolve -------------------------------------------------------------

    def move(self, value: str, to: str, user: str, out: Outbox) -> str:
        """Acknowledge or resolve from the support message's buttons; returns the outcome
        ("not-a-member:C…" names the support channel the clicker is not in)."""
        if to not in STATES:
            raise ValueError(f"unknown escalation state {to!r}")
        record = self.store.escalation(_id(value))
        if record is None:
            raise Forged(f"no escalation {value!r}")
        if not out.is_member(record.support_channel, user):
            return f"not-a-member:{record.support_channel}"
        moved = self.store.move_escalation(
            record.id, to=to, by=user, jobs_for=lambda now: self._moved_jobs(now, to, user)
        )
        if moved is None:
            return "unchanged"  # a second click, or someone else was quicker
        self.counters.escalation(moved.state)
        log.info("escalation %s %s by %s", moved.short_id, to, user)
        return to

    def _moved_jobs(self, moved: EscalationRecord, to: str, user: str) -> list[NewJob]:
        """The support post shows the new state; the requester hears who moved it."""
        with self._speaking_in(moved.source_channel):
            update = escalation_update(moved, by=user)
        jobs = [self._note(moved, to, update)]
        if moved.support_ts:
            jobs.insert(
                0,
                job_for(
                    f"esc:{moved.id}:{to}:update",
                    "update",
                    moved.support_channel,
                    self.support_post(moved),
                    target_ts=moved.support_ts,
                    escalation_id=moved.id,
                ),
            )
        return jobs

    def open_list(self, user: str, visible: Callable[[str], bool]) -> Message:
        """The open escalations `user` may see: asked for by them, or from or to a channel
        they are in (`visible`). Another channel's escalations name its people and codes."""
        shown = [
            r
            for r in self.store.open_escalations()
            if r.requester == user or visible(r.source_channel) or visible(r.support_channel)
        ]
        return escalations_list(shown, self.catalog)

    # -- plumbing ----------------------------------------------------------------------------

    def _speaking_in(self, channel: str) -> AbstractContextManager[None]:
        """What a channel reads is in its language; a DM or a user id, in the default."""
        if is_channel(channel):
            return speaking(self.store.settings(channel).spoken)
        return speaking(default())

    def _note(self, record: EscalationRecord, what: str, message: Message) -> NewJob:
        """A note for the requester: in the source thread, else in their DM with the bot.

        Only into a channel the requester is in (the job carries the requester, and delivery
        checks): the modal's metadata names the source channel, and a note must never carry an
        escalation into a channel they cannot see.
        """
        if record.source_thread_ts or is_dm(record.source_channel):
            channel, thread = record.source_channel, record.source_thread_ts
        else:
            channel, thread = record.requester, None  # posting to a user id lands in the DM
        return job_for(
            f"esc:{record.id}:{what}:note",
            "note",
            channel,
            message,
            thread_ts=thread,
            escalation_id=record.id,
            requester=None if is_dm(channel) or channel == record.requester else record.requester,
        )


def visible_to(out: Outbox, user: str) -> Callable[[str], bool]:
    """Whether `user` is in a channel, asked of Slack once per channel for one request."""
    known: dict[str, bool] = {}

    def visible(channel: str) -> bool:
        if channel not in known:
            known[channel] = bool(channel) and out.is_member(channel, user)
        return known[channel]

    return visible


def _id(value: str) -> int:
    if not isinstance(value, str) or not value.isdigit() or len(value) > 12:
        raise Forged(f"not an escalation id: {str(value)[:40]!r}")
    return int(value)
