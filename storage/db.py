"""Engine, sessions and migrations.

`Database(url)` owns the engine; `with db.transaction() as session:` is one unit of work
that commits on success and rolls back on any exception. Query functions never commit.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x636F616368  # PostgreSQL advisory lock key of migrations ("coach")


class Database:
    """One database: an engine and a session factory."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 5) -> None:
        self.url = url
        self.closed = False
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if url.startswith("sqlite"):
            if url in ("sqlite://", "sqlite:///:memory:"):
                kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
            else:
                _make_parent_dir(url)
                kwargs.update(connect_args={"check_same_thread": False, "timeout": 30})
        else:
            kwargs.update(pool_size=pool_size, max_overflow=10, pool_pre_ping=True)
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer: contextlib.AbstractContextManager[Any] = (
            WriterQueue.for_path(_sqlite_path(url))
            if url.startswith("sqlite")
            else contextlib.nullcontext()
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit when the block succeeds, roll back when it raises.

        On SQLite (one writer at a time) writers queue on a `WriterQueue` rather than on
        SQLite's busy handler, whose back-off sleeps reach 100 ms under load."""
        with self._writer, self.sessions() as session, session.begin():
            yield session

    def ping(self) -> bool:
        """True when the database answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def upgrade(self, revision: str = "head") -> None:
        """Apply migrations up to `revision` (idempotent; safe when replicas start at once)."""
        from alembic import command

        with self._migrating():
            command.upgrade(self.alembic_config(), revision)

    def downgrade(self, revision: str) -> None:
        from alembic import command

        with self._migrating():
            command.downgrade(self.alembic_config(), revision)

    @contextmanager
    def _migrating(self) -> Iterator[None]:
        """One migrator at a time. Every replica applies migrations as it starts, and each
        reads the schema's version only once it is its turn, so the first upgrades and the
        rest find nothing left to do. SQLite: the writer queue (a lock file shared by the
        processes). PostgreSQL: an advisory lock, held by a connection of its own."""
        if self.is_sqlite:
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

    def alembic_config(self) -> Any:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        cfg.attributes["engine"] = self.engine
        return cfg

    def dispose(self) -> None:
        """Close the pool; background work still queued for this database is dropped."""
        self.closed = True
        self.engine.dispose()


class DatabaseBusy(TimeoutError):
    """Another writer held the SQLite database for longer than `WriterQueue.TIMEOUT`."""


class WriterQueue:
    """The writers of one SQLite database, in line: this process's threads on a lock, and
    the processes sharing the file (server workers, `coach jobs`) on an advisory lock of a
    file beside it (`<database>.lock`), which wakes the next process as soon as the writer
    is done, where SQLite's busy handler sleeps up to 100 ms. Re-entrant within a thread;
    one queue per file in a process (`for_path`). A thread that waits longer than `TIMEOUT`
    for the others of its process, like SQLite's busy timeout, gets `DatabaseBusy`; the one
    thread of a process waiting for another process waits as long as that writer takes
    (a writer that dies lets go: the kernel drops its lock). Without `fcntl` (Windows) or a
    file we can open, threads only."""

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
        if not self._threads.acquire(timeout=self.TIMEOUT):
            raise DatabaseBusy(f"the database stayed busy for {self.TIMEOUT:.0f} s")
        try:
            if self._depth == 0:
                self._lock_file()
        except BaseException:
            self._threads.release()
            raise
        self._depth += 1

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._file is not None:
                _fcntl.flock(self._file.fileno(), _fcntl.LOCK_UN)
        finally:
            self._threads.release()

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
