"""The floor for load_bench.py: a bare Bolt app with an empty `message` listener, served the way
smserror serves (uvicorn, Starlette, Bolt's dispatch in the thread pool), and nothing else.

With --our-http the same bare app sits behind smserror's HTTP layer (bot.web.server: checks,
metrics, a log line per request), so the bench can tell that layer's cost from the listeners'.

Run by load_bench.py; by hand: SLACK_API_URL=... SLACK_BOT_TOKEN=... SLACK_SIGNING_SECRET=...
.venv/bin/python bench/bare_app.py --port 3001 [--our-http]
"""

from __future__ import annotations

import argparse
import os

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--our-http", action="store_true", help="behind bot.web.server")
    args = parser.parse_args()

    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @app.event("message")
    def on_message() -> None:
        pass

    async def events(request: Request) -> Response:
        body = await request.body()
        response = await run_in_threadpool(app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(response)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"ok": True})

    routes = [
        Route("/slack/events", events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    server = Starlette(routes=routes)
    if args.our_http:
        from bot.log import configure_logging
        from bot.web.server import asgi_app

        configure_logging(
            "INFO", [os.environ["SLACK_BOT_TOKEN"], os.environ["SLACK_SIGNING_SECRET"]]
        )
        server = asgi_app(app, NoStore())
    uvicorn.run(
        server,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
    )


class NoStore:
    """/healthz asks the store; this app has none."""

    def ping(self) -> bool:
        return True


if __name__ == "__main__":
    main()
