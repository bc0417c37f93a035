"""The sentences every card says the same way, whichever surface renders it (their words are
in the string table, bot/strings)."""

from __future__ import annotations

from bot.core.catalog import Entry, EscalationPolicy
from bot.core.lookup import Answer
from bot.strings import current, say, span


def how_many(escalation: EscalationPolicy) -> str | None:
    """ "3 or more examples from the last 24 hours", or None when the source gives no figures."""
    parts = []
    if escalation.min_examples:
        parts.append(say("guidance.examples", count=escalation.min_examples))
    if escalation.window_hours:
        parts.append(say("guidance.from_the_last", span=span(escalation.window_hours)))
    return " ".join(parts) or None


def escalation_lines(escalation: EscalationPolicy) -> list[str]:
    """Escalation guidance as short sentences: when, how many, what to collect, any wait."""
    lines = [say("guidance.when", when=escalation.when)]
    if escalation.wait_hours:
        lines.append(say("guidance.wait", span=span(escalation.wait_hours)))
    if amount := how_many(escalation):
        lines.append(say("guidance.send", amount=amount))
    lines.append(say("guidance.collect", collect=", ".join(escalation.collect)))
    return lines


def spoken(entry: Entry) -> Entry:
    """The entry in the language being spoken (bot.strings.speaking): every card reads its
    words through this, so a French reader gets the French title, cause and steps."""
    return entry.in_language(current())


def headline(entry: Entry) -> str:
    """ "Twilio 30007: Message filtered as spam by the carrier" """
    return say("card.headline", label=entry.label, title=spoken(entry).title)


def first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end == -1 else text[: end + 1]


def retry_advice(entry: Entry) -> str:
    """ "Retry after fixing": the entry's retry rule, said."""
    return say(f"retry.{entry.retry}")


def kind_and_retry(entry: Entry) -> str:
    """ "Delivery error · Retry after fixing" """
    return say(
        "card.kind_and_retry", kind=say(f"category.{entry.category}"), retry=retry_advice(entry)
    )


# -- answers with no card --------------------------------------------------------------------


def no_answer(answer: Answer) -> tuple[str, list[str]]:
    """What to say when a lookup has no answer: a first sentence, then the lines under it.

    A code we do not hold is named as such (with its provider where the query or the channel
    names one) and linked to the provider's own page; suggestions are introduced separately,
    under "Did you mean" (no_answer.did_you_mean), never as the answer.
    """
    unknown = answer.unknown
    if unknown:
        first = say("no_answer.no_entry", label=unknown.label)
        lines = [say("no_answer.not_guessed")]
        for name, url in unknown.pages:
            if unknown.provider_name:
                lines.append(
                    say("no_answer.providers_page", provider=name, code=unknown.code, url=url)
                )
            else:
                lines.append(say("no_answer.if_it_is", provider=name, url=url))
        return first, lines
    if answer.ambiguous:
        code = answer.suggestions[0].code if answer.suggestions else answer.query
        names = sorted({e.provider_name for e in answer.suggestions})
        example = f"{answer.suggestions[0].provider} {code}" if answer.suggestions else code
        return (
            say("no_answer.ambiguous", code=code),
            [say("no_answer.name_the_provider", example=example, providers=", ".join(names))],
        )
    return say("no_answer.nothing", query=answer.query), []


def no_answer_fallback(answer: Answer) -> str:
    """The notification text for a no-answer reply: the same verdict, suggestions as such."""
    first, _ = no_answer(answer)
    if answer.suggestions:
        labels = ", ".join(e.label for e in answer.suggestions)
        return f"{first} {say('no_answer.did_you_mean_these', labels=labels)}"
    return first
