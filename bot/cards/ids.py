"""The ids our blocks carry back to the listeners: action ids, callback ids, entry references.

Everything here arrives again in interaction payloads, which anyone can forge, so references
are parsed strictly.
"""

from __future__ import annotations

import re

from bot.cards.limits import ACTION_ID, check_value
from bot.core.catalog import Catalog, Entry

# Entry.key: (provider, code, scope). The same alias as bot.store.EntryKey, spelled here so the
# cards never import the database layer.
EntryKey = tuple[str, str, str | None]

ACTION_SHARE = "share"  # value: entry_ref
ACTION_DETAILS = "details"  # details:<provider>:<code>:<scope>, value: entry_ref
ACTION_SUGGEST = "suggest"  # suggest:<n>, value: entry_ref
ACTION_SETTINGS_OPEN = "settings_open"  # settings_open:<channel id>, value: channel id
ACTION_SETTINGS_PICK = "settings_open:pick"  # conversations_select on App Home
ACTION_ESCALATE = "escalate"  # escalate:<provider>:<code>:<scope>, value: entry_ref
ACTION_ESCALATION_ACK = "escalation_ack"  # on the support post, value: str(escalation id)
ACTION_ESCALATION_RESOLVE = "escalation_resolve"  # on the support post, value: str(id)
ACTION_ALERT_ESCALATE = "alert_escalate"  # on an alert, value: str(alert id)
ACTION_ALERT_MUTE = "alert_mute"  # alert_mute:<24h|7d>, value: str(alert id)
ACTION_ALERT_UNMUTE = "alert_unmute"  # on App Home, value: <channel>:<provider>:<code>
ALERT_MUTE_PATTERN = re.compile(r"^alert_mute:")
DETAILS_PATTERN = re.compile(r"^details:")
ESCALATE_PATTERN = re.compile(r"^escalate:")
SUGGEST_PATTERN = re.compile(r"^suggest:")
SETTINGS_OPEN_PATTERN = re.compile(r"^settings_open:")

CALLBACK_SETTINGS = "channel_settings"  # settings modal; private_metadata: channel id
CALLBACK_EXPLAIN_VIEW = "explain_view"  # modal opened by the message shortcut
SHORTCUT_EXPLAIN = "explain_errors"  # message shortcut, as in manifest.yml
CALLBACK_ESCALATION = "escalation"  # escalation modal; private_metadata: EscalationSource JSON

# The settings modal's inputs: each id is both the block_id and the action_id, so the
# submission reads state.values[ID][ID] (read_settings_submission does it).
SETTINGS_AUTO_REPLY = "auto_reply"  # radio_buttons: "on" | "off"
SETTINGS_PROVIDERS = "providers"  # multi_static_select: provider slugs
SETTINGS_ANSWER_BOTS = "answer_bots"  # radio_buttons: "on" | "off"
SETTINGS_SUPPORT_CHANNEL = "support_channel"  # conversations_select: channel id or none
SETTINGS_LANGUAGE = "language"  # radio_buttons: "default" | a language code (bot.strings)

# The escalation modal's inputs are the form's own fields (bot.core.escalation.form), the same
# way: block_id == action_id, so its errors land under the field they are about.


# The shapes catalog_schema.json allows for a provider slug, a code and a scope.
_REF = re.compile(
    r"(?P<provider>[a-z][a-z0-9_]{1,30})"
    r"\|(?P<code>[A-Za-z0-9_][A-Za-z0-9_ ./'-]{0,59})"
    r"\|(?P<scope>[a-z][a-z0-9_]{1,30})?"
)


def entry_ref(entry: Entry) -> str:
    """ "twilio|30007|", "smspartner|14|send": what a button carries to name an entry."""
    return check_value(f"{entry.provider}|{entry.code}|{entry.scope or ''}")


def parse_ref(value: str) -> tuple[str, str, str | None]:
    """(provider, code, scope) from entry_ref's form; ValueError for anything else."""
    found = _REF.fullmatch(value) if isinstance(value, str) else None
    if not found:
        raise ValueError(f"not an entry reference (provider|code|scope): {str(value)[:80]!r}")
    return found["provider"], found["code"], found["scope"]


class Forged(ValueError):
    """A button value or modal metadata we did not make (or that names what no longer exists)."""


def entry_for(catalog: Catalog, ref: object) -> Entry:
    """The catalog entry a button's entry_ref names; Forged when it names none of ours."""
    try:
        found = catalog.get(*parse_ref(ref))  # type: ignore[arg-type]
    except ValueError as error:
        raise Forged(str(error)) from error
    if found is None:
        raise Forged(f"no catalog entry {str(ref)[:80]!r}")
    return found


def details_action(entry: Entry) -> str:
    """Unique per entry, so a message with several compact cards has distinct action ids."""
    return check_value(
        f"{ACTION_DETAILS}:{entry.provider}:{entry.code}:{entry.scope or ''}", ACTION_ID
    )


def escalate_action(entry: Entry) -> str:
    """Unique per entry, like details_action: a list of cards may offer several."""
    return check_value(
        f"{ACTION_ESCALATE}:{entry.provider}:{entry.code}:{entry.scope or ''}", ACTION_ID
    )


def suggest_action(n: int) -> str:
    return f"{ACTION_SUGGEST}:{n}"


def settings_open_action(channel_id: str) -> str:
    return check_value(f"{ACTION_SETTINGS_OPEN}:{channel_id}", ACTION_ID)


# A public (C) or private (G) channel id: the only conversations that have settings.
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,30}")


def is_channel(value: object) -> bool:
    """True for a channel id; values come back from Slack payloads and can be forged."""
    return isinstance(value, str) and _CHANNEL_ID.fullmatch(value) is not None


# Where a card can be clicked: a channel, or a direct message (D) with the bot.
_CONVERSATION_ID = re.compile(r"[CGD][A-Z0-9]{2,30}")
_TS = re.compile(r"[0-9]{1,12}\.[0-9]{1,8}")  # a message timestamp: "1700000000.123456"


def is_conversation(value: object) -> bool:
    return isinstance(value, str) and _CONVERSATION_ID.fullmatch(value) is not None


def is_ts(value: object) -> bool:
    return isinstance(value, str) and _TS.fullmatch(value) is not None


def is_dm(value: object) -> bool:
    """True for a direct-message conversation id (D…): no threads of its own to answer in."""
    return isinstance(value, str) and value.startswith("D")
