"""HTTP mode: one URL for everything Slack sends (POST /slack/events), plus GET /healthz.

Served by uvicorn (an ASGI server built for production) through Starlette. Bolt checks each
request's signature and age and answers 401 to a bad or stale one. Bolt's dispatch is
synchronous, so it runs in Starlette's thread pool: one slow request never stalls the others.
"""

from __future__ import annotations

import logging

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.store import Store

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def asgi_app(app: App, store: Store) -> Starlette:
    async def events(request: Request) -> Response:
        body = await request.body()
        response = await run_in_threadpool(app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(response)

    async def healthz(request: Request) -> Response:
        ok = await run_in_threadpool(store.ping)
        return JSONResponse({"ok": ok}, status_code=200 if ok else 503)

    return Starlette(
        routes=[
            Route(EVENTS_PATH, events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


def serve_http(app: App, store: Store, *, host: str, port: int, log_level: str) -> None:
    log.info("serving Slack requests at http://%s:%d%s", host, port, EVENTS_PATH)
    uvicorn.run(
        asgi_app(app, store),
        host=host,
        port=port,
        log_config=None,  # keep our logging setup (one format, secrets masked)
        log_level=log_level.lower(),
        timeout_graceful_shutdown=10,
    )
