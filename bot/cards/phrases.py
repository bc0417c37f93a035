"""The sentences every card says the same way, whichever surface renders it."""

from __future__ import annotations

from bot.catalog import CATEGORIES, Entry, Escalation


def span(hours: int) -> str:
    """24 -> "24 hours", 168 -> "7 days": the unit the source documents use."""
    if hours % 24 == 0 and hours >= 72:
        days = hours // 24
        return f"{days} days" if days != 1 else "1 day"
    return f"{hours} hours" if hours != 1 else "1 hour"


def how_many(escalation: Escalation) -> str | None:
    """ "3 or more examples from the last 24 hours", or None when the source gives no figures."""
    parts = []
    if escalation.min_examples:
        n = escalation.min_examples
        parts.append(f"{n} or more example{'s' if n != 1 else ''}")
    if escalation.window_hours:
        parts.append(f"from the last {span(escalation.window_hours)}")
    return " ".join(parts) or None


def escalation_lines(escalation: Escalation) -> list[str]:
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
