"""Cards as plain text, for the terminal (`smserror lookup`, the console)."""

from __future__ import annotations

import textwrap

from bot.cards.phrases import DID_YOU_MEAN, escalation_lines, headline, kind_and_retry, no_answer
from bot.core.catalog import Entry
from bot.core.lookup import Answer

WIDTH = 88


def _wrap(text: str, indent: str = "  ", hang: str | None = None) -> str:
    return textwrap.fill(
        text, WIDTH, initial_indent=indent, subsequent_indent=hang if hang is not None else indent
    )


def entry_text(entry: Entry) -> str:
    """The full card: title, cause, numbered fix steps, retry advice, escalation, docs link."""
    out = [headline(entry), f"  {kind_and_retry(entry)}"]
    if entry.aliases:
        out.append(_wrap("Also known as: " + ", ".join(entry.aliases)))
    out += ["", "What happened", _wrap(entry.cause), "", "How to fix it"]
    for n, step in enumerate(entry.fix, start=1):
        out.append(_wrap(f"{n}. {step}", "  ", "     "))
    out += ["", f"Retry: {entry.retry_advice}"]
    if entry.escalation:
        out += ["", f"Escalate to {entry.escalation.team}"]
        out += [_wrap(line) for line in escalation_lines(entry.escalation)]
    if entry.docs_url:
        out += ["", f"Docs: {entry.docs_url}"]
    return "\n".join(out)


def no_answer_text(answer: Answer) -> str:
    """A lookup without an answer, for the terminal: the verdict, then suggestions as such."""
    first, lines = no_answer(answer)
    out = [first, *(f"  {line}" for line in lines)]
    if answer.suggestions:
        out.append(f"{DID_YOU_MEAN}:")
        out += [f"  - {headline(e)}" for e in answer.suggestions]
    out.append("Try a code (30007), a name (EC_ABSENT_SUBSCRIBER_SM) or words (opted out).")
    return "\n".join(out)
