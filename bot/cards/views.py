"""Views: the channel settings modal, the shortcut's modal and the App Home tab, as dicts.

views.open / views.publish take these as they are; read_settings_submission turns the settings
modal's submitted state back into ChannelSettings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from bot.cards import kit, limits
from bot.cards.ids import (
    ACTION_ALERT_UNMUTE,
    ACTION_SETTINGS_PICK,
    CALLBACK_EXPLAIN_VIEW,
    CALLBACK_SETTINGS,
    SETTINGS_ANSWER_BOTS,
    SETTINGS_AUTO_REPLY,
    SETTINGS_LANGUAGE,
    SETTINGS_PROVIDERS,
    SETTINGS_SUPPORT_CHANNEL,
    is_channel,
    is_conversation,
    is_ts,
    settings_open_action,
)
from bot.cards.parts import (
    Blocks,
    actions,
    button,
    context,
    divider,
    entry_blocks,
    header,
    plain,
    section,
    slack_date,
    stack,
    usage_blocks,
)
from bot.cards.phrases import no_answer, spoken
from bot.cards.reported import Reported, reported_blocks
from bot.core.catalog import Entry, default_catalog
from bot.core.channels import ChannelSettings
from bot.core.escape import escape
from bot.core.lookup import Answer, UnknownCode
from bot.core.records import Mute
from bot.strings import LANGUAGES, default, say


def _view(kind: str, blocks: Blocks, **fields: Any) -> dict:
    """The callers bound titles, buttons and metadata (bot.cards.limits); too many blocks is
    a bug, refused here rather than by Slack."""
    if len(blocks) > limits.VIEW_BLOCKS:  # Slack refuses the view: a bug, not a clip
        raise ValueError(f"{len(blocks)} blocks in a view; Slack takes {limits.VIEW_BLOCKS}")
    return kit.view(kind, blocks, **fields)


def _modal_title(text: str) -> dict:
    return plain(text, limits.MODAL_TITLE)


def _option(value: str, text: str, description: str | None = None) -> dict:
    return kit.option(
        limits.check_value(value, limits.OPTION_VALUE),
        plain(text, limits.OPTION_TEXT),
        plain(description, limits.SECTION_TEXT) if description else None,
    )


def _input(field: str, label: str, element: kit.Element, **kw: Any) -> dict:
    return kit.input_block(field, label, element, **kw)


def _switch(
    field: str, on: bool, on_text: tuple[str, str], off_text: tuple[str, str]
) -> kit.Element:
    options = [_option("on", *on_text), _option("off", *off_text)]
    return kit.radio_buttons(field, options, options[0 if on else 1])


def _languages(chosen: str | None) -> kit.Element:
    """The workspace's default first, then each language the string table speaks, each named
    in its own words ("Français"), so a person finds theirs whatever they read now."""
    options = [_option("default", say("settings.language_default", language=_name(default())))]
    options += [_option(lang, _name(lang)) for lang in LANGUAGES]
    picked = next((o for o in options if o["value"] == (chosen or "default")), options[0])
    return kit.radio_buttons(SETTINGS_LANGUAGE, options, picked)


def _name(lang: str) -> str:
    return say(f"language.{lang}")  # each in its own words, in every table


# -- channel settings ------------------------------------------------------------------------


def notice_modal(title: str, text: str) -> dict:
    """A modal that only says something: a refusal, or what to do next."""
    return _view(
        "modal", [section(text)], title=_modal_title(title), close=_modal_title(say("modal.close"))
    )


def members_only_modal(channel_id: str) -> dict:
    """What a click on another channel's settings opens for someone outside that channel."""
    return notice_modal(
        say("settings.title"), say("settings.members_only", channel=escape(channel_id))
    )


def settings_modal(
    channel_id: str, settings: ChannelSettings, providers: Mapping[str, str]
) -> dict:
    """The modal `/smserror settings` and App Home's Change button open for one channel."""
    options = {slug: _option(slug, name) for slug, name in list(providers.items())[:100]}
    # In the channel's order (it is a preference order); Slack refuses unknown initial options.
    chosen = [options[p] for p in settings.providers if p in options]
    channel = kit.conversations_select(
        SETTINGS_SUPPORT_CHANNEL,
        plain(say("settings.pick_a_channel"), limits.PLACEHOLDER),
        initial=settings.support_channel,
    )
    blocks = [
        section(say("settings.intro", channel=escape(channel_id))),
        _input(
            SETTINGS_AUTO_REPLY,
            say("settings.auto_reply"),
            _switch(
                SETTINGS_AUTO_REPLY,
                settings.auto_reply,
                (say("settings.switch_on"), say("settings.auto_reply_on")),
                (say("settings.switch_off"), say("settings.auto_reply_off")),
            ),
        ),
        _input(
            SETTINGS_PROVIDERS,
            say("settings.providers"),
            kit.multi_static_select(
                SETTINGS_PROVIDERS,
                plain(say("settings.providers_all"), limits.PLACEHOLDER),
                list(options.values()),
                chosen,
            ),
            optional=True,
            hint=say("settings.providers_hint"),
        ),
        _input(
            SETTINGS_ANSWER_BOTS,
            say("settings.answer_bots"),
            _switch(
                SETTINGS_ANSWER_BOTS,
                settings.answer_bots,
                (say("settings.switch_on"), say("settings.answer_bots_on")),
                (say("settings.switch_off"), say("settings.answer_bots_off")),
            ),
            hint=say("settings.answer_bots_hint"),
        ),
        _input(
            SETTINGS_SUPPORT_CHANNEL,
            say("settings.support_channel"),
            channel,
            optional=True,
            hint=say("settings.support_channel_hint"),
        ),
        _input(SETTINGS_LANGUAGE, say("settings.language"), _languages(settings.language)),
    ]
    return _view(
        "modal",
        blocks,
        callback_id=CALLBACK_SETTINGS,
        private_metadata=limits.check_value(channel_id, limits.PRIVATE_METADATA),
        title=_modal_title(say("settings.title")),
        submit=_modal_title(say("settings.save")),
        close=_modal_title(say("modal.cancel")),
    )


class FieldError(ValueError):
    """A submitted modal's field that cannot be read: `field` is its block id, and `says` is
    the sentence shown under it (response_action "errors"). The field is named by whoever
    finds the fault, never guessed from the sentence."""

    def __init__(self, field: str, says: str) -> None:
        super().__init__(f"{field}: {says}")
        self.field, self.says = field, says


def _state(state_values: dict, field: str) -> dict:
    """state.values[field][field], or {} when a forged payload has something else there."""
    block = state_values.get(field)
    state = block.get(field) if isinstance(block, dict) else None
    return state if isinstance(state, dict) else {}


def _chosen(state_values: dict, field: str) -> str | None:
    """The value of the option picked in a radio field; None when a forged payload has none."""
    chosen = _state(state_values, field).get("selected_option")
    return chosen.get("value") if isinstance(chosen, dict) else None


def _switch_value(state_values: dict, field: str) -> bool:
    value = _chosen(state_values, field)
    if value not in ("on", "off"):
        raise FieldError(field, say("settings.choose_on_or_off"))
    return value == "on"


def read_settings_submission(
    state_values: dict, providers: Mapping[str, str] | None = None
) -> ChannelSettings:
    """ChannelSettings from view.state.values of a settings_modal submission.

    Payloads can be forged: a missing or odd on/off choice or channel raises FieldError, naming
    the field, and provider slugs not in `providers` (default: the catalog's) are dropped.
    """
    if not isinstance(state_values, dict):  # no field can be read: said under the first one
        raise FieldError(SETTINGS_AUTO_REPLY, say("settings.form_unreadable"))
    known = default_catalog().providers if providers is None else providers
    picked = _state(state_values, SETTINGS_PROVIDERS).get("selected_options")
    picked = picked if isinstance(picked, list) else []  # a forged payload may put anything
    slugs = [o.get("value") for o in picked if isinstance(o, dict)]
    support = _state(state_values, SETTINGS_SUPPORT_CHANNEL).get("selected_conversation")
    if support is not None and not is_channel(support):
        raise FieldError(SETTINGS_SUPPORT_CHANNEL, say("settings.support_channel_invalid"))
    return ChannelSettings(
        auto_reply=_switch_value(state_values, SETTINGS_AUTO_REPLY),
        providers=tuple(dict.fromkeys(s for s in slugs if isinstance(s, str) and s in known)),
        answer_bots=_switch_value(state_values, SETTINGS_ANSWER_BOTS),
        support_channel=support,
        language=_language_value(state_values),
    )


def _language_value(state_values: dict) -> str | None:
    """The picked language; None for the default. A modal opened before this field existed
    sends none, which keeps the default; anything else unknown is refused under the field."""
    if SETTINGS_LANGUAGE not in state_values:
        return None
    value = _chosen(state_values, SETTINGS_LANGUAGE)
    if value == "default":
        return None
    if value not in LANGUAGES:
        raise FieldError(SETTINGS_LANGUAGE, say("settings.language_pick"))
    return value


# -- the message shortcut --------------------------------------------------------------------


def shortcut_metadata(channel: str, message_ts: str) -> str:
    """The explain modal's private_metadata: the message it explains, for its Escalate buttons."""
    if not is_conversation(channel) or not is_ts(message_ts):
        raise ValueError(f"not a message: {channel[:40]!r} {message_ts[:40]!r}")
    return json.dumps({"channel": channel, "ts": message_ts}, separators=(",", ":"))


def shortcut_source(metadata: str) -> tuple[str, str]:
    """(channel, message ts) from shortcut_metadata; ValueError for anything we did not write."""
    try:
        data = json.loads(metadata) if isinstance(metadata, str) else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or set(data) != {"channel", "ts"}:
        raise ValueError("explain modal metadata is not ours")
    channel, ts = data["channel"], data["ts"]
    if not is_conversation(channel) or not is_ts(ts):
        raise ValueError("explain modal metadata names no message")
    return channel, ts


def explain_modal(
    entries: Sequence[Entry],
    *,
    nothing_found: bool,
    channel: str | None = None,
    message_ts: str | None = None,
    unknown: Sequence[UnknownCode] = (),
) -> dict:
    """What "Explain SMS errors" opens: every entry's full card, the codes we hold no entry
    for (said as such, with the provider's page), or how to find one.

    With the explained message's `channel` and `message_ts`, the cards' Escalate buttons can
    link the escalation to that message (see shortcut_source).
    """
    if unknown and not entries:
        # Codes the message calls error codes, that we hold no entry for: said plainly.
        blocks = []
        for code in unknown[: limits.VIEW_BLOCKS // 2 - 1]:
            first, lines = no_answer(Answer(code.code, (), unknown=code))
            blocks.append(section(f"*{escape(first)}*"))
            blocks.append(context("\n".join(escape(line) for line in lines)))
        blocks.append(context(f"{say('explain.no_card')} {say('help.query_hint')}"))
    elif nothing_found or not entries:
        blocks = [
            section(f"*{say('explain.nothing_found')}*"),
            section(f"{say('explain.what_i_look_for')} {say('help.query_hint')}"),
            context(say("explain.or_ask")),
        ]
    else:
        blocks = stack(
            [],
            [entry_blocks(e) for e in entries],
            limit=limits.VIEW_BLOCKS,
            more=lambda k: say("explain.more", count=k),
        )
    metadata = shortcut_metadata(channel, message_ts) if channel and message_ts else None
    return _view(
        "modal",
        blocks,
        callback_id=CALLBACK_EXPLAIN_VIEW,
        private_metadata=metadata,
        title=_modal_title(say("explain.title")),
        close=_modal_title(say("modal.close")),
    )


# -- App Home --------------------------------------------------------------------------------


def channel_line(channel_id: str, settings: ChannelSettings, providers: Mapping[str, str]) -> str:
    """ "<#C…>: auto-reply on · providers: Twilio, Telnyx · bots: off" """
    names = ", ".join(providers.get(p, p) for p in settings.providers) or say("home.all")
    line = say(
        "home.channel_line",
        channel=escape(channel_id),
        auto_reply=_switch_word(settings.auto_reply),
        providers=escape(names),
        bots=_switch_word(settings.answer_bots),
    )
    if settings.support_channel:
        line += say("home.channel_escalations", channel=escape(settings.support_channel))
    if settings.language:
        line += say("home.channel_language", language=_name(settings.language))
    return line


def top_codes_blocks(
    top_codes: Sequence[tuple[Entry, int]], reported: Sequence[Reported] = ()
) -> Blocks:
    """App Home's "Top error codes this week": most seen first, across the channels the
    person is in (bot.core.stats.workspace_top); then the failures provider webhooks reported
    to those channels, told apart."""
    if reported:
        heading = say("home.reported_heading")
        return [*top_codes_blocks(top_codes), *reported_blocks(reported, heading)]
    blocks = [header(say("home.top_codes"))]
    if not top_codes:
        blocks.append(context(say("home.top_codes_none")))
        return blocks
    lines = [
        say(
            "home.top_codes_line",
            n=n,
            label=escape(entry.label),
            title=escape(spoken(entry).title),
            times=say("home.times", count=count),
        )
        for n, (entry, count) in enumerate(top_codes, start=1)
    ]
    blocks.append(section("\n".join(lines)))
    blocks.append(context(say("home.top_codes_hint")))
    return blocks


def _switch_word(on: bool) -> str:
    return say("home.switch_on") if on else say("home.switch_off")


MUTES_SHOWN = 20  # App Home keeps room for the channels below


def home_view(
    *,
    channels: Sequence[tuple[str, ChannelSettings]],
    providers: Mapping[str, str],
    top_codes: Sequence[tuple[Entry, int]] = (),
    reported: Sequence[Reported] = (),
    mutes: Sequence[Mute] = (),
) -> dict:
    """The App Home tab: what smserror does, how to ask it, the workspace's top codes this
    week, the alerts muted in the user's channels, and the user's channel settings."""
    picker = kit.conversations_select(
        ACTION_SETTINGS_PICK, plain(say("settings.pick_a_channel"), limits.PLACEHOLDER)
    )
    head = [
        header("smserror"),
        section(say("help.about")),
        *usage_blocks(),
        divider(),
        *top_codes_blocks(top_codes, reported),
        divider(),
        *mutes_blocks(mutes, providers),
        header(say("settings.title")),
        section(say("home.settings_intro")),
        actions(picker),
    ]
    if not channels:
        head.append(context(say("home.settings_none")))
    change = say("home.change")
    rows = [
        [section(channel_line(cid, s, providers), button(change, settings_open_action(cid), cid))]
        for cid, s in channels
    ]
    blocks = stack(
        head,
        rows,
        limit=limits.VIEW_BLOCKS,
        more=lambda k: say("home.more_channels", count=k),
        separate=False,
    )
    return _view("home", blocks)


def mutes_blocks(mutes: Sequence[Mute], providers: Mapping[str, str]) -> Blocks:
    """App Home's muted alerts, each with its Unmute button; nothing when none is muted."""
    if not mutes:
        return []
    blocks: Blocks = [header(say("home.mutes_title"))]
    for mute in mutes[:MUTES_SHOWN]:
        line = say(
            "home.mute_line",
            label=escape(f"{providers.get(mute.provider, mute.provider)} {mute.code}"),
            channel=mute.channel,
            until=slack_date(mute.until),
            who=mute.muted_by,
        )
        value = f"{mute.channel}:{mute.provider}:{mute.code}"
        blocks.append(section(line, button(say("home.unmute"), ACTION_ALERT_UNMUTE, value)))
    blocks.append(divider())
    return blocks
