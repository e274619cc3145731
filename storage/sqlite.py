"""SQLite's side of the database: one writer at a time, queued across threads and the
processes sharing the file (`WriterQueue`), and the connection's pragmas. storage/db.py
uses it; nothing else needs to."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from storage.faults import DatabaseBusy

log = logging.getLogger(__name__)


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
