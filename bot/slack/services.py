"""What every listener shares (store, answers, providers), reached through Bolt's context."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from slack_bolt import BoltContext

from bot.core.alerting import Watch
from bot.core.answers import Answers
from bot.core.catalog import Catalog
from bot.core.delivery import Deliveries
from bot.core.escalation.service import Escalations
from bot.slack.language import Locales
from bot.slack.workers import Acks
from bot.store import Store

KEY = "smserror_services"


@dataclass(frozen=True)
class Services:
    store: Store
    answers: Answers
    escalations: Escalations
    catalog: Catalog
    deliveries: Deliveries
    wake: Callable[[], None] = lambda: None  # a job was written: workers, look now
    acks: Acks = field(default_factory=Acks)  # requests under way: workers, step aside
    locales: Locales = field(default_factory=Locales)  # each person's language
    watch: Watch | None = None  # provider failures into alerts

    @property
    def providers(self) -> Mapping[str, str]:
        """Provider slug -> display name, for settings and App Home."""
        return self.catalog.providers


def services(context: BoltContext) -> Services:
    return context[KEY]
