"""What the bot decides to say for a message, without Slack: detect, memory, cap, send."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.cards.message import Message
from bot.cards.render import render_message
from bot.core.answers import Answers, Incoming, RateLimiter
from bot.core.channels import ChannelSettings
from bot.core.delivery import EVENT_TRIES, Deliveries, message_of
from bot.core.records import TakenIn
from bot.store import Store
from bot.store.models import OutboxJobRow, utcnow
from bot.store.unit import TransactionUnit
from bot.strings import say

DEFAULTS = ChannelSettings()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store() -> Iterator[Store]:
    opened = Store.open("sqlite://")
    yield opened
    opened.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def answers(store: Store, clock: Clock) -> Answers:
    return Answers(store, replies_per_minute=2, limiter=RateLimiter(2, clock=clock))


@dataclass(frozen=True)
class Reply:
    channel: str
    thread_ts: str | None
    message: Message


class Outbox:
    """The reply jobs the answers wrote to the store, oldest first."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _all(self) -> list[Reply]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(OutboxJobRow).order_by(OutboxJobRow.id)).all()
        return [Reply(r.channel_id, r.thread_ts, message_of(r)) for r in rows]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __getitem__(self, i: int) -> Reply:
        return self._all()[i]

    def __eq__(self, other: object) -> bool:
        return self._all() == other


def shown(reply: Reply) -> str:
    return render_message(reply.message)


def test_a_code_in_a_message_is_answered_in_its_thread(answers: Answers) -> None:
    sent = Outbox(answers.store)
    msg = Incoming("C1", "1.1", "seeing 30007 on every send")
    assert answers.auto_reply(msg, DEFAULTS) == "answered"
    [reply] = sent
    assert (reply.channel, reply.thread_ts) == ("C1", "1.1")
    assert "Twilio 30007" in shown(reply)


def test_no_code_means_no_reply_and_no_claim(answers: Answers, store: Store) -> None:
    sent = Outbox(answers.store)
    assert answers.auto_reply(Incoming("C1", "1.2", "lunch?"), DEFAULTS) == "no-codes"
    assert sent == [] and store.claim_message("C1:1.2", "C1")


def test_the_same_message_twice_is_answered_once(answers: Answers) -> None:
    sent = Outbox(answers.store)
    msg = Incoming("C1", "1.3", "error 30005")
    assert answers.auto_reply(msg, DEFAULTS) == "answered"
    assert answers.auto_reply(msg, DEFAULTS) == "duplicate"
    assert answers.asked(msg, "30005", DEFAULTS) == "duplicate"  # the mention twin
    assert len(sent) == 1


def test_a_thread_hears_only_new_codes_and_an_edit_says_so(answers: Answers, clock: Clock) -> None:
    sent = Outbox(answers.store)
    answers.auto_reply(Incoming("C1", "2.0", "error 30007"), DEFAULTS)
    reply_in_thread = Incoming("C1", "2.1", "30007 and 21610 now", thread_ts="2.0")
    assert answers.auto_reply(reply_in_thread, DEFAULTS) == "answered"
    assert "Twilio 30007" not in shown(sent[-1]) and "21610" in shown(sent[-1])
    clock.now += 60  # past the cap of 2 a minute
    edit = Incoming("C1", "2.0", "error 30007, and 30003", edit_ts="2.5")
    assert answers.auto_reply(edit, DEFAULTS) == "answered"
    assert say("reply.edited") in shown(sent[-1]) and "30003" in shown(sent[-1])
    assert [r.thread_ts for r in sent] == ["2.0", "2.0", "2.0"]


def test_the_cap_is_per_channel_per_minute(answers: Answers, clock: Clock) -> None:
    codes = ["30003", "30005", "30006"]
    outcomes = [
        answers.auto_reply(Incoming("C1", f"3.{i}", f"error {c}"), DEFAULTS)
        for i, c in enumerate(codes)
    ]
    assert outcomes == ["answered", "answered", "rate-limited"]
    assert answers.auto_reply(Incoming("C2", "3.9", "error 30006"), DEFAULTS) == "answered"
    clock.now += 60
    assert answers.auto_reply(Incoming("C1", "4.0", "error 30008"), DEFAULTS) == "answered"


def test_a_failed_write_leaves_nothing_claimed(
    answers: Answers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The claim, the codes and the reply job commit together: a database failure while
    writing the job leaves no claim behind, so Slack's retry of the event is answered."""

    def broken(self: TransactionUnit, *jobs: object) -> int:
        raise ConnectionError("the database went away")

    msg = Incoming("C1", "5.0", "error 30007")
    with monkeypatch.context() as patched:
        patched.setattr(TransactionUnit, "enqueue", broken)
        with pytest.raises(ConnectionError):
            answers.auto_reply(msg, DEFAULTS)
    sent = Outbox(answers.store)
    assert answers.auto_reply(msg, DEFAULTS) == "answered"  # Slack's retry gets through
    assert len(sent) == 1
    assert answers.limiter.allow("C1")  # the failed attempt gave its slot back


def test_asked_answers_codes_words_or_help(answers: Answers) -> None:
    sent = Outbox(answers.store)
    assert answers.asked(Incoming("C1", "6.0", "x"), "what is 30008", DEFAULTS) == "answered"
    assert answers.asked(Incoming("C1", "6.1", "x"), "opted out", DEFAULTS) == "answered"
    assert answers.asked(Incoming("C1", "6.2", "x"), "", DEFAULTS) == "help"
    assert answers.asked(Incoming("C1", "6.3", "x"), "qqqq zzzz", DEFAULTS) == "no-match"
    assert "Twilio 30008" in shown(sent[0])
    assert "Closest match" in shown(sent[1])
    assert "&lt;" not in shown(sent[3])


def test_asked_even_where_the_thread_heard_it_and_in_dms_top_level(answers: Answers) -> None:
    sent = Outbox(answers.store)
    answers.auto_reply(Incoming("C1", "7.0", "error 30007"), DEFAULTS)
    again = Incoming("C1", "7.1", "<@U1> 30007?", thread_ts="7.0")
    assert answers.asked(again, "30007?", DEFAULTS) == "answered"
    dm = Incoming("D1", "7.2", "30007")
    assert answers.asked(dm, "30007", DEFAULTS) == "answered"
    assert sent[-1].thread_ts is None


def test_preferred_providers_reach_detect(answers: Answers) -> None:
    sent = Outbox(answers.store)
    partner = ChannelSettings(providers=("smspartner",))
    msg = Incoming("C1", "8.0", "got error 10 on send")
    assert answers.auto_reply(msg, DEFAULTS) == "no-codes"
    assert answers.auto_reply(msg, partner) == "answered"
    assert "SMSPartner 10" in shown(sent[0])


# -- taken in before the ack, decided after ------------------------------------------------------


class Nowhere:
    """A Slack nobody reaches: these tests stop before a post."""

    def post(self, job, channel, thread_ts):  # type: ignore[no-untyped-def]
        raise AssertionError("nothing is posted here")


def test_a_message_is_kept_before_the_ack_and_decided_by_a_worker_later(
    answers: Answers, store: Store
) -> None:
    taken = TakenIn(kind="message", channel="C1", ts="9.0", text="30007 on every send")
    assert answers.take_in(taken) == "taken-in"
    assert answers.take_in(taken) == "duplicate"  # Slack's retry of the same event
    chatter = TakenIn(kind="message", channel="C1", ts="9.1", text="standup moved to 10")
    assert answers.take_in(chatter) == "no-codes"  # nothing to keep, nothing written
    assert store.job("event:C1:9.1") is None
    # Nothing is decided yet: no claim, no reply. A worker (of this process, or of the next
    # one after a crash: the job is in the database) decides it.
    assert store.claim_message("C1:9.0", "C1") is True
    store.release_message("C1:9.0")
    deliveries = Deliveries(store, decide=answers.decide, lease=timedelta(seconds=60))
    assert deliveries.deliver_due(Nowhere(), limit=1) == 1  # type: ignore[arg-type]
    assert store.job("event:C1:9.0").state == "sent"  # type: ignore[union-attr]
    [reply] = Outbox(store)._all()[-1:]
    assert (reply.channel, reply.thread_ts) == ("C1", "9.0") and "Twilio 30007" in shown(reply)


def test_an_event_that_cannot_be_decided_is_retried_then_given_up(store: Store) -> None:
    def broken(taken: TakenIn) -> str:
        raise ValueError("a decision that fails every time")

    deliveries = Deliveries(store, decide=broken, lease=timedelta(seconds=-1))
    answers = Answers(store, replies_per_minute=2)
    assert answers.take_in(TakenIn("message", "C1", "9.2", "error 30003")) == "taken-in"
    outcomes = []
    for _ in range(EVENT_TRIES):
        [job] = store.take_jobs(lease=timedelta(seconds=60))
        outcomes.append(deliveries.deliver(job, Nowhere()))  # type: ignore[arg-type]
        if outcomes[-1] == "failed":  # backed off: made due again at once, for the test
            store.retry_job(job, at=utcnow(), error="", unsure=False)
    assert outcomes[-1] == "given-up" and set(outcomes[:-1]) == {"failed"}
    assert store.job("event:C1:9.2").state == "failed"  # type: ignore[union-attr]
