"""Build the Bolt app: the Web API client, the services the listeners share, the listeners."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from sqlalchemy.engine import make_url

from bot.answers import Answers
from bot.catalog import default_catalog
from bot.config import Config
from bot.slack import errors
from bot.slack.http import serve_http
from bot.slack.listeners import register_listeners
from bot.slack.services import KEY, Services
from bot.slack.socket import serve_socket
from bot.store import Store

log = logging.getLogger(__name__)

API_TIMEOUT = 10  # seconds per Web API call; the retry handlers may add attempts


def web_client(token: str, base_url: str) -> WebClient:
    """A WebClient that waits out 429s (Retry-After) and retries dropped connections."""
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=API_TIMEOUT,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )


def build_app(
    *,
    client: WebClient,
    store: Store,
    replies_per_minute: int,
    signing_secret: str | None = None,
    process_before_response: bool = False,
) -> App:
    """The one Bolt app. No signing secret means no request verification: Socket Mode (which
    authenticates the websocket instead) and the console (which never leaves the process)."""
    app = App(
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=signing_secret is not None,
        process_before_response=process_before_response,
        raise_error_for_unhandled_request=False,
    )
    shared = Services(
        store=store,
        answers=Answers(store, replies_per_minute=replies_per_minute),
        providers=default_catalog().providers,
    )

    @app.middleware
    def _give_services(context: BoltContext, next) -> None:  # type: ignore[no-untyped-def]
        context[KEY] = shared
        next()

    errors.register(app)
    register_listeners(app)
    return app


def serve(config: Config, *, http: bool, host: str, port: int) -> None:
    """Run the bot against Slack until stopped: HTTP, or Socket Mode with an app token.

    Raises ConfigError for a missing credential, BoltError when Slack refuses the bot token.
    """
    if http:
        bot_token, signing_secret = config.require_http()
    else:
        bot_token, app_token = config.require_socket_mode()
    store = Store.open(config.database)
    log.info("database: %s", make_url(config.database).render_as_string(hide_password=True))
    try:
        app = build_app(
            client=web_client(bot_token.reveal(), config.api_url),
            store=store,
            replies_per_minute=config.replies_per_minute,
            signing_secret=signing_secret.reveal() if http else None,
        )
        if http:
            serve_http(app, store, host=host, port=port, log_level=config.log_level or "INFO")
        else:
            serve_socket(app, app_token.reveal())
    finally:
        store.close()
