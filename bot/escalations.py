"""Escalations, from the Escalate button to the support channel and back to the thread.

The rules live here as plain values: a listener hands over what Slack sent plus an Outbox to
reach Slack through, and gets back a view, errors for the modal, or an outcome word to log.
HTTP, Socket Mode, the console and the retry loop all run this one path.

Delivery is at least once, never silently lost: the escalation is stored before anything is
posted; a post that fails leaves it undelivered, the requester is told, and retry_due() posts it
later. Each attempt is claimed in the database first, so two instances never post the same
attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from bot.cards.escalations import (
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
from bot.catalog import Catalog, Entry
from bot.escalation import recurrence
from bot.escalation.form import check_examples
from bot.metrics import count_escalation
from bot.store import EscalationRecord, NewEscalation, Store

log = logging.getLogger(__name__)

STATES = ("acknowledged", "resolved")


class Outbox(Protocol):
    """What escalations need from Slack; bot.slack.outbox implements it over the Web API."""

    def post(self, channel: str, message: Message, *, thread_ts: str | None = None) -> str:
        """Post and return the new message's ts; raises on failure."""

    def update(self, channel: str, ts: str, message: Message) -> None: ...

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
        store: Store,
        catalog: Catalog,
        *,
        default_support: str | None = None,
        mask_numbers: bool = True,
        region: str = "US",
        retry_after: timedelta = timedelta(minutes=1),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
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

    def form(self, entry: Entry, *, channel: str, thread_ts: str | None, out: Outbox) -> dict:
        """The modal for one entry, pre-filled with where it came from and where it will go."""
        permalink = out.permalink(channel, thread_ts) if thread_ts else None
        try:
            source = EscalationSource(channel, thread_ts, permalink, entry_ref(entry))
        except ValueError:  # an odd permalink: the form works without the link
            source = EscalationSource(channel, thread_ts, None, entry_ref(entry))
        return escalation_modal(entry, source, destination=self.destination(channel))

    def entry(self, ref: str) -> Entry:
        """The entry a button or modal names; Forged when it is not one of ours."""
        return entry_for(self.catalog, ref)

    def submit(self, metadata: str, state_values: Any, user: str) -> Submitted:
        """Check the answers; store the escalation when they hold. Forged: bad metadata."""
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
            )
        )
        count_escalation(record.state)
        return Submitted(record=record)

    # -- delivery ----------------------------------------------------------------------------

    def deliver(self, record: EscalationRecord, out: Outbox) -> bool:
        """Post to the support channel and tell the requester; False when it must wait."""
        if not self.store.claim_delivery(record.id, record.delivery_attempts):
            return False  # another instance (or an earlier attempt) has this one
        first = record.delivery_attempts == 0
        try:
            ts = out.post(record.support_channel, self.support_post(record))
        except Exception as error:  # any failure: the escalation stays stored, and waits
            problem = describe_failure(error)
            log.warning("escalation %s not delivered: %s", record.short_id, problem)
            kept = self.store.mark_undelivered(record.id, problem)
            if first:  # say it once, not on every retry
                self._tell(kept, escalation_receipt(kept, delivered=False, problem=problem), out)
            return False
        self.store.mark_delivered(record.id, ts)
        delivered = self.store.escalation(record.id) or record
        self._tell(delivered, escalation_receipt(delivered, delivered=True), out)
        log.info("escalation %s delivered to %s", record.short_id, record.support_channel)
        return True

    def retry_due(self, out: Outbox) -> int:
        """Post every escalation whose last attempt failed long enough ago; returns how many."""
        due = self.clock() - self.retry_after
        delivered = 0
        for record in self.store.undelivered_escalations():
            if record.delivery_attempts and record.updated_at <= due:
                delivered += self.deliver(record, out)
        return delivered

    def support_post(self, record: EscalationRecord) -> Message:
        entry = self.catalog.get(*record.key)
        if entry is None:
            raise Forged(f"{record.short_id} names an entry the catalog no longer has")
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
        moved = self.store.move_escalation(record.id, to=to, by=user)
        if moved is None:
            return "unchanged"  # a second click, or someone else was quicker
        if moved.support_ts:
            out.update(moved.support_channel, moved.support_ts, self.support_post(moved))
        count_escalation(moved.state)
        self._tell(moved, escalation_update(moved, by=user), out)
        log.info("escalation %s %s by %s", moved.short_id, to, user)
        return to

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

    def _tell(self, record: EscalationRecord, message: Message, out: Outbox) -> None:
        """A note for the requester: in the source thread, else in their DM with the bot.

        Only into a channel the requester is in: the modal's metadata names the source
        channel, and a note must never carry an escalation into a channel they cannot see.
        """
        in_source = is_dm(record.source_channel) or out.is_member(
            record.source_channel, record.requester
        )
        if in_source and (record.source_thread_ts or is_dm(record.source_channel)):
            channel, thread = record.source_channel, record.source_thread_ts
        else:
            channel, thread = record.requester, None  # posting to a user id lands in the DM
        try:
            out.post(channel, message, thread_ts=thread)
        except Exception as error:  # the escalation itself is safe; only the note is lost
            log.warning("escalation %s: note not posted: %s", record.short_id, error)


def visible_to(out: Outbox, user: str) -> Callable[[str], bool]:
    """Whether `user` is in a channel, asked of Slack once per channel for one request."""
    known: dict[str, bool] = {}

    def visible(channel: str) -> bool:
        if channel not in known:
            known[channel] = bool(channel) and out.is_member(channel, user)
        return known[channel]

    return visible


def describe_failure(error: Exception) -> str:
    """Slack's error code when there is one ("not_in_channel"), else the kind of failure."""
    response = getattr(error, "response", None)
    code = response.get("error") if response is not None else None
    return str(code or type(error).__name__)


def _id(value: str) -> int:
    if not isinstance(value, str) or not value.isdigit() or len(value) > 12:
        raise Forged(f"not an escalation id: {str(value)[:40]!r}")
    return int(value)
