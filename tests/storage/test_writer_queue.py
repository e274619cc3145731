"""SQLite writers queue on `WriterQueue`: threads of a process and processes sharing the
file take turns, and the next in line starts as soon as the lock is free."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database, DatabaseBusy, WriterQueue

CHILD = textwrap.dedent(
    """
    import sys, time
    from sqlalchemy import text
    from storage.db import Database
    db = Database(sys.argv[1])
    start = time.time()
    for _ in range(int(sys.argv[2])):
        if sys.argv[3:] == ["queue-only"]:  # the queue alone, no SQLite lock involved
            with db._writer:
                pass
            continue
        with db.transaction() as s:
            s.execute(text("UPDATE counter SET n = n + 1"))
    print(f"{start:.3f} {time.time():.3f}")
    """
)


def _counter_db(tmp_path: Path) -> tuple[str, Database]:
    url = f"sqlite:///{tmp_path}/queue.db"
    db = Database(url)
    with db.transaction() as s:
        s.execute(text("CREATE TABLE counter (n INTEGER)"))
        s.execute(text("INSERT INTO counter VALUES (0)"))
    return url, db


def test_a_second_process_waits_for_the_writer_and_goes_at_once(tmp_path: Path) -> None:
    url, db = _counter_db(tmp_path)
    assert (tmp_path / "queue.db.lock").exists()
    with db.transaction() as s:  # this process holds the write lock...
        s.execute(text("UPDATE counter SET n = n + 1"))
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, url, "1"], stdout=subprocess.PIPE, text=True
        )
        time.sleep(1.5)
        assert child.poll() is None  # ...so the other process is still waiting
        released = time.time()
    out, _ = child.communicate(timeout=30)
    assert child.returncode == 0
    started, done = map(float, out.split())
    assert started < released <= done + 0.01  # it tried while we wrote, and wrote after
    assert done - released < 1.0  # and it went as soon as the lock was free
    with db.transaction() as s:
        assert s.execute(text("SELECT n FROM counter")).scalar_one() == 2


def test_threads_and_processes_writing_together_lose_nothing(tmp_path: Path) -> None:
    url, db = _counter_db(tmp_path)
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, url, "150"], stdout=subprocess.PIPE)
        for _ in range(2)
    ]

    def write() -> None:
        for _ in range(150):
            with db.transaction() as s:
                s.execute(text("UPDATE counter SET n = n + 1"))

    threads = [threading.Thread(target=write) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for child in children:
        child.communicate(timeout=60)
        assert child.returncode == 0
    with db.transaction() as s:
        assert s.execute(text("SELECT n FROM counter")).scalar_one() == 5 * 150


def test_the_queue_itself_holds_other_processes_until_the_outermost_exit(
    tmp_path: Path,
) -> None:
    url, db = _counter_db(tmp_path)
    queue = db._writer
    with queue:
        with queue:  # re-entered, as a nested transaction would
            pass
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, url, "1", "queue-only"],
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.5)
        assert child.poll() is None  # still held after the inner exit
        released = time.time()
    out, _ = child.communicate(timeout=30)
    started, done = map(float, out.split())
    assert started < released <= done + 0.01


HOLDER = textwrap.dedent(
    """
    import sys, time
    from storage.db import Database
    db = Database(sys.argv[1])
    with db._writer:
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def test_a_thread_kept_waiting_too_long_gets_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, db = _counter_db(tmp_path)
    monkeypatch.setattr(WriterQueue, "TIMEOUT", 0.5)
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with db.transaction():
            held.set()
            done.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        began = time.monotonic()
        with pytest.raises(DatabaseBusy, match="busy for"), db.transaction():
            pass
        assert 0.5 <= time.monotonic() - began < 2.5
    finally:
        done.set()
        holder.join()
    with db.transaction() as s:  # and once it is free, writes go on
        s.execute(text("UPDATE counter SET n = n + 1"))


def test_a_writer_that_dies_holding_the_lock_lets_go(tmp_path: Path) -> None:
    url, db = _counter_db(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, url, "60"], stdout=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
    holder.kill()  # SIGKILL: no clean-up runs
    holder.wait(timeout=30)
    began = time.monotonic()
    with db.transaction() as s:
        s.execute(text("UPDATE counter SET n = n + 1"))
    assert time.monotonic() - began < 1.0


def test_databases_on_one_file_share_one_queue(tmp_path: Path) -> None:
    url, db = _counter_db(tmp_path)
    other = Database(url)
    assert other._writer is db._writer
    assert Database("sqlite://")._writer is not Database("sqlite://")._writer
