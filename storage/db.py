"""Engine, sessions and migrations.

`Database(url)` owns the engine; `with db.transaction() as session:` is one unit of work
that commits on success and rolls back on any exception. Query functions never commit.

Faults get answers, not hangs. Connections have connect, pool-checkout and (on
PostgreSQL) statement and idle-in-transaction timeouts and TCP keepalives. A database
whose transactions have a deadline (`Database(url, timeout=2)`, or `db.with_timeout(2)`
for a view of the same pool) breaks the connections of a transaction that runs past it
(see `storage.watchdog`), never commits one, and raises `DatabaseUnavailable`, which says
whether the transaction was certainly rolled back.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, exc, make_url, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from storage import watchdog
from storage.faults import (
    ROLLED_BACK,
    DatabaseBusy,
    DatabaseTimeout,
    DatabaseUnavailable,
    explain,
    rolled_back,
    still_in_time,
)
from storage.watchdog import Watch

__all__ = [
    "ROLLED_BACK",
    "Database",
    "DatabaseBusy",
    "DatabaseTimeout",
    "DatabaseUnavailable",
    "WriterQueue",
    "rolled_back",
]

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x636F616368  # PostgreSQL advisory lock key of migrations ("coach")
CONNECT_TIMEOUT = 2  # seconds; libpq's minimum (psycopg rounds anything lower up to 2)
POOL_TIMEOUT = 2.0  # seconds to wait for a free pooled connection
IDLE_IN_TRANSACTION_MS = 60_000  # the server ends a session left idle mid-transaction
TCP_USER_TIMEOUT_MS = 10_000  # unacknowledged data for this long: the link is down
# Probe an idle connection after 10 s, every 5 s, give up after 3 unanswered probes.
KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}


class _Shared:
    """What a database and its `with_timeout` views share."""

    def __init__(self) -> None:
        self.closed = False
        self.probe: Future[bool] | None = None
        self.probe_lock = threading.Lock()


class Database:
    """One database: an engine and a session factory.

    `timeout` (seconds) is the deadline of each `transaction()`; None: no deadline (the
    command line, migrations). The app and the jobs use views with theirs
    (`with_timeout`)."""

    def __init__(
        self, url: str, *, echo: bool = False, pool_size: int = 5, timeout: float | None = None
    ) -> None:
        self.url = url
        self.timeout = timeout
        self._shared = _Shared()
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if url.startswith("sqlite"):
            if url in ("sqlite://", "sqlite:///:memory:"):
                kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
            else:
                _make_parent_dir(url)
                kwargs.update(connect_args={"check_same_thread": False, "timeout": 30})
        else:
            # No pool_pre_ping: it runs before any pool event, where the watchdog cannot
            # guard it yet. `_ping_and_limit` pings instead, on checkout.
            kwargs.update(
                pool_size=pool_size,
                max_overflow=10,
                pool_timeout=POOL_TIMEOUT,
                connect_args=_pg_connect_args(url),
            )
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
        event.listen(self.engine, "checkout", watchdog.on_checkout(still_in_time))
        event.listen(self.engine, "checkin", watchdog.on_checkin)
        if not url.startswith("sqlite"):
            event.listen(self.engine, "checkout", _ping_and_limit)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer: WriterQueue | None = (
            WriterQueue.for_path(_sqlite_path(url)) if url.startswith("sqlite") else None
        )

    def with_timeout(self, seconds: float | None) -> Database:
        """A view of this database (same engine, pool and writer queue) whose transactions
        have a deadline of `seconds`."""
        view = copy.copy(self)
        view.timeout = seconds
        return view

    @property
    def closed(self) -> bool:
        return self._shared.closed

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit when the block succeeds, roll back when it raises.

        Past its deadline (`timeout`) its connections are broken and it is rolled back,
        never committed: `DatabaseTimeout`. A database that can't be reached gives
        `DatabaseUnavailable`. Any other error passes through, noted `ROLLED_BACK` when
        it came before COMMIT (see `rolled_back`).

        On SQLite (one writer at a time) writers queue on a `WriterQueue` rather than on
        SQLite's busy handler, whose back-off sleeps reach 100 ms under load."""
        with watchdog.watching(self.timeout) as watch:
            committing = False
            try:
                with self._in_line(watch), self.sessions() as session, session.begin():
                    yield session
                    still_in_time(watch)
                    session.flush()
                    committing = True  # leaving `begin()` sends COMMIT
            except Exception as err:
                failure = explain(err, watch, committing=committing, dialect=self.engine.dialect)
                if failure is err:
                    raise
                raise failure from err

    def _in_line(self, watch: Watch | None) -> contextlib.AbstractContextManager[Any]:
        if self._writer is None:
            return contextlib.nullcontext()
        return self._writer.holding(watch.deadline if watch is not None else None)

    def ping(self, timeout: float = 1.5) -> bool:
        """True when the database answers within `timeout` seconds; never waits longer.
        One probe runs at a time: callers that come meanwhile share its answer."""
        shared = self._shared
        with shared.probe_lock:
            probe = shared.probe
            if probe is None or probe.done():
                probe = shared.probe = Future()
                threading.Thread(
                    target=self._probe, args=(probe, timeout), name="coach-db-probe", daemon=True
                ).start()
        try:
            return probe.result(timeout=timeout)
        except FutureTimeout:
            return False

    def _probe(self, probe: Future[bool], timeout: float) -> None:
        try:
            with watchdog.watching(timeout), self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            probe.set_result(True)
        except Exception as err:
            log.info("the database did not answer the readiness probe: %s", type(err).__name__)
            probe.set_result(False)

    def upgrade(self, revision: str = "head", *, token_keys: str | None = None) -> None:
        """Apply migrations up to `revision` (idempotent; safe when replicas start at once).
        `token_keys` (COACH_ENCRYPTION_KEY) lets migration 0010 seal the stored tokens."""
        with self._migrating():
            command.upgrade(self.alembic_config(token_keys=token_keys), revision)

    def downgrade(self, revision: str, *, token_keys: str | None = None) -> None:
        with self._migrating():
            command.downgrade(self.alembic_config(token_keys=token_keys), revision)

    @contextmanager
    def _migrating(self) -> Iterator[None]:
        """One migrator at a time. Every replica applies migrations as it starts, and each
        reads the schema's version only once it is its turn, so the first upgrades and the
        rest find nothing left to do. SQLite: the writer queue (a lock file shared by the
        processes). PostgreSQL: an advisory lock, held by a connection of its own."""
        if self._writer is not None:
            with self._writer:
                yield
            return
        with self.engine.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            lock.commit()
            try:
                yield
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                lock.commit()

    def alembic_config(self, *, token_keys: str | None = None) -> Any:
        cfg = Config(attributes={"token_keys": token_keys})  # for migration 0010
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        cfg.attributes["engine"] = self.engine
        return cfg

    def dispose(self) -> None:
        """Close the pool; background work still queued for this database is dropped."""
        self._shared.closed = True
        self.engine.dispose()


def _ping_and_limit(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """PostgreSQL, on each checkout: one round trip that both checks the connection (as
    pool_pre_ping would) and sets the server's statement_timeout to what is left of the
    transaction's time (0, none, outside a deadline). A dead connection is replaced, as
    SQLAlchemy does after a failed pre-ping; past the deadline the transaction ends."""
    watch = watchdog.current()
    left_ms = max(1, int(watch.remaining() * 1000)) if watch is not None else 0
    try:
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"SET statement_timeout = {left_ms}")
        finally:
            cursor.close()
    except Exception as err:
        still_in_time(watch)
        raise exc.InvalidatePoolError(f"ping failed: {type(err).__name__}") from err


def _pg_connect_args(url: str) -> dict[str, Any]:
    """libpq's timeouts and keepalives; what the URL sets itself wins."""
    query = make_url(url).query
    wanted: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT,
        "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
        **KEEPALIVES,
    }
    args = {k: v for k, v in wanted.items() if k not in query}
    options = f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}"
    given = query.get("options")
    args["options"] = f"{given} {options}" if isinstance(given, str) and given else options
    return args


class WriterQueue:
    """The writers of one SQLite database, in line: this process's threads on a lock, and
    the processes sharing the file (server workers, `coach jobs`) on an advisory lock of a
    file beside it (`<database>.lock`), which wakes the next process as soon as the writer
    is done, where SQLite's busy handler sleeps up to 100 ms. Re-entrant within a thread;
    one queue per file in a process (`for_path`). A thread that waits longer than `TIMEOUT`
    (or past its transaction's deadline, `holding`) for the others of its process, like
    SQLite's busy timeout, gets `DatabaseBusy`; the one thread of a process waiting for
    another process waits as long as that writer takes (a writer that dies lets go: the
    kernel drops its lock), and gives up if its deadline passed meanwhile. Without
    `fcntl` (Windows) or a file we can open, threads only."""

    TIMEOUT = 30.0
    _shared: dict[Path, WriterQueue] = {}
    _shared_lock = threading.Lock()

    @classmethod
    def for_path(cls, path: Path | None) -> WriterQueue:
        if path is None:  # in memory: one connection, one process
            return cls(None)
        with cls._shared_lock:
            return cls._shared.setdefault(path, cls(path))

    def __init__(self, path: Path | None) -> None:
        self._threads = threading.RLock()
        self._path = path.with_name(path.name + ".lock") if path is not None else None
        self._file: Any = None
        self._pid = 0
        self._depth = 0

    def __enter__(self) -> None:
        self._enter(None)

    @contextmanager
    def holding(self, deadline: float | None) -> Iterator[None]:
        """In line until `deadline` (`time.monotonic()`) at the latest, if there is one."""
        self._enter(deadline)
        try:
            yield
        finally:
            self.__exit__()

    def _enter(self, deadline: float | None) -> None:
        wait = self.TIMEOUT if deadline is None else min(self.TIMEOUT, deadline - time.monotonic())
        if not self._threads.acquire(timeout=max(0.0, wait)):
            raise DatabaseBusy(f"the database stayed busy for {max(0.0, wait):.1f} s")
        try:
            if self._depth == 0:
                self._lock_file()
                if deadline is not None and time.monotonic() > deadline:
                    # Another process wrote for longer than we had: too late to start.
                    self._unlock_file()
                    raise DatabaseBusy("the database stayed busy for longer than we could wait")
        except BaseException:
            self._threads.release()
            raise
        self._depth += 1

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        try:
            if self._depth == 0:
                self._unlock_file()
        finally:
            self._threads.release()

    def _unlock_file(self) -> None:
        if self._file is not None:
            _fcntl.flock(self._file.fileno(), _fcntl.LOCK_UN)

    def _lock_file(self) -> None:
        if self._pid != os.getpid():  # opened in this process, never inherited
            self._file, self._pid = self._open(), os.getpid()
        if self._file is not None:
            # Blocking: the kernel wakes us the moment the other process lets go. (Polling
            # instead loses to a busy process, whose next thread takes the lock at once:
            # p99 under load went from 18 to 100 ms when we tried it.)
            _fcntl.flock(self._file.fileno(), _fcntl.LOCK_EX)

    def _open(self) -> Any:
        if self._path is None or _fcntl is None:
            return None
        try:
            return open(self._path, "a+b")  # noqa: SIM115
        except PermissionError:
            try:  # made by another user: a read-only descriptor locks as well
                return open(self._path, "rb")  # noqa: SIM115
            except OSError:
                pass
        except OSError:
            pass
        log.warning(
            "cannot open %s: processes sharing this SQLite file queue on its busy handler",
            self._path,
        )
        return None


try:
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - Windows
    _fcntl = None  # type: ignore[assignment]


def _sqlite_path(url: str) -> Path | None:
    path = url.split(":///", 1)[-1].split("?", 1)[0] if ":///" in url else ""
    if not path or path == ":memory:":
        return None
    return Path(path).expanduser().resolve()


def _make_parent_dir(url: str) -> None:
    path = _sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy (not pysqlite) issue BEGIN, so our BEGIN IMMEDIATE takes effect.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    with contextlib.suppress(Exception):  # in-memory databases have no WAL
        cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take the write lock at the start of each transaction: concurrent writers queue
    # on busy_timeout instead of failing with "database is locked" on upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE")
