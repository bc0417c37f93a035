"""The bot's memory in a database (SQLAlchemy): answered messages, thread memory, settings,
escalations and sightings. Its schema is kept by Alembic migrations (bot.store.migrate)."""

from bot.records import EntryKey, EscalationRecord, Example, NewEscalation
from bot.store.store import Store, make_engine

__all__ = ["EntryKey", "EscalationRecord", "Example", "NewEscalation", "Store", "make_engine"]
