"""Settings for running the bot, read once from the environment (and a .env file) into one object.

Real environment variables win over .env, so a deployment can override a developer's file.
Secrets are wrapped in `Secret`, whose str() and repr() are "****": printing the config, logging
it or putting it in an exception message never shows a token.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values
from platformdirs import user_data_dir

from bot.strings import DEFAULT, LANGUAGES

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
DEFAULT_REPLIES_PER_MINUTE = 6
DEFAULT_PHONE_REGION = "US"
DEFAULT_RETRY_SECONDS = 60
DEFAULT_SLACK_TIMEOUT = 10
LOG_FORMATS = ("text", "json")
APPS_PAGE = "https://api.slack.com/apps"
_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class Secret:
    """A string that never shows itself: use .reveal() exactly where Slack needs the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __str__(self) -> str:
        return "****"

    def __repr__(self) -> str:
        return "Secret('****')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class ConfigError(Exception):
    """A variable is missing or malformed; the message names it and where to get a good one."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable} {message}")
        self.variable = variable


@dataclass(frozen=True)
class Config:
    bot_token: Secret | None = None
    signing_secret: Secret | None = None
    app_token: Secret | None = None
    api_url: str = DEFAULT_API_URL
    database_url: str | None = field(default=None, repr=False)  # may hold a password
    port: int = DEFAULT_PORT
    log_level: str | None = None  # None: the mode's own default (INFO serving, WARNING console)
    replies_per_minute: int = DEFAULT_REPLIES_PER_MINUTE
    support_channel: str | None = None  # where escalations go when a channel names none
    mask_numbers: bool = True  # recipient numbers in escalation posts: +1 415 ••• ••67
    phone_region: str = DEFAULT_PHONE_REGION  # how to read numbers typed without +country
    language: str = DEFAULT  # what the bot speaks where no person's or channel's is known
    log_format: str = "text"  # "text" for people, "json" for log pipelines
    retry_seconds: int = DEFAULT_RETRY_SECONDS  # between tries of an undelivered escalation
    slack_timeout: int = DEFAULT_SLACK_TIMEOUT  # seconds Slack gets to answer one Web API call
    # How long a delivery worker holds a job: past it, a worker presumed dead (killed mid-post)
    # lets another take the job, which looks for the post in Slack before making it again.
    job_lease_seconds: int = 120
    webhooks: WebhookSettings = field(default_factory=lambda: WebhookSettings())

    @property
    def database(self) -> str:
        """DATABASE_URL, or a SQLite file in the user's data folder."""
        return self.database_url or default_database_url()

    @property
    def has_slack_tokens(self) -> bool:
        """Any Slack credential set means "serve"; the mode then names whatever is missing."""
        return any((self.bot_token, self.app_token, self.signing_secret))

    def secrets(self) -> list[str]:
        """Every secret value, for the log filter that masks them should one slip through.
        Found by type, so a Secret field added later is masked without being listed here."""
        found = [getattr(self, f.name) for f in fields(self)]
        found += [getattr(self.webhooks, f.name) for f in fields(self.webhooks)]
        found += [s for value in found if isinstance(value, tuple) for s in value]
        return [s.reveal() for s in found if isinstance(s, Secret) and s.reveal()]

    def require_http(self) -> tuple[Secret, Secret]:
        """The bot token and signing secret HTTP mode needs, or ConfigError naming the gap."""
        return _need_bot_token(self.bot_token), _need(
            self.signing_secret,
            "SLACK_SIGNING_SECRET",
            "is missing: HTTP mode needs it to check that requests come from Slack. Copy the "
            f"Signing Secret from your app's Basic Information page at {APPS_PAGE}",
        )

    def require_socket_mode(self) -> tuple[Secret, Secret]:
        """The bot token and app-level token Socket Mode needs, or ConfigError naming the gap."""
        return _need_bot_token(self.bot_token), _need(
            self.app_token,
            "SLACK_APP_TOKEN",
            "is missing: Socket Mode needs an app-level token (xapp-…) with the "
            "connections:write scope. Create one under Basic Information → App-Level Tokens at "
            f"{APPS_PAGE}",
        )


def _need(value: Secret | None, variable: str, message: str) -> Secret:
    if value is None:
        raise ConfigError(variable, message)
    return value


def _need_bot_token(value: Secret | None) -> Secret:
    return _need(
        value,
        "SLACK_BOT_TOKEN",
        "is missing: copy the Bot User OAuth Token (xoxb-…) from your app's "
        f"OAuth & Permissions page at {APPS_PAGE}",
    )


def default_database_url() -> str:
    return f"sqlite:///{Path(user_data_dir('smserror')) / 'smserror.sqlite3'}"


def read_environment(env_file: str | Path | None = ".env") -> dict[str, str]:
    """os.environ over the .env file's values: a real variable always wins."""
    merged: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ)
    return merged


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Build the Config from `environ` (default: the environment plus ./.env); ConfigError if bad.

    Tokens are only checked for shape here; whether a mode has the ones it needs is asked with
    require_http() / require_socket_mode(), so the console runs with none at all.
    """
    env = read_environment() if environ is None else environ

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    return Config(
        bot_token=_token(
            get("SLACK_BOT_TOKEN"),
            "SLACK_BOT_TOKEN",
            "xoxb-",
            "copy the Bot User OAuth Token from your app's OAuth & Permissions page at "
            f"{APPS_PAGE}",
        ),
        app_token=_token(
            get("SLACK_APP_TOKEN"),
            "SLACK_APP_TOKEN",
            "xapp-",
            "create an app-level token with the connections:write scope under Basic "
            f"Information → App-Level Tokens at {APPS_PAGE}",
        ),
        signing_secret=_signing_secret(get("SLACK_SIGNING_SECRET")),
        api_url=_api_url(get("SLACK_API_URL") or DEFAULT_API_URL),
        database_url=get("DATABASE_URL"),
        port=_port(get("PORT")),
        log_level=_log_level(get("LOG_LEVEL")),
        replies_per_minute=_replies(get("SMSERROR_REPLIES_PER_MINUTE")),
        support_channel=_support_channel(get("SMSERROR_SUPPORT_CHANNEL")),
        mask_numbers=_switch(get("SMSERROR_MASK_NUMBERS"), "SMSERROR_MASK_NUMBERS", default=True),
        phone_region=_phone_region(get("SMSERROR_PHONE_REGION")),
        language=_language(get("SMSERROR_LANGUAGE")),
        log_format=_log_format(get("LOG_FORMAT")),
        retry_seconds=_seconds(get("SMSERROR_RETRY_SECONDS"), "SMSERROR_RETRY_SECONDS", 60),
        slack_timeout=_seconds(get("SMSERROR_SLACK_TIMEOUT"), "SMSERROR_SLACK_TIMEOUT", 10),
        job_lease_seconds=_seconds(
            get("SMSERROR_JOB_LEASE_SECONDS"), "SMSERROR_JOB_LEASE_SECONDS", 120
        ),
        webhooks=_webhooks(get),
    )


# The messages below never quote the value: a malformed token is still mostly a secret.


def _token(value: str | None, variable: str, prefix: str, where: str) -> Secret | None:
    if value is None:
        return None
    if not value.startswith(prefix) or re.search(r"\s", value):
        raise ConfigError(
            variable,
            f"does not look right: it must start with {prefix} and have no spaces; {where}",
        )
    return Secret(value)


def _signing_secret(value: str | None) -> Secret | None:
    if value is None:
        return None
    if value.startswith(("xoxb-", "xapp-", "xoxp-")) or re.search(r"\s", value):
        raise ConfigError(
            "SLACK_SIGNING_SECRET",
            "does not look right: it is the Signing Secret (not a token) from your app's "
            f"Basic Information page at {APPS_PAGE}",
        )
    return Secret(value)


def _api_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            "SLACK_API_URL",
            f"must be an http(s) URL such as {DEFAULT_API_URL} (GovSlack: https://slack-gov.com/api/)",
        )
    return value if value.endswith("/") else value + "/"


def _port(value: str | None) -> int:
    if value is None:
        return DEFAULT_PORT
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError("PORT", f"must be a TCP port number from 1 to 65535, got {value!r}")
    return int(value)


def _log_level(value: str | None) -> str | None:
    if value is None:
        return None
    level = value.upper()
    if level not in _LEVELS:
        raise ConfigError("LOG_LEVEL", f"must be one of {', '.join(_LEVELS)}, got {value!r}")
    return level


def _replies(value: str | None) -> int:
    if value is None:
        return DEFAULT_REPLIES_PER_MINUTE
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(
            "SMSERROR_REPLIES_PER_MINUTE",
            f"must be a whole number of at least 1 (default {DEFAULT_REPLIES_PER_MINUTE}), "
            f"got {value!r}",
        )
    return int(value)


def _support_channel(value: str | None, variable: str = "SMSERROR_SUPPORT_CHANNEL") -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"[CG][A-Z0-9]{2,30}", value):
        raise ConfigError(
            variable,
            "must be a channel id such as C0123ABCD (in Slack: open the channel's details, the "
            f"id is at the bottom), got {value[:40]!r}",
        )
    return value


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _switch(value: str | None, variable: str, *, default: bool) -> bool:
    if value is None:
        return default
    if value.casefold() in _TRUE | _FALSE:
        return value.casefold() in _TRUE
    raise ConfigError(variable, f"must be true or false, got {value[:40]!r}")


def _phone_region(value: str | None) -> str:
    if value is None:
        return DEFAULT_PHONE_REGION
    from phonenumbers import SUPPORTED_REGIONS  # here: only read when the variable is set

    region = value.upper()
    if region not in SUPPORTED_REGIONS:
        raise ConfigError(
            "SMSERROR_PHONE_REGION",
            "must be a two-letter country code such as US, GB or FR (used for numbers typed "
            f"without +country), got {value[:40]!r}",
        )
    return region


def _language(value: str | None) -> str:
    if value is None:
        return DEFAULT
    if value.strip().lower() not in LANGUAGES:
        raise ConfigError(
            "SMSERROR_LANGUAGE", f"must be one of {', '.join(LANGUAGES)}, got {value[:40]!r}"
        )
    return value.strip().lower()


def _log_format(value: str | None) -> str:
    if value is None:
        return "text"
    if value.lower() not in LOG_FORMATS:
        raise ConfigError("LOG_FORMAT", f"must be text or json, got {value[:40]!r}")
    return value.lower()


def _seconds(value: str | None, variable: str, default: int) -> int:
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 86_400:
        raise ConfigError(
            variable,
            f"must be a whole number of seconds from 1 to 86400 (default {default}), "
            f"got {value[:40]!r}",
        )
    return int(value)


@dataclass(frozen=True)
class WebhookSettings:
    """Provider webhooks (bot.web.webhooks) and the alerts they make (bot.core.alerting)."""

    public_url: str | None = None  # the https origin providers call; Twilio signs its URLs
    twilio_tokens: tuple[Secret, ...] = ()  # one auth token per Twilio account
    telnyx_public_key: str | None = None  # base64 ed25519 key from the Telnyx portal
    bandwidth_credentials: Secret | None = None  # "user:password" given to Bandwidth
    recipient_key: Secret | None = None  # keys the recipients' hashes
    alert_channel: str | None = None  # where failures no route claims are alerted
    retention_days: int = 30
    window_minutes: int = 15
    quiet_minutes: int = 60
    alert_count: int = 100
    per_entry: tuple[tuple[str, int], ...] = ()  # ("twilio:30007", 300)
    sweep_seconds: float = 5.0  # between alert sweeps: how far behind an alert's count can be

    @property
    def providers(self) -> tuple[str, ...]:
        """The providers whose webhooks are switched on (their secret is set)."""
        on = {
            "twilio": bool(self.twilio_tokens),
            "telnyx": bool(self.telnyx_public_key),
            "bandwidth": self.bandwidth_credentials is not None,
        }
        return tuple(p for p, is_on in on.items() if is_on)

    def hash_key(self) -> bytes:
        """SMSERROR_RECIPIENT_KEY, else one derived from the providers' own secrets: stable
        across restarts and instances, and unknown to anyone without them."""
        if self.recipient_key:
            return self.recipient_key.reveal().encode()
        parts = [t.reveal() for t in self.twilio_tokens]
        if self.bandwidth_credentials:
            parts.append(self.bandwidth_credentials.reveal())
        parts.append(self.telnyx_public_key or "")
        return hashlib.sha256("\x1f".join(parts).encode()).digest()


def _webhooks(get: Callable[[str], str | None]) -> WebhookSettings:
    user, password = get("BANDWIDTH_WEBHOOK_USER"), get("BANDWIDTH_WEBHOOK_PASSWORD")
    if bool(user) != bool(password):
        raise ConfigError(
            "BANDWIDTH_WEBHOOK_USER",
            "and BANDWIDTH_WEBHOOK_PASSWORD are set together: the Basic credentials you give "
            "Bandwidth for its callbacks",
        )
    key = get("TELNYX_PUBLIC_KEY")
    if key is not None:
        try:
            if len(base64.b64decode(key, validate=True)) != 32:
                raise ValueError
        except ValueError:
            raise ConfigError(
                "TELNYX_PUBLIC_KEY",
                "must be the base64 public key from the Telnyx portal (Keys & Credentials → "
                "Public Key), 32 bytes",
            ) from None
    public = get("SMSERROR_PUBLIC_URL")
    if public is not None and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", public):
        raise ConfigError(
            "SMSERROR_PUBLIC_URL",
            "must be the URL providers call, such as https://smserror.example.com, "
            f"got {public[:60]!r}",
        )
    tokens = tuple(
        Secret(t.strip()) for t in (get("TWILIO_AUTH_TOKEN") or "").split(",") if t.strip()
    )
    if tokens and public is None:
        raise ConfigError(
            "SMSERROR_PUBLIC_URL",
            "is needed with TWILIO_AUTH_TOKEN: Twilio signs the public URL it calls",
        )
    recipient = get("SMSERROR_RECIPIENT_KEY")
    return WebhookSettings(
        public_url=public.rstrip("/") if public else None,
        twilio_tokens=tokens,
        telnyx_public_key=key,
        bandwidth_credentials=Secret(f"{user}:{password}") if user and password else None,
        recipient_key=Secret(recipient) if recipient else None,
        alert_channel=_support_channel(get("SMSERROR_ALERT_CHANNEL"), "SMSERROR_ALERT_CHANNEL"),
        retention_days=_whole(
            get("SMSERROR_FAILURE_RETENTION_DAYS"), "SMSERROR_FAILURE_RETENTION_DAYS", 30, 3650
        ),
        window_minutes=_whole(
            get("SMSERROR_ALERT_WINDOW_MINUTES"), "SMSERROR_ALERT_WINDOW_MINUTES", 15, 1440
        ),
        quiet_minutes=_whole(
            get("SMSERROR_ALERT_QUIET_MINUTES"), "SMSERROR_ALERT_QUIET_MINUTES", 60, 10080
        ),
        alert_count=_whole(get("SMSERROR_ALERT_COUNT"), "SMSERROR_ALERT_COUNT", 100, 1_000_000),
        per_entry=_per_entry(get("SMSERROR_ALERT_THRESHOLDS")),
        sweep_seconds=_sweep(get("SMSERROR_ALERT_SWEEP_SECONDS")),
    )


def _sweep(value: str | None) -> float:
    if value is None:
        return 5.0
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0.1 <= seconds <= 300:
        raise ConfigError(
            "SMSERROR_ALERT_SWEEP_SECONDS",
            f"must be a number of seconds from 0.1 to 300 (default 5), got {value[:40]!r}",
        )
    return seconds


def _whole(value: str | None, variable: str, default: int, most: int) -> int:
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= most:
        raise ConfigError(
            variable,
            f"must be a whole number from 1 to {most} (default {default}), got {value[:40]!r}",
        )
    return int(value)


def _per_entry(value: str | None) -> tuple[tuple[str, int], ...]:
    """ "twilio:30007=300, telnyx:40300=20" -> (("twilio:30007", 300), ("telnyx:40300", 20))"""
    if value is None:
        return ()
    found = []
    for part in value.split(","):
        match = re.fullmatch(r"\s*([a-z0-9]+):([A-Za-z0-9_.-]{1,16})\s*=\s*(\d{1,7})\s*", part)
        if not match or int(match[3]) < 1:
            raise ConfigError(
                "SMSERROR_ALERT_THRESHOLDS",
                "must be provider:code=count pairs, such as twilio:30007=300,telnyx:40300=20, "
                f"got {part.strip()[:40]!r}",
            )
        found.append((f"{match[1]}:{match[2]}", int(match[3])))
    return tuple(found)
