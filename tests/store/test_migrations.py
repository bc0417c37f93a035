"""Migrations (bot/migrations) and `smserror db`: fresh databases, databases from before
migrations, instances starting together, and errors that name DATABASE_URL without secrets.

Most tests run on a SQLite file and on a real PostgreSQL (tests/pg.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, Table, inspect, text

from bot.cli import main
from bot.core.channels import ChannelSettings
from bot.store import Store, make_engine
from bot.store.migrate import (
    HEAD,
    SchemaError,
    alembic_config,
    current,
    take_migration_lock,
    upgrade,
)
from bot.store.models import AnsweredMessageRow, Base, ChannelSettingsRow, ThreadCodeRow

FIRST_TABLES = [AnsweredMessageRow.__table__, ThreadCodeRow.__table__, ChannelSettingsRow.__table__]
KEY = ("twilio", "30007", None)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    made = make_engine(database_url)
    yield made
    made.dispose()


# Columns added by later migrations: a database from before migrations did not have them.
LATER_COLUMNS = {"channel_settings": {"language"}}  # 0005


def legacy_tables() -> MetaData:
    """The first three tables as Store's create_all made them, before any migration."""
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in FIRST_TABLES:
        later = LATER_COLUMNS.get(table.name, set())
        if not later:
            table.to_metadata(metadata)
            continue
        kept = [column._copy() for column in table.columns if column.name not in later]
        Table(table.name, metadata, *kept)
    return metadata


def legacy(engine: Engine) -> None:
    """A database as Store made it before migrations: create_all of the first three tables."""
    legacy_tables().create_all(engine)


def shape(engine: Engine) -> dict[str, Any]:
    """Every table's columns, keys, indexes and checks, to compare two databases by."""
    seen = inspect(engine)
    tables: dict[str, Any] = {
        name: {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                for c in seen.get_columns(name)
            ],
            "primary key": seen.get_pk_constraint(name),
            "unique": sorted(
                (u["name"], u["column_names"]) for u in seen.get_unique_constraints(name)
            ),
            "indexes": sorted((i["name"], i["column_names"]) for i in seen.get_indexes(name)),
            "checks": sorted((c["name"], c["sqltext"]) for c in seen.get_check_constraints(name)),
        }
        for name in seen.get_table_names()
        if name != "alembic_version"
    }
    if engine.dialect.name == "sqlite":  # SQLite keeps the CREATE statements themselves
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
            tables["sql"] = {n: " ".join(sql.split()) for n, sql in rows if n != "alembic_version"}
    return tables


# -- the scripts ---------------------------------------------------------------------------


def test_head_names_the_newest_script_and_the_history_is_one_line() -> None:
    with make_engine("sqlite://").connect() as conn:
        scripts = ScriptDirectory.from_config(alembic_config(conn))
    assert scripts.get_heads() == [HEAD]
    history = [s.revision for s in scripts.walk_revisions()]
    assert history == [HEAD, "0005", "0004", "0003", "0002", "0001"]


def test_a_fresh_database_is_migrated_to_exactly_what_the_models_say(engine: Engine) -> None:
    assert current(engine) is None
    upgrade(engine)
    assert current(engine) == HEAD
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_the_first_revision_is_what_create_all_made_before(
    engine: Engine, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    legacy(engine)
    if engine.dialect.name == "sqlite":
        other_url = f"sqlite:///{tmp_path / 'first.sqlite3'}"
    else:
        other_url = request.getfixturevalue("pg_server").create_database()
    first = make_engine(other_url)
    try:
        with first.begin() as conn:
            command.upgrade(alembic_config(conn), "0001")
        assert shape(first) == shape(engine)
    finally:
        first.dispose()


# -- upgrading -----------------------------------------------------------------------------


def test_a_database_from_before_migrations_keeps_its_rows(engine: Engine) -> None:
    legacy(engine)
    old = Store(engine, migrate=False)
    assert old.claim_message("C1:1.1", "C1")
    old.claim_codes("C1", "1.0", [KEY])
    settings = legacy_tables().tables["channel_settings"]
    with engine.begin() as conn:  # as the code of that time saved them: no language column
        conn.execute(
            settings.insert().values(
                channel_id="C1", auto_reply=False, providers="twilio", answer_bots=False
            )
        )
    assert current(engine) is None

    store = Store(engine)  # stamps 0001, then upgrades
    assert current(engine) == HEAD
    assert store.claim_message("C1:1.1", "C1") is False
    assert store.explained("C1", "1.0") == {KEY}
    assert store.settings("C1") == ChannelSettings(auto_reply=False, providers=("twilio",))
    assert store.record_sightings("C1", "C1:1.1", [KEY]) == 1  # the new tables work


def test_upgrading_twice_changes_nothing(engine: Engine) -> None:
    store = Store(engine)
    store.claim_message("C1:1.1", "C1")
    before = shape(engine)
    upgrade(engine)
    Store(engine)
    assert current(engine) == HEAD
    assert shape(engine) == before
    assert store.claim_message("C1:1.1", "C1") is False


def test_a_store_told_not_to_migrate_leaves_the_database_alone(engine: Engine) -> None:
    Store(engine, migrate=False)
    assert current(engine) is None
    assert inspect(engine).get_table_names() == []


def test_half_a_legacy_database_is_refused_and_left_alone(engine: Engine) -> None:
    Base.metadata.create_all(engine, tables=[AnsweredMessageRow.__table__])
    with pytest.raises(SchemaError, match="answered_messages but not channel_settings"):
        upgrade(engine)
    assert inspect(engine).get_table_names() == ["answered_messages"]


def test_instances_starting_together_all_find_it_migrated(database_url: str) -> None:
    engines = [make_engine(database_url) for _ in range(4)]
    start = threading.Barrier(len(engines))
    failures: list[BaseException] = []

    def open_store(engine: Engine) -> None:
        start.wait()
        try:
            Store(engine)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=open_store, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert failures == []
        assert [current(e) for e in engines] == [HEAD] * len(engines)
    finally:
        for e in engines:
            e.dispose()


@pytest.mark.slow
def test_a_store_at_head_starts_without_loading_alembic(database_url: str) -> None:
    Store.open(database_url).close()
    check = "import sys; from bot.store import Store; Store.open(sys.argv[1]).close(); "
    check += "print('alembic' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", check, database_url], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout.strip()) == (0, "False"), done.stderr


# -- smserror db ---------------------------------------------------------------------------


@pytest.fixture
def no_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run where no .env file can slip another DATABASE_URL in."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_db_current_then_upgrade(
    database_url: str, no_dotenv: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out.startswith(f"none (head is {HEAD}; run smserror db upgrade)")
    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out.startswith(f"{HEAD} (head): ")
    assert main(["db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{HEAD} (head): ") and "upgraded" not in out
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out.startswith(f"{HEAD} (head): ")


def test_db_upgrade_says_what_it_did_to_a_new_file(
    tmp_path: Path, no_dotenv: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    path = tmp_path / "new" / "db.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out == (
        f"{HEAD} (head): sqlite:///{path} upgraded from an empty database\n"
    )


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://smserror:hunter2-secret@db.example:port/smserror",  # not a port
        "not a url at all hunter2-secret",
        "nosuchdb://smserror:hunter2-secret@db.example/smserror",
    ],
)
def test_db_upgrade_with_a_bad_url_names_it_without_the_password(
    url: str, no_dotenv: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("smserror: ") and "DATABASE_URL" in err
    assert err.count("\n") == 1
    assert "hunter2" not in err


@pytest.mark.slow
def test_db_upgrade_with_an_unreachable_server_exits_2_without_the_password(
    tmp_path: Path,
) -> None:
    closed = pg._free_port()  # nothing listens there
    url = f"postgresql+psycopg://smserror:pw-Secret-42@127.0.0.1:{closed}/smserror"
    out, err = _smserror_db_upgrade(url, tmp_path).communicate(timeout=60)
    assert "pw-Secret-42" not in out + err
    assert "Traceback" not in err
    assert err.startswith("smserror: ") and "DATABASE_URL" in err and err.count("\n") == 1
    assert f"smserror:***@127.0.0.1:{closed}" in err


@pytest.mark.slow
def test_two_db_upgrades_at_once_both_succeed(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    # Both are held at the lock until both wait there, so they really do collide.
    with migration_lock_held(engine):
        runs = [_smserror_db_upgrade(database_url, tmp_path) for _ in range(2)]
        wait_for_lock_waiters(engine, 2)
    results = [p.communicate(timeout=60) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], results
    for out, err in results:
        assert err == ""
        assert out.startswith(f"{HEAD} (head): ")
    assert current(engine) == HEAD
    assert shape(engine)["escalations"]["columns"][0][0] == "id"


def _smserror_db_upgrade(url: str, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@contextmanager
def migration_lock_held(engine: Engine) -> Iterator[None]:
    """Hold the lock `smserror db upgrade` takes, so upgrades started now queue behind it."""
    with engine.connect() as conn:
        take_migration_lock(conn)
        yield
        conn.rollback()


def wait_for_lock_waiters(engine: Engine, count: int) -> None:
    """Until `count` sessions wait for the advisory lock (PostgreSQL shows who waits)."""
    if engine.dialect.name != "postgresql":
        time.sleep(2.0)  # SQLite does not say who waits; by now both have started and queued
        return
    deadline = time.monotonic() + 60
    query = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    with engine.connect() as conn:
        while conn.execute(query).scalar() != count:
            assert time.monotonic() < deadline, "the upgrades never queued for the lock"
            time.sleep(0.05)
            conn.rollback()  # a fresh snapshot of pg_locks
