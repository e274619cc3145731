"""Hostile bodies over real HTTP, signing on: Slack's signature is checked before anything
parses the body, so an unsigned one gets Bolt's 401 unread, a signed but malformed one
(deep nesting included) a 400, an oversized one its 413; never a 500, never a traceback.
Requests Bolt itself refuses get what they always got."""

from __future__ import annotations

import http.client
import json
import logging
import time
from urllib.parse import urlencode, urlsplit

import pytest

from bot.standin.simulator import slack_signature
from tests.conftest import SECRET, TEAM, Coach
from tests.e2e.support import counts

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
DEEP = b"[" * 100_000
DEEP_PAYLOAD = urlencode({"payload": '{"a":' * 50_000}).encode()


def _no_traceback(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err + caplog.text, (out + err + caplog.text)[-3000:]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[-3000:]


def _raw(coach: Coach, method: str, path: str, body: bytes, headers: dict[str, str]) -> int:
    url = urlsplit(coach.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request(method, path, body=body or None, headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status


def test_a_deeply_nested_unsigned_body_gets_401_unparsed(
    coach: Coach, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    for body, kind in [(DEEP, JSON), (DEEP_PAYLOAD, FORM)]:
        got = coach.sim.post_raw(body, content_type=kind, sign=False)
        assert (got.status, got.json) == (401, {"error": "invalid request"})  # Bolt's answer
    assert "refused a request without a valid Slack signature" in caplog.text
    assert "[[[[" not in caplog.text and "payload" not in caplog.text  # no body in the log
    _no_traceback(caplog, capfd)


def test_a_deeply_nested_signed_body_gets_400(
    coach: Coach, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    for body, kind in [(DEEP, JSON), (DEEP_PAYLOAD, FORM), (b"[" * 900 + b"]" * 900, JSON)]:
        got = coach.sim.post_raw(body, content_type=kind)
        assert got.status == 400, (body[:20], got.status, got.body[:200])
    assert "refused a malformed request: RecursionError" in caplog.text
    assert counts(coach.db)["occurrences"] == 0
    _no_traceback(caplog, capfd)


def test_a_body_that_is_not_utf8_gets_400_signed_or_not(coach: Coach) -> None:
    for sign in (True, False):
        assert coach.sim.post_raw(b"\xff\xfe\x00", content_type=FORM, sign=sign).status == 400


def test_an_oversized_body_keeps_its_413_signed_or_not(coach: Coach) -> None:
    big = urlencode({"command": "/manual-task", "text": "x" * 1_100_000}).encode()
    for sign in (True, False):
        assert coach.sim.post_raw(big, content_type=FORM, sign=sign).status == 413
    assert counts(coach.db)["occurrences"] == 0


def test_what_bolt_refuses_gets_what_it_always_got(coach: Coach) -> None:
    slash = urlencode({"command": "/manual-task", "text": "Renew certs 20m", "team_id": TEAM})
    body = slash.encode()
    stamp = str(int(time.time()))
    refused = [
        {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": stamp},
        {"X-Slack-Signature": slack_signature(SECRET, stamp, body)},
        {
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": slack_signature("another-secret", stamp, body),
        },
    ]
    for headers in refused:
        got = coach.sim.post_raw(body, content_type=FORM, sign=False, headers=headers)
        assert (got.status, got.json) == (401, {"error": "invalid request"}), headers
    assert _raw(coach, "GET", "/slack/events", b"", {}) == 404
    assert _raw(coach, "POST", "/somewhere/else", DEEP, {"Content-Type": JSON}) == 404
    challenge = json.dumps({"type": "url_verification", "challenge": "c-123"}).encode()
    got = coach.sim.post_raw(challenge, content_type=JSON)
    assert got.status == 200 and b"c-123" in got.body
    assert counts(coach.db)["occurrences"] == 0
    # Signed, the same command is served: the refusals were the signature's.
    assert coach.sim.slash("U_ANA", "C_OPS", "Renew certs 20m").status == 200
    assert counts(coach.db)["occurrences"] == 1
