"""Shared fixtures: a real PostgreSQL server for the session, and a fresh database per test;
a Web API stand-in per test; and the bot itself serving HTTP against one, per test module.

Without PostgreSQL installed its tests are skipped, saying why, unless SMSERROR_REQUIRE_POSTGRES=1
(CI sets it) turns the skip into a failure, so CI can never pass by quietly testing less.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pg
import pytest
from slack_harness import HttpBot, running_http_bot
from slack_standin import SlackWebAPI


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


@pytest.fixture
def api() -> Iterator[SlackWebAPI]:
    """A Web API stand-in of this test's own, on a free port."""
    with SlackWebAPI() as running:
        yield running


@pytest.fixture(scope="module")
def slack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SlackWebAPI, HttpBot]]:
    """The real bot, `python -m bot serve --http` in a subprocess, against a Web API stand-in:
    one pair per test module, on a SQLite file of its own, checked for printed secrets at the end.

    The module's `bot_env` mark adds to the bot's environment, e.g.
    `pytestmark = [pytest.mark.slow, pytest.mark.bot_env(SMSERROR_REPLIES_PER_MINUTE="100")]`.
    A module that needs the stand-in set up first (channels, users) overrides `slack` with a
    module fixture of the same name that asks for this one.
    """
    mark = request.node.get_closest_marker("bot_env")
    extra = dict(mark.kwargs) if mark else {}
    with running_http_bot(tmp_path_factory.mktemp(request.module.__name__), **extra) as pair:
        yield pair
