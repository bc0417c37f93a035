"""The string table: every sentence a person reads, keyed by message id, one file per language.

The English table is bot/strings/en.yaml. A second language is one more file beside it with the
same keys and the same {fields} (fr.yaml); tests/core/test_strings.py holds them to that. Callers
escape what a person typed before handing it in as a field: the table only fills in the blanks.

Which language: say(..., lang=) when the caller knows it, else the language `speaking(lang)`
set for what runs inside it (a request, a CLI command), else English.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any

import yaml

DEFAULT = "en"
LANGUAGES = ("en", "fr")
_SPEAKING: ContextVar[str | None] = ContextVar("smserror_language", default=None)
_default = DEFAULT  # the workspace's language (SMSERROR_LANGUAGE), set once at start-up


def use_by_default(lang: str) -> None:
    """The language said where nothing else is known (SMSERROR_LANGUAGE)."""
    global _default
    if lang not in LANGUAGES:
        raise ValueError(f"no string table for {lang!r}; have {', '.join(LANGUAGES)}")
    _default = lang


def default() -> str:
    return _default


def current() -> str:
    """The language said in this context: what speaking() set, else the default."""
    return _SPEAKING.get() or _default


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Say everything inside in `lang` (one of LANGUAGES)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no string table for {lang!r}; have {', '.join(LANGUAGES)}")
    token = _SPEAKING.set(lang)
    try:
        yield
    finally:
        _SPEAKING.reset(token)


class MissingString(KeyError):
    """A key the table does not hold: a typo in the code, caught by the tests, never shown."""


@cache
def table(lang: str) -> dict[str, Any]:
    """The language's table, flattened to dotted keys ("card.what_happened")."""
    text = resources.files("bot.strings").joinpath(f"{lang}.yaml").read_text("utf-8")
    flat: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict) and not _is_plural(node):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        else:
            flat[prefix] = node

    walk("", yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    return flat


def _is_plural(node: dict[str, Any]) -> bool:
    return set(node) <= {"one", "other"} and "other" in node


def say(key: str, /, *, lang: str | None = None, count: int | None = None, **fields: Any) -> str:
    """The sentence for `key` with its {fields} filled in; `count` picks one/other forms and is
    itself a field."""
    lang = lang or current()
    try:
        value = table(lang)[key]
    except KeyError:
        raise MissingString(key) from None
    if isinstance(value, dict):
        if count is None:
            raise MissingString(f"{key} needs a count")
        value = value["one"] if _is_one(count, lang) else value["other"]
    if count is not None:
        fields["count"] = count
    if not fields:
        return value
    # Counts as the reader writes them: 1,234 in English, 1 234 in French.
    shown = {k: number(v, lang=lang) if type(v) is int else v for k, v in fields.items()}
    return value.format_map(shown)


def number(n: int, *, lang: str | None = None) -> str:
    """An integer with the reader's thousands separator (a narrow no-break space in French)."""
    grouped = f"{n:,}"
    return grouped.replace(",", "\u202f") if (lang or current()) == "fr" else grouped


def _is_one(count: int, lang: str) -> bool:
    # English says "1 day" and "0 days"; French will say "0 jour" and "1 jour".
    return count in (0, 1) if lang == "fr" else count == 1


def fields_of(template: str) -> set[str]:
    """The {names} a template fills in: what a translation must keep."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def span(hours: int, *, lang: str | None = None) -> str:
    """24 -> "24 hours", 168 -> "7 days": the unit the source documents use."""
    if hours % 24 == 0 and hours >= 72:
        return say("time.days", count=hours // 24, lang=lang)
    return say("time.hours", count=hours, lang=lang)


def days(n: int, *, lang: str | None = None) -> str:
    """ "day" for 1 (as in "the last day"), "7 days" otherwise."""
    return say("time.last_days", count=n, lang=lang)


def ordinal(n: int, *, lang: str | None = None) -> str:
    """1 -> "first" … 10 -> "tenth", then "11th", "21st", "22nd", "23rd", "111th"."""
    lang = lang or current()
    if n < 1:
        raise ValueError(f"ordinal of {n}: counts start at 1")
    words = table(lang)["ordinal.words"]
    if n <= len(words):
        return words[n - 1]
    # "th st nd rd th …": the suffix for each last digit, and for 11, 12 and 13 the first one.
    suffixes = table(lang)["ordinal.suffixes"].split()
    return f"{n}{suffixes[0] if n % 100 in (11, 12, 13) else suffixes[n % 10]}"
