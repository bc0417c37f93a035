"""Each person's language: their Slack locale (users.info with include_locale), asked at most
once a day per person and process, as a person's language changes rarely and every command,
click and modal would otherwise cost one more Slack call.

Never on the request's path: a request answers in what is known now, and a person not known
yet (or known over a day ago) is asked for in the background, for their next request. Asking
first would put a Slack round trip, or a Retry-After of a minute, before the 3 s ack. So the
very first request of a person this process has not seen is in the workspace's language.

A locale the string table does not speak ("de-DE"), or a users.info that fails, reads as the
workspace's language (SMSERROR_LANGUAGE). A failure is not kept: a later request asks again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.strings import LANGUAGES, default

log = logging.getLogger(__name__)

DAY = 24 * 3600.0
MOST_PEOPLE = 50_000  # past this many, start over rather than grow without bound


def from_locale(locale: str) -> str:
    """ "fr-FR" -> "fr"; a language the bot does not speak -> the default."""
    code = locale.split("-")[0].split("_")[0].lower() if isinstance(locale, str) else ""
    return code if code in LANGUAGES else default()


class Locales:
    """People's languages as Slack last said them; thread-safe."""

    def __init__(self, seconds: float = DAY, *, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._kept: dict[str, tuple[float, str]] = {}
        self._asking: set[str] = set()
        self._lock = threading.Lock()
        self._asker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smserror-locale")

    def language_of(self, client: WebClient, user: str) -> str:
        """The person's language as known now; asks Slack in the background when it is not
        known, or known too long ago."""
        if not user:
            return default()
        with self._lock:
            kept = self._kept.get(user)
            fresh = kept is not None and self._clock() < kept[0]
            if not fresh and user not in self._asking:
                self._asking.add(user)
                self._asker.submit(self._ask, client, user)
        return kept[1] if kept else default()

    def _ask(self, client: WebClient, user: str) -> None:
        try:
            self.ask(client, user)
        finally:
            with self._lock:
                self._asking.discard(user)

    def ask(self, client: WebClient, user: str) -> str:
        """Ask Slack now, and keep the answer for a day."""
        try:
            answer: Any = client.users_info(user=user, include_locale=True)
            locale = (answer.get("user") or {}).get("locale", "")
        except (SlackClientError, OSError) as error:
            log.warning("users.info for the language failed: %s", type(error).__name__)
            return default()
        language = from_locale(locale)
        with self._lock:
            if len(self._kept) >= MOST_PEOPLE:
                self._kept.clear()
            self._kept[user] = (self._clock() + self.seconds, language)
        return language
