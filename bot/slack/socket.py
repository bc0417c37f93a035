"""Socket Mode: Slack pushes requests down a websocket the bot opens; no public URL needed.

The handler gets its websocket URL from apps.connections.open on the app's own WebClient, so
SLACK_API_URL (GovSlack, tests) applies to it as to every other call.
"""

from __future__ import annotations

import logging
import signal
import threading

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

log = logging.getLogger(__name__)


def serve_socket(app: App, app_token: str) -> None:
    handler = SocketModeHandler(app, app_token=app_token, web_client=app.client)
    stop = threading.Event()
    # SIGTERM (docker stop, systemd) and Ctrl-C both close the websocket cleanly.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    handler.connect()
    log.info("connected to Slack over Socket Mode")
    stop.wait()
    log.info("shutting down")
    handler.close()
