"""The core loads no database, metrics, HTTP or Slack library, not even through another module:
ruff's TID251 (pyproject.toml) checks each file's own imports, this checks what they pull in."""

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


def loaded_by(modules: tuple[str, ...]) -> list[str]:
    """The infrastructure modules a fresh interpreter has loaded after importing `modules`."""
    script = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}: importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({INFRASTRUCTURE!r}))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


def test_the_core_loads_no_infrastructure() -> None:
    assert loaded_by(CORE) == []


def test_the_check_sees_infrastructure_when_it_is_there() -> None:
    assert "sqlalchemy" in loaded_by(("bot.store",))
