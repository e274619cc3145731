"""The probes and the crowd of `bench/slow_clients.py`: a crowd of idle and trickling
connections (the test's `Loiterers`), and timed `/healthz` and signed `/manual-task`
probes, each on a new connection and capped at `CAP` seconds."""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass, field

from bench.ack_traffic import Requests
from bench.common import median
from tests.e2e.test_slow_clients import Loiterers, healthz

CAP = 5.0  # seconds a probe may take; also the timeout of the test's `healthz`


class Crowd(Loiterers):
    """The test's `Loiterers` (half idle after the request line, half trickling their body),
    which also closes what it opened if opening fails half-way (Ctrl-C, a refused
    connection), and can say, before closing, how many of its sockets the server has
    closed or answered."""

    def __init__(self, port: int, n: int) -> None:
        self.socks = []
        self._closed = False
        try:
            super().__init__(port, n)
        except BaseException:
            for s in self.socks:  # Loiterers appends each socket as it opens it
                s.close()
            self._closed = True
            raise

    def survey(self) -> dict[str, int]:
        """Stop trickling, then count the sockets still open, closed by the server (or
        reset), and answered (the server wrote something: a 408 for a body too slow)."""
        self._stop.set()
        self._trickle.join()
        counts = {"open": 0, "closed": 0, "answered": 0}
        for s in self.socks:
            try:
                s.setblocking(False)
                data = s.recv(1, socket.MSG_PEEK)
            except BlockingIOError:
                counts["open"] += 1
            except OSError:
                counts["closed"] += 1
            else:
                counts["answered" if data else "closed"] += 1
        return counts

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            super().close()


@dataclass
class Probes:
    """Latencies (s) of one kind of probe; a timed-out probe counts as `CAP`."""

    took: list[float] = field(default_factory=list)
    timeouts: int = 0
    errors: int = 0

    def add(self, took: float, outcome: str) -> None:
        self.took.append(min(took, CAP))
        self.timeouts += outcome == "timeout"
        self.errors += outcome == "error"

    @property
    def median_ms(self) -> float:
        return median(self.took) * 1000

    @property
    def max_ms(self) -> float:
        return max(self.took, default=0.0) * 1000


def probe_healthz(port: int) -> tuple[float, str]:
    """The test's `healthz` (a new connection, 5 s timeout), told apart: ok, timeout, error."""
    began = time.monotonic()
    took = healthz(port)
    if took is not None:
        return took, "ok" if took < CAP else "timeout"
    elapsed = time.monotonic() - began
    return elapsed, "timeout" if elapsed >= CAP - 0.05 else "error"


def probe_slash(port: int, reqs: Requests) -> tuple[float, str]:
    """A signed `/manual-task` on a new connection: 200 and Slack's JSON within `CAP`."""
    body, headers = reqs.next()
    began = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CAP)
    try:
        conn.request("POST", "/slack/events", body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
    except TimeoutError:
        return time.monotonic() - began, "timeout"
    except (OSError, http.client.HTTPException):
        return time.monotonic() - began, "error"
    finally:
        conn.close()
    took = time.monotonic() - began
    if took >= CAP:
        return took, "timeout"
    return took, "ok" if resp.status == 200 and data.startswith(b"{") else "error"


def probe(port: int, reqs: Requests, tries: int, spread: float = 0.0) -> dict[str, Probes]:
    """`tries` of each, alternating, one after another, and spread over at least `spread`
    seconds (the i-th pair starts no sooner than i/(tries - 1) of the way: the last one at
    `spread`)."""
    out = {"healthz": Probes(), "slash": Probes()}
    began = time.monotonic()
    for i in range(tries):
        pause = began + spread * i / max(tries - 1, 1) - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        out["healthz"].add(*probe_healthz(port))
        out["slash"].add(*probe_slash(port, reqs))
    return out
