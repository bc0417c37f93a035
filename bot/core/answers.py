"""What to answer for a message: detect -> thread memory -> rate limit -> the reply's job.

Plain values in, an outbox job out (bot.core.delivery posts it): the Slack listeners and the console
run this same path. Nothing here knows about Slack payloads, and nothing here waits on Slack.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from bot.cards.blocks import help_message, lookup_reply, matches_reply, words_note
from bot.cards.ids import is_dm
from bot.cards.message import Message
from bot.core.catalog import Entry
from bot.core.channels import ChannelSettings
from bot.core.command import asks_for_help
from bot.core.delivery import job_for
from bot.core.detect import detect
from bot.core.escalation import recurrence
from bot.core.escape import unescape
from bot.core.lookup import best_entries, lookup
from bot.core.ports import AnswerStore, Counters, NoCounters, Unit
from bot.core.records import EntryKey, NewJob, TakenIn
from bot.strings import say, speaking

log = logging.getLogger(__name__)

TAKEN_IN = "taken-in"  # kept, for a delivery worker to decide on (Answers.decide)


@dataclass(frozen=True)
class Incoming:
    """A message as the core needs it, whatever surface it came from."""

    channel: str
    ts: str
    text: str
    thread_ts: str | None = None
    edit_ts: str | None = None  # set for an edit: the edit's own ts (the message keeps `ts`)

    @property
    def thread(self) -> str:
        """The thread a reply belongs in: the message's own, or the one it starts."""
        return self.thread_ts or self.ts

    @property
    def claim_key(self) -> str:
        # channel+ts names the message, however it arrived (message or app_mention event, HTTP
        # retry, Socket Mode retry), which an event_id does not; each edit is a new claim.
        key = self.message_key
        return f"{key}:edit:{self.edit_ts}" if self.edit_ts else key

    @property
    def message_key(self) -> str:
        """The message itself, edits included: a code counts once per message however often
        the message is delivered or edited."""
        return f"{self.channel}:{self.ts}"


class RateLimiter:
    """At most `per_minute` replies per channel in any 60 seconds (sliding window, in memory).

    In memory on purpose: it guards a channel from a burst, and a restart forgetting the last
    minute costs at most one more minute's worth of replies.
    """

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._sent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, channel: str) -> bool:
        """Take a slot for one reply in `channel`; False when the channel is at its cap."""
        now = self._clock()
        with self._lock:
            if len(self._sent) >= self.SWEEP_AT:
                self._forget_quiet(now)
            sent = self._sent.setdefault(channel, deque())
            while sent and now - sent[0] >= 60:
                sent.popleft()
            if len(sent) >= self.per_minute:
                return False
            sent.append(now)
            return True

    SWEEP_AT = 1024  # channels remembered before those quiet for a minute are forgotten

    def _forget_quiet(self, now: float) -> None:
        """Drop the channels with no reply in the last minute: what is kept stays bounded by
        the channels active in one minute, not every channel ever seen."""
        for channel in [c for c, sent in self._sent.items() if not sent or now - sent[-1] >= 60]:
            del self._sent[channel]
        self.SWEEP_AT = max(RateLimiter.SWEEP_AT, 2 * len(self._sent))

    def remembered(self) -> int:
        """How many channels it holds slots for (bounded; see _forget_quiet)."""
        with self._lock:
            return len(self._sent)

    def give_back(self, channel: str) -> None:
        """Return the last slot taken (its reply was never sent)."""
        with self._lock:
            sent = self._sent.get(channel)
            if sent:
                sent.pop()


def entries_in(text: str, settings: ChannelSettings) -> list[Entry]:
    """The catalog entries a text mentions, each once, in the order they appear."""
    found = detect(text, providers=settings.providers)
    return list({m.entry.key: m.entry for m in found}.values())


class Answers:
    """Decides replies and writes each as an outbox job in the transaction that claims its
    message (bot.store.unit); a delivery worker posts it (bot.core.delivery). Each method returns
    an outcome word for the one log line. Nothing here waits on Slack.
    """

    def __init__(
        self,
        store: AnswerStore,
        *,
        replies_per_minute: int,
        limiter: RateLimiter | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        counters: Counters | None = None,
    ):
        self.store = store
        self.counters = counters or NoCounters()
        self.limiter = limiter or RateLimiter(replies_per_minute)
        self.clock = clock

    def take_in(self, taken: TakenIn) -> str:
        """Keep a message to decide on after Slack has its ack ("taken-in"), unless nothing can
        come of it: a message nobody asked about with no code in it ("no-codes", no write), or
        one kept before ("duplicate": Slack's retry, or a mention's twin message event)."""
        if not taken.asked and not entries_in(taken.text, self.store.settings(taken.channel)):
            return "no-codes"
        key = Incoming(taken.channel, taken.ts, "", edit_ts=taken.edit_ts).claim_key
        job = NewJob(
            key=f"event:{key}",
            channel=taken.channel,
            text="",
            blocks="[]",
            purpose="event",
            event=taken.to_json(),
        )
        return TAKEN_IN if self.store.enqueue([job]) else "duplicate"

    def decide(self, taken: TakenIn) -> str:
        """What to answer for a message taken in: the reply's job is written here."""
        settings = self.store.settings(taken.channel)
        if taken.from_bot and not settings.answer_bots:
            outcome = "bot-skipped"
        else:
            msg = Incoming(taken.channel, taken.ts, taken.text, taken.thread_ts, taken.edit_ts)
            with speaking(settings.spoken):  # the reply is the channel's: in its language
                if taken.asked:
                    outcome = self.asked(msg, taken.text, settings)
                else:
                    outcome = self.auto_reply(msg, settings)
        log.info("%s channel=%s ts=%s outcome=%s", taken.kind, taken.channel, taken.ts, outcome)
        return outcome

    def auto_reply(self, msg: Incoming, settings: ChannelSettings) -> str:
        """A message nobody addressed to us: answer new codes only, within the channel's cap.

        Codes are counted even where auto-reply is off, so stats and recurrence notes see them.
        """
        entries = entries_in(msg.text, settings)
        if not entries:
            return "no-codes"
        limited = False
        try:
            with self.store.unit() as unit:
                if not unit.claim_message(msg.claim_key, msg.channel):
                    return "duplicate"
                new_sightings = unit.record_sightings(
                    msg.channel, msg.message_key, [e.key for e in entries]
                )
                if not settings.auto_reply:
                    outcome = "auto-reply-off"
                else:
                    explained = unit.explained(msg.channel, msg.thread)
                    fresh = [e for e in entries if e.key not in explained]
                    if not fresh:
                        outcome = "already-explained"
                    elif not self.limiter.allow(msg.channel):
                        outcome = "rate-limited"
                    else:
                        limited = True
                        outcome = self._reply(unit, msg, fresh)
        except Exception:
            if limited:
                self.limiter.give_back(msg.channel)  # nothing was written: no reply either
            raise
        if new_sightings:
            self.counters.detections(entries)
        if outcome == "answered":
            self.counters.reply("thread")
        elif limited:
            self.limiter.give_back(msg.channel)
        return outcome

    def _reply(self, unit: Unit, msg: Incoming, fresh: Sequence[Entry]) -> str:
        claimed = set(unit.claim_codes(msg.channel, msg.thread, [e.key for e in fresh]))
        fresh = [e for e in fresh if e.key in claimed]  # another delivery may have won a code
        if not fresh:
            return "already-explained"
        note = say("reply.edited") if msg.edit_ts else None
        recurring = self.recurring(msg.channel, fresh, unit)
        message = matches_reply(fresh, note=note, recurring=recurring)
        unit.enqueue(reply_job(msg, msg.thread, message))
        return "answered"

    def asked(self, msg: Incoming, question: str, settings: ChannelSettings) -> str:
        """A mention or a DM: someone asked, so answer even with auto-reply off and no code.

        Codes first; then a lookup of the words; then help. A direct question is answered even
        when the thread heard the code before (the asker may have missed it); the codes are
        still recorded so auto-replies in the thread stay quiet about them.
        """
        sighted = entries_in(question, settings)  # codes in the question: counted, answered
        entries, answer = sighted, None
        if not sighted and not asks_for_help(question):
            answer = lookup(unescape(question), prefer=settings.providers)
            entries = list(best_entries(answer))
        outcome = "answered"
        with self.store.unit() as unit:
            if not unit.claim_message(msg.claim_key, msg.channel):
                return "duplicate"
            new_sightings = unit.record_sightings(
                msg.channel, msg.message_key, [e.key for e in sighted]
            )
            if sighted:
                message = matches_reply(
                    sighted, recurring=self.recurring(msg.channel, sighted, unit)
                )
            elif asks_for_help(question):
                message, outcome = help_message(), "help"
            elif answer is not None and entries:
                # matches_reply, not lookup_reply: this reply is public, so no Share buttons.
                message = matches_reply(entries, note=words_note(answer))
            else:
                # A code we do not hold is said to be unknown; near codes are suggestions.
                assert answer is not None  # neither codes nor help: the words were looked up
                message, outcome = lookup_reply(answer), "no-match"
            thread = msg.thread_ts if is_dm(msg.channel) else msg.thread
            unit.claim_codes(msg.channel, msg.thread, [e.key for e in entries])
            unit.enqueue(reply_job(msg, thread, message))
        if new_sightings:
            self.counters.detections(sighted)
        self.counters.reply("dm" if is_dm(msg.channel) else "mention")
        return outcome

    def recurring(
        self, channel: str, entries: Sequence[Entry], unit: Unit | None = None
    ) -> dict[EntryKey, str]:
        """A note for each entry seen often enough here to escalate ("the third 30007 …")."""
        now, notes = self.clock(), {}
        for entry in entries:
            window = recurrence.window(entry)
            if window is None:
                continue
            since = now - window
            seen = (
                unit.sightings(channel, entry.key, since)
                if unit
                else self.store.sightings(channel, entry.key, since)
            )
            if text := recurrence.note(entry, seen):
                notes[entry.key] = text
        return notes


def reply_job(msg: Incoming, thread_ts: str | None, message: Message) -> NewJob:
    """The job that posts a reply: keyed by the message (or edit) it answers, so one message
    gets one reply however often it is delivered."""
    return job_for(f"reply:{msg.claim_key}", "reply", msg.channel, message, thread_ts=thread_ts)
