"""Build the Bolt app: the Web API client, the services the listeners share, the listeners."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.engine import make_url

from bot.config import Config
from bot.core.alerting import Thresholds, Watch
from bot.core.answers import Answers
from bot.core.catalog import default_catalog
from bot.core.delivery import Deliveries
from bot.core.escalation.service import Escalations
from bot.metrics import PrometheusCounters
from bot.slack import errors
from bot.slack.client import web_client
from bot.slack.listeners import register_listeners
from bot.slack.poster import SlackPoster
from bot.slack.services import KEY, Services
from bot.slack.socket import serve_socket
from bot.slack.sweep import Sweep
from bot.slack.workers import Acks, Workers
from bot.store import Store
from bot.strings import use_by_default
from bot.web.server import serve_http
from bot.web.webhooks import webhook_routes

log = logging.getLogger(__name__)


def build_services(
    store: Store, config: Config, wake: Callable[[], None] | None = None
) -> Services:
    """What the listeners share, built once per process."""
    use_by_default(config.language)
    catalog = default_catalog()
    counters = PrometheusCounters()
    escalations = Escalations(
        store,
        catalog,
        default_support=config.support_channel,
        mask_numbers=config.mask_numbers,
        region=config.phone_region,
        retry_after=timedelta(seconds=config.retry_seconds),
        counters=counters,
    )
    answers = Answers(store, replies_per_minute=config.replies_per_minute, counters=counters)
    acks = Acks(wake=wake or (lambda: None))
    hooks = config.webhooks
    store.recipient_secret = hooks.hash_key()
    watch = Watch(
        store,
        catalog,
        thresholds=Thresholds(
            window=timedelta(minutes=hooks.window_minutes),
            quiet=timedelta(minutes=hooks.quiet_minutes),
            count=hooks.alert_count,
            per_entry=dict(hooks.per_entry),
        ),
        default_channel=hooks.alert_channel,
        language_of=lambda channel: store.settings(channel).spoken,
    )
    return Services(
        store=store,
        answers=answers,
        escalations=escalations,
        catalog=catalog,
        deliveries=Deliveries(
            store,
            hooks=escalations,
            lease=timedelta(seconds=config.job_lease_seconds),
            settle=timedelta(seconds=max(5, 2 * config.slack_timeout)),
            decide=answers.decide,
        ),
        wake=acks.wake,
        acks=acks,
        watch=watch,
    )


def build_app(
    *,
    client: WebClient,
    store: Store,
    config: Config | None = None,
    services: Services | None = None,
    signing_secret: str | None = None,
    process_before_response: bool = False,
) -> App:
    """The one Bolt app. No signing secret means no request verification: Socket Mode (which
    authenticates the websocket instead) and the console (which never leaves the process)."""
    shared = services or build_services(store, config or Config())
    app = App(
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=signing_secret is not None,
        process_before_response=process_before_response,
        raise_error_for_unhandled_request=False,
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
    store = Store.open(config.database, create_folder=config.database_url is None)
    log.info("database: %s", make_url(config.database).render_as_string(hide_password=True))
    workers: Workers | None = None
    sweep: Sweep | None = None
    try:
        # Made first, so the listeners (which write jobs) and the workers (which post them)
        # share it: a release per job written wakes one worker.
        woken = threading.Semaphore(0)
        shared = build_services(store, config, wake=woken.release)
        app = build_app(
            client=web_client(bot_token.reveal(), config.api_url, timeout=config.slack_timeout),
            store=store,
            services=shared,
            signing_secret=signing_secret.reveal() if http else None,
        )
        # Posting has a client of its own, so the workers' calls and the listeners' never wait
        # on each other's connections.
        poster = SlackPoster(
            web_client(bot_token.reveal(), config.api_url, timeout=config.slack_timeout)
        )
        if adopted := shared.escalations.adopt_undelivered():
            log.info("%d escalation(s) from before the outbox wait for their support post", adopted)
        # The jobs this process writes, its own workers deliver: held from the start and
        # handed over in memory, with no transaction to take them (bot.store.jobs.HandOver).
        store.hold_jobs(shared.deliveries.lease)
        workers = Workers(shared.deliveries, poster, woken=woken, acks=shared.acks).start()
        assert shared.watch is not None
        sweep = Sweep(
            store,
            shared.watch,
            retention=timedelta(days=config.webhooks.retention_days),
            wake=shared.wake,
            every=config.webhooks.sweep_seconds,
        ).start()
        webhooks = webhook_routes(store, config.webhooks)
        if webhooks:
            log.info("provider webhooks: %s", ", ".join(r.path for r in webhooks))
        if http:
            serve_http(
                app,
                store,
                host=host,
                port=port,
                log_level=config.log_level or "INFO",
                acks=shared.acks,
                webhooks=webhooks,
            )
        else:
            serve_socket(
                app,
                app_token.reveal(),
                store=store,
                host=host,
                port=port,
                acks=shared.acks,
                webhooks=webhooks,
            )
    finally:
        if sweep is not None:
            sweep.stop()
        if workers is not None:
            workers.stop()
        store.close()
