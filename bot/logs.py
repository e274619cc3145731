"""Logging that never shows a secret.

One `RedactingFilter` sits on every handler (a filter on a logger would not see the
records its child loggers propagate). It rewrites each record, at every level, so that
Slack tokens (`xoxb-`, `xoxp-`, `xapp-`, `xwfp-`, refresh `xoxe-` and rotating
`xoxe.xoxp-` tokens and their kin), the app's own secrets (known by value), passwords in
URLs and the values of fields named like secrets (`client_secret=`, `"token": `,
`password=`, `Authorization: Bearer`) read `[redacted]`: in the message, its arguments,
the traceback and the stack.

    configure_logging("DEBUG", secrets=settings.secret_values())   # the `coach` command
    configure_logging("INFO", json_lines=True)       # COACH_LOG_FORMAT=json
    protect_handlers()   # again after anything adds handlers of its own (gunicorn does)
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime

REDACTED = "[redacted]"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# A known secret shorter than this is not looked for by value: a test's signing secret
# "x" would blank out every x. Real ones are 32 characters and more.
MIN_SECRET_LENGTH = 8

# No word boundary in front: a token may follow `=` percent-encoded as `%3D`.
_TOKEN = re.compile(r"(xox[a-z](?:\.xox[a-z])?|xapp|xwfp)-[A-Za-z0-9-]+")
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/?#@]*:)(?!\*\*\*@)[^\s@/]+@")
_FIELD = re.compile(
    r"""(?ix)
    ( (?:secret|password|passwd|token|authorization|api[_-]?key)   # a name that says secret
      ["']?\s*[:=]\s*["']?                                         # then : or =, maybe quoted
      (?:(?:basic|bearer)\s+)? )                                   # and an auth scheme
    (?![\w.-]*\[redacted\]|\(redacted\))                           # not redacted already
    [^\s"'&,;)}\]]+
    """
)


class Redactor:
    """Replaces secrets in a text: known values first, then the shapes of secrets.

    >>> Redactor(["s3cr3t-value"]).redact("token=xoxb-1-2 and s3cr3t-value")
    'token=xoxb-[redacted] and [redacted]'
    """

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        known = sorted({s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len)
        self._known = re.compile("|".join(re.escape(s) for s in reversed(known))) if known else None

    def redact(self, text: str) -> str:
        if self._known is not None:
            text = self._known.sub(REDACTED, text)
        text = _TOKEN.sub(lambda m: f"{m[1]}-{REDACTED}", text)
        text = _URL_PASSWORD.sub(lambda m: f"{m[1]}{REDACTED}@", text)
        return _FIELD.sub(lambda m: f"{m[1]}{REDACTED}", text)


class RedactingFilter(logging.Filter):
    """Redacts a record in place and lets it through. The message is rendered with its
    arguments first, so a secret inside a repr of a dict is caught too; a traceback is
    rendered to text and redacted, and when it held a secret the exception itself is
    dropped from the record so that no handler can render it again."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor or Redactor()

    def filter(self, record: logging.LogRecord) -> bool:
        redact = self.redactor.redact
        record.msg, record.args = redact(_message(record)), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = _PLAIN.formatException(record.exc_info)
        if record.exc_text:
            clean = redact(record.exc_text)
            if clean != record.exc_text:
                record.exc_info = None
            record.exc_text = clean
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_PLAIN = logging.Formatter()
FILTER = RedactingFilter()  # the one on every handler; `configure_logging` teaches it secrets


def _message(record: logging.LogRecord) -> str:
    """The record's text with its arguments in (what a formatter would show)."""
    try:
        return record.getMessage()
    except Exception:  # arguments that don't fit the format: show both, raise nothing
        return f"{record.msg} {record.args!r}"


class JsonFormatter(logging.Formatter):
    """One JSON object a line (`COACH_LOG_FORMAT=json`): time, level, logger, message, and
    the traceback when there is one. It formats records the filter already redacted."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False)


_JSON: JsonFormatter | None = None  # set by `configure_logging(..., json_lines=True)`


def configure_logging(
    level: str, *, secrets: Iterable[str | None] = (), json_lines: bool = False
) -> None:
    """The root logger at `level` on standard error, every handler redacting; with
    `json_lines`, every handler writes one JSON object a line."""
    global _JSON
    logging.basicConfig(level=level, format=FORMAT)
    FILTER.redactor = Redactor(secrets)
    _JSON = JsonFormatter() if json_lines else None
    if level != "DEBUG":  # Alembic's INFO lines ("Running upgrade 0012 -> 0013"): one of ours
        logging.getLogger("alembic").setLevel(logging.WARNING)
    protect_handlers()


def protect_handlers() -> None:
    """Put `FILTER` on every handler of every logger there is now, and on logging's last
    resort (used when a record finds no handler). Idempotent: call it again whenever
    something may have added handlers."""
    manager = logging.Logger.manager
    loggers = [logging.getLogger(), *list(manager.loggerDict.values())]
    handlers = {h for lg in loggers if isinstance(lg, logging.Logger) for h in lg.handlers}
    if logging.lastResort is not None:
        handlers.add(logging.lastResort)
    for handler in handlers:
        handler.addFilter(FILTER)
        if _JSON is not None:
            handler.setFormatter(_JSON)


def redact(text: str) -> str:
    """`text` as the logs would show it: for the few messages printed, not logged."""
    return FILTER.redactor.redact(text)
