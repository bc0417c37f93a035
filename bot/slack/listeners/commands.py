"""/smserror: look up a code or words (privately), help, and the channel settings modal."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.cards.blocks import help_message, lookup_reply, settings_modal
from bot.cards.ids import is_channel
from bot.core.command import parse
from bot.core.escalation.service import visible_to
from bot.core.escape import escape, unescape
from bot.core.lookup import lookup
from bot.core.records import Route
from bot.core.stats import channel_stats
from bot.core.webhooks import PROVIDERS as WEBHOOK_PROVIDERS
from bot.metrics import count_reply
from bot.slack.errors import reported
from bot.slack.outbox import SlackOutbox
from bot.slack.payloads import SlashCommand
from bot.slack.services import Services, services
from bot.strings import say

log = logging.getLogger(__name__)

COMMAND = "/smserror"


def register(app: App) -> None:
    app.command(COMMAND)(reported(on_command))


def on_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    typed = SlashCommand.read(command)
    asked = parse(unescape(typed.text))
    channel = typed.channel
    # Replies go back in the acknowledgement itself: private to the person who typed the
    # command, and they work in channels the bot is not in.
    if asked.kind == "settings":
        outcome = _open_settings(ack, typed, client, context)
    elif asked.kind == "help":
        ack(response_type="ephemeral", **help_message().kwargs())
        outcome = "help"
    elif asked.kind == "bad":
        ack(response_type="ephemeral", text=asked.problem)
        outcome = "bad-command"
    elif asked.kind == "stats":
        if not SlackOutbox(client).is_member(channel, typed.user):
            ack(response_type="ephemeral", text=say("stats.members_only"))
            outcome = "stats-not-a-member"
        else:
            shared = services(context)
            now = datetime.now(timezone.utc)
            reply = channel_stats(
                shared.store, shared.catalog, channel, asked.days, now=now, watch=shared.watch
            )
            ack(response_type="ephemeral", **reply.kwargs())
            outcome = f"stats days={asked.days}"
    elif asked.kind in ("watch", "unwatch"):
        reply, outcome = _watch(asked.kind, asked.query, typed, client, context)
        ack(response_type="ephemeral", text=reply)
    elif asked.kind == "escalations":
        visible = visible_to(SlackOutbox(client), typed.user)
        reply = services(context).escalations.open_list(typed.user, visible)
        ack(response_type="ephemeral", **reply.kwargs())
        outcome = "escalations"
    else:
        # The channel's providers come first and let their small codes count.
        preferred = (
            services(context).store.settings(channel).providers if is_channel(channel) else ()
        )
        answer = lookup(asked.query, prefer=preferred)
        ack(response_type="ephemeral", **lookup_reply(answer).kwargs())
        outcome = f"lookup hits={len(answer.hits)}"
    count_reply("command")
    log.info("command %s channel=%s outcome=%s", COMMAND, channel, outcome)


def _open_settings(ack: Ack, command: SlashCommand, client: WebClient, context: BoltContext) -> str:
    channel = command.channel
    if not is_channel(channel):
        ack(response_type="ephemeral", text=say("settings.in_a_dm"))
        return "settings-not-a-channel"
    if not SlackOutbox(client).is_member(channel, command.user):
        ack(response_type="ephemeral", text=say("settings.members_only", channel=channel))
        return "settings-not-a-member"
    ack()
    shared = services(context)
    view = settings_modal(channel, shared.store.settings(channel), shared.providers)
    client.views_open(trigger_id=command.trigger_id, view=view)
    return "settings-opened"


def _watch(
    kind: str, query: str, command: SlashCommand, client: WebClient, context: BoltContext
) -> tuple[str, str]:
    """`/smserror watch [PROVIDER [MATCH]]` and `unwatch`: which provider failures this channel
    is alerted to. Members of the channel only. Returns the reply and the log outcome."""
    channel = command.channel
    if not is_channel(channel):
        return say("watch.in_a_dm"), f"{kind}-not-a-channel"
    shared = services(context)
    names = {slug: shared.catalog.providers.get(slug, slug) for slug in WEBHOOK_PROVIDERS}
    words = query.split()
    if kind == "watch" and not words:
        return _routes_here(shared, channel, names), "watch-list"
    if not words:
        return say("watch.usage", providers=", ".join(names.values())), "watch-usage"
    provider = words[0].casefold()
    if provider not in names:
        shown = escape(words[0][:40])
        return say("watch.unknown_provider", provider=shown, providers=", ".join(names.values())), (
            f"{kind}-unknown-provider"
        )
    if not SlackOutbox(client).is_member(channel, command.user):
        return say("watch.members_only", channel=channel), f"{kind}-not-a-member"
    route = Route(channel, provider, words[1][:128] if len(words) > 1 else "")
    what = _route_name(route, names)
    if kind == "watch":
        if shared.store.add_route(route, command.user):
            return say("watch.added", what=what), "watch-added"
        return say("watch.already", what=what), "watch-already"
    if shared.store.remove_route(route):
        return say("watch.removed", what=what), "unwatch-removed"
    return say("watch.not_there", what=what), "unwatch-not-there"


def _route_name(route: Route, names: dict[str, str]) -> str:
    name = names.get(route.provider, route.provider)
    if not route.match:
        return say("watch.all_of", provider=name)
    return say("watch.one_of", provider=name, match=f"`{escape(route.match).replace('`', '')}`")


def _routes_here(shared: Services, channel: str, names: dict[str, str]) -> str:
    routes = [r for r in shared.store.routes() if r.channel == channel]
    if routes:
        return say("watch.list", routes=", ".join(_route_name(r, names) for r in routes))
    default = shared.watch.default_channel if shared.watch else None
    note = say("watch.default_note", channel=default) if default else ""
    return say("watch.none", default=note)
