"""The core: the catalog, lookup, detection, what to answer, the escalation rules and service,
and the delivery rules. It imports no Slack, HTTP, database or metrics library; it talks to
the adapters through the ports in bot.core.ports (each folder's ruff.toml holds the line)."""
