"""The sentences every card says the same way, whichever surface renders it."""

from __future__ import annotations

from bot.core.catalog import CATEGORIES, Entry, EscalationPolicy
from bot.core.lookup import Answer


def span(hours: int) -> str:
    """24 -> "24 hours", 168 -> "7 days": the unit the source documents use."""
    if hours % 24 == 0 and hours >= 72:
        days = hours // 24
        return f"{days} days" if days != 1 else "1 day"
    return f"{hours} hours" if hours != 1 else "1 hour"


def how_many(escalation: EscalationPolicy) -> str | None:
    """ "3 or more examples from the last 24 hours", or None when the source gives no figures."""
    parts = []
    if escalation.min_examples:
        n = escalation.min_examples
        parts.append(f"{n} or more example{'s' if n != 1 else ''}")
    if escalation.window_hours:
        parts.append(f"from the last {span(escalation.window_hours)}")
    return " ".join(parts) or None


def escalation_lines(escalation: EscalationPolicy) -> list[str]:
    """Escalation guidance as short sentences: when, how many, what to collect, any wait."""
    lines = [f"When: {escalation.when}"]
    if escalation.wait_hours:
        lines.append(f"Wait {span(escalation.wait_hours)} before contacting support.")
    if amount := how_many(escalation):
        lines.append(f"Send {amount}.")
    lines.append("For each example: " + ", ".join(escalation.collect) + ".")
    return lines


def headline(entry: Entry) -> str:
    """ "Twilio 30007: Message filtered as spam by the carrier" """
    return f"{entry.label}: {entry.title}"


def first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end == -1 else text[: end + 1]


def kind_and_retry(entry: Entry) -> str:
    """ "Delivery error · Retry after fixing" """
    return f"{CATEGORIES[entry.category]} error · {entry.retry_advice}"


# -- answers with no card --------------------------------------------------------------------

DID_YOU_MEAN = "Did you mean"
NOT_GUESSED = "I show no card rather than another code's: a near code means something else."


def no_answer(answer: Answer) -> tuple[str, list[str]]:
    """What to say when a lookup has no answer: a first sentence, then the lines under it.

    A code we do not hold is named as such (with its provider where the query or the channel
    names one) and linked to the provider's own page; suggestions are introduced separately,
    under DID_YOU_MEAN, never as the answer.
    """
    unknown = answer.unknown
    if unknown:
        first = f"No entry for {unknown.label}."
        lines = [NOT_GUESSED]
        for name, url in unknown.pages:
            if unknown.provider_name:
                lines.append(f"{name}'s page for {unknown.code}: {url}")
            else:
                lines.append(f"If it is a {name} code: {url}")
        return first, lines
    if answer.ambiguous:
        code = answer.suggestions[0].code if answer.suggestions else answer.query
        names = sorted({e.provider_name for e in answer.suggestions})
        example = f"{answer.suggestions[0].provider} {code}" if answer.suggestions else code
        return (
            f"Code {code} means different things at different providers.",
            [f"Name the provider to get its answer, e.g. `{example}` ({', '.join(names)} use it)."],
        )
    return f"Nothing in the catalog matches “{answer.query}”.", []


def no_answer_fallback(answer: Answer) -> str:
    """The notification text for a no-answer reply: the same verdict, suggestions as such."""
    first, _ = no_answer(answer)
    if answer.suggestions:
        labels = ", ".join(e.label for e in answer.suggestions)
        return f"{first} {DID_YOU_MEAN}: {labels}?"
    return first
