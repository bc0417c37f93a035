"""Cards as plain text, for the terminal (`smserror lookup`, the console)."""

from __future__ import annotations

import textwrap

from bot.cards.phrases import (
    escalation_lines,
    headline,
    kind_and_retry,
    no_answer,
    retry_advice,
    spoken,
)
from bot.core.catalog import Entry
from bot.core.lookup import Answer
from bot.strings import say

WIDTH = 88


def _wrap(text: str, indent: str = "  ", hang: str | None = None) -> str:
    return textwrap.fill(
        text, WIDTH, initial_indent=indent, subsequent_indent=hang if hang is not None else indent
    )


def entry_text(entry: Entry) -> str:
    """The full card: title, cause, numbered fix steps, retry advice, escalation, docs link."""
    entry = spoken(entry)
    out = [headline(entry), f"  {kind_and_retry(entry)}"]
    if entry.aliases:
        out.append(_wrap(say("card.aliases", aliases=", ".join(entry.aliases))))
    out += ["", say("card.what_happened"), _wrap(entry.cause), "", say("card.how_to_fix")]
    for n, step in enumerate(entry.fix, start=1):
        out.append(_wrap(f"{n}. {step}", "  ", "     "))
    out += ["", say("text.retry", advice=retry_advice(entry))]
    if entry.escalation:
        out += ["", say("text.escalate_to", team=entry.escalation.team)]
        out += [_wrap(line) for line in escalation_lines(entry.escalation)]
    if entry.docs_url:
        out += ["", say("text.docs", url=entry.docs_url)]
    return "\n".join(out)


def no_answer_text(answer: Answer) -> str:
    """A lookup without an answer, for the terminal: the verdict, then suggestions as such."""
    first, lines = no_answer(answer)
    out = [first, *(f"  {line}" for line in lines)]
    if answer.suggestions:
        out.append(say("text.did_you_mean"))
        out += [f"  - {headline(e)}" for e in answer.suggestions]
    out.append(say("text.query_hint"))
    return "\n".join(out)
