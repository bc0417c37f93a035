"""The bot's memory in a database (SQLAlchemy): answered messages, thread memory, settings."""

from bot.store.store import EntryKey, Store, make_engine

__all__ = ["EntryKey", "Store", "make_engine"]
