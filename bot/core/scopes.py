"""Which endpoint or list a code came from, from the words around it.

Providers reuse small numbers across endpoints (SMSPartner's send and mail APIs, Vonage's send
status and delivery-receipt err-code): where a code has several scopes, words such as "mail",
"dlr" or "sending" say which one is meant. Detection and lookup narrow the same way.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.core.catalog import Entry

# Words that name the endpoint a repeated SMSPartner code came from ("mail API says 14").
SCOPE_WORDS = {
    "send": r"\bsend",
    "cancel": r"\bcancel",
    "status": r"\bstatus\b(?!\s*id)",
    "verify": r"\bverif",
    "location": r"\blocation|\brental",
    "subaccount": r"\bsub[\s_-]?accounts?",
    "mail": r"mail\b",
    "hlr_status": r"\bhlr\W+(?:\w+\W+)?status|\bstatus\s*id",
    "hlr_error": r"\bhlr\W+(?:\w+\W+)?error|\berror\s*id|\bEC_",
    "voice": r"\bvoice|\bvocal",
    "dlr": r"\bdlr",
}


@lru_cache(maxsize=64)
def scope_pattern(scope: str) -> re.Pattern[str]:
    default = re.escape(scope).replace("_", r"[\s_-]?")
    return re.compile(SCOPE_WORDS.get(scope, default), re.IGNORECASE)


def narrow_scopes(
    entries: tuple[Entry, ...], text: str, named: dict[str, bool] | None = None
) -> tuple[Entry, ...]:
    """Where a code repeats across endpoints, keep the ones the message names, most specific
    first ("hlr status" over "status"); keep them all when it names none. `named` remembers,
    per message, which scopes it names."""
    named = {} if named is None else named
    named = {} if named is None else named
    scopes = {e.scope for e in entries}
    if len(scopes) < 2:
        return entries
    for scope in scopes:
        if scope and scope not in named:
            named[scope] = scope_pattern(scope).search(text) is not None
    found = [s for s in scopes if s and named[s]]
    if not found:
        return entries
    best = max(len(s.split("_")) for s in found)
    keep = {s for s in found if len(s.split("_")) == best}
    return tuple(e for e in entries if e.scope in keep)
