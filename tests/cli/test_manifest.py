"""manifest.yml creates the app our code expects: valid for Slack, and wired to our ids."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.cards.blocks import SHORTCUT_EXPLAIN
from bot.core.command import parse

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "slack-app-manifest.schema.json"

# Each one is justified by a comment in manifest.yml; adding one should be a decision.
EXPECTED_SCOPES = {
    "commands",
    "chat:write",
    "app_mentions:read",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    "channels:read",
    "groups:read",
    "users:read",  # each person's language (users.info with include_locale)
}
EVENTS_WE_HANDLE = {
    "app_home_opened",
    "app_mention",
    "message.channels",
    "message.groups",
    "message.im",
    "message.mpim",
}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text("utf-8"))


def test_manifest_is_valid_for_the_schema(manifest):
    schema = json.loads(SCHEMA.read_text("utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator(schema).iter_errors(manifest)
    ]
    assert errors == []


def test_schema_catches_a_broken_manifest(manifest):
    """The check above means something: the schema refuses what Slack would refuse."""
    schema = json.loads(SCHEMA.read_text("utf-8"))
    broken = {
        **manifest,
        "features": {**manifest["features"], "bot_user": {"display_name": "sms error"}},
    }
    broken["oauth_config"] = {"scopes": {"bot": "chat:write"}}
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert len(list(validator.iter_errors(broken))) == 2


def test_slash_command_is_smserror(manifest):
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/smserror"
    # Every word bot.core.command understands is in the hint Slack shows while typing.
    for word in ("help", "settings", "stats", "escalations"):
        assert parse(word).kind == word
        assert word in command["usage_hint"]
    assert command["should_escape"] is False


def test_message_shortcut_matches_the_code(manifest):
    (shortcut,) = manifest["features"]["shortcuts"]
    assert shortcut["type"] == "message"
    assert shortcut["name"] == "Explain SMS errors"
    assert shortcut["callback_id"] == SHORTCUT_EXPLAIN


def test_every_event_we_handle_is_subscribed(manifest):
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == EVENTS_WE_HANDLE


def test_socket_mode_interactivity_and_home_tab_are_on(manifest):
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["token_rotation_enabled"] is False
    assert settings["org_deploy_enabled"] is False
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] is True
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False
    assert manifest["features"]["bot_user"] == {"display_name": "smserror", "always_online": True}


def test_scopes_are_exactly_what_the_app_needs(manifest):
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(scopes) == len(set(scopes))
    assert set(scopes) == EXPECTED_SCOPES
    assert "user" not in manifest["oauth_config"]["scopes"]


def test_socket_mode_needs_no_request_urls(manifest):
    settings = manifest["settings"]
    assert "request_url" not in settings["event_subscriptions"]
    assert "request_url" not in settings["interactivity"]
    assert all("url" not in c for c in manifest["features"]["slash_commands"])
