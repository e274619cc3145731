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
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, exc, make_url, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from storage import decision_tables, rollup_tables, watchdog  # noqa: F401  (on Base.metadata)
from storage.faults import (
    ROLLED_BACK,
    DatabaseBusy,
    DatabaseTimeout,
    DatabaseUnavailable,
    explain,
    rolled_back,
    still_in_time,
)
from storage.sqlite import (
    WriterQueue,
    _make_parent_dir,
    _sqlite_begin_immediate,
    _sqlite_path,
    _sqlite_pragmas,
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

    def upgrade(
        self, revision: str = "head", *, token_keys: str | None = None
    ) -> tuple[str | None, str | None]:
        """Apply migrations up to `revision` (idempotent; safe when replicas start at once);
        the revisions before and after. `token_keys` (COACH_ENCRYPTION_KEY) lets migration
        0010 seal the stored tokens."""
        with self._migrating():
            before = self.revision()
            command.upgrade(self.alembic_config(token_keys=token_keys), revision)
            return before, self.revision()

    def downgrade(self, revision: str, *, token_keys: str | None = None) -> None:
        with self._migrating():
            command.downgrade(self.alembic_config(token_keys=token_keys), revision)

    def revision(self) -> str | None:
        """The schema's migration revision ("0014"), or None for an empty database."""
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

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
