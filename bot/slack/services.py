"""What every listener shares (store, answers, providers), reached through Bolt's context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from slack_bolt import BoltContext

from bot.answers import Answers
from bot.store import Store

KEY = "smserror_services"


@dataclass(frozen=True)
class Services:
    store: Store
    answers: Answers
    providers: Mapping[str, str]  # provider slug -> display name, for settings and App Home


def services(context: BoltContext) -> Services:
    return context[KEY]
