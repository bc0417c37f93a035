"""What the bot counts, for Prometheus: requests, replies, detections, escalations, Slack errors.

One registry of our own (not prometheus_client's global one) so GET /metrics shows exactly these
series and importing a library that registers its own metrics cannot change the page. Listeners
call the small count_* functions below; they never touch the metric objects themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest

REGISTRY = CollectorRegistry()

# What Slack sent, by the kind of request it was. "other": url_verification, ssl_check, a 404.
KINDS = ("event", "command", "action", "view", "shortcut", "other")

REQUESTS = Counter(
    "smserror_requests",
    "HTTP requests from Slack, by kind and the status we answered",
    ["kind", "status"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "smserror_request_seconds",
    "Time from receiving a request to finishing our answer (Slack gives up after 3 s)",
    ["kind"],
    # The default buckets plus 3 s: Slack's deadline is the line worth seeing.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0, 10.0),
    registry=REGISTRY,
)
REPLIES = Counter(
    "smserror_replies",
    "Answers posted, by where they went (thread, mention, dm, command, ...)",
    ["surface"],
    registry=REGISTRY,
)
DETECTIONS = Counter(
    "smserror_detections",
    "Error codes found in messages, by provider and code",
    ["provider", "code"],
    registry=REGISTRY,
)
ESCALATIONS = Counter(
    "smserror_escalations",
    "Escalations by the state they moved to",
    ["state"],
    registry=REGISTRY,
)
SLACK_API_ERRORS = Counter(
    "smserror_slack_api_errors",
    'Slack Web API calls that failed, by method and Slack\'s error ("connection", "timeout")',
    ["method", "error"],
    registry=REGISTRY,
)


class Detected(Protocol):
    """Anything naming a catalog entry: a catalog Entry, a detection."""

    @property
    def provider(self) -> str: ...

    @property
    def code(self) -> str: ...


def count_request(kind: str, status: int, seconds: float) -> None:
    kind = kind if kind in KINDS else "other"
    REQUESTS.labels(kind, str(status)).inc()
    REQUEST_SECONDS.labels(kind).observe(seconds)


def count_reply(surface: str) -> None:
    REPLIES.labels(surface).inc()


def count_detections(entries: Iterable[Detected]) -> None:
    for entry in entries:
        DETECTIONS.labels(entry.provider, entry.code).inc()


def count_escalation(state: str) -> None:
    ESCALATIONS.labels(state).inc()


def count_slack_api_error(method: str, error: str) -> None:
    SLACK_API_ERRORS.labels(method, error).inc()


def exposition() -> tuple[bytes, str]:
    """The /metrics page: Prometheus text format, and its content type."""
    # generate_latest writes the classic 0.0.4 text format; say so, as prometheus_client's own
    # server does (its CONTENT_TYPE_LATEST names 1.0.0, which older scrapers refuse).
    return generate_latest(REGISTRY), CONTENT_TYPE_PLAIN_0_0_4


class PrometheusCounters:
    """The core's Counters port (bot.core.ports), counted in this module's registry."""

    def detections(self, entries: Iterable[Detected]) -> None:
        count_detections(entries)

    def reply(self, surface: str) -> None:
        count_reply(surface)

    def escalation(self, state: str) -> None:
        count_escalation(state)
