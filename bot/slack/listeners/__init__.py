"""One module per Slack surface, each with register(app); register_listeners wires them all."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import (
    actions,
    alerts,
    commands,
    escalation,
    events,
    home,
    shortcuts,
    views,
)


def register_listeners(app: App) -> None:
    for surface in (commands, events, actions, views, shortcuts, home, escalation, alerts):
        surface.register(app)
