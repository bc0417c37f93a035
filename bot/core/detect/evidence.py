"""What the rest of a message says about a number its neighbours left undecided.

The words right around a number decide most cases (bot/core/detect/context.py). When they say
nothing ("… 30007 …" with no error word, no count, no ZIP shape beside it), the message as a
whole still does: a column's header in a pasted table, talk of ZIP codes or of short codes,
towns listed with their numbers, a shell command, a row of figures, the body of a text. Each
function here reads one such sign from the masked message (bot/core/detect/masks.py).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.detect.words import CARRIERS, ERROR_WORDS, ZIP_TALK

_FAILURE_WORDS = ERROR_WORDS - {"code", "codes"}
SENTENCE_REACH = 300  # characters looked at on each side for a sentence's end
_SENTENCE_END = re.compile(r"[.?!;\n]")
_SHORT_CODE = re.compile(
    r"\bshort[\s-]?codes?\b|\bshortcodes?\b|\bcodes? courts?\b|\bnum[ée]ros? courts?\b"
    r"|\b(?:5|five|6|six)[\s-]digit (?:code|number)s?\b",
    re.I,
)
_TROUBLE = re.compile(
    r"(?<!\bno )(?<!\bzero )(?<!\bnot a )(?<!\bnot an )(?<!\bpas d')(?<!\bpas de )"
    r"\b(?:err\w*|fail\w*|échec\w*|echec\w*|reject\w*|rejet\w*|block\w*|bloqu\w*|undeliver\w*"
    r"|retr(?:y|ies|ying)"
    r"|not delivered|non délivré|refus\w*|dlrs?|receipts?|reports?|status|statut|codes?|reason"
    r"|raison)\b",
    re.I,
)
_ZIP_TALK = re.compile(
    r"\b(?:" + "|".join(sorted(ZIP_TALK)) + r")\b|\bzip[\s-]codes?\b|\bcodes? postaux?\b", re.I
)
_TOWN_BEFORE = re.compile(r"([A-ZÀ-ÖØ-Ý][\w'’À-ÖØ-öø-ÿ-]+)(\.?,?\s*\(\s*|\.?,?\s+)$")
_PLACE_LEAD = re.compile(r"(?i)(?:^|\s)(?:à|a|de|d'|in|at|near|from|to|vers|depuis)\s*$")
_TOWN_AFTER = re.compile(r"(\s*[()]?\s*)([A-ZÀ-ÖØ-Ý][\w'’À-ÖØ-öø-ÿ-]+)")
# A header cell: "errorCode", "Error Code", "n", "%CPU".
_HEADER_CELL = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ_%][\w .#%/()-]*")
_SHELL = re.compile(
    r"^\s*(?:\$|>>>) |\|\s*grep\b|\bgrep -|\b(?:kill|lsof|netstat|ss -)\b"
    r"|\b(?:nc|ncat|telnet) -|`(?:nc|telnet|curl|redis-cli) "
)
_BODY = re.compile(
    r"""\b(?:body|Body|sms_body|message_body|short_message)["']?\s*[:=]\s*["'][^"'\n]*$"""
)
_FIELD_WIDTH = re.compile(r"\S+(?: \S+)*")  # a fixed-width column's cell: words one space apart
_FIGURE = re.compile(r"-?\d+(?:[.,]\d+)?%?")
_RULE = re.compile(r"^[\s|:+-]*$")  # a markdown table's |---|---| line


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence (or line) holding text[start:end]."""
    low, high = max(0, start - SENTENCE_REACH), min(len(text), end + SENTENCE_REACH)
    left = max((m.end() for m in _SENTENCE_END.finditer(text, low, start)), default=low)
    right = _SENTENCE_END.search(text, end, high)
    return text[left : right.start() if right else high]


def talks_of_zips(text: str) -> bool:
    """'zip', 'postal', 'territory', 'codes postaux' anywhere: its five-digit numbers are ZIPs
    unless something says error."""
    return _ZIP_TALK.search(text) is not None


def talks_of_short_codes(sentence: str) -> bool:
    """A sentence about a short code, with no error word in it: "is 21610 free as a short
    code?", not "the short code fails with 30007"."""
    if not _SHORT_CODE.search(sentence):
        return False
    words = (w.lower().strip(".,:;!?()`'\"") for w in sentence.split())
    return not any(w in _FAILURE_WORDS or w.startswith("fail") for w in words)


def has_trouble(sentence: str) -> bool:
    """Words of a failure in the sentence: enough, with its provider named, for a small code."""
    return _TROUBLE.search(sentence) is not None


def town_beside(
    text: str, start: int, end: int, is_word: Callable[[str], bool]
) -> tuple[str, bool, bool] | None:
    """The town written right before or after a five-digit number ("Betterton 21610",
    "40320 Geaune", "Dax (40100)"), whether a parenthesis joins them, and whether a
    preposition of place leads in ("à Alès 30100", "in Decatur 30030"); or None. `is_word` says
    a word is something other than a place: a provider, an error or a title word."""
    line_start = text.rfind("\n", max(0, start - 60), start) + 1
    before = _TOWN_BEFORE.search(text, max(line_start, start - 40), start)
    if before and _town(before.group(1), is_word):
        led = _PLACE_LEAD.search(text, max(line_start, before.start() - 8), before.start())
        return before.group(1), "(" in before.group(2), led is not None
    after = _TOWN_AFTER.match(text, end)
    if after and _town(after.group(2), is_word):
        paren = "(" in text[max(0, start - 2) : start] or "(" in after.group(1)
        return after.group(2), paren, False
    return None


def _town(word: str, is_word: Callable[[str], bool]) -> bool:
    if word.isupper() or word.lower() in CARRIERS or word.lower() in ERROR_WORDS:
        return False
    return not is_word(word)


def in_shell_command(line: str) -> bool:
    """A shell line ("$ kill 30011", "… | grep 30003"): its numbers are pids, ports, patterns."""
    return _SHELL.search(line) is not None


def in_quoted_text(line_before: str) -> bool:
    """Inside a quoted string of words ('"error-text":"Throughput Rate Exceeded - please wait
    [ 10'): a small number there is part of a sentence, not a field of its own."""
    if line_before.count('"') % 2 == 0:
        return False
    return re.search(r"[A-Za-z]{3,}[^\"]*$", line_before[line_before.rfind('"') + 1 :]) is not None


def in_message_body(line_before: str) -> bool:
    """Inside the quoted body of a text ('"body": "Your code is 40300'): what the message said,
    not what the provider answered."""
    return _BODY.search(line_before) is not None


def row_of_figures(line: str, is_code: Callable[[str], bool]) -> bool:
    """A line of four or more figures, most of them no code: a `ps` row, a stats line, a list
    of ZIP codes with a few that happen to be codes."""
    figures = [t for t in (w.strip(",;()[]") for w in line.split()) if _FIGURE.fullmatch(t)]
    if len(figures) < 4:
        return False
    return sum(1 for t in figures if is_code(t)) * 2 < len(figures)


@dataclass(frozen=True)
class Columns:
    """A table row's columns: the header cells and where each cell of the row starts."""

    headers: tuple[str, ...]
    starts: tuple[int, ...]  # offsets in the row where columns 1, 2, … begin (column 0 at 0)

    def header_at(self, at: int, width: int) -> str | None:
        index = bisect_right(self.starts, at + width - 1)
        header = self.headers[index] if index < len(self.headers) else ""
        return header.lower() or None


def table_columns(text: str, line_start: int, line_end: int) -> Columns | None:
    """The columns of the row text[line_start:line_end], when it is a row of a pasted table."""
    line = text[line_start:line_end]
    lines = _block_above(text, line_start)
    if not lines:
        return None
    delimiter = _delimiter(line)
    if delimiter:
        header = next((h for h in lines if not _RULE.match(h)), None)
        if header is None or header.count(delimiter) != line.count(delimiter):
            return None
        cells = [c.strip(" `*") for c in header.split(delimiter)]
        if not all(_HEADER_CELL.fullmatch(c) for c in cells if c):
            return None  # a first row of data, a JSON line: no header
        starts = tuple(i + 1 for i, ch in enumerate(line) if ch == delimiter)
        return Columns(tuple(cells), starts)
    header = lines[0].strip("`")
    cells = re.split(r"\s{2,}", header.strip())
    row = re.split(r"\s{2,}", line.strip())
    if len(cells) < 2 or len(row) < 2 or abs(len(row) - len(cells)) > 1:
        return None
    if not all(_HEADER_CELL.fullmatch(c) for c in cells):
        return None
    # Fixed width: a number belongs to the last header cell starting before it ends (numbers
    # may be aligned right under their header).
    spans = list(_FIELD_WIDTH.finditer(header))
    return Columns(tuple(m.group(0) for m in spans), tuple(m.start() for m in spans[1:]))


def _delimiter(line: str) -> str | None:
    for delimiter in ("|", "\t", ";", ","):
        if line.count(delimiter) >= (1 if delimiter in "|\t" else 2):
            return delimiter
    return None


def _block_above(text: str, line_start: int) -> list[str]:
    """The lines of the table above the line starting at `line_start`, first (header) first;
    empty when that line starts the block (it is the header, or no table)."""
    lines: list[str] = []
    end = line_start - 1
    while end > 0 and len(lines) < 60:
        begin = text.rfind("\n", 0, end) + 1
        above = text[begin:end]
        if not above.strip() or above.strip().startswith("```"):
            break
        if above.lstrip().startswith("$ "):
            break  # the command whose output the table is
        lines.append(above)
        end = begin - 1
    lines.reverse()
    return lines
