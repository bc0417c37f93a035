"""The bot's memory in a database (SQLAlchemy): answered messages, thread memory, settings,
escalations and sightings. Its schema is kept by Alembic migrations (bot.store.migrate)."""

from bot.core.records import EntryKey, EscalationRecord, Example, NewEscalation
from bot.store.store import Store, StoreError, make_engine

__all__ = [
    "EntryKey",
    "EscalationRecord",
    "Example",
    "NewEscalation",
    "Store",
    "StoreError",
    "make_engine",
]
