"""How people write a provider's name: "SMSPartner", "sms partner", "sms-partner", "smspartner".

Lookup ("twilio 30007") and detection ("smspartner error 14") both need to spot a provider word
and say which provider it names; this is the one place that knows how.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

CAMEL_PARTS = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_LETTERS = str.maketrans("", "", "".join(chr(c) for c in range(128) if not chr(c).isalpha()))


def spelling(word: str) -> str:
    """ "SMS-Partner's" -> "smspartners": lower case, ASCII punctuation, spaces and digits gone."""
    return word.lower().translate(_NOT_LETTERS)


_AROUND = ".,:;!?()[]{}'\"`*_"  # what may cling to a name in a sentence: "telnyx:", "(8x8)"


@dataclass(frozen=True)
class ProviderWords:
    pattern: re.Pattern[str]  # any spelling of any of the providers, standing as a word
    spellings: Mapping[str, str]  # spelling(word) -> provider slug

    def provider_of(self, word: str) -> str | None:
        slug = self.spellings.get(spelling(word))
        # Spelling drops digits, so "x14" would read as 8x8: the word itself must be a name.
        if slug and not self.pattern.fullmatch(word.strip(_AROUND)):
            return None
        return slug


def provider_words(
    providers: Mapping[str, str], also: Mapping[str, tuple[str, ...]] | None = None
) -> ProviderWords:
    """The words for `providers` (slug -> display name): each slug and name, split or not.

    `also` adds other names that stand for a provider (slug -> names): a CRM with no codes of
    its own that sends through it ("Aesthetix CRM" -> twilio).
    """
    patterns: set[str] = set()
    spellings: dict[str, str] = {}
    extra = also or {}
    for slug, name in providers.items():
        for form in {slug, name, *extra.get(slug, ())}:
            patterns.add(r"[\s-]?".join(re.escape(p) for p in CAMEL_PARTS.split(form)))
            spellings[spelling(form)] = slug
    alternatives = "|".join(sorted(patterns, key=len, reverse=True)) or "(?!)"
    pattern = rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])"
    return ProviderWords(re.compile(pattern, re.IGNORECASE), spellings)
