"""The redacting log filter (bot/logs.py) and settings that never show a secret: every
token shape, secrets known by value, passwords in URLs, fields named like secrets, in
the message, its arguments and its traceback, on every handler (gunicorn's included)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, safe_url, settings_from
from bot.logs import FILTER, RedactingFilter, Redactor, protect_handlers
from bot.server import gunicorn_logger_class

CLIENT_SECRET = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"


@pytest.mark.parametrize(
    ("token", "kept"),
    [
        ("xoxb-2002-3003-AbCdEf123456", "xoxb-"),  # bot
        ("xoxp-2002-3003-4004-0123abcd", "xoxp-"),  # user
        ("xoxa-2-abc123", "xoxa-"),  # workspace app (legacy)
        ("xoxr-abc123", "xoxr-"),
        ("xoxs-abc123", "xoxs-"),
        ("xoxo-abc123", "xoxo-"),
        ("xoxc-abc123", "xoxc-"),  # client
        ("xoxd-abc123", "xoxd-"),
        ("xapp-1-A0COACH01-1234-abcdef", "xapp-"),  # app-level (Socket Mode)
        ("xwfp-1234-abcdef", "xwfp-"),  # workflow
        ("xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4", "xoxe.xoxp-"),  # rotating access token
        ("xoxe.xoxb-1-Mi0yLTEyMzQ1Njc4", "xoxe.xoxb-"),
        ("xoxe-1-My0xLTEyMzQ1Njc4OTAx", "xoxe-"),  # refresh token
    ],
)
def test_every_slack_token_shape_is_redacted_anywhere(token: str, kept: str) -> None:
    secret = token[len(kept) :]
    for text in (
        f"token {token} at the end",
        f"{{'access_token': '{token}', 'ok': True}}",
        f'{{"bot": {{"token": "{token}"}}}}',
        f"token%3D{token}%26team_id%3DT1",  # percent-encoded form body
        f"Authorization: Bearer {token}",
    ):
        shown = Redactor().redact(text)
        assert secret not in shown, shown
        assert "[redacted]" in shown


def test_a_token_keeps_its_kind_for_whoever_reads_the_log() -> None:
    assert Redactor().redact("using xoxe.xoxp-1-abc") == "using xoxe.xoxp-[redacted]"


def test_known_secrets_are_redacted_by_value_but_not_short_ones() -> None:
    redactor = Redactor([CLIENT_SECRET, "x", None, ""])
    shown = redactor.redact(f"oauth with {CLIENT_SECRET}, and x marks the spot")
    assert shown == "oauth with [redacted], and x marks the spot"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("postgresql+psycopg://coach:Hunter2Hunter2@db.internal:5432/coach", "Hunter2"),
        ("could not reach https://bot:pa55word@proxy.internal/api/", "pa55word"),
        ("client_secret=0123abcd&code=abc", "0123abcd"),
        ("{'client_secret': '0123abcd'}", "0123abcd"),
        ('"signing_secret": "0123abcd"', "0123abcd"),
        ("host=db user=coach password=0123abcd", "0123abcd"),
        ("SLACK_BOT_TOKEN=whatever-it-is", "whatever-it-is"),
        ("Authorization: Basic MTExLjIyMjpzZWNyZXQ=", "MTExLjIyMjpzZWNyZXQ"),
    ],
)
def test_passwords_in_urls_and_fields_named_like_secrets_are_redacted(
    text: str, secret: str
) -> None:
    shown = Redactor().redact(text)
    assert secret not in shown and "[redacted]" in shown, shown


def test_ordinary_text_is_left_alone_and_redaction_is_idempotent() -> None:
    redactor = Redactor([CLIENT_SECRET])
    plain = (
        "Logged 45m on P1 · token_type bot · tokens: 3 · https://slack.com/api/chat.postMessage"
        " · 'Authorization': '(redacted)' · a passwordless login"
    )
    assert redactor.redact(plain) == plain
    once = redactor.redact(f"xoxb-1-2 token=abc {CLIENT_SECRET} postgresql://u:pw@h/d")
    assert redactor.redact(once) == once


# --------------------------------------------------------------------------- the filter


@pytest.fixture
def handler() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A handler with the filter, on a parent logger; records come from a child at DEBUG."""
    stream = io.StringIO()
    h = logging.StreamHandler(stream)
    h.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    h.addFilter(RedactingFilter(Redactor([CLIENT_SECRET])))
    parent = logging.getLogger("test_logs_parent")
    parent.addHandler(h)
    parent.setLevel(logging.DEBUG)
    parent.propagate = False
    try:
        yield logging.getLogger("test_logs_parent.child.grandchild"), stream
    finally:
        parent.removeHandler(h)
        parent.propagate = True


def test_the_filter_on_a_handler_redacts_what_child_loggers_log_at_every_level(
    handler: tuple[logging.Logger, io.StringIO],
) -> None:
    log, stream = handler
    response = {"ok": True, "access_token": "xoxb-1-2-SECRETBODY", "team": {"id": "T1"}}
    log.debug("Received the following response - body: %s", response)
    log.info("secret %s", CLIENT_SECRET)
    log.critical("%(who)s has %(what)s", {"who": "the app", "what": "xapp-1-A-SECRETBODY"})
    out = stream.getvalue()
    assert "SECRETBODY" not in out and CLIENT_SECRET not in out, out
    assert out.count("[redacted]") == 3
    assert "DEBUG test_logs_parent.child.grandchild: Received" in out


def test_a_token_in_a_traceback_is_redacted_and_the_raw_exception_dropped(
    handler: tuple[logging.Logger, io.StringIO],
) -> None:
    log, stream = handler
    records: list[logging.LogRecord] = []
    logging.getLogger("test_logs_parent").addHandler(_Keep(records))
    try:
        raise RuntimeError(f"Slack said no to xoxb-1-2-SECRETBODY with {CLIENT_SECRET}")
    except RuntimeError:
        log.exception("Listener failed")
    try:
        raise ValueError("nothing to hide")
    except ValueError:
        log.exception("Listener failed")
    out = stream.getvalue()
    assert "SECRETBODY" not in out and CLIENT_SECRET not in out, out
    assert "Traceback" in out and "RuntimeError: Slack said no to xoxb-[redacted]" in out
    assert records[0].exc_info is None  # no handler after this one can render it raw
    assert records[1].exc_info is not None  # nothing secret in it: kept for error trackers


def test_a_message_whose_arguments_do_not_fit_is_still_redacted(
    handler: tuple[logging.Logger, io.StringIO],
) -> None:
    log, stream = handler
    log.warning("two %s %s", "xoxb-1-2-SECRETBODY")
    assert "SECRETBODY" not in stream.getvalue() and "xoxb-[redacted]" in stream.getvalue()


class _Keep(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__()
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_protect_handlers_reaches_every_logger_and_the_last_resort() -> None:
    lonely = logging.getLogger("test_logs_lonely")  # propagates nowhere: its own handler
    lonely.propagate = False
    own = logging.StreamHandler(io.StringIO())
    lonely.addHandler(own)
    try:
        protect_handlers()
        assert FILTER in own.filters
        assert logging.lastResort is not None and FILTER in logging.lastResort.filters
        protect_handlers()
        assert own.filters.count(FILTER) == 1
    finally:
        lonely.removeHandler(own)
        lonely.propagate = True
        own.removeFilter(FILTER)


def test_gunicorns_handlers_redact_at_start_and_after_a_reload(tmp_path: Path) -> None:
    from gunicorn.config import Config

    cfg = Config()
    cfg.set("errorlog", str(tmp_path / "error.log"))
    cfg.set("loglevel", "debug")
    glog = gunicorn_logger_class()(cfg)
    try:
        glog.warning("Invalid request from ip=127.0.0.1: Invalid HTTP method: 'xoxb-1-SECRETBODY'")
        glog.setup(cfg)  # a HUP reloads: new handlers, filtered as well
        glog.debug("again xoxp-1-SECRETBODY")
        for h in glog.error_log.handlers:
            h.flush()
        out = (tmp_path / "error.log").read_text()
        assert "SECRETBODY" not in out and out.count("[redacted]") == 2, out
        assert "[DEBUG] again xoxp-[redacted]" in out
    finally:
        for h in list(glog.error_log.handlers):
            glog.error_log.removeHandler(h)
            h.close()


# --------------------------------------------------------------------------- settings


def test_settings_repr_shows_no_secret() -> None:
    settings = settings_from(
        {
            "DATABASE_URL": "postgres://coach:Hunter2Hunter2@db.internal/coach",
            "SLACK_BOT_TOKEN": "xoxb-1-2-SECRETBODY",
            "SLACK_SIGNING_SECRET": "5e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b",
            "SLACK_CLIENT_ID": "111.222",
            "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        }
    )
    shown = repr(settings) + str(settings) + f"{settings!r}"
    for secret in ("Hunter2", "SECRETBODY", "5e1f0a9b", CLIENT_SECRET):
        assert secret not in shown, shown
    assert "slack_bot_token='***'" in shown and "slack_app_token=None" in shown
    assert "database_url='postgresql+psycopg://coach:***@db.internal/coach'" in shown
    assert "slack_client_id='111.222'" in shown
    assert set(settings.secret_values()) == {
        "xoxb-1-2-SECRETBODY",
        "5e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b",
        CLIENT_SECRET,
        "Hunter2Hunter2",
    }
    assert Settings().secret_values() == ()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://coach:pw@db/coach", "postgresql+psycopg://coach:***@db/coach"),
        ("postgresql://db/coach?password=pw&sslmode=require", "?password=***&sslmode=require"),
        ("sqlite:///coach.db", "sqlite:///coach.db"),
        ("coach:pw@db", ""),
    ],
)
def test_safe_url(url: str, shown: str) -> None:
    assert shown in safe_url(url) and ":pw" not in safe_url(url) and "=pw" not in safe_url(url)
    assert bool(safe_url(url)) == bool(shown)


def test_a_bad_slack_api_url_is_shown_without_its_password() -> None:
    with pytest.raises(ConfigError) as err:
        settings_from({"SLACK_API_URL": "ftp://bot:pa55word@proxy/api"})
    assert "pa55word" not in str(err.value) and "bot:***@proxy" in str(err.value)
