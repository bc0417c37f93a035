"""Socket Mode: Slack pushes requests down a websocket the bot opens; no public URL needed.

The handler gets its websocket URL from apps.connections.open on the app's own WebClient, so
SLACK_API_URL (GovSlack, tests) applies to it as to every other call. There is no HTTP server for
Slack here; given a port, a small one answers GET /healthz and GET /metrics for the platform.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from starlette.applications import Starlette
from starlette.routing import Route

from bot.slack.client import count_api_errors
from bot.slack.workers import Acks
from bot.store import Store
from bot.web.server import probe_routes

log = logging.getLogger(__name__)

RECONNECT_CHECK = 1.0  # seconds between checks that the websocket is still open


def serve_socket(
    app: App,
    app_token: str,
    *,
    store: Store | None = None,
    host: str = "0.0.0.0",
    port: int | None = None,
    acks: Acks | None = None,
    webhooks: list[Route] | None = None,
) -> None:
    """Run until SIGTERM or Ctrl-C; with a store and a port, also serve /healthz, /metrics and
    the provider webhooks."""
    count_api_errors(app)
    # The client notices a closed websocket when it next checks (ping_interval): every
    # second, so a connection Slack closes is replaced within about a second, not ten.
    handler = AckingHandler(
        app, app_token=app_token, web_client=app.client, ping_interval=RECONNECT_CHECK
    )
    handler.acks = acks or Acks()
    stop = threading.Event()
    # SIGTERM (docker stop, systemd) and Ctrl-C both close the websocket cleanly.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    handler.connect()
    log.info("connected to Slack over Socket Mode")
    probes = None
    if store is not None and port is not None:
        probes = ProbeServer(
            store, host, port, connected=handler.client.is_connected, webhooks=webhooks or []
        )
    stop.wait()
    log.info("shutting down")
    if probes is not None:
        probes.stop()
    handler.close()


class AckingHandler(SocketModeHandler):
    """Bolt's handler, counting each request as one Slack waits on until its ack is sent, so the
    delivery workers step aside meanwhile (bot.slack.workers.Acks)."""

    acks: Acks

    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        with self.acks:
            super().handle(client, req)


class ProbeServer:
    """/healthz and /metrics on their own uvicorn, in a background thread."""

    def __init__(
        self,
        store: Store,
        host: str,
        port: int,
        *,
        connected: Callable[[], bool],
        webhooks: list[Route] | None = None,
    ) -> None:
        config = uvicorn.Config(
            Starlette(routes=[*probe_routes(store, connected=connected), *(webhooks or [])]),
            host=host,
            port=port,
            log_config=None,
            access_log=False,  # probes every few seconds would drown the bot's own lines
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        # Not the main thread, so uvicorn leaves the signal handlers above alone.
        self.thread = threading.Thread(target=self.server.run, name="probes", daemon=True)
        self.thread.start()
        log.info("serving /healthz and /metrics at http://%s:%d", host, port)

    @property
    def started(self) -> bool:
        return self.server.started

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
