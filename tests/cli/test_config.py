"""Config: read from the environment and .env, checked, and secrets that never show."""

from __future__ import annotations

import logging
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from slack_harness import clean_env

from bot.config import (
    DEFAULT_API_URL,
    Config,
    ConfigError,
    Secret,
    default_database_url,
    load_config,
    read_environment,
)
from bot.log import configure_logging

BOT = "xoxb-1111-2222-topsecretbot"
APP = "xapp-1-A1-3333-topsecretapp"
SIGNING = "f00dfeedc0ffee1234567890abcdef12"


def test_nothing_set_means_console_defaults() -> None:
    config = load_config({})
    assert config == Config()
    assert not config.has_slack_tokens
    assert config.api_url == DEFAULT_API_URL
    assert config.port == 3000 and config.replies_per_minute == 6
    assert config.database == default_database_url()
    assert "smserror" in config.database and config.database.startswith("sqlite:///")


def test_every_variable_is_read() -> None:
    config = load_config(
        {
            "SLACK_BOT_TOKEN": BOT,
            "SLACK_APP_TOKEN": APP,
            "SLACK_SIGNING_SECRET": SIGNING,
            "SLACK_API_URL": "https://slack-gov.com/api",
            "DATABASE_URL": "postgresql://bot:pw@db/smserror",
            "PORT": "8080",
            "LOG_LEVEL": "debug",
            "SMSERROR_REPLIES_PER_MINUTE": "10",
        }
    )
    assert config.bot_token == Secret(BOT) and config.bot_token.reveal() == BOT
    assert config.app_token == Secret(APP) and config.signing_secret == Secret(SIGNING)
    assert config.api_url == "https://slack-gov.com/api/"  # slack_sdk joins method names onto it
    assert config.database == "postgresql://bot:pw@db/smserror"
    assert (config.port, config.log_level, config.replies_per_minute) == (8080, "DEBUG", 10)
    assert config.require_http() == (Secret(BOT), Secret(SIGNING))
    assert config.require_socket_mode() == (Secret(BOT), Secret(APP))


def test_secrets_print_as_stars() -> None:
    config = load_config(
        {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP, "SLACK_SIGNING_SECRET": SIGNING}
    )
    for shown in (str(config), repr(config), f"{config.bot_token}", str(vars(config))):
        assert BOT not in shown and APP not in shown and SIGNING not in shown
    assert str(config.bot_token) == "****"
    assert "pw" not in repr(load_config({"DATABASE_URL": "postgresql://bot:pw@db/x"}))


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token-not-a-bot-one", "must start with xoxb-"),
        ("SLACK_BOT_TOKEN", "xoxb-has a space", "no spaces"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind-of-token", "must start with xapp-"),
        ("SLACK_SIGNING_SECRET", "xoxb-a-token-pasted-here", "Signing Secret"),
        ("SLACK_API_URL", "slack.com/api", "http(s) URL"),
        ("PORT", "eighty", "TCP port"),
        ("PORT", "70000", "TCP port"),
        ("LOG_LEVEL", "LOUD", "one of"),
        ("SMSERROR_REPLIES_PER_MINUTE", "0", "at least 1"),
    ],
)
def test_a_malformed_variable_is_named_and_its_value_kept_quiet(
    variable: str, value: str, says: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({variable: value})
    message = str(caught.value)
    assert caught.value.variable == variable and message.startswith(variable)
    assert says in message
    if variable.startswith("SLACK_") and variable != "SLACK_API_URL":
        assert value not in message
        assert "https://api.slack.com/apps" in message


def test_a_mode_names_what_it_is_missing_and_where_to_get_it() -> None:
    with pytest.raises(ConfigError, match=r"^SLACK_BOT_TOKEN is missing: copy the Bot User"):
        load_config({"SLACK_SIGNING_SECRET": SIGNING}).require_http()
    with pytest.raises(ConfigError, match=r"^SLACK_SIGNING_SECRET is missing.*Basic Information"):
        load_config({"SLACK_BOT_TOKEN": BOT}).require_http()
    with pytest.raises(ConfigError, match=r"^SLACK_APP_TOKEN is missing.*connections:write"):
        load_config({"SLACK_BOT_TOKEN": BOT}).require_socket_mode()


def test_dotenv_fills_in_but_never_overrides_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"SLACK_BOT_TOKEN={BOT}\nPORT=4000\n# a comment\nLOG_LEVEL=debug\n")
    monkeypatch.setenv("PORT", "5000")
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    merged = read_environment(env_file)
    assert merged["SLACK_BOT_TOKEN"] == BOT and merged["LOG_LEVEL"] == "debug"
    assert merged["PORT"] == "5000"


def test_the_log_filter_masks_secrets_that_libraries_print() -> None:
    stream = StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging("DEBUG", [BOT, SIGNING], stream=stream)
    try:
        logging.getLogger("slack_sdk.test").debug("headers: %s", {"Authorization": f"Bearer {BOT}"})
        try:
            raise RuntimeError(f"bad secret {SIGNING}")
        except RuntimeError:
            logging.getLogger("x").exception("failed")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    out = stream.getvalue()
    assert BOT not in out and SIGNING not in out
    assert "Bearer ****" in out and "bad secret ****" in out


def run_bot(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(**env),
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "env", "names"),
    [
        (["serve", "--http"], {}, "SLACK_BOT_TOKEN is missing"),
        (["serve", "--http"], {"SLACK_BOT_TOKEN": BOT}, "SLACK_SIGNING_SECRET is missing"),
        (["serve"], {"SLACK_BOT_TOKEN": BOT}, "SLACK_SIGNING_SECRET is missing"),
        (["run"], {"SLACK_APP_TOKEN": APP}, "SLACK_BOT_TOKEN is missing"),
        (["serve"], {"SLACK_BOT_TOKEN": "xoxp-" + BOT[5:]}, "SLACK_BOT_TOKEN does not look right"),
        (["console"], {"PORT": "http"}, "PORT must be a TCP port"),
    ],
    ids=[
        "no-token",
        "http-no-secret",
        "serve-no-secret",
        "run-app-token-only",
        "user-token",
        "port",
    ],
)
def test_the_process_stops_with_exit_2_naming_the_variable(
    tmp_path: Path, args: list[str], env: dict[str, str], names: str
) -> None:
    done = run_bot(args, tmp_path, **env)
    assert done.returncode == 2
    assert done.stderr.startswith(f"smserror: {names}")
    assert BOT[5:] not in done.stderr + done.stdout
    assert APP not in done.stderr + done.stdout


@pytest.mark.slow
def test_a_dotenv_file_in_the_working_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"SLACK_BOT_TOKEN={BOT}\n")
    done = run_bot(["serve", "--http"], tmp_path)
    assert done.returncode == 2
    assert "SLACK_SIGNING_SECRET is missing" in done.stderr  # the token came from .env


def test_secrets_are_found_by_their_type_so_a_new_one_is_masked_unlisted() -> None:
    from dataclasses import dataclass

    from bot.config import Secret

    @dataclass(frozen=True)
    class WithAnother(Config):
        webhook_token: Secret | None = None

    config = WithAnother(bot_token=Secret("xoxb-one"), webhook_token=Secret("whk-two"))
    assert sorted(config.secrets()) == ["whk-two", "xoxb-one"]
