"""Shared fixtures: a real PostgreSQL server for the session, and a fresh database per test.

Without PostgreSQL installed its tests are skipped, saying why, unless SMSERROR_REQUIRE_POSTGRES=1
(CI sets it) turns the skip into a failure, so CI can never pass by quietly testing less.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pg
import pytest


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PgServer]:
    if pg.find_binaries() is None:
        reason = (
            "PostgreSQL is not installed (no initdb on PATH or under /usr/lib/postgresql/*/bin); "
            "install it (Debian: apt-get install postgresql) to run these tests"
        )
        if os.environ.get(pg.REQUIRE) == "1":
            pytest.fail(f"{pg.REQUIRE}=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    server = pg.start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: pg.PgServer) -> str:
    """A new, empty PostgreSQL database of its own for this test."""
    return pg_server.create_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test twice: on a SQLite file and on a real PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'db.sqlite3'}"
    return request.getfixturevalue("pg_url")
