"""`coach console` at a real terminal (a pseudo-terminal): Ctrl-C, Ctrl-D and quit, also
under `make`, whose process group shares the terminal's Ctrl-C."""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROMPT = "you in #general › "


def _take_the_terminal() -> None:
    """In the child, a session leader already: make the pseudo-terminal (its stdin) its
    controlling terminal, as a login does, so that the terminal has a foreground group;
    and Ctrl-C interrupts, as at a login's terminal, even when the tests were started in
    the background of a script (which starts them with SIGINT ignored, inherited)."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Terminal:
    """A program at a pseudo-terminal: type into it, press Ctrl-C, read what it printed."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
        env.update(NO_COLOR="1", COACH_HISTORY=str(cwd / "history"), PYTHONPATH=str(ROOT))
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            start_new_session=True,
            preexec_fn=_take_the_terminal,  # noqa: PLW1509 - a test child, no threads of its own
        )
        os.close(slave)
        self.out = ""
        self.mark = 0  # what wait_for has already matched
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """Read until ``text`` is printed after what the last wait matched; returns what
        came after that up to the end of ``text``."""
        deadline = time.monotonic() + timeout
        while text not in self.out[self.mark :]:
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.out[self.mark :]}"
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.out += self._text.decode(os.read(self.master, 65536))
                except OSError:  # the program is gone
                    break
        end = self.out.index(text, self.mark) + len(text)
        seen, self.mark = self.out[self.mark : end], end
        return seen

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def ctrl_c(self, *, at_prompt: bool = True) -> None:
        """What the terminal does for Ctrl-C: SIGINT to its foreground process group;
        `at_prompt`, once its leader waits for a key. (A SIGINT that lands after readline
        printed the prompt but before it waits is seen only at the next key, as in any
        Python program at a readline prompt; a person can't press Ctrl-C that fast, a
        loaded test machine can.)"""
        group = os.tcgetpgrp(self.master)
        assert group > 0 and group != os.getpgrp()  # never the tests' own
        if at_prompt:
            _wait_until_waiting_for_a_key(group)
        os.killpg(group, signal.SIGINT)

    def finish(self, timeout: float = 30.0) -> int:
        code = self.proc.wait(timeout)
        with contextlib.suppress(OSError):  # (the other end closed)
            while select.select([self.master], [], [], 0.2)[0]:
                self.out += self._text.decode(os.read(self.master, 65536))
        os.close(self.master)
        return code


def _wait_until_waiting_for_a_key(pid: int, timeout: float = 10.0) -> None:
    """Until the process's main thread sleeps in poll()/select() (Linux's /proc), or
    `timeout`; where /proc says nothing, a short pause."""
    deadline = time.monotonic() + timeout
    wchan = Path(f"/proc/{pid}/task/{pid}/wchan")
    while time.monotonic() < deadline:
        try:
            where = wchan.read_text()
        except OSError:
            time.sleep(0.5)
            return
        if "poll" in where or "select" in where:
            time.sleep(0.05)
            return
        time.sleep(0.02)


CONSOLE = [sys.executable, "-m", "bot.cli", "console", "--fresh"]


def test_ctrl_c_at_the_prompt_then_quit_under_make_exits_0(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("no make here")
    (tmp_path / "Makefile").write_text("run:\n\t" + " ".join(CONSOLE) + "\n", encoding="utf-8")
    term = Terminal(["make", "-s", "run"], tmp_path)
    term.wait_for(PROMPT)
    term.ctrl_c()
    term.wait_for("\n" + PROMPT)  # a fresh prompt: Ctrl-C cleared the line
    term.type("quit\r")
    assert term.finish() == 0, term.out
    assert "Interrupt" not in term.out
    assert "Bye: the temporary database goes with you." in term.out


def test_ctrl_d_says_goodbye(tmp_path: Path) -> None:
    term = Terminal(CONSOLE, tmp_path)
    term.wait_for(PROMPT)
    term.type("\x04")
    assert term.finish() == 0, term.out
    assert "Bye: the temporary database goes with you." in term.out


def test_an_interrupted_clock_says_where_it_stopped(tmp_path: Path) -> None:
    term = Terminal(CONSOLE, tmp_path)
    term.wait_for(PROMPT)
    term.type("clock +90d\r")
    term.wait_for("every hour on the way")
    time.sleep(1.0)  # some hours in
    term.ctrl_c(at_prompt=False)  # while the clock runs
    term.wait_for("interrupted: the clock stopped at ")
    stopped = term.wait_for(" UTC")[:-4]  # e.g. "Sat 05 Dec 2026 02:00"
    term.wait_for(PROMPT)
    term.type("clock\r")
    term.wait_for("  · it is ")
    now = term.wait_for(" UTC")[:-4]
    term.type("quit\r")
    assert term.finish() == 0, term.out
    assert now == stopped, term.out  # the clock stayed where it stopped (to the minute)
    assert "moving the clock" in term.out and "Traceback" not in term.out
