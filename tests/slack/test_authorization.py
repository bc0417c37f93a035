"""Someone outside a channel can neither see nor change what belongs to it.

Each test replays the payloads Slack really sends for an outsider's clicks and commands (the
App Home channel picker lists every public channel, so picking one proves nothing), and checks
that the bot refuses, from what it asks Slack (conversations.members), failing closed.
"""

from __future__ import annotations

import json

import pytest
from escalation_flow import (
    action_ids,
    click_escalate,
    hours_ago,
    opened_view,
    sid,
    state_for,
    submit,
    thread_click_container,
)
from slack_harness import (
    HttpBot,
    blocks_text,
    hook_posts,
    settings_state,
    wait_until,
)
from slack_standin import BOT_USER_ID, OTHER_USER_ID, USER_ID, SlackWebAPI, ids, payloads

from bot.cards.escalation import EscalationSource, escalation_modal
from bot.core.catalog import default_catalog

pytestmark = [pytest.mark.slow, pytest.mark.bot_env(SMSERROR_REPLIES_PER_MINUTE="100")]

VICTIM = "C0VICTIM01"  # a private channel: the bot and Alice
SUPPORT = "C0VSUPPORT"  # the victim's support channel: the bot and Bob
EVIL = "U0MALLORY1"  # in neither
EVIL_CHANNEL = "C0MALLORY1"  # Mallory's own channel
ESCALATE = "escalate:twilio:30007:"


@pytest.fixture(scope="module")
def slack(slack: tuple[SlackWebAPI, HttpBot]) -> tuple[SlackWebAPI, HttpBot]:
    """The module's bot (tests/conftest.py), with Mallory and the channels above."""
    api, _ = slack
    api.set_user(EVIL, "mallory", real_name="Mallory Example")
    api.set_channel(VICTIM, name="billing", members=[BOT_USER_ID, USER_ID], is_private=True)
    api.set_channel(SUPPORT, name="sms-support", members=[BOT_USER_ID, OTHER_USER_ID])
    api.set_channel(EVIL_CHANNEL, name="mallory", members=[BOT_USER_ID, EVIL])
    return slack


def pick_channel(bot: HttpBot, user: str, channel: str) -> str:
    """App Home's channel picker, as Slack sends it; returns the trigger id."""
    body = payloads.block_actions_payload(
        "settings_open:pick",
        "",
        action_type="conversations_select",
        container={"type": "view", "view_id": "VHOME0001"},
        user=user,
    )
    body["actions"][0]["selected_conversation"] = channel
    assert bot.post(payloads.form_body(body))[0] == 200
    return body["trigger_id"]


def submit_settings(bot: HttpBot, user: str, channel: str, **settings: object) -> dict:
    body = payloads.view_submission(
        "channel_settings", settings_state(**settings), private_metadata=channel, user=user
    )
    status, _, raw = bot.post(body)
    assert status == 200
    return json.loads(raw) if raw.strip() else {}


def settings_seen_by_member(api: SlackWebAPI, bot: HttpBot) -> dict:
    """The settings modal Alice (a member) gets for the victim channel."""
    view = opened_view(api, pick_channel(bot, USER_ID, VICTIM))
    assert view["callback_id"] == "channel_settings"
    return view


def command(bot: HttpBot, text: str, *, user: str, channel: str) -> dict:
    status, _, raw = bot.post(payloads.slash_command(text, channel_id=channel, user_id=user))
    assert status == 200
    return json.loads(raw) if raw.strip() else {}


def test_an_outsider_picking_a_channel_gets_no_settings_modal(slack) -> None:
    api, bot = slack
    view = opened_view(api, pick_channel(bot, EVIL, VICTIM))
    assert view.get("callback_id") != "channel_settings"
    assert "Only members of" in json.dumps(view)
    assert bot.wait_for_line(f"channel={VICTIM} user={EVIL} outcome=not-a-member")


def test_an_outsider_cannot_save_a_channels_settings(slack) -> None:
    api, bot = slack
    answer = submit_settings(bot, EVIL, VICTIM, support_channel=EVIL_CHANNEL, auto_reply=False)
    assert answer["response_action"] == "update"
    assert "Only members of" in json.dumps(answer["view"])
    # Nothing changed: the member still sees the defaults.
    view = settings_seen_by_member(api, bot)
    assert EVIL_CHANNEL not in json.dumps(view)


def test_a_member_cannot_send_escalations_to_a_channel_they_are_not_in(slack) -> None:
    api, bot = slack
    answer = submit_settings(bot, USER_ID, VICTIM, support_channel=EVIL_CHANNEL)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"support_channel"}
    assert EVIL_CHANNEL not in json.dumps(settings_seen_by_member(api, bot))


def test_settings_from_the_command_need_membership_too(slack) -> None:
    _, bot = slack
    reply = command(bot, "settings", user=EVIL, channel=VICTIM)
    assert "Only members of" in reply["text"]


def support_posts(api: SlackWebAPI) -> list[dict]:
    return [
        c.params
        for c in api.calls("chat.postMessage")
        if c.params["channel"] == VICTIM and "escalation_ack" in json.dumps(c.params)
    ]


def escalate_in_victim_channel(api: SlackWebAPI, bot: HttpBot) -> str:
    """Alice escalates a 30007 from the victim channel; returns its support post's text."""
    before = len(support_posts(api))
    assert submit_settings(bot, USER_ID, VICTIM, support_channel=VICTIM) == {}
    event = payloads.message_event("Twilio 30007 on the billing campaign", channel=VICTIM)
    bot.event(event)
    assert bot.outcome(event["ts"]) == "answered"
    [reply] = wait_until(
        lambda: [
            c for c in api.calls("chat.postMessage") if c.params.get("thread_ts") == event["ts"]
        ]
    )
    assert ESCALATE in action_ids(reply.params)
    view = click_escalate(
        bot,
        api,
        ESCALATE,
        "twilio|30007|",
        thread_click_container(VICTIM, reply.response["ts"], event["ts"]),
        USER_ID,
    )
    good = [(sid(n), hours_ago(n), f"+1 415 555 01{n:02d}") for n in (1, 2, 3)]
    assert submit(bot, view, state_for(view, good), USER_ID) == {}
    posted = wait_until(lambda: support_posts(api), count=before + 1)
    post = posted[-1]
    return blocks_text(post)


def test_the_escalations_list_shows_only_what_the_person_can_see(slack) -> None:
    api, bot = slack
    escalate_in_victim_channel(api, bot)
    theirs = json.dumps(command(bot, "escalations", user=USER_ID, channel=VICTIM))
    assert "Twilio 30007" in theirs and VICTIM in theirs
    outsider = json.dumps(command(bot, "escalations", user=EVIL, channel=EVIL_CHANNEL))
    assert VICTIM not in outsider and "Twilio 30007" not in outsider


def test_stats_need_membership(slack) -> None:
    _, bot = slack
    assert "join it" in command(bot, "stats", user=EVIL, channel=VICTIM)["text"]
    assert "join it" not in json.dumps(command(bot, "stats", user=USER_ID, channel=VICTIM))


def home_of(api: SlackWebAPI, bot: HttpBot, user: str) -> str:
    before = len([c for c in api.calls("views.publish") if c.params["user_id"] == user])
    event = {"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": "home"}
    bot.event({**event, "event_ts": ids.next_ts()})
    views = wait_until(
        lambda: [
            c.params["view"] for c in api.calls("views.publish") if c.params["user_id"] == user
        ],
        count=before + 1,
    )
    return json.dumps(views[-1], ensure_ascii=False)


def test_app_home_counts_only_the_channels_the_person_is_in(slack) -> None:
    api, bot = slack
    event = payloads.message_event("seeing 30034 on the billing numbers", channel=VICTIM)
    bot.event(event)
    bot.outcome(event["ts"])
    assert "Twilio 30034" in home_of(api, bot, USER_ID)
    assert "Twilio 30034" not in home_of(api, bot, EVIL)


def test_an_outsiders_acknowledge_is_refused_naming_the_support_channel(slack) -> None:
    api, bot = slack
    escalate_in_victim_channel(api, bot)
    [post] = [
        c
        for c in api.calls("chat.postMessage")
        if c.params["channel"] == VICTIM and "escalation_ack" in json.dumps(c.params)
    ][-1:]
    value = next(
        e["value"]
        for b in json.loads(json.dumps(post.params["blocks"]))
        if b.get("type") == "actions"
        for e in b["elements"]
        if e["action_id"] == "escalation_ack"
    )
    url = api.response_url("ack")
    body = payloads.block_actions(
        "escalation_ack",
        value,
        user=EVIL,
        response_url=url,
        channel=EVIL_CHANNEL,
        container={
            "type": "message",
            "channel_id": EVIL_CHANNEL,
            "message_ts": post.response["ts"],
        },
    )
    assert bot.post(body)[0] == 200
    [note] = wait_until(lambda: hook_posts(api, url))
    assert f"<#{VICTIM}>" in note["text"] and EVIL_CHANNEL not in note["text"]


def test_a_receipt_never_goes_into_a_channel_the_requester_is_not_in(slack) -> None:
    """Modal metadata naming a thread in a channel the submitter is not in (forged, which
    takes the signing secret): the receipt goes to the submitter's DM instead."""
    api, bot = slack
    thread = ids.next_ts()
    forged = EscalationSource(VICTIM, thread, None, "twilio|30007|").to_metadata()
    view = {
        "callback_id": "escalation",
        "private_metadata": forged,
        "blocks": [{"type": "input", "block_id": "notes", "element": {"action_id": "notes"}}],
    }
    entry = default_catalog().get("twilio", "30007")
    modal = escalation_modal(entry, EscalationSource.from_metadata(forged), destination=SUPPORT)
    good = [(sid(n), hours_ago(n), f"+1 415 555 02{n:02d}") for n in (1, 2, 3)]
    assert submit(bot, {**modal, **view}, state_for(modal, good), EVIL) == {}
    [note] = wait_until(
        lambda: [
            c.params
            for c in api.calls("chat.postMessage")
            if c.params["channel"] == EVIL and "ESC-" in blocks_text(c.params)
        ],
        timeout=15,
    )
    assert "thread_ts" not in note
    assert not [m for m in api.messages.get(VICTIM, []) if m.get("thread_ts") == thread]
