"""Settings: the one place that reads the environment and `.env`.

`load_settings()` returns a frozen `Settings`; a missing or malformed value raises
`ConfigError`, whose message names the setting (the CLI prints it and exits with 2).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.domain.durations import MAX_MINUTES
from bot.domain.limits import Limits
from storage.token_cipher import TokenCipher, TokenKeyError

DEFAULT_DATABASE_URL = "sqlite:///coach.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
# Fields whose values are never shown (repr) and are redacted from the logs by value.
SECRET_FIELDS = (
    "slack_bot_token",
    "slack_signing_secret",
    "slack_app_token",
    "slack_client_secret",
    "encryption_key",
)


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True, repr=False)
class Settings:
    """Everything the bot needs to know about its environment. Its repr shows no secret:
    tokens and secrets read '***' when set, the database URL has no password."""

    database_url: str = DEFAULT_DATABASE_URL
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_oauth_authorize_url: str | None = None
    scheduler_enabled: bool = True
    claim_timeout_seconds: int = 300
    db_timeout_seconds: int = 2  # a transaction on a request's path (Slack waits 3 s)
    job_timeout_seconds: int = 240  # one run of a scheduled job (they run every 5-10 min)
    slack_posts_per_minute: int = 300  # chat.postMessage per workspace, see bot/pacing.py
    log_level: str = "INFO"
    limit_reports_per_minute: int = Limits.reports_per_minute
    limit_minutes_per_process_per_day: int = Limits.minutes_per_process_per_day
    limit_new_processes_per_hour: int = Limits.new_processes_per_hour
    encryption_key: str | None = None  # COACH_ENCRYPTION_KEY: Fernet keys, the first seals
    # COACH_METRICS_PORT: Prometheus metrics on their own port (off when unset), never
    # beside /slack/events; COACH_METRICS_HOST: where it listens (loopback by default).
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"
    log_format: str = "text"  # COACH_LOG_FORMAT: text, or json (one object a line)

    @property
    def limits(self) -> Limits:
        """The limits on volume every report is checked against (bot/domain/limits.py)."""
        return Limits(
            reports_per_minute=self.limit_reports_per_minute,
            minutes_per_process_per_day=self.limit_minutes_per_process_per_day,
            new_processes_per_hour=self.limit_new_processes_per_hour,
        )

    @property
    def oauth_enabled(self) -> bool:
        """Many workspaces installed through OAuth instead of one bot token."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def has_slack_tokens(self) -> bool:
        return bool(self.slack_bot_token or self.oauth_enabled)

    def token_cipher(self) -> TokenCipher | None:
        """What seals the installation store's tokens, or None without COACH_ENCRYPTION_KEY."""
        return TokenCipher.from_keys(self.encryption_key)

    def secret_values(self) -> tuple[str, ...]:
        """What the logs must never show: the tokens, the secrets, the database password
        (and each of the encryption keys on its own)."""
        values = [getattr(self, name) for name in SECRET_FIELDS]
        values += [key.strip() for key in (self.encryption_key or "").split(",")]
        values.append(_password(self.database_url))
        return tuple(v for v in values if v)

    def __repr__(self) -> str:
        def shown(name: str) -> object:
            value = getattr(self, name)
            if name in SECRET_FIELDS and value:
                return "***"
            return safe_url(value) if name.endswith("_url") and value else value

        return f"Settings({', '.join(f'{f.name}={shown(f.name)!r}' for f in fields(self))})"

    def require(self, *names: str) -> None:
        """Raise ConfigError naming the first of `names` (attribute names) that is unset."""
        for name in names:
            if not getattr(self, name):
                raise ConfigError(f"{name.upper()} is not set: add it to the environment or .env")


_TOKEN_SHAPES = {
    "SLACK_BOT_TOKEN": re.compile(r"^xoxb-[\w-]+$"),
    "SLACK_APP_TOKEN": re.compile(r"^xapp-[\w-]+$"),
}
_BOOL = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return _BOOL[raw.strip().lower()]
    except KeyError:
        raise ConfigError(f"{name}={raw!r} is not a yes/no value: use on or off") from None


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r} must be at least {minimum}")
    return value


def safe_url(url: str) -> str:
    """`url` fit to print: its password (and a `password=` query value) as `***`; nothing
    ('') for a value that does not even parse as a URL.

    >>> safe_url("postgresql+psycopg://coach:s3cret@db/coach")
    'postgresql+psycopg://coach:***@db/coach'
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return ""
    query = {k: "***" if "password" in k.lower() else v for k, v in parsed.query.items()}
    shown = parsed.set(query=query).render_as_string(hide_password=True)
    return shown.replace("%2A%2A%2A", "***")


def _password(url: str) -> str | None:
    try:
        return make_url(url).password
    except (ArgumentError, ValueError):
        return None


def _database_url(raw: str | None) -> str:
    url = (raw or "").strip() or DEFAULT_DATABASE_URL
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if not re.match(r"^(sqlite(\+\w+)?|postgresql(\+\w+)?)://", url):
        shown = safe_url(url)
        named = f"DATABASE_URL={shown!r}" if shown else "DATABASE_URL"
        raise ConfigError(
            f"{named} is not a SQLite or PostgreSQL URL: use "
            "sqlite:///coach.db or postgresql+psycopg://user@host/dbname"
        )
    return url


def _api_url(raw: str | None) -> str:
    url = (raw or "").strip() or DEFAULT_SLACK_API_URL
    if not re.match(r"^https?://[^/\s]+", url):
        shown = safe_url(url)
        named = f"SLACK_API_URL={shown!r}" if shown else "SLACK_API_URL"
        raise ConfigError(f"{named} is not an http(s) URL")
    return url if url.endswith("/") else url + "/"


def settings_from(env: Mapping[str, str]) -> Settings:
    """Build Settings from a mapping (the environment); raise ConfigError when malformed."""

    def opt(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    for name, shape in _TOKEN_SHAPES.items():
        value = opt(name)
        if value and not shape.match(value):
            prefix = shape.pattern[1:6]
            raise ConfigError(f"{name} does not look like a Slack token (it should start {prefix})")
    level = (opt("COACH_LOG_LEVEL") or "INFO").upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError(f"COACH_LOG_LEVEL={level!r} is not one of DEBUG, INFO, WARNING, ERROR")
    return Settings(
        database_url=_database_url(env.get("DATABASE_URL")),
        slack_bot_token=opt("SLACK_BOT_TOKEN"),
        slack_signing_secret=opt("SLACK_SIGNING_SECRET"),
        slack_app_token=opt("SLACK_APP_TOKEN"),
        slack_api_url=_api_url(env.get("SLACK_API_URL")),
        slack_client_id=opt("SLACK_CLIENT_ID"),
        slack_client_secret=opt("SLACK_CLIENT_SECRET"),
        slack_oauth_authorize_url=opt("SLACK_OAUTH_AUTHORIZE_URL"),
        scheduler_enabled=_bool(env, "COACH_SCHEDULER", True),
        claim_timeout_seconds=_int(env, "COACH_CLAIM_TIMEOUT", 300),
        db_timeout_seconds=_int(env, "COACH_DB_TIMEOUT", 2),
        job_timeout_seconds=_int(env, "COACH_JOB_TIMEOUT", 240),
        slack_posts_per_minute=_int(env, "COACH_SLACK_POSTS_PER_MINUTE", 300),
        log_level=level,
        limit_reports_per_minute=_int(env, "COACH_LIMIT_REPORTS_PER_MINUTE", 30),
        limit_minutes_per_process_per_day=_int(env, "COACH_LIMIT_MINUTES_PER_DAY", MAX_MINUTES),
        limit_new_processes_per_hour=_int(env, "COACH_LIMIT_NEW_PROCESSES_PER_HOUR", 100),
        encryption_key=_encryption_key(opt("COACH_ENCRYPTION_KEY")),
        metrics_port=_int(env, "COACH_METRICS_PORT", 0, minimum=1)
        if opt("COACH_METRICS_PORT")
        else None,
        metrics_host=opt("COACH_METRICS_HOST") or "127.0.0.1",
        log_format=_choice(env, "COACH_LOG_FORMAT", ("text", "json")),
    )


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (the first when unset)."""
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return choices[0]
    if raw not in choices:
        raise ConfigError(f"{name}={raw!r} is not one of {', '.join(choices)}")
    return raw


def _encryption_key(raw: str | None) -> str | None:
    """COACH_ENCRYPTION_KEY, checked: one Fernet key or several, comma-separated."""
    try:
        TokenCipher.from_keys(raw)
    except TokenKeyError as err:
        raise ConfigError(str(err)) from None
    return raw


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read `.env` (if present; real environment variables win) and the environment."""
    if env_file and Path(env_file).is_file():
        merged = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
        merged.update(os.environ)
        return settings_from(merged)
    return settings_from(os.environ)
