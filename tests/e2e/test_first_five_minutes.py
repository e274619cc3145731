"""The first thing a newcomer tries shows the loop working: the console's banner, followed
to the letter (examples/first-five-minutes.txt), ends in the owner being asked about
automating the process; and a promise to check in says when, or why not yet (issue 16)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

from bot.config import Settings
from bot.console import WELCOME, run_console
from bot.messages.ownership import check_in
from tests.conftest import START

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "first-five-minutes.txt"


def _commands(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_the_script_is_the_banner_to_the_letter() -> None:
    [tried] = [line for line in WELCOME.splitlines() if line.startswith("Try:")]
    suggested = [part.strip() for part in re.split(r"\s{2,}then\s{2,}", tried[len("Try:") :])]
    assert _commands(SCRIPT) == suggested


def test_following_the_banner_ends_in_a_check_in() -> None:
    out = io.StringIO()
    status = run_console(Settings(), script=str(SCRIPT), fresh=True, stdout=out, start=START)
    transcript = out.getvalue()
    assert status == 0, transcript
    assert "Traceback" not in transcript and "  ! " not in transcript
    owned = transcript[transcript.index("> click 1") : transcript.index("> clock +7d")]
    assert "It costs 23m a week, over the 15m threshold: I'll ask you about automating" in owned
    week = transcript[transcript.index("> clock +7d") :]
    assert "@coach → DM with @you" in week
    assert "Could this be automated? Why haven't we?" in week
    assert "P1 · Reconcile Stripe payouts" in week and "[1] I'll automate it" in week


def test_a_promise_says_when_or_why_not_yet() -> None:
    assert check_in(11.25, 15) == (
        "I'll ask you about automating it once it costs over 15m a week; now 11m."
    )
    assert check_in(15, 15).startswith("I'll ask you about automating it once")  # not over
    assert check_in(23, 15).startswith("It costs 23m a week, over the 15m threshold")


def test_both_scripts_run_clean_as_make_run_runs_them(tmp_path: Path) -> None:
    """`coach console --script` as a person runs it (logging configured at INFO, as `coach`
    does): a clean exit and nothing on standard error, for the demo and the first five
    minutes. (The console's log capture once named its restore `release`, which
    `logging.Handler.handle` calls after every record: the first warning let every job's
    INFO line through to the terminal.)"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_"))}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT)  # this tree's code, whatever the venv was installed from
    for script in (SCRIPT, ROOT / "examples" / "demo.txt"):
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "console", "--fresh", "--script", str(script)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert done.stderr == "", done.stderr[-2000:]
        assert "Traceback" not in done.stdout
