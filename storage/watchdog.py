"""Deadlines for database work: past its deadline, a transaction's connections are broken,
so the thread waiting on them gets an error instead of a hang.

Connect, statement and pool timeouts and TCP keepalives (see `storage.db`) end most waits,
but not one on a peer that takes every byte and never answers: the kernel acknowledges
what we send, so neither keepalives nor `tcp_user_timeout` fire, and the server never
sees the query its `statement_timeout` would stop. psycopg waits on the socket with no
limit. So one thread per process watches the deadlines and, when one passes, breaks the
connections that transaction holds:

- PostgreSQL: `shutdown(SHUT_RDWR)` on a duplicate of the connection's socket. psycopg's
  wait sees end-of-file and raises `OperationalError`; SQLAlchemy sees a disconnect and
  drops the connection from the pool. (psycopg's own `cancel()` opens a second connection
  to the same server, which would hang the same way.)
- SQLite: `sqlite3.Connection.interrupt()`, which the sqlite3 module allows from any
  thread; the statement stops with "interrupted".

A connection is watched from its pool checkout to its checkin (`storage.db` registers the
pool events), and only while it is held, so a connection back in the pool, or already
lent to another thread, is never broken.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger(__name__)


class Watch:
    """One transaction's deadline (`seconds` from now) and the connections it holds."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.expired = False
        self.held: dict[int, _Breaker] = {}

    def remaining(self) -> float:
        """Seconds left before the deadline (negative once it has passed)."""
        return self.deadline - time.monotonic()

    def ran_out(self) -> bool:
        """Whether the deadline has passed (the watchdog may not have acted yet)."""
        return self.expired or self.remaining() <= 0


class _Breaker:
    """How to break one DBAPI connection from another thread."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.sock: socket.socket | None = None
        if not hasattr(conn, "interrupt") and hasattr(conn, "fileno"):
            # Our own descriptor of the same socket: still valid if psycopg closes its own.
            with contextlib.suppress(Exception):
                self.sock = socket.socket(fileno=os.dup(conn.fileno()))

    def fire(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
        elif hasattr(self.conn, "interrupt"):
            with contextlib.suppress(Exception):
                self.conn.interrupt()

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()


class Watchdog:
    """The deadlines of every watched transaction of this process, and one thread that
    breaks their connections when a deadline passes (started on first use)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._watches: set[Watch] = set()
        self._thread: threading.Thread | None = None
        self._wakes_at = float("inf")  # when the thread wakes next, to look again
        self.fired = 0  # connections broken so far (for tests and logs)

    def start(self, watch: Watch) -> None:
        with self._cond:
            self._watches.add(watch)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="coach-db-watchdog")
                self._thread.daemon = True
                self._thread.start()
            if watch.deadline < self._wakes_at:  # rare: deadlines mostly come in order
                self._cond.notify()

    def stop(self, watch: Watch) -> None:
        with self._cond:
            self._watches.discard(watch)
            breakers, watch.held = list(watch.held.values()), {}
        for breaker in breakers:
            breaker.close()

    def hold(self, watch: Watch, conn: Any) -> None:
        """`watch`'s transaction has checked out `conn`."""
        breaker = _Breaker(conn)
        with self._cond:
            watch.held[id(conn)] = breaker
            if watch.expired:
                breaker.fire()

    def release(self, watch: Watch, conn: Any) -> None:
        """`conn` went back to the pool: it is no longer `watch`'s to break."""
        with self._cond:
            breaker = watch.held.pop(id(conn), None)
        if breaker is not None:
            breaker.close()

    def _run(self) -> None:
        while True:
            with self._cond:
                now = time.monotonic()
                for watch in [w for w in self._watches if w.deadline <= now]:
                    self._expire(watch)
                self._wakes_at = min((w.deadline for w in self._watches), default=float("inf"))
                self._cond.wait(None if self._wakes_at == float("inf") else self._wakes_at - now)

    def _expire(self, watch: Watch) -> None:
        """Called with the lock held, so no connection is released meanwhile."""
        watch.expired = True
        self._watches.discard(watch)
        for breaker in watch.held.values():
            breaker.fire()
            self.fired += 1
        if watch.held:
            log.warning(
                "a transaction ran past its %g s deadline: broke %d database connection(s)",
                watch.seconds,
                len(watch.held),
            )

    def _after_fork(self) -> None:
        self._cond = threading.Condition()
        self._watches = set()
        self._thread = None
        self._wakes_at = float("inf")


WATCHDOG = Watchdog()
if hasattr(os, "register_at_fork"):  # a forked worker starts with no watches, no thread
    os.register_at_fork(after_in_child=WATCHDOG._after_fork)

_local = threading.local()


def current() -> Watch | None:
    """The innermost watch of this thread, if any."""
    stack: list[Watch] = getattr(_local, "stack", [])
    return stack[-1] if stack else None


@contextlib.contextmanager
def watching(seconds: float | None) -> Iterator[Watch | None]:
    """Watch what this thread does with the database for `seconds` (None: no deadline).
    Nested, the inner deadline is never later than the outer one."""
    outer = current()
    if seconds is None and outer is None:
        yield None
        return
    left = outer.remaining() if outer is not None else float("inf")
    watch = Watch(max(0.0, min(seconds if seconds is not None else left, left)))
    if not hasattr(_local, "stack"):
        _local.stack = []
    stack: list[Watch] = _local.stack
    stack.append(watch)
    WATCHDOG.start(watch)
    try:
        yield watch
    finally:
        stack.pop()
        WATCHDOG.stop(watch)


def on_checkout(check: Callable[[Watch], None]) -> Callable[..., None]:
    """A pool `checkout` listener: the connection joins the current watch, after `check`
    (which raises when the watch has already run out)."""

    def listener(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        watch = current()
        if watch is None:
            return
        check(watch)
        WATCHDOG.hold(watch, dbapi_conn)
        record.info["coach.watch"] = watch

    return listener


def on_checkin(dbapi_conn: Any, record: Any) -> None:
    """A pool `checkin` listener: the connection is no longer watched."""
    watch = record.info.pop("coach.watch", None) if record is not None else None
    if watch is not None and dbapi_conn is not None:
        WATCHDOG.release(watch, dbapi_conn)
