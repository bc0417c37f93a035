"""A well-formed code we hold no entry for, on every surface: said plainly, never another card.

The decision for channel messages nobody addressed to us: stay silent. An unknown number in a
channel is more often a ZIP code or an id than an error, and a wrong alarm costs more than a
missed one; whoever wants to know asks (mention, DM, /smserror or the shortcut), and those
surfaces all answer "No entry for Twilio 29999" with Twilio's page and suggestions as such.
"""

from __future__ import annotations

import json

import pytest
from slack_harness import (
    blocks_text,
    channel_id,
    console,
    posts,
    wait_until,
)
from slack_standin import ids, payloads

pytestmark = pytest.mark.slow

UNKNOWN = "29999"  # five digits like Twilio's codes; no provider in the catalog has it
PAGE = f"https://www.twilio.com/docs/api/errors/{UNKNOWN}"


def says_unknown(text: str, *, named: bool = True) -> None:
    label = f"Twilio {UNKNOWN}" if named else UNKNOWN
    assert f"No entry for {label}." in text
    assert PAGE in text
    assert "How to fix it" not in text  # no card, not even a near code's
    assert "Closest match" not in text


def test_slash_command(slack) -> None:
    _, bot = slack
    status, _, body = bot.post(payloads.slash_command(f"twilio {UNKNOWN}", channel_id=channel_id()))
    assert status == 200
    reply = json.loads(body)
    shown = reply["text"] + json.dumps(reply["blocks"], ensure_ascii=False)
    says_unknown(shown)
    assert "Did you mean" in reply["text"]  # the notification says they are suggestions too
    assert "*Did you mean*" in shown


def test_slash_command_without_a_provider_names_none(slack) -> None:
    _, bot = slack
    _, _, body = bot.post(payloads.slash_command(UNKNOWN, channel_id=channel_id()))
    reply = json.loads(body)
    says_unknown(reply["text"] + json.dumps(reply["blocks"]), named=False)
    assert "If it is a Twilio code" in json.dumps(reply["blocks"])


def test_mention(slack) -> None:
    api, bot = slack
    ch = channel_id()
    mention = payloads.app_mention_event(f"what is twilio error {UNKNOWN}?", channel=ch)
    bot.event(mention)
    assert bot.outcome(mention["ts"]) == "no-match"
    [reply] = posts(api, ch)
    says_unknown(blocks_text(reply))


def test_direct_message(slack) -> None:
    api, bot = slack
    dm = "D0U" + channel_id()[3:]
    event = payloads.message_event(f"twilio {UNKNOWN}", channel=dm, channel_type="im")
    bot.event(event)
    assert bot.outcome(event["ts"]) == "no-match"
    [reply] = posts(api, dm)
    says_unknown(blocks_text(reply))


def test_shortcut(slack) -> None:
    api, bot = slack
    trigger = ids.trigger_id()
    text = f"Twilio error {UNKNOWN} on the overnight batch, ticket 48213"
    body = payloads.message_shortcut(
        "explain_errors", text, channel=channel_id(), trigger_id=trigger
    )
    assert bot.post(body)[0] == 200
    [call] = wait_until(
        lambda: [c.params for c in api.calls("views.open") if c.params["trigger_id"] == trigger]
    )
    shown = json.dumps(call["view"]["blocks"], ensure_ascii=False)
    says_unknown(shown)
    assert "48213" not in shown  # a ticket number is not called a code


def test_channel_message_stays_silent(slack) -> None:
    api, bot = slack
    ch = channel_id()
    event = payloads.message_event(f"twilio error {UNKNOWN} on every send", channel=ch)
    bot.event(event)
    assert bot.outcome(event["ts"]) == "no-codes"
    assert posts(api, ch) == []


def test_console(tmp_path) -> None:
    done = console(f"/smserror twilio {UNKNOWN}\n@smserror twilio {UNKNOWN}\n", tmp_path)
    assert done.returncode == 0, done.stderr
    command, mention = done.stdout.split("smserror replied in the thread:", 1)
    says_unknown(command)
    says_unknown(mention)
