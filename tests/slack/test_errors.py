"""The one error handler: failures are logged and the person waiting gets a short note."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from slack_bolt import App, BoltRequest
from slack_harness import hook_posts, wait_until
from slack_standin import SlackWebAPI, payloads

from bot.cards.views import FieldError
from bot.slack.app import build_app, web_client
from bot.slack.errors import describe
from bot.store import Store

FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def api() -> Iterator[SlackWebAPI]:
    with SlackWebAPI() as server:
        yield server


@pytest.fixture(scope="module")
def app(api: SlackWebAPI) -> Iterator[App]:
    store = Store.open("sqlite://")
    # In process, unsigned: this module tests the handler, web/test_http the signatures.
    yield build_app(client=web_client("xoxb-test", api.url), store=store)
    store.close()


def test_a_failing_button_is_acknowledged_every_time(app: App, api: SlackWebAPI) -> None:
    """Bolt can lose an ack when a listener raises right after it; ours never does."""
    for _ in range(20):
        url = api.response_url("actions")
        body = payloads.block_actions("share", "not|a ref at all", response_url=url)
        started = time.monotonic()
        response = app.dispatch(BoltRequest(body=body, headers=FORM))
        assert response.status == 200
        assert time.monotonic() - started < 1.0
        [note] = wait_until(lambda url=url: hook_posts(api, url))
        assert "no longer works" in note["text"] and note["response_type"] == "ephemeral"


def test_slack_refusing_a_call_is_explained_to_the_user(app: App, api: SlackWebAPI) -> None:
    api.fail("views.open", error="expired_trigger_id")
    url = api.response_url("commands")
    body = payloads.slash_command("settings", response_url=url)
    assert app.dispatch(BoltRequest(body=body, headers=FORM)).status == 200
    [note] = wait_until(lambda: hook_posts(api, url))
    assert "took too long" in note["text"]


def test_describe_names_the_request() -> None:
    assert describe(payloads.event_callback(payloads.message_event("x"))) == "event message"
    assert describe(payloads.slash_command_payload("x")) == "command /smserror"
    assert describe(payloads.block_actions_payload("share", "v")) == "block_actions share"
    assert describe(payloads.message_shortcut_payload("explain_errors", "x")) == (
        "message_action explain_errors"
    )


def test_a_submission_that_fails_keeps_its_modal_open_and_says_so(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A view submission has no response_url: closing the modal on a failure would tell the
    person nothing. The handler answers in the modal, under its first field."""

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug, not the person's input")

    monkeypatch.setattr("bot.slack.listeners.views.read_settings_submission", broken)
    blocks = [{"type": "input", "block_id": "auto_reply", "element": {}, "label": {}}]
    body = payloads.view_submission(
        "channel_settings", {}, private_metadata="C0123456789", blocks=blocks
    )
    response = app.dispatch(BoltRequest(body=body, headers=FORM))
    assert response.status == 200
    answer = json.loads(response.body)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == ["auto_reply"]
    assert "nothing was saved" in answer["errors"]["auto_reply"]


def test_a_field_error_found_deep_in_a_submission_lands_under_its_field(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(*_: object, **__: object) -> None:
        raise FieldError("support_channel", "Pick a channel, or leave this empty.")

    monkeypatch.setattr("bot.slack.listeners.views.read_settings_submission", unreadable)
    blocks = [{"type": "input", "block_id": "auto_reply", "element": {}, "label": {}}]
    body = payloads.view_submission(
        "channel_settings", {}, private_metadata="C0123456789", blocks=blocks
    )
    answer = json.loads(app.dispatch(BoltRequest(body=body, headers=FORM)).body)
    assert answer == {
        "response_action": "errors",
        "errors": {"support_channel": "Pick a channel, or leave this empty."},
    }
