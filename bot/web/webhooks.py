"""Provider webhooks: POST /webhooks/twilio, /webhooks/telnyx and /webhooks/bandwidth.

Each request is checked in the order that costs a stranger the least of our time: a declared
size over the cap (413), the body read no further than the cap (413), the provider's own proof
that it sent it (403, and nothing is kept), and only then what the body says (400 when it is
not the provider's shape). Answering never waits on Slack: a failure is one insert, a
delivered report a count in memory, and alerts are decided later by the sweep
(bot.slack.sweep).
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from bot.config import WebhookSettings
from bot.core.webhooks import bandwidth, telnyx, twilio
from bot.core.webhooks.report import Malformed, Report
from bot.store import Store
from bot.web.server import SEEN, RequestRefused, read_capped

log = logging.getLogger(__name__)

TELNYX_SKEW = 300  # seconds a Telnyx timestamp may be off ours, as Telnyx's own libraries allow
WEBHOOK_BODY = 256 * 1024  # a status callback is under 2 KB, a Bandwidth batch some tens of KB


def webhook_routes(store: Store, settings: WebhookSettings) -> list[Route]:
    """The routes of the providers whose secret is set; none of the others is served."""
    keep = _keeper(store)
    routes = []
    if settings.twilio_tokens:
        validators = [RequestValidator(t.reveal()) for t in settings.twilio_tokens]
        public = settings.public_url or ""
        routes.append(
            Route("/webhooks/twilio", _twilio(validators, public, keep), methods=["POST"])
        )
    if settings.telnyx_public_key:
        key = VerifyKey(base64.b64decode(settings.telnyx_public_key))
        routes.append(Route("/webhooks/telnyx", _telnyx(key, keep), methods=["POST"]))
    if settings.bandwidth_credentials:
        expected = "Basic " + base64.b64encode(
            settings.bandwidth_credentials.reveal().encode()
        ).decode("ascii")
        routes.append(Route("/webhooks/bandwidth", _bandwidth(expected, keep), methods=["POST"]))
    return routes


Keeper = Callable[[list[Report]], Any]


def _keeper(store: Store) -> Keeper:
    async def keep(reports: list[Report]) -> None:
        if any(r.failed for r in reports):
            await run_in_threadpool(store.keep_reports, reports)
        else:  # delivered only: a count in memory, no thread hop
            store.keep_reports(reports)

    return keep


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (len(declared) > 12 or int(declared) > WEBHOOK_BODY):
        raise RequestRefused(413, f"body over {WEBHOOK_BODY} bytes", unread=True)
    return await read_capped(request, WEBHOOK_BODY)


def _accepted(request: Request, reports: list[Report]) -> Response:
    if seen := request.scope.get(SEEN):  # absent on Socket Mode's probe server
        seen.kind = "webhook"
    log.debug("webhook %s reports=%d", request.url.path, len(reports))
    return Response(status_code=204)


def _handler(
    check: Callable[[Request, bytes], Any], read: Callable[[Any], list[Report]], keep: Keeper
):
    """A route: the body, the provider's proof, the reports, kept; refusals answered."""

    async def route(request: Request) -> Response:
        try:
            raw = await _body(request)
            parsed = check(request, raw)
            try:
                reports = read(parsed)
            except Malformed as error:
                raise RequestRefused(400, str(error)) from None
            await keep(reports)
        except RequestRefused as refused:
            if refused.status == 403:
                log.warning("webhook %s refused: %s", request.url.path, refused.reason)
            return refused.response()
        return _accepted(request, reports)

    return route


# -- Twilio: X-Twilio-Signature over the public URL and the sorted form fields -------------------


def _twilio(validators: list[RequestValidator], public: str, keep: Keeper):
    def check(request: Request, raw: bytes) -> ImmutableMultiDict:
        signature = request.headers.get("x-twilio-signature")
        if not signature:
            raise RequestRefused(403, "missing X-Twilio-Signature")
        text = raw.decode("utf-8", errors="replace")
        form = ImmutableMultiDict(parse_qsl(text, keep_blank_values=True))
        url = public + request.url.path + (f"?{request.url.query}" if request.url.query else "")
        # The account's token signed it: any of ours that validates will do.
        if not any(v.validate(url, form, signature) for v in validators):
            raise RequestRefused(403, "invalid X-Twilio-Signature")
        if not form:
            raise RequestRefused(400, "a Twilio webhook is a form")
        return form

    def read(form: ImmutableMultiDict) -> list[Report]:
        report = twilio.read(form, now=_now())
        return [report] if report else []

    return _handler(check, read, keep)


# -- Telnyx: ed25519 over "timestamp|body" --------------------------------------------------------


def _telnyx(key: VerifyKey, keep: Keeper):
    def check(request: Request, raw: bytes) -> Any:
        signature = request.headers.get("telnyx-signature-ed25519")
        timestamp = request.headers.get("telnyx-timestamp")
        if not signature or not timestamp:
            raise RequestRefused(403, "missing telnyx-signature-ed25519 or telnyx-timestamp")
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            raise RequestRefused(403, "telnyx-timestamp is not a time")
        if abs(time.time() - int(timestamp)) > TELNYX_SKEW:
            raise RequestRefused(403, "stale telnyx-timestamp")
        try:
            key.verify(timestamp.encode() + b"|" + raw, base64.b64decode(signature, validate=True))
        except (BadSignatureError, ValueError):
            raise RequestRefused(403, "invalid telnyx-signature-ed25519") from None
        return _json(raw)

    return _handler(check, lambda body: telnyx.read(body, now=_now()), keep)


# -- Bandwidth: the HTTP Basic credentials the operator gave it ---------------------------------


def _bandwidth(expected: str, keep: Keeper):
    def check(request: Request, raw: bytes) -> Any:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode("latin-1", "replace"), expected.encode()):
            raise RequestRefused(403, "missing or wrong Basic credentials")
        return _json(raw)

    return _handler(check, lambda body: bandwidth.read(body, now=_now()), keep)


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise RequestRefused(400, "body is not JSON") from None
