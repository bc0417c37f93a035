"""App Home: what smserror does, and the settings of the user's channels.

"The user's channels" are channels with stored settings that the user is a member of, asked of
Slack (conversations.members) each time the tab opens: membership changes, and remembering who
we have seen where would go stale. Channels without stored settings use the defaults; the
channel picker on the tab opens any channel's settings.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.cards.blocks import home_view
from bot.core.escalation.service import visible_to
from bot.core.stats import reported_top, workspace_top
from bot.slack.outbox import SlackOutbox
from bot.slack.services import Services, services
from bot.strings import speaking

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("app_home_opened")(on_home_opened)


def on_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    user = event.get("user", "")
    if event.get("tab") != "home":
        log.info("app_home_opened user=%s tab=%s", user, event.get("tab"))  # nothing to publish
        return
    shown = publish_home(client, user, services(context))
    log.info("app_home_opened user=%s tab=home channels=%d", user, shown)


def publish_home(client: WebClient, user_id: str, shared: Services) -> int:
    """Publish the user's App Home; returns how many channels it lists."""
    visible = visible_to(SlackOutbox(client), user_id)
    channels = [
        (channel, settings)
        for channel, settings in shared.store.channels_with_settings()
        if visible(channel)
    ]
    now = datetime.now(timezone.utc)
    top = workspace_top(shared.store, shared.catalog, now=now, visible=visible)
    with speaking(shared.locales.language_of(client, user_id)):
        mutes = [m for m in shared.store.mutes(now) if visible(m.channel)]
        reported = (
            reported_top(shared.catalog, shared.watch, now=now, visible=visible)
            if shared.watch
            else []
        )
        view = home_view(
            channels=channels,
            providers=shared.providers,
            top_codes=top,
            reported=reported,
            mutes=mutes,
        )
    client.views_publish(user_id=user_id, view=view)
    return len(channels)
