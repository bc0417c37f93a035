"""INSERT … ON CONFLICT DO NOTHING: one statement that a unique key lets through once.

Claims and sightings both rely on it. Against a plain INSERT that catches IntegrityError, a row
already there costs no exception and no rollback, and a batch keeps the rows that are new. It is
still the database's unique key that decides, atomically, however many threads or instances race
(PostgreSQL makes the second insert wait for the first to commit, then skips it; SQLite takes
writers one at a time). The result's rowcount says how many rows this call added.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Connection, Insert, Table


def insert_new(conn: Connection, table: Table, unique: tuple[str, ...], rows: list[dict]) -> int:
    """Insert the rows the unique key lets through; returns how many it let through."""
    statement = _skipping_duplicates(table, unique, conn.dialect.name)
    if len(rows) == 1:
        # The same statement object every time: SQLAlchemy keeps its cache key and compiled SQL.
        return conn.execute(statement, rows[0]).rowcount
    # One multi-row VALUES, not executemany: its rowcount is the rows added on both drivers.
    return conn.execute(statement.values(rows)).rowcount


@cache
def _skipping_duplicates(table: Table, unique: tuple[str, ...], dialect: str) -> Insert:
    """Built once per table and database kind."""
    # Imported here: loading the PostgreSQL dialect costs a SQLite-only start ~50 ms.
    from sqlalchemy.dialects import postgresql, sqlite

    if dialect == "postgresql":
        statement = postgresql.insert(table).on_conflict_do_nothing(index_elements=unique)
    elif dialect == "sqlite":
        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=unique)
    else:
        raise NotImplementedError(f"the store needs SQLite or PostgreSQL, not {dialect}")
    # SQLAlchemy keeps an INSERT's rowcount (the rows it added) only when asked to.
    return statement.execution_options(preserve_rowcount=True)
