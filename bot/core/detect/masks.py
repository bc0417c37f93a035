"""Parts of a message that hold no error code: Slack markup, links, e-mail addresses, phones.

Markup, links and addresses are blanked out with spaces of the same length, so every span still
points into the text as posted. A provider's documentation link is the exception: the code at
its end is kept, and reported as a docs link. Phone numbers are checked only around the numbers
worth judging, which is cheaper than blanking them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

E164_MAX_DIGITS = 15
PHONE_REACH = 24  # characters either side of a number searched for a phone number around it

_SLACK_SPECIAL = re.compile(r"<[@#!][^<>\n]{0,200}>")  # <@U024BE7LH>, <#C024BE7LR|general>, <!here>
_SLACK_LINK = re.compile(r"<((?:https?|mailto|tel|sms):[^<>|\s]{0,4000})(?:\|[^<>\n]{0,4000})?>")
_URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>|\"'`]+"
    r"|\b(?:[a-z0-9-]{1,63}\.){1,8}(?:com|fr|io|net|org|dev|app)/[^\s<>|\"'`]*",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_QUERY_PARAM = re.compile(r"[?&;]([A-Za-z_]{1,40})=(\d{1,6})\b")
_URL_CODE = re.compile(r"[/#=](\d{2,6})(?![0-9A-Za-z])")
_URL_HOST = re.compile(r"^(?:[a-z]+://)?(?:www\.)?([^/:?#]+)", re.IGNORECASE)
_PHONES = (
    # (404) 300-0712, 470.330.0320, 1-833-300-0700, 404 300 0712
    re.compile(r"(?<![\w.+-])(?:1[ .-])?(?:\(\d{3}\) ?|\d{3}[ .-]?)\d{3}[ .-]\d{4}(?![\w-])"),
    # 06 12 34 56 78, and masked: 06 12 xx xx 87, 06 •• •• •• 91
    re.compile(r"(?<![\w.])0\d(?:[ .](?:\d\d|xx|XX|••|\*\*)){4}(?!\w)"),
    re.compile(r"\btel:\+?[\d().-]+", re.IGNORECASE),
)
# A number with some digits hidden: +33 6•• •• •• 12, +1555•••0142, 4477009•••21.
_MASKED_PHONE = re.compile(r"\+?\d[\d ]{0,12}[•*]{2,}[\d•* ]{0,12}\d")
_INTERNATIONAL = re.compile(r"\+\d")
_PHONE_GROUP = re.compile(r"[ .-]?\(?(\d{1,5})\)?")


@dataclass(frozen=True)
class DocsLink:
    """A provider documentation link ending in one of its codes: .../docs/api/errors/30007."""

    provider: str
    code: str
    span: tuple[int, int]


def _international(text: str) -> list[tuple[int, int]]:
    """+1 404 555 0123, +33 6 30 00 70 07: groups after a '+', up to E.164's 15 digits.

    Counting digits keeps a code typed after the number ("+14045550123 30005") out of it.
    """
    spans = []
    for plus in _INTERNATIONAL.finditer(text):
        end, digits = plus.start() + 1, 0
        while m := _PHONE_GROUP.match(text, end):
            if digits + len(m.group(1)) > E164_MAX_DIGITS or m.end() == end:
                break
            digits += len(m.group(1))
            end = m.end()
        if digits >= 7:
            spans.append((plus.start(), end))
    return spans


def in_phone_number(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is part of a phone number: '(404) 300-0712', '+33 6 30 00 70 07'.

    Asked only about the few numbers worth judging, over a window around each.
    """
    low, high = max(0, start - PHONE_REACH), end + PHONE_REACH
    window = text[low:high]
    spans = [m.span() for pattern in _PHONES for m in pattern.finditer(window)]
    if "+" in window:
        spans += _international(window)
    if "•" in window or "*" in window:
        spans += [m.span() for m in _MASKED_PHONE.finditer(window)]
    return any(a <= start - low and end - low <= b for a, b in spans)


def blank(
    text: str,
    docs_code: Callable[[str], tuple[str, str, int] | None],
    error_key: Callable[[str], bool],
) -> tuple[str, list[DocsLink]]:
    """The text with links, Slack markup and e-mail addresses blanked, and the codes found in
    provider docs links.

    `docs_code(url)` answers (provider, code, offset of the code in url) for a docs link.
    Query parameters whose key is an error field (`error_key`) stay: a logged callback URL
    still says `?ErrorCode=30003`.
    """
    has_markup, has_link, has_email = "<" in text, "/" in text or "www." in text, "@" in text
    if not (has_markup or has_link or has_email):
        return text, []
    chars = list(text)
    docs: list[DocsLink] = []

    def wipe(start: int, end: int) -> None:
        chars[start:end] = " " * (end - start)

    def url(start: int, end: int) -> None:
        found = docs_code(text[start:end])
        wipe(start, end)
        for param in _QUERY_PARAM.finditer(text, start, end):
            if error_key(param.group(1)):
                chars[param.start(1) : param.end(2)] = text[param.start(1) : param.end(2)]
        if found:
            provider, code, offset = found
            at = start + offset
            chars[at : at + len(code)] = code
            docs.append(DocsLink(provider, code, (at, at + len(code))))

    if has_markup:
        for m in _SLACK_LINK.finditer(text):
            url(m.start(1), m.end(1))
        for m in _SLACK_SPECIAL.finditer(text):
            wipe(*m.span())
    if has_link:
        for m in _URL.finditer(text):
            if chars[m.start()] != " ":
                url(*m.span())
    if has_email:
        for m in _EMAIL.finditer(text):
            wipe(*m.span())
    return "".join(chars), docs


def docs_code_finder(
    hosts: dict[str, str], codes: dict[str, frozenset[str]]
) -> Callable[[str], tuple[str, str, int] | None]:
    """A docs_code function for blank(): `hosts` maps a docs host to its provider, `codes` maps
    each provider to its codes."""

    def docs_code(url: str) -> tuple[str, str, int] | None:
        host = _URL_HOST.match(url)
        provider = hosts.get(host.group(1).lower()) if host else None
        if provider is None:
            return None
        for m in reversed(list(_URL_CODE.finditer(url))):
            if m.group(1) in codes.get(provider, ()):
                return provider, m.group(1), m.start(1)
        return None

    return docs_code
