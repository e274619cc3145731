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
