"""The load `bench/ack_load.py` sends: signed `/manual-task` requests over keep-alive
connections, in a closed loop (back to back) or an open loop (at a fixed rate, latency
counted from each request's scheduled time: no coordinated omission)."""

from __future__ import annotations

import http.client
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.ack_servers import SECRET, TEAM, USERS
from bot.standin.simulator import slack_signature

TITLES = [
    "Reconcile Stripe payouts",
    "Copy leads into the CRM",
    "Restart the staging cluster",
    "Export the weekly invoices",
    "Rotate the on-call schedule",
    "Answer the vendor security questionnaire",
    "Update the pricing spreadsheet",
    "Approve expense reports",
    "Provision a laptop for a new hire",
    "Reset customer passwords",
    "Merge duplicate Salesforce accounts",
    "Clean up stale feature flags",
]
DURATIONS = ["45m", "1h30m", "20 mins", "1.5h", "for 10 minutes", "2h"]
MAX_REQUESTS = 200_000  # a hard bound per phase, whatever the clock says


@dataclass
class Phase:
    ok: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def count(self, good: bool, latency: float) -> None:
        """Count one request: its latency if it was answered well, else an error."""
        if good:
            self.ok += 1
            self.latencies.append(latency)
        else:
            self.errors += 1


class Requests:
    """Signed `/manual-task` bodies, each with its own trigger id (so each is a new report)."""

    def __init__(self) -> None:
        self._n = 0
        self._lock = threading.Lock()
        self._run = uuid.uuid4().hex[:8]

    def next(self) -> tuple[bytes, dict[str, str]]:
        with self._lock:
            self._n += 1
            n = self._n
        user = f"U{n % USERS:05d}"
        text = f"{TITLES[n % len(TITLES)]} {DURATIONS[n % len(DURATIONS)]}"
        body = urlencode(
            {
                "token": "bench",
                "team_id": TEAM,
                "team_domain": "acme",
                "channel_id": "C_OPS",
                "channel_name": "ops",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/manual-task",
                "text": text,
                "api_app_id": "A0COACH01",
                "is_enterprise_install": "false",
                "response_url": f"http://127.0.0.1:1/response/{self._run}-{n}",
                "trigger_id": f"{self._run}.{n}.{uuid.uuid4().hex[:12]}",
            }
        ).encode()
        stamp = int(time.time())
        return body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(stamp),
            "X-Slack-Signature": slack_signature(SECRET, stamp, body),
        }


def _send(conn: http.client.HTTPConnection, reqs: Requests) -> bool:
    body, headers = reqs.next()
    conn.request("POST", "/slack/events", body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    # 200 with Slack's answer: JSON from the coach, plain text from Bolt's ack(text=...)
    return resp.status == 200 and not data.startswith(b"<")


class Connection:
    """One keep-alive client connection; a request that fails opens a new one."""

    def __init__(self, port: int, reqs: Requests) -> None:
        self._port, self._reqs = port, reqs
        self._conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(self) -> bool:
        """Send the next request; whether it was answered well."""
        try:
            return _send(self._conn, self._reqs)
        except (OSError, http.client.HTTPException):
            self._conn.close()
            self._conn = http.client.HTTPConnection("127.0.0.1", self._port, timeout=30)
            return False

    def close(self) -> None:
        self._conn.close()


def closed_loop(port: int, connections: int, warmup: float, seconds: float) -> Phase:
    """`connections` clients, each sending as soon as its previous answer arrived."""
    reqs, phase, lock = Requests(), Phase(), threading.Lock()
    start = time.monotonic() + warmup
    stop = start + seconds

    def client() -> None:
        conn = Connection(port, reqs)
        sent = 0
        while sent < MAX_REQUESTS // connections:
            began = time.monotonic()
            if began >= stop:
                break
            good = conn.send()
            done = time.monotonic()
            sent += 1
            if began >= start and done <= stop:
                with lock:
                    phase.count(good, done - began)
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=warmup + seconds + 60)
    phase.elapsed = seconds
    return phase


def open_loop(port: int, rate: float, seconds: float, senders: int = 32) -> Phase:
    """Requests scheduled at a fixed `rate`; latency counts from the scheduled instant."""
    reqs, phase, lock = Requests(), Phase(), threading.Lock()
    due: queue.Queue[float | None] = queue.Queue()
    total = min(int(rate * seconds), MAX_REQUESTS)

    def sender() -> None:
        conn = Connection(port, reqs)
        while (when := due.get()) is not None:
            good = conn.send()
            latency = time.monotonic() - when
            with lock:
                phase.count(good, latency)
        conn.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for t in threads:
        t.start()
    t0 = time.monotonic() + 0.2
    for i in range(total):
        when = t0 + i / rate
        pause = when - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        due.put(when)
    for _ in threads:
        due.put(None)
    for t in threads:
        t.join(timeout=60)
    phase.elapsed = time.monotonic() - t0
    return phase
