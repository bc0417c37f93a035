"""Provider webhooks against the real bot process: each provider's signature checked the way
it signs (Twilio HMAC-SHA1, Telnyx ed25519 with a key pair made here, Bandwidth Basic), a
retried report kept once, and a burst past its threshold alerted once, then updated in place;
the alert's buttons (Escalate filled in with the real failures, Mute) and `/smserror watch`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import providers
import pytest
from providers import (
    OTHER_TWILIO_TOKEN,
    bandwidth_callback,
    message_sid,
    post_bandwidth,
    post_telnyx,
    post_twilio,
    status_callback,
    telnyx_event,
)
from slack_harness import HttpBot, blocks_text, command, posts, running_http_bot, wait_until
from slack_standin import SlackWebAPI, payloads
from slack_standin.ids import OTHER_USER_ID, USER_ID
from sqlalchemy import create_engine, func, select

from bot.store.models import DeliveryFailureRow

pytestmark = pytest.mark.slow

ALERTS = "C0WATCH001"
ELSEWHERE = "C0PAGING01"


@pytest.fixture(scope="module")
def watched(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SlackWebAPI, HttpBot, Path]]:
    tmp = tmp_path_factory.mktemp("webhooks")
    env = {
        **providers.env(),
        "SMSERROR_ALERT_CHANNEL": ALERTS,
        "SMSERROR_ALERT_COUNT": "5",
        "SMSERROR_ALERT_SWEEP_SECONDS": "0.2",
        "SMSERROR_SLACK_TIMEOUT": "2",  # a post that got no answer is looked for after 5 s
    }
    with running_http_bot(tmp, **env) as (api, bot):
        api.set_channel(ALERTS, name="sms-alerts", members=[USER_ID], is_member=True)
        api.set_channel(ELSEWHERE, name="paging", members=[USER_ID], is_member=True)
        yield api, bot, tmp / "db.sqlite3"


def failures(db: Path, **where: str) -> int:
    engine = create_engine(f"sqlite:///{db}")
    try:
        query = select(func.count()).select_from(DeliveryFailureRow)
        for column, value in where.items():
            query = query.where(getattr(DeliveryFailureRow, column) == value)
        with engine.connect() as conn:
            return conn.execute(query).scalar() or 0
    finally:
        engine.dispose()


# -- signatures ----------------------------------------------------------------------------------


def test_a_signed_twilio_failure_is_kept_once_however_often_it_is_retried(watched) -> None:
    _, bot, db = watched
    fields = status_callback(message_sid(1), code="30003")
    assert post_twilio(bot.base, fields) == 204
    assert post_twilio(bot.base, fields) == 204  # Twilio's retry of the same callback
    assert failures(db, message_id=message_sid(1)) == 1


def test_a_second_accounts_token_is_accepted(watched) -> None:
    _, bot, db = watched
    fields = status_callback(message_sid(2), code="30003")
    assert post_twilio(bot.base, fields, token=OTHER_TWILIO_TOKEN) == 204
    assert failures(db, message_id=message_sid(2)) == 1


@pytest.mark.parametrize(
    ("why", "kwargs"),
    [
        ("unsigned", {"signature": ""}),
        ("signed with another token", {"token": "not-our-token"}),
        ("a signature of other fields", {"signature": "c2lnbmF0dXJlIG9mIG5vdGhpbmc="}),
    ],
)
def test_twilio_refuses_what_twilio_did_not_sign(watched, why: str, kwargs: dict) -> None:
    _, bot, db = watched
    sid = message_sid(100 + len(why))
    assert post_twilio(bot.base, status_callback(sid), **kwargs) == 403, why
    assert failures(db, message_id=sid) == 0


def test_twilio_signs_the_public_url_not_the_one_we_listen_on(watched) -> None:
    _, bot, _ = watched
    fields = status_callback(message_sid(3))
    local = providers.twilio_signature(bot.base + "/webhooks/twilio", fields)
    assert post_twilio(bot.base, fields, signature=local) == 403
    # And the signature of the public URL passes, as the first test shows.


def test_telnyx_signature_staleness_and_key(watched) -> None:
    from nacl.signing import SigningKey

    _, bot, db = watched
    event = telnyx_event("evt-telnyx-1", "msg-telnyx-1")
    assert post_telnyx(bot.base, event) == 204
    assert post_telnyx(bot.base, event) == 204  # a retry
    assert failures(db, message_id="msg-telnyx-1") == 1
    stale = telnyx_event("evt-telnyx-2", "msg-telnyx-2")
    assert post_telnyx(bot.base, stale, at=int(time.time()) - 301) == 403
    assert post_telnyx(bot.base, stale, key=SigningKey.generate()) == 403
    assert failures(db, message_id="msg-telnyx-2") == 0


def test_bandwidth_basic_credentials(watched) -> None:
    _, bot, db = watched
    assert post_bandwidth(bot.base, bandwidth_callback("bw-1")) == 204
    assert post_bandwidth(bot.base, bandwidth_callback("bw-2"), password="guess") == 403
    assert failures(db, message_id="bw-1") == 1
    assert failures(db, message_id="bw-2") == 0


def test_malformed_and_oversized_bodies(watched) -> None:
    _, bot, _ = watched
    # Signed, but not a status callback: 400, after the signature.
    assert post_twilio(bot.base, {"Hello": "there"}) == 400
    assert post_telnyx(bot.base, {"data": "not an event"}) == 400
    assert post_bandwidth(bot.base, [{"type": "message-failed"}]) == 400
    status, _ = providers.send(
        bot.base + "/webhooks/twilio",
        b"a=" + b"x" * (300 * 1024),
        {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"},
    )
    assert status == 413


# -- alerts ---------------------------------------------------------------------------------------


def _alerts(api: SlackWebAPI, code: str) -> list[dict]:
    return [p for p in posts(api, ALERTS) if "30007" in p.get("text", "") and code in p["text"]]


def test_a_burst_past_the_threshold_is_alerted_once_then_updated_in_place(watched) -> None:
    api, bot, _ = watched
    for n in range(10):  # delivered ones make the failure rate
        assert post_twilio(bot.base, status_callback(message_sid(500 + n), "delivered", "")) == 204
    for n in range(6):
        to = f"+1415555{n:04d}"
        assert post_twilio(bot.base, status_callback(message_sid(600 + n), to=to)) == 204
    first = wait_until(lambda: _alerts(api, "30007"))
    assert len(first) == 1
    text = blocks_text(first[0])
    assert "6 failures" in text and "6 recipients" in text and "+1 415 ••• ••00" in text
    # 6 of the sender's 18 reports (10 delivered, 2 earlier 30003s): 33.3%, none the day before.
    assert "failure rate 33.3% (0% the day before)" in text
    for n in range(6, 9):
        assert post_twilio(bot.base, status_callback(message_sid(600 + n))) == 204
    updates = wait_until(
        lambda: [u for u in posts(api, ALERTS, "chat.update") if "9 failures" in u["text"]]
    )
    ts = api.calls("chat.postMessage")
    posted_ts = [
        c.response["ts"]
        for c in ts
        if c.params.get("channel") == ALERTS and "30007" in c.params.get("text", "")
    ]
    assert updates[-1]["ts"] == posted_ts[0]
    time.sleep(1.0)  # several sweeps: still one post
    assert len(_alerts(api, "30007")) == 1


def test_escalate_from_an_alert_fills_in_the_real_failures(watched) -> None:
    api, bot, _ = watched
    alert = wait_until(lambda: _alerts(api, "30007"))[0]
    value = _button(alert, "alert_escalate")
    body = payloads.block_actions("alert_escalate", value, channel=ALERTS, user=USER_ID)
    assert bot.post(body)[0] == 200
    view = wait_until(lambda: api.calls("views.open"))[-1].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    filled = [
        e.get("initial_value")
        for b in view["blocks"]
        if b["type"] == "input"
        for e in [b["element"]]
        if e.get("initial_value")
    ]
    assert message_sid(608) in filled  # the newest failure first
    assert any("••" in value for value in filled)  # recipients, masked
    # Submitted as filled in: the masked numbers are taken for the messages they belong to.
    state = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        if "initial_date_time" in element:
            value = {"type": "datetimepicker", "selected_date_time": element["initial_date_time"]}
        else:
            value = element.get("initial_value", "")
        state[block["block_id"]] = {element["action_id"]: value}
    submit = payloads.view_submission(
        "escalation", state, private_metadata=view["private_metadata"], user=USER_ID
    )
    status, _, answer = bot.post(submit)
    assert status == 200 and not answer, answer  # stored: the modal may close
    support = wait_until(lambda: [p for p in posts(api, ALERTS) if "ESC-" in p.get("text", "")])
    assert message_sid(608) in blocks_text(support[0])


def test_only_members_of_the_alert_channel_may_mute_it(watched) -> None:
    api, bot, _ = watched
    _mute(api, bot, OTHER_USER_ID)
    refused = wait_until(lambda: [c for c in api.calls("response_url")])
    assert "Only members" in refused[-1].params["text"]


def test_mute_stops_updates_and_unmute_brings_them_back(watched) -> None:
    api, bot, _ = watched
    _mute(api, bot, USER_ID)
    wait_until(lambda: [c for c in api.calls("response_url") if "muted" in c.params["text"]])
    before = len(posts(api, ALERTS, "chat.update"))
    assert post_twilio(bot.base, status_callback(message_sid(700))) == 204
    time.sleep(1.0)
    assert len(posts(api, ALERTS, "chat.update")) == before
    # App Home lists it, with an Unmute button.
    home = payloads.event_callback({"type": "app_home_opened", "user": USER_ID, "tab": "home"})
    assert bot.post(home)[0] == 200
    published = wait_until(lambda: api.calls("views.publish"))[-1].params["view"]
    published = json.loads(published) if isinstance(published, str) else published
    unmute = [
        b["accessory"]["value"]
        for b in published["blocks"]
        if b.get("accessory", {}).get("action_id") == "alert_unmute"
    ]
    assert unmute == [f"{ALERTS}:twilio:30007"]
    assert "Failures reported by provider webhooks this week" in json.dumps(published)
    body = payloads.block_actions("alert_unmute", unmute[0], channel="", user=USER_ID)
    assert bot.post(body)[0] == 200
    assert post_twilio(bot.base, status_callback(message_sid(701))) == 204
    wait_until(lambda: [u for u in posts(api, ALERTS, "chat.update") if "11 failures" in u["text"]])


def _mute(api: SlackWebAPI, bot: HttpBot, user: str) -> None:
    """`user` clicks the 30007 alert's Mute here 24 h, as Slack sends the click."""
    alert = wait_until(lambda: _alerts(api, "30007"))[0]
    value = _button(alert, "alert_mute:24h")
    hook = api.response_url("actions")
    body = payloads.block_actions(
        "alert_mute:24h", value, channel=ALERTS, user=user, response_url=hook
    )
    assert bot.post(body)[0] == 200


def _button(message: dict, action_id: str) -> str:
    blocks = message["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element["value"]
    raise AssertionError(f"no {action_id} button")


# -- /smserror watch ------------------------------------------------------------------------------


def test_watch_routes_a_sender_to_its_channel(watched) -> None:
    api, bot, _ = watched
    reply = command(bot, "watch twilio +14155550199", channel_id=ELSEWHERE)
    assert "now hears" in reply["text"]
    assert "+14155550199" in command(bot, "watch", channel_id=ELSEWHERE)["text"]
    refused = command(bot, "watch twilio", channel_id=ELSEWHERE, user_id=OTHER_USER_ID)
    assert "Only members" in refused["text"]
    assert "don't take webhooks" in command(bot, "watch nobody", channel_id=ELSEWHERE)["text"]
    for n in range(5):
        fields = status_callback(message_sid(800 + n), code="30005")
        fields["From"] = "+14155550199"
        assert post_twilio(bot.base, fields) == 204
    wait_until(lambda: [p for p in posts(api, ELSEWHERE) if "30005" in p["text"]])
    assert not [p for p in posts(api, ALERTS) if "30005" in p["text"]]
    assert (
        "no longer hears"
        in command(bot, "unwatch twilio +14155550199", channel_id=ELSEWHERE)["text"]
    )


# -- stats and App Home ---------------------------------------------------------------------------


def test_stats_tell_reported_failures_apart_from_pasted_codes(watched) -> None:
    api, bot, _ = watched
    wait_until(lambda: _alerts(api, "30007"))
    reply = command(bot, "stats", channel_id=ALERTS)
    text = json.dumps(reply, ensure_ascii=False)
    assert "Failures reported by provider webhooks, last 7 days" in text
    assert "*Twilio 30007*" in text and "failures" in text
    # Nothing was pasted here: the pasted codes still say so, on their own.
    assert "No error codes seen in" in text


def test_an_alert_slack_took_without_answering_is_posted_once(watched) -> None:
    api, bot, _ = watched
    api.hang_up("chat.postMessage")  # Slack posts it, the answer never comes back
    for n in range(5):
        assert post_twilio(bot.base, status_callback(message_sid(900 + n), code="30008")) == 204
    wait_until(lambda: api.calls("conversations.history"), timeout=20)  # looked for, found
    time.sleep(1.0)
    assert len([p for p in posts(api, ALERTS) if "30008" in p["text"]]) == 1
