"""Properties of reading a settings modal submission: whatever JSON a (possibly forged) payload
carries, the answer is ChannelSettings holding only known providers and a channel id, or a
FieldError naming one of its fields."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from props import CATALOG, JSON, SLUGS, forged

from bot.cards.blocks import FieldError, read_settings_submission
from bot.cards.ids import (
    SETTINGS_ANSWER_BOTS,
    SETTINGS_AUTO_REPLY,
    SETTINGS_PROVIDERS,
    SETTINGS_SUPPORT_CHANNEL,
    is_channel,
)
from bot.core.channels import ChannelSettings


@st.composite
def submitted(draw) -> dict:
    """view.state.values as Slack sends them for a settings modal someone saved."""

    def field(name: str, kind: str, **state) -> dict:
        return {name: {name: {"type": kind, **state}}}

    def switch(name: str) -> dict:
        choice = {"value": draw(st.sampled_from(["on", "off"]))}
        return field(name, "radio_buttons", selected_option=choice)

    slugs = draw(st.lists(st.sampled_from(SLUGS), max_size=4))
    channel = draw(st.sampled_from([None, "C0123", "G0SUPPORT"]))
    return {
        **switch(SETTINGS_AUTO_REPLY),
        **switch(SETTINGS_ANSWER_BOTS),
        **field(
            SETTINGS_PROVIDERS,
            "multi_static_select",
            selected_options=[{"value": s} for s in slugs],
        ),
        **field(SETTINGS_SUPPORT_CHANNEL, "conversations_select", selected_conversation=channel),
    }


# Every JSON type, and strings the reader compares against, so a forgery confuses types often.
ODD = st.one_of(
    st.sampled_from([None, True, False, 0, 1, -1, 2.5, "", "on", "off", "U123", "C0123\n"]),
    st.sampled_from([[], {}, [None], {"value": None}, *SLUGS]),
    JSON,
)
FIELDS = [
    (),
    (SETTINGS_AUTO_REPLY,),
    (SETTINGS_ANSWER_BOTS,),
    (SETTINGS_PROVIDERS,),
    (SETTINGS_SUPPORT_CHANNEL,),
]
# A real submission with up to three places forged (dropped, or replaced by other JSON), all in
# one field or anywhere: forging one field at a time reaches each of the reader's checks.
STATE_VALUES = st.tuples(submitted(), st.sampled_from(FIELDS)).flatmap(
    lambda drawn: forged(drawn[0], ODD, under=drawn[1])
)


def check_submission(values) -> None:
    try:
        settings = read_settings_submission(values, CATALOG.providers)
    except FieldError as error:  # never another error, and always one naming a field there is
        assert (error.field,) in FIELDS
        return
    assert isinstance(settings, ChannelSettings)
    assert isinstance(settings.auto_reply, bool) and isinstance(settings.answer_bots, bool)
    assert set(settings.providers) <= set(SLUGS)
    assert len(set(settings.providers)) == len(settings.providers)
    assert settings.support_channel is None or is_channel(settings.support_channel)


@settings(max_examples=300)  # cheap, and each forgery hits one place of about twenty
@given(STATE_VALUES)
def test_any_submission_reads_as_settings_or_value_error(values):
    check_submission(values)


@given(submitted())
def test_an_unforged_submission_reads_as_what_was_chosen(values):
    def chosen(field: str, key: str):
        return values[field][field][key]

    settings = read_settings_submission(values, CATALOG.providers)
    slugs = [option["value"] for option in chosen(SETTINGS_PROVIDERS, "selected_options")]
    assert settings.providers == tuple(dict.fromkeys(slugs))  # in order, each once
    assert settings.auto_reply == (chosen(SETTINGS_AUTO_REPLY, "selected_option")["value"] == "on")
    assert settings.answer_bots == (
        chosen(SETTINGS_ANSWER_BOTS, "selected_option")["value"] == "on"
    )
    assert settings.support_channel == chosen(SETTINGS_SUPPORT_CHANNEL, "selected_conversation")


# selected_options once was iterated unchecked: a forged true or number raised TypeError.
# Minimal example: {"providers": {"providers": {"selected_options": True}}}.
@given(submitted(), ODD)
def test_any_chosen_providers_value_reads_as_settings_or_value_error(values, chosen):
    values[SETTINGS_PROVIDERS][SETTINGS_PROVIDERS]["selected_options"] = chosen
    check_submission(values)
