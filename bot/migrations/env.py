"""Alembic's entry point for the bot's migrations; bot.store.migrate is what runs it.

migrate.py opens the connection, takes the lock (PostgreSQL advisory lock, SQLite BEGIN
IMMEDIATE) and passes the connection in, so every migration runs inside that one transaction
and a second instance starting at the same moment waits instead of racing.
"""

from __future__ import annotations

from alembic import context

from bot.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("run migrations with `smserror db upgrade` (bot.store.migrate.upgrade)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things: autogenerate then writes copy-and-move batch operations.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
