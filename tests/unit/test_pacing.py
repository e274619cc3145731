"""The token bucket that paces chat.postMessage per workspace (bot/pacing.py)."""

from __future__ import annotations

import threading

from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.pacing import Pacer, TeachesBucket, TokenBucket, teach


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def bucket(per_minute: float = 60) -> tuple[TokenBucket, FakeTime]:
    t = FakeTime()
    return TokenBucket(per_minute, clock=t.clock, sleep=t.sleep), t


def test_paces_at_the_configured_rate() -> None:
    b, t = bucket(per_minute=120)
    for _ in range(11):
        b.acquire()
    assert abs(t.now - 105.0) < 1e-6  # the first is free, then one every half second


def test_a_429_pauses_for_retry_after_and_slows_down() -> None:
    b, t = bucket(per_minute=60)
    b.acquire()
    b.rate_limited(5)
    assert b.rate < b.configured
    b.acquire()
    assert t.now >= 105.0
    t.now += 600  # a quiet while later the rate is back
    b.acquire()
    assert b.rate == b.configured


def test_one_bucket_per_workspace_shared_across_threads() -> None:
    pacer = Pacer(per_minute=6000)
    seen: list[TokenBucket] = []
    threads = [threading.Thread(target=lambda: seen.append(pacer.bucket("T1"))) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert all(b is seen[0] for b in seen) and pacer.bucket("T2") is not seen[0]


def test_the_retry_handler_teaches_the_bucket_and_leaves_the_retry_to_slack_sdk() -> None:
    b, _ = bucket()
    handler = TeachesBucket(b)
    request = HttpRequest(method="POST", url="https://slack.test/api/chat.postMessage", headers={})
    limited = HttpResponse(status_code=429, headers={"Retry-After": ["3"]})
    assert not handler.can_retry(state=RetryState(), request=request, response=limited)
    assert b.lessons == 1
    other = HttpRequest(method="POST", url="https://slack.test/api/users.info", headers={})
    handler.can_retry(state=RetryState(), request=other, response=limited)
    assert b.lessons == 1


def test_teach_installs_the_handler_once() -> None:
    class Client:
        retry_handlers: list[object] = []

    b, _ = bucket()
    client = Client()
    teach(teach(client, b), b)
    assert sum(isinstance(h, TeachesBucket) for h in client.retry_handlers) == 1
