"""A transaction with a deadline ends by it, whatever the database does: SQLite interrupts
a runaway statement and a queue that does not move; PostgreSQL, reached through a TCP
proxy that forwards, refuses or black-holes, gets its connections broken by the watchdog.
Each failure says whether the transaction was certainly rolled back, the threads come
back, and the pool serves again once the database does."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import make_url, text

from storage.db import (
    Database,
    DatabaseBusy,
    DatabaseTimeout,
    DatabaseUnavailable,
    rolled_back,
)
from storage.watchdog import WATCHDOG
from tests.e2e.support import wait_for
from tests.tcp_proxy import TcpProxy, through

RUNAWAY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c"


def _table(db: Database) -> None:
    with db.transaction() as s:
        s.execute(text("CREATE TABLE IF NOT EXISTS t (n INTEGER)"))
        s.execute(text("DELETE FROM t"))


def _rows(db: Database) -> int:
    with db.transaction() as s:
        return int(s.execute(text("SELECT count(*) FROM t")).scalar_one())


def _in_psycopg() -> list[str]:
    """Threads whose stack is inside psycopg right now (stuck on the network)."""
    stuck = []
    for ident, frame in sys._current_frames().items():
        f = frame
        while f is not None:
            if "/psycopg/" in f.f_code.co_filename:
                stuck.append(str(ident))
                break
            f = f.f_back
    return stuck


# --------------------------------------------------------------------------- SQLite


@pytest.fixture
def lite(tmp_path: object) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path}/d.db", timeout=0.5)
    _table(db)
    yield db
    db.dispose()


def test_a_runaway_sqlite_statement_is_interrupted_at_the_deadline(lite: Database) -> None:
    began = time.monotonic()
    with pytest.raises(DatabaseTimeout) as caught, lite.transaction() as s:
        s.execute(text("INSERT INTO t VALUES (1)"))
        s.execute(text(RUNAWAY))
    assert time.monotonic() - began < 1.0
    assert caught.value.rolled_back and _rows(lite) == 0


def test_a_transaction_past_its_deadline_is_rolled_back_not_committed(lite: Database) -> None:
    with pytest.raises(DatabaseTimeout) as caught, lite.transaction() as s:
        s.execute(text("INSERT INTO t VALUES (1)"))
        time.sleep(0.6)  # slow work between statements (a Slack call, say)
    assert caught.value.rolled_back and _rows(lite) == 0


def test_the_writer_queue_waits_no_longer_than_the_deadline(lite: Database) -> None:
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with lite.with_timeout(None).transaction():
            held.set()
            done.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        began = time.monotonic()
        with pytest.raises(DatabaseBusy), lite.transaction():
            pass
        assert time.monotonic() - began < 0.8  # the deadline, not WriterQueue.TIMEOUT (30 s)
    finally:
        done.set()
        holder.join()


def test_any_error_before_commit_is_known_to_have_stored_nothing(lite: Database) -> None:
    with pytest.raises(ValueError) as caught, lite.transaction() as s:
        s.execute(text("INSERT INTO t VALUES (1)"))
        raise ValueError("a bug")
    assert rolled_back(caught.value) and _rows(lite) == 0
    assert not rolled_back(ValueError("raised outside any transaction"))


def test_without_a_deadline_nothing_changes(lite: Database) -> None:
    with lite.with_timeout(None).transaction() as s:
        s.execute(text("INSERT INTO t VALUES (1)"))
        time.sleep(0.6)
    assert _rows(lite) == 1


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    from tests.conftest import PG_URL

    url = make_url(PG_URL)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as p:
        yield p


@pytest.fixture
def pg(proxy: TcpProxy, pg_database: str) -> Iterator[Database]:
    db = Database(through(proxy, pg_database), timeout=1.0)
    _table(db)
    yield db
    proxy.mode = "forward"
    db.dispose()


@pytest.mark.postgres
def test_a_black_holed_database_ends_the_transaction_at_its_deadline(
    pg: Database, proxy: TcpProxy
) -> None:
    fired = WATCHDOG.fired
    proxy.mode = "blackhole"
    for _ in range(3):  # a pooled connection, then new ones (connect_timeout)
        began = time.monotonic()
        with pytest.raises(DatabaseUnavailable) as caught, pg.transaction() as s:
            s.execute(text("INSERT INTO t VALUES (1)"))
        assert time.monotonic() - began < 2.5
        assert caught.value.rolled_back
    assert WATCHDOG.fired > fired  # a connection was broken, not merely waited on
    time.sleep(0.2)
    assert _in_psycopg() == [], "a thread is still waiting in psycopg"
    proxy.mode = "forward"
    assert _rows(pg) == 0  # the pool serves again, and nothing was stored


@pytest.mark.postgres
def test_a_refusing_database_answers_at_once(pg: Database, proxy: TcpProxy) -> None:
    proxy.mode = "refuse"
    began = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as caught, pg.transaction() as s:
        s.execute(text("SELECT 1"))
    assert time.monotonic() - began < 1.0
    assert caught.value.rolled_back and not isinstance(caught.value, DatabaseTimeout)
    proxy.mode = "forward"
    assert _rows(pg) == 0


@pytest.mark.postgres
@pytest.mark.parametrize("delivered", [False, True])
def test_a_commit_lost_in_flight_may_have_been_stored(
    pg: Database, proxy: TcpProxy, delivered: bool
) -> None:
    proxy.blackhole_on(b"COMMIT", deliver=delivered)
    with pytest.raises(DatabaseTimeout) as caught, pg.transaction() as s:
        s.execute(text("INSERT INTO t VALUES (1)"))
    assert caught.value.rolled_back is False  # nobody here can know
    proxy.mode = "forward"
    assert _rows(pg) == (1 if delivered else 0)


@pytest.mark.postgres
def test_the_server_stops_a_slow_statement_at_the_deadline(pg: Database) -> None:
    began = time.monotonic()
    with pytest.raises(DatabaseUnavailable), pg.transaction() as s:
        s.execute(text("SELECT pg_sleep(5)"))
    assert time.monotonic() - began < 1.5
    with pg.with_timeout(None).transaction() as s:  # no deadline: no statement_timeout
        assert s.execute(text("SHOW statement_timeout")).scalar_one() == "0"


@pytest.mark.postgres
def test_ping_never_waits_longer_than_asked(pg: Database, proxy: TcpProxy) -> None:
    assert pg.ping(timeout=1.0)
    for mode in ("blackhole", "refuse"):
        proxy.mode = mode  # type: ignore[assignment]
        began = time.monotonic()
        assert pg.ping(timeout=1.0) is False
        assert time.monotonic() - began < 1.2
    proxy.mode = "forward"
    wait_for(lambda: pg.ping(timeout=1.0), timeout=5)  # a probe still out may say no once
