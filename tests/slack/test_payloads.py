"""Reading clicks, submissions and commands (bot.slack.payloads): Slack's shapes, and forged ones
that read as empty fields instead of raising."""

from __future__ import annotations

import pytest
from slack_standin import payloads

from bot.cards.ids import Forged
from bot.slack.payloads import Click, SlashCommand, Submission


def test_a_click_in_a_thread_reads_who_where_and_which_thread() -> None:
    container = {
        "type": "message",
        "message_ts": "1700000000.000200",
        "channel_id": "C0AAA",
        "is_ephemeral": False,
        "thread_ts": "1700000000.000100",
    }
    body = payloads.block_actions_payload(
        "share", "twilio:30007", channel="C0AAA", container=container
    )
    click = Click.read(body)
    assert (click.user, click.channel) == (body["user"]["id"], "C0AAA")
    assert click.thread == "1700000000.000100"
    assert click.thread_kwargs() == {"thread_ts": "1700000000.000100"}
    assert click.conversation("share") == "C0AAA"
    assert not click.in_view


@pytest.mark.parametrize(
    "body",
    [{}, {"user": "U1", "container": [], "channel": 7}, {"user": {"id": 5}, "container": None}],
)
def test_a_forged_click_reads_as_empty_and_names_no_conversation(body: dict) -> None:
    click = Click.read(body)
    assert (click.user, click.channel, click.thread, click.trigger_id) == ("", "", None, "")
    with pytest.raises(Forged):
        click.conversation("share")


def test_a_submission_reads_its_view() -> None:
    body = payloads.view_submission_payload(
        "channel_settings", {"a": {"a": {}}}, private_metadata="C0AAA"
    )
    submitted = Submission.read(body)
    assert submitted.metadata == "C0AAA"
    assert submitted.values == {"a": {"a": {}}}
    assert submitted.user == body["user"]["id"]
    assert submitted.view_id == body["view"]["id"]


def test_a_forged_submission_reads_as_empty() -> None:
    submitted = Submission.read({"view": {"state": {"values": ["x"]}, "id": 3}, "user": None})
    assert (submitted.values, submitted.view_id, submitted.user, submitted.metadata) == (
        {},
        None,
        "",
        "",
    )


def test_a_command_reads_its_fields_and_a_missing_one_as_empty() -> None:
    typed = SlashCommand.read(
        {"user_id": "U1", "channel_id": "C1", "text": "21610", "trigger_id": 4}
    )
    assert (typed.user, typed.channel, typed.text, typed.trigger_id) == ("U1", "C1", "21610", "")
