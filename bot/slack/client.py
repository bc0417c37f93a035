"""The Web API client: retries what is safe to retry, counts failures, never sleeps a 429.

Retried: Slack's 5xx, and connections that never reached Slack
(refused, unresolvable, connect timeout). Not retried for calls that post: a request that went
out and got no answer (read timeout, connection dropped), since Slack may have posted it and a
retry would post it twice. Failures are counted per method after the retries, so one call that
fails is one count however many attempts it took.
"""

from __future__ import annotations

import http.client
from typing import Any
from urllib.error import URLError

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

from bot.metrics import count_slack_api_error

API_TIMEOUT = 10  # seconds per Web API call; the retry handlers may add attempts


class CountingWebClient(WebClient):
    """A WebClient whose failed calls show in smserror_slack_api_errors_total{method,error}.

    Adds no state of its own, so a plain WebClient can become one (see count_api_errors).
    """

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            count_slack_api_error(api_method, slack_error(error))
            raise
        except (OSError, http.client.HTTPException) as error:
            count_slack_api_error(api_method, "timeout" if timed_out(error) else "connection")
            raise


def slack_error(error: SlackApiError) -> str:
    """Slack's error code ("not_in_channel"), or the HTTP status when the body had none."""
    code = error.response.get("error") if isinstance(error.response.data, dict) else None
    return str(code) if code else f"http_{error.response.status_code}"


def timed_out(error: BaseException) -> bool:
    # urllib wraps a connect timeout in URLError; a read timeout arrives bare.
    reason = error.reason if isinstance(error, URLError) else error
    return isinstance(reason, TimeoutError)


# Methods that create something each time they succeed: retried only when Slack surely never
# saw the request.
POSTING = ("chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage", "views.open")


def never_reached_slack(error: BaseException | None) -> bool:
    """A failure before the request was sent: refused, unresolvable host, connect timeout."""
    return (
        isinstance(error, URLError)
        and isinstance(error.reason, (OSError, TimeoutError))
        and (not isinstance(error.reason, (ConnectionResetError, BrokenPipeError)))
    )


def maybe_sent(error: BaseException) -> bool:
    """The request may have reached Slack, but no answer came back (timeout, dropped)."""
    if isinstance(error, SlackApiError) or never_reached_slack(error):
        return False
    return isinstance(error, (OSError, http.client.HTTPException))


class SafeConnectionRetry(ConnectionErrorRetryHandler):
    """ConnectionErrorRetryHandler that never repeats a post Slack may already have made."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if request.url.rstrip("/").endswith(POSTING) and not never_reached_slack(error):
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


def web_client(token: str, base_url: str, *, timeout: float = API_TIMEOUT) -> CountingWebClient:
    """A WebClient that retries 5xx and connections that never reached Slack.

    A 429 comes back at once, never slept through: a Retry-After of 60 s would hold the
    thread that asked (a Bolt listener thread, starving every other request, or a delivery
    worker). The outbox reschedules the job instead (bot.core.delivery); a click answered while
    Slack is limiting the bot says so (bot.slack.errors).
    """
    return CountingWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            SafeConnectionRetry(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def count_api_errors(app: App) -> None:
    """Count failures of the calls listeners make too, not only those on app.client.

    Why: Bolt 1.30 gives each request a fresh plain WebClient copied from app.client's settings
    (App._init_context), so the subclass above would otherwise see only startup and outbox calls.
    Re-classing that copy keeps every setting Bolt chose and costs nothing per request.
    """

    @app.middleware
    def _counting_client(context: BoltContext, next) -> None:  # type: ignore[no-untyped-def]
        client = context.get("client")
        if type(client) is WebClient:
            client.__class__ = CountingWebClient
        next()
