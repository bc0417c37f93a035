"""What to answer for a message: detect -> thread memory -> rate limit -> the reply to send.

Plain values in, a Reply handed to `send` out: the Slack listeners and the console run this same
path and only differ in how they send. Nothing here knows about Slack payloads.
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
from bot.catalog import Entry
from bot.channels import ChannelSettings
from bot.detect import detect
from bot.escalation import recurrence
from bot.escape import unescape
from bot.lookup import Answer, best_entries, lookup
from bot.metrics import count_detections, count_reply
from bot.store import EntryKey, Store

log = logging.getLogger(__name__)

EDITED_NOTE = "Edited message — new codes only"
HELP_WORDS = {"", "help", "?", "hi", "hello"}


def asks_for_help(text: str) -> bool:
    """An empty question, "help" or a greeting: answered with usage, from any surface."""
    return text.strip().casefold() in HELP_WORDS


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


@dataclass(frozen=True)
class Reply:
    channel: str
    thread_ts: str | None
    message: Message
    entries: tuple[Entry, ...] = ()


Send = Callable[[Reply], None]


class MaybeSent(Exception):
    """A send whose fate is unknown (the request went out, no answer came back).

    Its claims are kept: a retry could post the same reply twice, and one lost reply is the
    smaller harm in a busy channel.
    """


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
            sent = self._sent.setdefault(channel, deque())
            while sent and now - sent[0] >= 60:
                sent.popleft()
            if len(sent) >= self.per_minute:
                return False
            sent.append(now)
            return True

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
    """Decides and sends replies; each method returns an outcome word for the one log line."""

    def __init__(
        self,
        store: Store,
        *,
        replies_per_minute: int,
        limiter: RateLimiter | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        self.store = store
        self.limiter = limiter or RateLimiter(replies_per_minute)
        self.clock = clock

    def auto_reply(self, msg: Incoming, settings: ChannelSettings, send: Send) -> str:
        """A message nobody addressed to us: answer new codes only, within the channel's cap.

        Codes are counted even where auto-reply is off, so stats and recurrence notes see them.
        """
        entries = entries_in(msg.text, settings)
        if not entries:
            return "no-codes"
        if not self.store.claim_message(msg.claim_key, msg.channel):
            return "duplicate"
        self._sighted(msg, entries)
        if not settings.auto_reply:
            return "auto-reply-off"
        explained = self.store.explained(msg.channel, msg.thread)
        fresh = [e for e in entries if e.key not in explained]
        if not fresh:
            return "already-explained"
        if not self.limiter.allow(msg.channel):
            return "rate-limited"
        claimed = set(self.store.claim_codes(msg.channel, msg.thread, [e.key for e in fresh]))
        fresh = [e for e in fresh if e.key in claimed]  # another delivery may have won a code
        if not fresh:
            self.limiter.give_back(msg.channel)
            return "already-explained"
        note = EDITED_NOTE if msg.edit_ts else None
        message = matches_reply(fresh, note=note, recurring=self.recurring(msg.channel, fresh))
        reply = Reply(msg.channel, msg.thread, message, tuple(fresh))
        self._send(reply, msg, send, [e.key for e in fresh], limited=True)
        count_reply("thread")
        return "answered"

    def asked(self, msg: Incoming, question: str, settings: ChannelSettings, send: Send) -> str:
        """A mention or a DM: someone asked, so answer even with auto-reply off and no code.

        Codes first; then a lookup of the words; then help. A direct question is answered even
        when the thread heard the code before (the asker may have missed it); the codes are
        still recorded so auto-replies in the thread stay quiet about them.
        """
        if not self.store.claim_message(msg.claim_key, msg.channel):
            return "duplicate"
        entries = entries_in(question, settings)
        outcome = "answered"
        if entries:
            self._sighted(msg, entries)
            message = matches_reply(entries, recurring=self.recurring(msg.channel, entries))
        elif asks_for_help(question):
            message, outcome = help_message(), "help"
        else:
            answer: Answer = lookup(unescape(question), prefer=settings.providers)
            entries = list(best_entries(answer))
            if entries:
                # matches_reply, not lookup_reply: this reply is public, so no Share buttons.
                message = matches_reply(entries, note=words_note(answer))
            else:
                # A code we do not hold is said to be unknown; near codes are suggestions.
                message, outcome = lookup_reply(answer), "no-match"
        thread = msg.thread_ts if is_dm(msg.channel) else msg.thread
        claimed = self.store.claim_codes(msg.channel, msg.thread, [e.key for e in entries])
        reply = Reply(msg.channel, thread, message, tuple(entries))
        self._send(reply, msg, send, claimed, limited=False)
        count_reply("dm" if is_dm(msg.channel) else "mention")
        return outcome

    def _sighted(self, msg: Incoming, entries: Sequence[Entry]) -> None:
        """Count the codes a message holds, once per message however often it arrives."""
        if self.store.record_sightings(msg.channel, msg.message_key, [e.key for e in entries]):
            count_detections(entries)

    def recurring(self, channel: str, entries: Sequence[Entry]) -> dict[EntryKey, str]:
        """A note for each entry seen often enough here to escalate ("the third 30007 …")."""
        now, notes = self.clock(), {}
        for entry in entries:
            window = recurrence.window(entry)
            if window is None:
                continue
            seen = self.store.sightings(channel, entry.key, now - window)
            if text := recurrence.note(entry, seen):
                notes[entry.key] = text
        return notes

    def _send(
        self, reply: Reply, msg: Incoming, send: Send, claimed: Sequence[EntryKey], *, limited: bool
    ) -> None:
        """Send, or undo this message's claims so a retry of the same event can still answer."""
        try:
            send(reply)
        except MaybeSent:
            raise
        except Exception:
            self.store.release_codes(msg.channel, msg.thread, claimed)
            self.store.release_message(msg.claim_key)
            if limited:
                self.limiter.give_back(msg.channel)
            raise
