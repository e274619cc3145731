"""The console stand-in: the demo script end to end, the same answers as the HTTP app, and
friendly one-line messages for bad console input."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.console import run_console, run_script
from bot.console.session import Playground
from bot.console.typed import ClockBy, ClockTo, ConsoleInputError, parse
from bot.console.view import Printer
from bot.standin.render import render_blocks
from tests.conftest import START, Coach
from tests.e2e.console_support import section

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo.txt"


@pytest.fixture(scope="module")
def demo() -> tuple[int, str]:
    out = io.StringIO()
    status = run_console(Settings(), script=str(DEMO), fresh=True, stdout=out, start=START)
    return status, out.getvalue()


def test_demo_runs_cleanly(demo: tuple[int, str]) -> None:
    status, transcript = demo
    assert status == 0, transcript
    assert "Traceback" not in transcript
    assert "  ! " not in transcript, transcript  # no console errors, no app warnings
    assert "Something went wrong" not in transcript


def test_demo_reports_reach_the_right_people(demo: tuple[int, str]) -> None:
    _, transcript = demo
    first = section(transcript, "/manual-task Reconcile Stripe payouts 45m")
    assert "[1] @coach → #finance, only you (@you) can see it" in first
    assert "Logged 45m as a new process, P1 · Reconcile Stripe payouts." in first
    assert "[1] Take ownership  [2] It's automated now  [3] Undo" in first
    second = section(transcript, "/manual-task reconcile stripe payouts 40m")
    assert "only you (@maria) can see it" in second
    assert "Logged 40m on P1" in second
    assert "Done 2 times in the last 28 days (1h 25m) → 21m a week" in second
    mention = section(transcript, "@coach spent 50 minutes reconciling Stripe payouts again")
    assert "[3] @coach → #finance, in the thread of @sam's message" in mention
    assert "Done 3 times in the last 28 days (2h 15m) → 34m a week" in mention
    plus = section(transcript, "react :heavy_plus_sign: on 3")
    assert "only you (@alex) can see it" in plus
    assert "It now costs 45m a week" in plus
    owned = section(transcript, "click 1 on 2")
    assert "You now own P1 · Reconcile Stripe payouts" in owned


def test_demo_nudges_the_owner_in_her_working_hours(demo: tuple[int, str]) -> None:
    _, transcript = demo
    week = section(transcript, "clock +7d")
    # Monday 15:00 UTC is 16:00 in Madrid: the first hour after she took ownership.
    assert "⏰ Mon 23 Nov 2026 15:00 UTC · Mon 16:00 for @maria (Europe/Madrid)" in week
    assert "@coach → DM with @maria" in week
    assert "Could this be automated? Why haven't we?" in week
    assert "45m a week · worth up to 195h of automation" in week
    assert (
        "[1] I'll automate it  [2] It's already automated  [3] Not worth it  "
        "[4] Snooze 2 weeks  [5] Not mine"
    ) in week
    assert week.count("@coach → DM") == 1  # one nudge in the week, not one an hour
    answer = section(transcript, "click 1")
    assert "@coach updated → DM with @maria" in answer
    assert "🤖 @maria will automate it" in answer
    assert "[1]" not in answer.split("updated", 1)[1]  # the buttons gave way to the answer


def test_demo_celebrates_the_retirement(demo: tuple[int, str]) -> None:
    _, transcript = demo
    retire = section(
        transcript, "/manual-task retire P1 https://github.com/acme/finance-bots/pull/42"
    )
    channel, private = retire.split("[11]", 1)
    assert "[10] @coach → #finance\n" in channel
    assert "🎉 P1 · Reconcile Stripe payouts is retired, automated by @maria." in channel
    assert "How: https://github.com/acme/finance-bots/pull/42" in channel
    assert "permanently eliminated" in channel
    assert "only you (@maria) can see it" in private
    shown = section(transcript, "/manual-task show P1")
    assert "retired ✅" in shown
    assert "Eliminated 45m a week" in shown
    assert "First reported by @you in #finance" in shown
    assert "Automating it took 8h (estimate 6h)" in shown
    assert "Steps (version 1, by @maria on 23 Nov 2026)" in shown


def test_demo_shows_payback_and_steps(demo: tuple[int, str]) -> None:
    """The demo's story of issue 18: the steps written down from the third report's
    button, the estimate asked after "I'll automate it" and its payback on the card, the
    steps in the automator's DM, the hours it took, and the savings in stats."""
    _, transcript = demo
    assert "[5] Write down the steps" in section(
        transcript, "@coach spent 50 minutes reconciling Stripe payouts again"
    )
    answer = section(transcript, "click 1")
    assert "How long will it take?" in answer
    assert "The steps of P1 · Reconcile Stripe payouts, for automating it" in answer
    estimate = section(transcript, 'submit "Hours automating it will take"=6h')
    assert "195h of automation (the 5-year break-even) · pays back in 8 weeks (6h" in estimate
    numbers = section(transcript, "/manual-task stats")
    assert "189h projected · 187h realised" in numbers
    assert "Time to eliminate (first report to retirement, median): 2026 Q4 10 days" in numbers


# --------------------------------------------------------------------------- same answers


@pytest.fixture
def console() -> Iterator[tuple[Playground, io.StringIO]]:
    out = io.StringIO()
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"coach-console-{os.getpid()}-{id(out)}.db"
    session = Playground(Settings(database_url=f"sqlite:///{path}"), Printer(out), start=START)
    session.start()
    try:
        yield session, out
    finally:
        session.close()
        path.unlink(missing_ok=True)


def _console_lines(session: Playground, line: str) -> list[str]:
    before = len(session.messages)
    run_script(session, [line])
    assert len(session.messages) == before + 1, f"{line!r} gave no single answer"
    message = session.messages[-1]
    return render_blocks(message.blocks, fallback_text=message.text)


def test_console_and_http_app_give_the_same_answers(
    coach: Coach, console: tuple[Playground, io.StringIO]
) -> None:
    session, _ = console
    run_script(session, ["in #finance"])
    for who_console, who_http, text in [
        ("you", "U_ANA", "Reconcile Stripe payouts 45m"),
        ("maria", "U_BEN", "reconcile stripe payouts 40m"),
        ("maria", "U_BEN", "list"),
        ("you", "U_ANA", "help"),
        ("you", "U_ANA", "show P1"),
    ]:
        run_script(session, [f"as @{who_console}"])
        seen = _console_lines(session, f"/manual-task {text}")
        reply = coach.sim.slash(who_http, "C_FIN", text)
        assert reply.message is not None, text
        http = render_blocks(reply.message.blocks, fallback_text=reply.message.text)
        # User and channel ids differ between the two workspaces; the words may not.
        normalise = re.compile(r"@U\w+|@\w+|#C\w+|#\w+")
        assert [normalise.sub("·", x) for x in seen] == [normalise.sub("·", x) for x in http]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "line",
    [
        "bogus",
        "/deploy now",
        "@maria hello",
        "as",
        "in #",
        "click",
        "click two",
        "click 3",
        "click 1 on 99",
        "submit What=x",
        "submit novalue",
        'submit What="unclosed',
        "cancel",
        "react",
        "react :zzz: on 42",
        "clock -1d",
        "clock +0h",
        "clock yesterday",
        "clock 2020-01-01 09:00",
        "clock next funday",
        "home now",
        "show 12",
        "archive ops",
        "kick #nowhere",
        "deactivate @nobody",
        "deactivate @you",
        "list",
    ],
)
def test_bad_input_gets_one_line(console: tuple[Playground, io.StringIO], line: str) -> None:
    session, out = console
    status = run_script(session, [line])
    printed = out.getvalue().splitlines()
    assert status == 1, printed
    assert printed[0] == f"> {line}"
    errors = printed[1:]
    assert len(errors) == 1 and errors[0].startswith("  ! "), printed
    assert "Traceback" not in out.getvalue()


def test_a_subcommand_typed_without_the_slash_command_says_which_to_type(
    console: tuple[Playground, io.StringIO],
) -> None:
    session, out = console
    assert run_script(session, ["list", "mine please", "frobnicate"]) == 1
    said = [line for line in out.getvalue().splitlines() if line.startswith("  ! ")]
    assert said == [
        "  ! 'list' is the app's: type /manual-task list",
        "  ! 'mine' is the app's: type /manual-task mine please",
        "  ! Unknown command 'frobnicate': type help to see what you can do",
    ]


def test_clicking_someone_elses_private_message_says_who_may(
    console: tuple[Playground, io.StringIO],
) -> None:
    session, out = console
    status = run_script(session, ["/manual-task Reconcile payouts 45m", "as @sam", "click 1 on 1"])
    assert status == 1
    assert "You (@sam) cannot see message [1]" in out.getvalue()


def test_modal_answered_by_labels(console: tuple[Playground, io.StringIO]) -> None:
    session, out = console
    status = run_script(
        session, ["in #ops", "/manual-task", 'submit what="Restart the VPN box" "how long"=20m']
    )
    transcript = out.getvalue()
    assert status == 0, transcript
    assert "▣ @coach opened a modal for @you" in transcript
    assert "Logged 20m as a new process, P1 · Restart the VPN box." in transcript
    assert session.top_modal() is None


def test_a_person_is_picked_by_name_in_a_form(console: tuple[Playground, io.StringIO]) -> None:
    session, out = console
    script = [
        "in #finance",
        "as @maria",
        "/manual-task Reconcile Stripe payouts 45m",
        "/manual-task reconcile stripe payouts 40m",
        "/manual-task reconcile stripe payouts 50m",
        "/manual-task own P1",
        "clock +7d",
        "click 5",  # "Not mine" on the nudge: a form with a person picker
        'submit "New owner"=@nobody',
        'submit "New owner"=@maria',
        'submit "New owner"=@sam',
        "clock +1d",  # @sam hears of it in their working hours (the outbox)
    ]
    status = run_script(session, script)
    transcript = out.getvalue()
    assert status == 1, transcript  # the first two submissions are refused
    assert "  ! No one here is called @nobody: `people` lists who is" in transcript
    assert "  ! New owner: Pick the person who should own it instead of you." in transcript
    assert "➡️ @maria passed it to @sam" in transcript
    later = transcript[transcript.index("> clock +1d") :]
    assert "@coach → DM with @sam" in later
    assert "@maria passed P1 · Reconcile Stripe payouts to you." in later


def test_slack_taking_things_away_stops_them_once(
    console: tuple[Playground, io.StringIO],
) -> None:
    """The console can archive a channel, take the bot out of one and deactivate someone;
    the jobs then stop what is gone and say so once (tests/e2e/test_permanent_errors.py)."""
    session, out = console
    script = [
        "in #finance",
        "/manual-task digest here weekly mon 09:00",
        "/manual-task Reconcile Stripe payouts 45m",
        "as @maria",
        "/manual-task Reconcile Stripe payouts 45m",
        "as @sam",
        "/manual-task Reconcile Stripe payouts 45m",
        "/manual-task own P1",
        "as @you",
        "kick #finance",
        "deactivate @sam",
        "clock +14d",
        "/manual-task show P1",
        "/manual-task digest preview",
    ]
    status = run_script(session, script)
    transcript = out.getvalue()
    assert status == 0, transcript
    assert transcript.count("The weekly digest you set up has stopped") == 1
    assert "I'm no longer a member of #finance" in transcript
    assert "back to nobody: Slack can't reach @sam any more" in section(
        transcript, "/manual-task show P1"
    )
    assert "This channel's digest stopped on" in section(transcript, "/manual-task digest preview")


def test_unknown_names_join(console: tuple[Playground, io.StringIO]) -> None:
    session, out = console
    script = ["as @newbie", "in #marketing", "in #hr private", "people"]
    assert run_script(session, script) == 0
    transcript = out.getvalue()
    assert "@newbie joined the workspace" in transcript
    assert "#marketing created" in transcript
    assert "@newbie (America/New_York)  ← you" in transcript
    assert "#hr (private)" in transcript and "#marketing (private)" not in transcript


def test_clock_parsing() -> None:
    assert parse("clock +1d2h") == ClockBy(timedelta(days=1, hours=2))
    madrid = ZoneInfo("Europe/Madrid")
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
    target = parse("clock next mon 09:00")
    assert isinstance(target, ClockTo)
    assert target.resolve(now, madrid) == datetime(2026, 11, 30, 9, 0, tzinfo=madrid)
    absolute = parse("clock 2026-12-07 09:00")
    assert isinstance(absolute, ClockTo)
    assert absolute.resolve(now, madrid) == datetime(2026, 12, 7, 9, 0, tzinfo=madrid)
    with pytest.raises(ConsoleInputError):
        parse("clock +5 fortnights")


# --------------------------------------------------------------------------- the real CLI


def test_coach_console_fresh_demo_as_a_subprocess(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env["NO_COLOR"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", "--fresh", "--script", str(DEMO)],
        cwd=tmp_path,  # no .env: never the developer's real settings
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "is retired, automated by @maria" in done.stdout
    assert "@coach → DM with @maria" in done.stdout
    assert not (tmp_path / "coach.db").exists()  # --fresh left no database behind


def test_demo_digest_shows_the_hours_eliminated(demo: tuple[int, str]) -> None:
    _, transcript = demo
    subscribed = section(transcript, "/manual-task digest here weekly mon 09:00 Europe/Madrid")
    assert "every Monday at 09:00 (Europe/Madrid)" in subscribed
    digest = section(transcript, "clock next mon 09:00")
    assert "⏰ Mon 07 Dec 2026 08:00 UTC · Mon 09:00 for @maria (Europe/Madrid)" in digest
    assert "@coach → #finance\n    # Manual work digest" in digest
    assert "Eliminated so far: 45m a week (39h a year)" in digest
    assert "P1 · Reconcile Stripe payouts retired by @maria: 45m a week eliminated" in digest
    assert "in the thread of [15]\n    📎 Manual hours vs hours eliminated" in digest


def test_an_unsure_report_asks_in_the_console_with_clickable_buttons(
    console: tuple[Playground, io.StringIO],
) -> None:
    session, out = console
    status = run_script(
        session,
        [
            "in #ops",
            "/manual-task Check the status page 10m",
            "/manual-task Update the status page 20m",
            "click 1",
        ],
    )
    transcript = out.getvalue()
    assert status == 0, transcript
    assert "Same as P1 · Check the status page?" in transcript
    assert "[1] Yes, same" in transcript and "[2] No, a new process" in transcript
    assert "Same process: moved your report to P1 · Check the status page" in transcript
