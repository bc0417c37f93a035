"""The core loads no database, metrics, HTTP or Slack library, not even through another module:
ruff's TID251 (each pure package's ruff.toml) checks each file's own imports, this checks what
they pull in. The rules (catalog, lookup, detection, the escalation form and recurrence) load no
cards either: the cards draw what the rules decide."""

from __future__ import annotations

import json
import subprocess
import sys

CORE = (
    "bot.core.answers",
    "bot.core.escalation.service",
    "bot.core.escalation.form",
    "bot.core.escalation.recurrence",
    "bot.core.command",
    "bot.core.lookup",
    "bot.core.detect",
    "bot.core.catalog",
    "bot.core.stats",
    "bot.core.delivery",
    "bot.core.ports",
    "bot.core.records",
    "bot.cards.blocks",
    "bot.cards.escalation",
    "bot.strings",
)
RULES = (
    "bot.core.catalog",
    "bot.core.lookup",
    "bot.core.detect",
    "bot.core.escalation.form",
    "bot.core.escalation.phones",
    "bot.core.escalation.recurrence",
    "bot.core.command",
)
INFRASTRUCTURE = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "prometheus_client",
    "slack_bolt",
    "slack_sdk",
    "starlette",
    "uvicorn",
    "bot.store",
    "bot.metrics",
    "bot.slack",
)


def loaded_by(modules: tuple[str, ...], watched: tuple[str, ...] = INFRASTRUCTURE) -> list[str]:
    """The `watched` modules a fresh interpreter has loaded after importing `modules`."""
    script = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}: importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({watched!r}))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


def test_the_core_loads_no_infrastructure() -> None:
    assert loaded_by(CORE) == []


def test_the_check_sees_infrastructure_when_it_is_there() -> None:
    assert "sqlalchemy" in loaded_by(("bot.store",))


def test_the_rules_load_no_cards() -> None:
    assert loaded_by(RULES, ("bot.cards",)) == []


def test_the_check_sees_cards_when_they_are_there() -> None:
    assert "bot.cards.blocks" in loaded_by(("bot.core.answers",), ("bot.cards",))
