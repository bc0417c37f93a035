"""What /metrics shows: the count_* helpers, Slack API failures by method and error, and the
request counter of a real bot moving as Slack's requests arrive."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_harness import HttpBot, channel_id, free_port, wait_until
from slack_sdk.errors import SlackApiError
from slack_standin import BOT_TOKEN, SlackWebAPI, payloads

from bot import metrics
from bot.slack.client import CountingWebClient, web_client
from bot.slack.socket import ProbeServer

Labels = tuple[tuple[str, str], ...]


def samples(page: str) -> dict[tuple[str, Labels], float]:
    """Every sample of a Prometheus text page, keyed by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(page):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def value(name: str, **labels: str) -> float:
    """A sample from the bot's own registry as /metrics would show it (0 if not there yet)."""
    page = metrics.exposition()[0].decode()
    return samples(page).get((name, tuple(sorted(labels.items()))), 0.0)


@dataclass(frozen=True)
class Found:
    provider: str
    code: str


def test_the_count_helpers_move_their_series_on_the_page() -> None:
    before = (
        value("smserror_replies_total", surface="thread"),
        value("smserror_detections_total", provider="twilio", code="30007"),
        value("smserror_escalations_total", state="open"),
    )
    metrics.count_reply("thread")
    metrics.count_detections([Found("twilio", "30007"), Found("twilio", "30007")])
    metrics.count_escalation("open")
    after = (
        value("smserror_replies_total", surface="thread"),
        value("smserror_detections_total", provider="twilio", code="30007"),
        value("smserror_escalations_total", state="open"),
    )
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 2, 1]


def test_a_request_kind_outside_the_list_is_counted_as_other() -> None:
    before = value("smserror_requests_total", kind="other", status="404")
    metrics.count_request("teapot", 404, 0.001)
    assert value("smserror_requests_total", kind="other", status="404") == before + 1
    assert value("smserror_requests_total", kind="teapot", status="404") == 0


# -- Slack API failures, counted by the client ----------------------------------------------


def api_errors(method: str, error: str) -> float:
    return value("smserror_slack_api_errors_total", method=method, error=error)


def test_an_error_slack_answers_is_counted_by_method_and_code(api: SlackWebAPI) -> None:
    client = web_client(BOT_TOKEN, api.url)
    before = api_errors("chat.postMessage", "not_in_channel")
    api.fail("chat.postMessage", error="not_in_channel")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C1", text="hi")
    client.chat_postMessage(channel="C1", text="hi")  # a success counts nothing
    assert api_errors("chat.postMessage", "not_in_channel") == before + 1


def test_a_server_error_is_counted_once_with_slacks_code(api: SlackWebAPI) -> None:
    client = web_client(BOT_TOKEN, api.url)
    before = api_errors("views.open", "internal_error")
    api.fail("views.open", status=503, times=3)  # the first try and both retries
    with pytest.raises(SlackApiError):
        client.views_open(trigger_id="t", view={"type": "modal"})
    assert api_errors("views.open", "internal_error") == before + 1


def test_a_refused_connection_is_counted_once_after_the_retries(api: SlackWebAPI) -> None:
    client = web_client(BOT_TOKEN, f"http://127.0.0.1:{free_port()}/api/")  # nobody listening
    before = api_errors("chat.update", "connection")
    with pytest.raises(OSError):
        client.chat_update(channel="C1", ts="1.2", text="x")
    assert api_errors("chat.update", "connection") == before + 1


def test_a_call_slack_does_not_answer_in_time_is_counted_as_timeout(api: SlackWebAPI) -> None:
    client = CountingWebClient(token=BOT_TOKEN, base_url=api.url, timeout=0.3)
    before = api_errors("users.info", "timeout")
    api.delay("users.info", 2)
    with pytest.raises(TimeoutError):
        client.users_info(user="U1")
    assert api_errors("users.info", "timeout") == before + 1


# -- a real bot's /metrics --------------------------------------------------------------------


def scrape(bot: HttpBot) -> dict[tuple[str, Labels], float]:
    status, body = bot.get("/metrics")
    assert status == 200
    return samples(body.decode())


def bot_value(bot: HttpBot, name: str, **labels: str) -> float:
    return scrape(bot).get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.slow
def test_metrics_is_prometheus_text_with_every_series_named_in_the_issue(slack) -> None:
    _, bot = slack
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(bot.base + "/metrics", timeout=5) as resp:
        assert resp.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
        page = resp.read().decode()
    for name in (
        "smserror_requests_total",
        "smserror_replies_total",
        "smserror_detections_total",
        "smserror_escalations_total",
        "smserror_slack_api_errors_total",
        "smserror_request_seconds",
    ):
        assert f"# TYPE {name} " in page


@pytest.mark.slow
def test_a_good_event_moves_the_request_counter_and_histogram(slack) -> None:
    _, bot = slack
    ok = {"kind": "event", "status": "200"}
    before = bot_value(bot, "smserror_requests_total", **ok)
    timed = bot_value(bot, "smserror_request_seconds_count", kind="event")
    event = payloads.message_event("Twilio 30007 again", channel=channel_id())
    bot.event(event)
    assert bot_value(bot, "smserror_requests_total", **ok) == before + 1
    assert bot_value(bot, "smserror_request_seconds_count", kind="event") == timed + 1


@pytest.mark.slow
def test_refusals_are_counted_with_their_status_and_probes_are_not_counted(slack) -> None:
    _, bot = slack
    refused, probe = {"kind": "other", "status": "401"}, {"kind": "other", "status": "200"}
    before = bot_value(bot, "smserror_requests_total", **refused)
    probes = bot_value(bot, "smserror_requests_total", **probe)
    assert bot.post(json.dumps(payloads.url_verification("c")), sign=False)[0] == 401
    for _ in range(3):
        assert bot.get("/healthz")[0] == 200
    assert bot_value(bot, "smserror_requests_total", **refused) == before + 1
    assert bot_value(bot, "smserror_requests_total", **probe) == probes


@pytest.mark.slow
def test_a_slack_fault_during_a_reply_shows_as_an_api_error(slack) -> None:
    api, bot = slack
    labels = {"method": "chat.postMessage", "error": "not_in_channel"}
    before = bot_value(bot, "smserror_slack_api_errors_total", **labels)
    api.fail("chat.postMessage", error="not_in_channel")
    bot.event(payloads.message_event("Twilio 30007 again", channel=channel_id()))
    # The reply is posted after the ack, from the listener's own per-request client.
    wait_until(
        lambda: [1] if bot_value(bot, "smserror_slack_api_errors_total", **labels) else [],
        timeout=10,
    )
    assert bot_value(bot, "smserror_slack_api_errors_total", **labels) == before + 1


# -- Socket Mode's small probe server -------------------------------------------------------


class FakeStore:
    def ping(self) -> bool:
        return True


def test_socket_mode_probes_report_the_websocket_and_serve_metrics() -> None:
    connected = [True]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    probes = ProbeServer(FakeStore(), "127.0.0.1", port, connected=lambda: connected[0])
    try:
        wait_until(lambda: [1] if probes.started else [], timeout=10)
        assert get(base + "/healthz") == (200, {"ok": True, "connected": True})
        connected[0] = False
        assert get(base + "/healthz") == (503, {"ok": False, "connected": False})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(base + "/metrics", timeout=5) as resp:
            assert b"# TYPE smserror_slack_api_errors_total counter" in resp.read()
    finally:
        probes.stop()
    assert not probes.thread.is_alive()


def get(url: str) -> tuple[int, dict]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        with e:
            return e.code, json.loads(e.read())
