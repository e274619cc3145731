"""The console's terminal: line editing and history, and the terminal's Ctrl-C kept to
the console alone.

A terminal sends Ctrl-C's SIGINT to its whole foreground process group. Under `make run`
that group holds make too, which then ends with "Interrupt" and status 130 however the
console leaves later. So the console takes its own process group and makes it the
terminal's foreground while it runs, as a shell does for a job, and gives the terminal
back when it leaves::

    with own_terminal(sys.stdin), history():
        ...
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


@contextlib.contextmanager
def own_terminal(stdin: TextIO) -> Iterator[None]:
    """Be the terminal's foreground process group until the block ends (a no-op where
    there is no terminal or no job control)."""
    try:
        fd = stdin.fileno()
        before = os.tcgetpgrp(fd)
        mine = os.getpgrp()
    except (OSError, AttributeError, ValueError):
        yield
        return
    moved = False
    if before == mine and os.getpid() != mine:
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)  # a group of our own (a session leader can't: then it is ours)
            _give_terminal(fd, os.getpgrp())
            moved = True
    try:
        yield
    finally:
        if moved:
            with contextlib.suppress(OSError):
                _give_terminal(fd, before)


def _give_terminal(fd: int, group: int) -> None:
    """Make ``group`` the terminal's foreground (SIGTTOU ignored meanwhile, as shells do:
    a background group that sets the foreground would otherwise be stopped)."""
    old = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        os.tcsetpgrp(fd, group)
    finally:
        signal.signal(signal.SIGTTOU, old)


@contextlib.contextmanager
def interrupts_to_the_main_thread() -> Iterator[None]:
    """Ctrl-C's SIGINT goes to any one thread of the process, but only the main thread
    acts on it, and at the prompt it waits in readline's select(), which only a signal
    to that very thread wakes: one landing on the fake Slack's or the app's threads went
    unseen until the next key. So every thread started inside this block blocks SIGINT
    (on its first step, then stops watching), leaving the main thread to take it."""

    def block_sigint(_frame: object, _event: str, _arg: object) -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        sys.setprofile(None)

    threading.setprofile(block_sigint)
    try:
        yield
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]


@contextlib.contextmanager
def history() -> Iterator[None]:
    """Line editing and history (COACH_HISTORY, else ~/.coach_console_history), saved at
    the end; nothing where readline is missing."""
    try:
        import readline  # an optional module: not on every platform
    except ImportError:
        yield
        return
    path = Path(os.environ.get("COACH_HISTORY", Path.home() / ".coach_console_history"))
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(1000)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            readline.write_history_file(path)
