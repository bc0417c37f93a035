"""Whether a number in a message is an error code, judged from the characters and words around it.

Works on the message with its quiet parts blanked (bot/core/detect/masks.py). The nearest decisive
word wins: "ticket 30007 is about error 30003" is a ticket and an error code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.detect.words import (
    ANSWER_VERBS,
    AP_STATES,
    COUNT_ADJECTIVES,
    COUNT_WORDS,
    COUNTED,
    COUNTED_SMALL,
    DAY_WORDS,
    ERROR_SUFFIXES,
    ERROR_WORDS,
    HTTP_PHRASES,
    NOT_ERROR_CODE_KEYS,
    OTHER_CODES,
    OTHER_THINGS,
    PLACE_WORDS,
    PORT_WORDS,
    PREPOSITIONS,
    PROCESS_WORDS,
    QUALIFIERS,
    QUANTIFIERS,
    RUES,
    SHORT_CODE_VERBS,
    STATE_ABBREVIATIONS,
    STATE_NAMES,
    STATE_WORDS,
    STATUS_KEYS,
    STATUS_WORDS,
    STREET_WORDS,
    THINGS_AFTER,
    ZIP_PLACES,
)

CODE, OTHER, UNSURE = "code", "other", "unsure"
LEFT_WORDS = 6  # how far back on the line a number's context reaches, in words
_MONEY = "$€£¥"
NEAR = 24  # characters before a number that its punctuation is read from

_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ0-9](?:[A-Za-zÀ-ÖØ-öø-ÿ0-9_.'-]*[A-Za-zÀ-ÖØ-öø-ÿ0-9])?")
_CONNECTOR = re.compile(
    r"s?(?:[\s,;/&+*`'\"()\[\]|-]|&amp;|\bx\d+\b|\b(?:and|or|vs|versus|then|plus|nor)\b|\.(?=\s))*"
)
_ARROW = re.compile(r"\s*(?:=>|->|=&gt;|-&gt;|→)")
_FLAG = re.compile(r"(?:^|\s)--?[A-Za-z0-9][\w-]*[\s=]+$")
# A setting's value: "POOL_SIZE=40310", "listen_port: 40305", '"queue_depth": 21611'.
_VALUE_GAP = re.compile(r"""["']?[.\s]*[:=]\s*["']?\s*""")
_ELISION = re.compile(r"^(?:l|d|qu|j|n|s|c)'")
_STREET_AFTER = re.compile(
    r"\s+(?:[NSEW]\.?\s+)?(?:(?:[A-Z][\w'’.-]*|\d+)\s+){0,4}"
    rf"(?i:{'|'.join(sorted(STREET_WORDS))})\b"
    r"|\s+block\s+of\b"
)
_SHARE_OF = re.compile(r"\s+of\s+(?:the|our|them|those|these|all|\d)", re.IGNORECASE)
_RATE = re.compile(
    r"\s*(?:a|per|/)\s*(?:day|hour|week|month|minute|min|second|sec|jour|heure|mois)s?\b",
    re.IGNORECASE,
)
_TIMES = re.compile(r"\s*[x×]\s*\d")  # "4720 x 312": the code, and how often it came
_EXPLAINED = re.compile(r"\s*(?:=\s|means?\b|meaning\b|c'est\b|veut dire\b)", re.IGNORECASE)
_ADDRESS = re.compile(
    r"\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Za-z0-9']+\.?\s+){0,3}"
    rf"(?:{'|'.join(sorted(STREET_WORDS))})\b\.?,",
    re.IGNORECASE,
)
# A French address before the number: "4 rue Taisson, 30100 Alès".
_ADRESSE = re.compile(
    rf"\b\d{{1,4}}(?:\s*(?:bis|ter))?,?\s+(?:{'|'.join(sorted(RUES))})\b[^,\n]{{1,40}},\s*$",
    re.IGNORECASE,
)
_HTTP = re.compile(rf"\s*(?:{'|'.join(HTTP_PHRASES)})\b", re.IGNORECASE)
_SHORT_CODE_AFTER = re.compile(r"\s*(?:short[\s-]?codes?|shortcodes?|SC)\b", re.IGNORECASE)
_LEADING_DIGITS = re.compile(r"\d+")
_STATE_AFTER = re.compile(r",\s*([A-Z]{2})\b")
_RANGE = re.compile(r"\s*(?:to|through|thru|-|–)\s*\d{5}\s+([A-Za-z]+)")
_SPAN = re.compile(r"\s*(?:through|thru|à|-|–)\s*(\d{5})(?!\d)")  # "60601 thru 60699"
_THOUSANDS = re.compile(r",\d{3}(?!\d)")
_COPULAS = frozenset(["is", "was", "are", "were", "be", "being"])
_LOG_LEVEL = re.compile(r"\b(?:ERROR|Error|error|ERR|FATAL|CRITICAL)\b(?![\"'=:_-])")
_ID_NAME = re.compile(r"[A-Za-z]+(?:_id|_ID|Id|ID)")  # "sms_id", "userId", "orderID"
_SECONDS_LEAD = re.compile(r"\b(?:in|after|every|for|took|dans|après)\s+$")
_HOST_COLON = re.compile(r"([\w.-]+):$")
_DOT_OR_DASH = re.compile(r"[-.]")
_XML_OPEN = re.compile(r"<([A-Za-z][\w:.-]*)[^<>]*>$")
_THRU = re.compile(r"\s*(?:thru|through)\b")
_SPACED_THOUSANDS = re.compile(r"[  ]\d{3}(?!\d)")
_PERCENT_AFTER = re.compile(r"\s?%")
_MONEY_AFTER = re.compile(r"\s?[€$£¥]")
_ERROR_AFTER = re.compile(r"\s+(?:the\s+)?(?:error|erreur)\b", re.IGNORECASE)
_COUNT_END = re.compile(r"[\s,.;)]|$| by\b")
_WORD_END = re.compile(r"[\s,.;:)!]|$")
_FILE = re.compile(r"[\w-]+\.(?:csv|tsv|txt|log|json|xml|gz)$", re.IGNORECASE)
_DONE = frozenset(["sent", "delivered", "received", "processed", "envoyés", "envoyes", "reçus"])


@dataclass(frozen=True)
class Verdict:
    """What the surroundings say about one number: CODE, OTHER or UNSURE, and why.

    `firm` marks an error word or field ("error", "ErrorCode="), which outweighs what follows
    the number; a verb or a provider's name before it ("returns", "telnyx") does not.
    """

    kind: str
    reason: str
    firm: bool = False
    provider: str | None = None  # a provider named right before the number


_PUNCTUATION = str.maketrans("", "", "_.'-")


def norm(word: str) -> str:
    """A word as compared with bot/core/detect/words.py: 'error_code', 'ErrorCode' -> 'errorcode',
    and French elisions dropped: "l'erreur" -> 'erreur'."""
    lowered = word.lower()
    if "'" in lowered:
        lowered = _ELISION.sub("", lowered)
    return lowered.translate(_PUNCTUATION)


def _error_word(n: str) -> bool:
    if n in ERROR_WORDS or n.endswith(ERROR_SUFFIXES):
        return True
    # "twilio_code", "smsErrorCode": a field named for a code that is no other kind of code.
    prefix = n[:-4]
    return (
        n.endswith("code")
        and len(prefix) > 2
        and prefix not in OTHER_CODES
        and prefix not in NOT_ERROR_CODE_KEYS
        and not prefix.endswith(("zip", "post", "postal", "area", "country"))
    )


def is_error_key(key: str) -> bool:
    """An error field's name: 'ErrorCode', 'error_code', 'err'."""
    return _error_word(norm(key))


def _key_reason(word: str, gap: str) -> str:
    if "=" in gap:
        if norm(word) == "errorcode" and word[0].isupper():
            return f"{word}= in a status callback"
        return f"{word}= in a log line"
    if '"' in gap and ":" in gap:
        return f'JSON key "{word}"'
    return f"error code after '{word}'"


def adjacent(text: str, start: int, end: int, is_code: Callable[[str], bool]) -> Verdict | None:
    """The characters touching the number: '30024-1234', '0.0.0.0:40300', 'INC-30007', '$30023'."""
    near = text[max(0, start - NEAR) : start]  # the end of the text before, without copying it all
    before = text[start - 1] if start else ""
    before2 = text[start - 2] if start > 1 else ""
    after = text[end] if end < len(text) else ""
    after2 = text[end + 1] if end + 1 < len(text) else ""
    if after.isalpha() and not (after == "s" and not after2.isalnum()):
        return Verdict(OTHER, "part of a word")
    if after == "#":
        return Verdict(OTHER, "a dial-in code")  # "code 40020#"
    if after == "s" and _SECONDS_LEAD.search(near):
        return Verdict(OTHER, "a duration in seconds")  # "next run in 21610s"
    if after and after in "-–.:_" and after2.isalnum() and not (after == "-" and after2.isalpha()):
        return Verdict(OTHER, "part of a longer number or identifier")
    if after == "/" and text[end + 1 : end + 4].lower() in ("tcp", "udp"):
        return Verdict(OTHER, "a port")  # "30005/TCP"
    if after == "/" and after2.isdigit():
        following = _LEADING_DIGITS.match(text, end + 1)
        if not (following and is_code(following.group(0))):
            return Verdict(OTHER, "a ratio or path")
    if after == "," and end - start <= 3 and _THOUSANDS.match(text, end):
        return Verdict(OTHER, "an amount")
    if before and before in _MONEY + "@~+!":
        return Verdict(OTHER, "an amount or handle")
    if before == ":" and (before2.isdigit() or before2 in " \t\n(:*" or not before2):
        return Verdict(OTHER, "a port or time")
    host = _HOST_COLON.search(near) if before == ":" else None
    if host and _DOT_OR_DASH.search(host[1]) and not _error_word(norm(host[1])):
        return Verdict(OTHER, "a port or a tag")  # "sms-worker:30104", "redis.local:30012"
    if before == "[" and (before2.isalnum() or before2 == "_"):
        return Verdict(OTHER, "a process id")
    if (before in "._" and before2.isalnum()) or before == ".":
        return Verdict(OTHER, "part of a longer number or identifier")
    if before == "/":
        previous = re.search(r"(\d+)/$", near)
        if not (previous and is_code(previous.group(1))):
            return Verdict(OTHER, "part of a path")
    if before == "-":
        word = re.search(r"([A-Za-z]+)-$", near)
        if word and _error_word(norm(word.group(1))):
            return Verdict(CODE, f"error code after '{word.group(1)}'", firm=True)
        return Verdict(OTHER, "part of an identifier")
    if before == ">" and (tag := _XML_OPEN.search(near)):
        if _error_word(norm(tag.group(1))):
            return Verdict(CODE, f"XML element <{tag.group(1)}>", firm=True)
        return Verdict(OTHER, f"the value of <{tag.group(1)}>")  # <CustomerOrderId>4775<…>
    if before == "#":
        word = re.search(r"([A-Za-z_]+)\W*#$", near)
        if word and _error_word(norm(word.group(1))):
            return Verdict(CODE, f"error code after '{word.group(1)}'", firm=True)
        return Verdict(OTHER, "a ticket or issue number")
    return None


def _a_range(rest: str, span: re.Match[str], is_code: Callable[[str], bool]) -> bool:
    """ "60601 thru 60699", "21601–21699": a span of numbers, not two codes (its end is no
    code, or it is written with thru/through)."""
    return not is_code(span.group(1)) or bool(_THRU.match(rest))


def continues_list(text: str, previous_end: int, start: int) -> bool:
    """Only separators between two numbers: '21610, 21614 and 30006', '40304/40317'."""
    between = text[previous_end:start]
    if "\n" in between or "  " in between or "\t" in between:
        return False  # the next row, or the next column of a table: judged on its own
    return len(between) <= 12 and _CONNECTOR.fullmatch(between) is not None


def is_http_status(number: str) -> bool:
    return len(number) == 3 and number.isdigit() and 100 <= int(number) <= 599


def left(
    line: str, small: bool, provider_of: Callable[[str], str | None], number: str = ""
) -> Verdict:
    """The words before the number on its line (`line` ends where the number starts)."""
    if _FLAG.search(line):
        return Verdict(OTHER, "a command-line option")
    tail = line.rstrip()[-1:]
    if tail and tail in _MONEY:
        return Verdict(OTHER, "an amount of money")
    if tail == "}" and not line[:1].isspace():
        return Verdict(OTHER, "a metric's value")  # sms_sent_total{provider="twilio"} 30007
    verdict = _left_words(line, small, provider_of, number)
    if verdict.kind == UNSURE and not small and (_ADDRESS.search(line) or _ADRESSE.search(line)):
        return Verdict(OTHER, "part of an address")
    return verdict


def _left_words(
    line: str, small: bool, provider_of: Callable[[str], str | None], number: str
) -> Verdict:
    words = list(_WORD.finditer(line))[-LEFT_WORDS:]
    i = len(words) - 1
    last = words[i].group(0) if i >= 0 else ""
    if _ID_NAME.fullmatch(last) and not _error_word(norm(last)):
        return Verdict(OTHER, f"a {last} value")  # "sms_id 33010", "userId 30007", not "errorId"
    if i >= 1 and norm(words[i].group(0)) == "of" and words[i - 1].group(0).isdigit():
        return Verdict(OTHER, "a total")  # "delivered 30006 of 30011"
    if (
        i >= 0
        and norm(words[i].group(0)) in ("id", "ids")
        and re.search(r"[:=]", line[words[i].end() :])
    ):
        return Verdict(OTHER, "an id")  # "WHERE id = 30034"
    skipped = set()
    while i >= 0 and norm(words[i].group(0)) in QUALIFIERS:
        skipped.add(norm(words[i].group(0)))
        i -= 1
    if i < 0:
        return Verdict(OTHER, "an id") if skipped & {"id", "ids"} else Verdict(UNSURE, "")
    m = words[i]
    word, n = m.group(0), norm(m.group(0))
    gap = line[m.end() :]
    if any(symbol in gap for symbol in _MONEY):
        return Verdict(OTHER, "an amount of money")
    previous = norm(words[i - 1].group(0)) if i else ""
    if provider := provider_of(word) or (previous and provider_of(words[i - 1].group(0) + word)):
        return Verdict(CODE, f"code after '{word}'", provider=provider)
    if n in ("code", "codes") and previous == "status" and small and not is_http_status(number):
        return Verdict(CODE, "code after 'status code'")  # 8x8 DLR "status code 43"
    if n in ("code", "codes") and previous in OTHER_CODES:
        return Verdict(OTHER, f"a {previous} code")
    before_previous = norm(words[i - 2].group(0)) if i > 1 else ""
    if n in OTHER_CODES and previous in ("de", "d") and before_previous == "code":
        return Verdict(OTHER, f"a code de {word}")  # "Votre code de connexion : 40310"
    if n == "code" and previous == "error":
        return Verdict(CODE, f"error code after '{words[i - 1].group(0)} {word}'", firm=True)
    if _error_word(n):
        return Verdict(CODE, _key_reason(word, gap), firm=True)
    if (
        _VALUE_GAP.fullmatch(gap)
        and _is_key(word, gap, line, m.start())
        and not _LOG_LEVEL.search(line, 0, m.start())  # "ERROR onSend: 50453"
    ):
        if n not in STATUS_KEYS and n not in STATUS_WORDS:
            return Verdict(OTHER, f"the value of {word}")
        if not small:
            return Verdict(UNSURE, "")
    if n in OTHER_THINGS:
        if ":" in gap and any(_error_word(norm(w.group(0))) for w in words[max(0, i - 4) : i]):
            return Verdict(CODE, "code after an error label", firm=True)  # "errors this sprint:"
        return Verdict(OTHER, f"a {word} number")
    recent = {norm(w.group(0)) for w in words[max(0, i - 2) : i + 1]}
    if recent & COUNT_WORDS:
        return Verdict(OTHER, "a count")  # "queue depth hit 40318", "count is at 30034"
    if n in ("thru", "through") and previous.isdigit() and len(previous) == 5:
        return Verdict(OTHER, "the end of a range")  # "60601 thru 60699"
    if n in DAY_WORDS:
        return Verdict(OTHER, "a day's figure")  # "mon 21612, tue 22109"
    if recent & PROCESS_WORDS:
        return Verdict(OTHER, "a process id")
    if recent & PORT_WORDS:
        return Verdict(OTHER, "a port")
    if n in PLACE_WORDS and not small:
        return Verdict(OTHER, "a ZIP code")
    if not small and n in AP_STATES and word[0].isupper() and gap.startswith("."):
        return Verdict(OTHER, "a ZIP code")  # "Bardstown, Ky. 40004"
    if n in QUANTIFIERS:
        return Verdict(OTHER, "an amount")
    if small and n in ("http", "https", "httpstatus"):
        return Verdict(OTHER, "an HTTP status")
    if small and n in ("status", "statuscode") and is_http_status(number):
        return Verdict(OTHER, "an HTTP status")
    if small and (n in STATUS_WORDS or n in ("status", "statuscode")):
        return Verdict(CODE, f"code after '{word}'")  # Vonage "status 29", "Sinch DLRs: 402"
    if n == "to" and any(norm(w.group(0)) in SHORT_CODE_VERBS for w in words[max(0, i - 3) : i]):
        return Verdict(OTHER, "a short code")
    if not small and _is_zip_place(words, i):
        return Verdict(OTHER, "a ZIP code")
    if ("." in word and ":" in gap) or n == "localhost":
        return Verdict(OTHER, "a port")
    if n in ANSWER_VERBS:
        if previous.startswith(("fail", "échou", "echou")):
            return Verdict(CODE, f"error code after '{words[i - 1].group(0)} {word}'", firm=True)
        return Verdict(CODE, f"code after '{word}'")
    if n in _COPULAS:
        earlier = words[max(0, i - 5) : i]
        for k, w in reversed(list(enumerate(earlier))):
            if (
                norm(w.group(0)) in ("code", "codes")
                and k
                and norm(earlier[k - 1].group(0)) in OTHER_CODES
            ):
                return Verdict(OTHER, f"a {earlier[k - 1].group(0)} code")  # "your code is 40310"
            if _error_word(norm(w.group(0))):
                return Verdict(CODE, f"error code after '{w.group(0)} {word}'", firm=True)
            if norm(w.group(0)) in OTHER_THINGS:
                return Verdict(OTHER, f"a {w.group(0)} number")
    return Verdict(UNSURE, "")


def _is_key(word: str, gap: str, line: str, at: int) -> bool:
    """Whether `word` before ':'/'=' is a key (a setting, a field) rather than prose ("all
    sends = 30033", "errors last 5m: 30006"): an '=' written against it, quotes, an
    identifier's shape, or a YAML line."""
    if not word[0].isalpha():
        return False
    if (gap[:1] == "=" or '"' in gap or "'" in gap) and not gap[:1].isspace():
        return True
    camel = any(c.isupper() for c in word[1:]) and not word.rstrip("s").isupper()  # not "DLRs"
    if "_" in word or any(c.isdigit() for c in word) or camel:
        return True  # snake_case, camelCase, key2
    # A YAML line: "  port: 40305", "- max: 3" (prose labels are capitalised: "Second: 21610").
    return ":" in gap and word.islower() and not line[:at].strip(" -\t")


def _is_zip_place(words: list[re.Match[str]], i: int) -> bool:
    word = words[i].group(0)
    n = norm(word)
    if n in STATE_NAMES or n in ZIP_PLACES:
        return True
    if word in STATE_ABBREVIATIONS:
        if word not in STATE_WORDS:
            return True
        before = words[i - 1] if i else None
        return before is not None and before.string[before.end() : words[i].start()].startswith(",")
    return False


def right(
    rest: str, small: bool, width: int = 5, is_code: Callable[[str], bool] = lambda _: True
) -> Verdict:
    """The words after the number on its line (`rest` starts right after the number), which
    has `width` digits."""
    if (arrow := _ARROW.match(rest)) and not rest[arrow.end() :].lstrip()[:1].isdigit():
        return Verdict(CODE, "code before '=>'")  # "30007 → filtered", not "30007 → 30007"
    if _EXPLAINED.match(rest):
        return Verdict(CODE, "a code being explained", firm=True)  # "992 = sender not validated"
    if _TIMES.match(rest) or rest.startswith(("(x", "(×")):
        return Verdict(CODE, "code counted 'x' times")
    if not small and _STREET_AFTER.match(rest):
        return Verdict(OTHER, "part of an address")  # "21610 Ventura Blvd"
    if small and _SPACED_THOUSANDS.match(rest):
        return Verdict(OTHER, "part of a number written with spaces")  # "4 770 $"
    if _SHARE_OF.match(rest) or _RATE.match(rest):
        return Verdict(OTHER, "a count")  # "40017 of the 52k", "30023 a day"
    if small and _HTTP.match(rest):
        return Verdict(OTHER, "an HTTP status")
    if _PERCENT_AFTER.match(rest):
        return Verdict(OTHER, "a percentage")
    if _MONEY_AFTER.match(rest):
        return Verdict(OTHER, "an amount of money")  # "500 € HT"
    if _SHORT_CODE_AFTER.match(rest):
        return Verdict(OTHER, "a short code")
    if not small and (state := _STATE_AFTER.match(rest)) and state.group(1) in STATE_ABBREVIATIONS:
        return Verdict(OTHER, "a ZIP code")  # "30003, GA"
    if not small and (span := _SPAN.match(rest)) and _a_range(rest, span, is_code):
        return Verdict(OTHER, "the start of a range")
    if not small and (span := _RANGE.match(rest)) and norm(span.group(1)) in THINGS_AFTER:
        return Verdict(OTHER, f"a range of {span.group(1)} numbers")  # "30003 to 30007 area codes"
    m = _WORD.search(rest, 0, 40)
    if not m or rest[: m.start()].strip(" *_`'\")+"):
        return Verdict(UNSURE, "")
    n = norm(m.group(0))
    if width >= 4 and _ERROR_AFTER.match(rest):
        return Verdict(CODE, f"code before '{m.group(0)}'", firm=True)  # "30007 the error"
    if small and n in COUNT_ADJECTIVES and _COUNT_END.match(rest, m.end()):
        return Verdict(OTHER, f"a count of {m.group(0)}")  # "29 pending, 4 rejected by …"
    if _FILE.match(m.group(0)) and rest[: m.start()].strip() == "":
        return Verdict(OTHER, f"the size of {m.group(0)}")  # `wc -l`: "30024 failed_numbers.csv"
    if width == 4 and n == "on":
        return Verdict(CODE, "a code on something")  # "4773 on every number in the pool"
    if n in COUNT_ADJECTIVES and (following := _WORD.match(rest, m.end() + 1)):
        counted = norm(following.group(0))  # "30007 new signups"
        if rest[m.end() : following.start()] == " " and counted in COUNTED:
            return Verdict(OTHER, f"a count of {following.group(0)}")
    if n in COUNTED or (small and width < 4 and n in COUNTED_SMALL):
        return Verdict(OTHER, f"a count of {m.group(0)}")
    second = _WORD.match(rest, m.end() + 1)
    if (
        second
        and rest[m.end() : second.start()] == " "
        and n.isalpha()
        and n not in PREPOSITIONS
        and not _error_word(n)
        and norm(second.group(0)) in COUNTED
    ):
        return Verdict(OTHER, f"a count of {second.group(0)}")  # "30005 reminder messages"
    if n in _DONE and _WORD_END.match(rest, m.end()):
        return Verdict(OTHER, f"a count of messages {m.group(0)}")  # "twilio 30034 sent,"
    if not small and n in THINGS_AFTER:
        return Verdict(OTHER, f"a {m.group(0)} number")
    if not small and (n in ZIP_PLACES or n in STATE_NAMES):
        return Verdict(OTHER, "a ZIP code")
    return Verdict(UNSURE, "")


def status_context(line: str, rest: str) -> str | None:
    """The word that makes a capitalised status a delivery status ('stat:', 'DLR', 'status')."""
    for m in reversed(list(_WORD.finditer(line))[-5:]):
        if norm(m.group(0)) in STATUS_WORDS:
            return m.group(0)
    after = _WORD.match(rest.lstrip(" *`'\""))
    if after and norm(after.group(0)) in ("dlr", "dlrs", "status", "receipt", "receipts"):
        return after.group(0)
    return None
