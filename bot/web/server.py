"""HTTP mode: one URL for everything Slack sends (POST /slack/events), plus GET /healthz and
GET /metrics.

Served by uvicorn (an ASGI server built for production) through Starlette. Before Bolt sees a
request, it is checked in the order that costs an attacker the least of our time: a declared
size over the cap (413), a content type Slack never sends (415), a body that grows over the cap
(413, read no further), no signature (401; Slack's unsigned ssl_check aside), a bad or stale
signature (401), and only then a body that is not what it claims to be (400) — so unsigned junk
always gets 401 and never learns how we parse. Bolt checks the signature again, as it always
does. Bolt's dispatch is synchronous, so it runs in Starlette's thread pool: one slow request
never stalls the others.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, parse_qsl

import uvicorn
from slack_bolt import App, BoltContext, BoltRequest
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_bolt.request.internals import build_context
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.metrics import count_request, exposition
from bot.slack.client import count_api_errors
from bot.slack.workers import Acks
from bot.store import Store

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
PROBES = ("/healthz", "/metrics")  # asked by machines every few seconds: not Slack traffic

# Slack's payloads are a few KB; the largest it can send (a shortcut on a 40,000-character message
# with blocks, the state of a 100-block modal) stay in the hundreds of KB. 1 MiB leaves room above
# that and bounds what a stranger can make each of the thread pool's workers hold.
MAX_BODY = 1024 * 1024
MAX_AGE = 5 * 60  # seconds; Slack's own rule for a request timestamp, the same one Bolt applies
FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"

# Request kinds for logs and metrics, from the parsed body's type.
_KINDS = {
    "event_callback": "event",
    "block_actions": "action",
    "block_suggestion": "action",
    "interactive_message": "action",
    "view_submission": "view",
    "view_closed": "view",
    "shortcut": "shortcut",
    "message_action": "shortcut",
}


class RequestRefused(Exception):
    """A request we answer ourselves, with a status and a short reason, before Bolt sees it."""

    def __init__(self, status: int, reason: str, *, unread: bool = False) -> None:
        super().__init__(reason)
        self.status, self.reason, self.unread = status, reason, unread

    def response(self) -> Response:
        # Closing is what stops uvicorn reading (and discarding) the rest of an unread body.
        headers = {"connection": "close"} if self.unread else None
        return JSONResponse({"error": self.reason}, self.status, headers=headers)


@dataclass
class Seen:
    """What the request log line and metrics learn from inside a route."""

    kind: str = "other"


SEEN = "smserror.seen"  # scope key: routes fill in the Seen that `observed` reads


# -- the checks, in order ----------------------------------------------------------------------


def check_envelope(request: Request) -> str:
    """Size and type from the headers alone, nothing read yet; returns the media type."""
    declared = request.headers.get("content-length")
    if declared is not None and (len(declared) > 12 or int(declared) > MAX_BODY):
        raise RequestRefused(413, f"body over {MAX_BODY} bytes", unread=True)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in (FORM, JSON_TYPE):
        raise RequestRefused(415, f"content type must be {FORM} or {JSON_TYPE}", unread=True)
    return ctype


async def read_capped(request: Request, most: int = MAX_BODY) -> bytes:
    """The body, read as it arrives and abandoned as soon as it passes `most` (chunked or lying
    about its length), so an oversized body is never held whole."""
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > most:
                raise RequestRefused(413, f"body over {most} bytes", unread=True)
    except ClientDisconnect:
        raise RequestRefused(400, "the body ended early", unread=True) from None
    return bytes(body)


def is_ssl_check(ctype: str, raw: bytes) -> bool:
    """Slack's ssl_check comes unsigned (Bolt answers it before verifying): answered 200 here,
    without dispatching, so nothing riding along in the form can act."""
    if ctype != FORM or b"ssl_check=" not in raw:
        return False
    return parse_qs(raw.decode("latin-1")).get("ssl_check") == ["1"]


def check_signature(request: Request, raw: bytes, secret: bytes) -> None:
    """Slack's v0 HMAC over the raw bytes (so a body that is not UTF-8 still gets a verdict)."""
    timestamp = request.headers.get("x-slack-request-timestamp")
    signature = request.headers.get("x-slack-signature")
    if not timestamp or not signature:
        raise RequestRefused(401, "missing X-Slack-Signature or X-Slack-Request-Timestamp")
    fresh = (
        timestamp.isascii()
        and timestamp.isdigit()
        and len(timestamp) <= 12
        and abs(time.time() - int(timestamp)) <= MAX_AGE
    )
    base = b"v0:" + timestamp.encode("latin-1") + b":" + raw
    expected = b"v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest().encode()
    if not (fresh and hmac.compare_digest(expected, signature.encode("latin-1"))):
        raise RequestRefused(401, "invalid or stale signature")


def parse_body(ctype: str, raw: bytes) -> dict[str, Any]:
    """The body as Bolt will read it (JSON when typed so or starting with "{", else a form whose
    payload field is JSON), or 400 where Bolt would raise instead of answering."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestRefused(400, "body is not UTF-8") from None
    if not text:
        raise RequestRefused(400, "empty body")
    if ctype == JSON_TYPE or text[0] == "{":
        return _json_object(text, "body")
    try:
        form = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict"))
    except ValueError:  # UnicodeDecodeError included: %FF is not UTF-8
        raise RequestRefused(400, "body is not form-encoded") from None
    return _json_object(form["payload"], "payload") if "payload" in form else form


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested past the C stack
        raise RequestRefused(400, f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise RequestRefused(400, f"{what} is not a JSON object")
    return value


def bolt_request(request: Request, raw: bytes, body: dict[str, Any]) -> BoltRequest:
    """Bolt's request, with the body read as parse_body read it.

    Why: Bolt 1.30 takes any form whose text contains "payload" for an interaction and reads a
    slash command such as `/smserror payload too large` as {}, then answers 404 "unhandled".
    """
    bolt = to_bolt_request(request, raw)
    if bolt.body != body:
        bolt.body, bolt.context = body, build_context(BoltContext(), body)
    return bolt


def kind_of(body: dict[str, Any]) -> str:
    if "command" in body:
        return "command"
    return _KINDS.get(str(body.get("type")), "other")


# -- the server --------------------------------------------------------------------------------


def asgi_app(
    app: App, store: Store, acks: Acks | None = None, webhooks: list[Route] | None = None
) -> ASGIApp:
    # Bolt 1.30 keeps the secret it verifies with only as App._signing_secret; checking with that
    # same value means this layer can never accept what Bolt would refuse, nor the reverse.
    secret = app._signing_secret.encode()
    waiting = acks or Acks()

    async def events(request: Request) -> Response:
        seen: Seen = request.scope[SEEN]
        try:
            ctype = check_envelope(request)
            raw = await read_capped(request)
            if is_ssl_check(ctype, raw):
                return Response(status_code=200)
            check_signature(request, raw, secret)
            body = parse_body(ctype, raw)
            seen.kind = kind_of(body)
            response = await run_in_threadpool(app.dispatch, bolt_request(request, raw, body))
        except RequestRefused as refused:
            return refused.response()
        except Exception:
            # In practice only input Bolt cannot read gets here (listeners run after the ack and
            # report their own errors): answer as bad input; log the surprise once, traceback too.
            log.exception("could not handle a request (kind=%s)", seen.kind)
            return RequestRefused(400, "could not handle this request").response()
        return to_starlette_response(response)

    routes = [Route(EVENTS_PATH, events, methods=["POST"]), *probe_routes(store), *(webhooks or [])]
    return observed(waited_on(Starlette(routes=routes), waiting))


def waited_on(inner: ASGIApp, acks: Acks) -> ASGIApp:
    """Count each request to EVENTS_PATH as one Slack waits on, from its first byte until its
    answer is sent, so the delivery workers step aside meanwhile (bot.slack.workers.Acks).

    Why around the sending too: a worker let go as the route returns takes the interpreter
    while the answer is still to be written, and Slack's wait grows by that worker's turn."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == EVENTS_PATH:
            with acks:
                await inner(scope, receive, send)
        else:
            await inner(scope, receive, send)

    return app


def probe_routes(store: Store, *, connected: Callable[[], bool] | None = None) -> list[Route]:
    """GET /healthz (the database answers, and in Socket Mode the websocket is up) and
    GET /metrics (Prometheus text format)."""

    async def healthz(request: Request) -> Response:
        ok = await run_in_threadpool(store.ping)
        socket = {} if connected is None else {"connected": connected()}
        ok = ok and all(socket.values())
        return JSONResponse({"ok": ok, **socket}, status_code=200 if ok else 503)

    async def metrics(request: Request) -> Response:
        body, content_type = exposition()
        return Response(body, headers={"content-type": content_type})

    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]


def observed(inner: ASGIApp) -> ASGIApp:
    """One log line and one count per HTTP request, whatever answered it (a route, a 404, a 405)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        started = time.perf_counter()
        seen = scope[SEEN] = Seen()
        status = 500  # if nothing was sent, the server answers 500 itself

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await inner(scope, receive, noting_status)
        finally:
            note_request(scope, seen.kind, status, time.perf_counter() - started)

    return app


def note_request(scope: Scope, kind: str, status: int, seconds: float) -> None:
    path: str = scope["path"]
    probe = path in PROBES
    if not probe:
        count_request(kind, status, seconds)
    # The path comes from the client: escaped, so it cannot forge a line of its own.
    shown = path if path.isprintable() and len(path) <= 200 else repr(path[:200])
    fields: dict[str, Any] = {
        "method": scope["method"],
        "path": shown,
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
        "kind": kind,
    }
    retry = _header(scope, b"x-slack-retry-num")
    if retry.isdigit() and len(retry) <= 3:
        fields["retry_num"] = int(retry)
    suffix = f" retry={fields['retry_num']}" if "retry_num" in fields else ""
    log.log(
        logging.DEBUG if probe else logging.INFO,
        "%s %s %d %.1fms kind=%s%s",
        scope["method"],
        shown,
        status,
        fields["duration_ms"],
        kind,
        suffix,
        extra=fields,
    )


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


def serve_http(
    app: App,
    store: Store,
    *,
    host: str,
    port: int,
    log_level: str,
    acks: Acks | None = None,
    webhooks: list[Route] | None = None,
) -> None:
    count_api_errors(app)
    log.info("serving Slack requests at http://%s:%d%s", host, port, EVENTS_PATH)
    uvicorn.run(
        asgi_app(app, store, acks, webhooks),
        host=host,
        port=port,
        log_config=None,  # keep our logging setup (one format, secrets masked)
        log_level=log_level.lower(),
        access_log=False,  # our own line per request (note_request) replaces uvicorn's
        timeout_graceful_shutdown=10,
    )
