"""Console transcripts for issue 16's console items: people by name, buttons that stay
put, state kept across restarts, the clock, exits and signals, and the small gaps."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.console import run_console, run_script
from bot.console.session import TEAM, Playground
from bot.console.view import Printer
from storage import people
from tests.conftest import START
from tests.e2e.console_support import section


def _run(console: tuple[Playground, io.StringIO], lines: list[str]) -> tuple[int, str]:
    session, out = console
    status = run_script(session, lines)
    return status, out.getvalue()


# --------------------------------------------------------------------------- @name


def test_assign_by_name_reaches_that_person(console: tuple[Playground, io.StringIO]) -> None:
    status, transcript = _run(
        console,
        [
            "in #finance",
            "/manual-task Reconcile Stripe payouts 45m",
            "/manual-task assign P1 @maria",
            "/manual-task show P1",
            "/manual-task assign P1 @nobody",
        ],
    )
    assert status == 0, transcript
    assigned = section(transcript, "/manual-task assign P1 @maria")
    assert "@maria now owns P1 · Reconcile Stripe payouts." in assigned
    assert "isn't someone I can find" not in assigned
    assert "handed to @maria by @you" in section(transcript, "/manual-task show P1")
    # Someone the console doesn't know stays as typed, and the bot says so.
    assert "isn't someone I can find" in section(transcript, "/manual-task assign P1 @nobody")


def test_names_become_mentions_only_where_they_are_people(
    console: tuple[Playground, io.StringIO],
) -> None:
    session, _ = console
    text = "with @maria and @Sam, not you@example.com nor <@U0ALEX> or @nobody"
    assert session.with_mentions(text, named=True) == (
        "with <@U0MARIA|maria> and <@U0SAM|sam>, not you@example.com nor <@U0ALEX> or @nobody"
    )
    assert session.with_mentions("@maria.", named=False) == "<@U0MARIA>."


# --------------------------------------------------------------------------- buttons


def test_home_buttons_are_clicked_on_home(console: tuple[Playground, io.StringIO]) -> None:
    status, transcript = _run(
        console,
        [
            "as @maria",
            "/manual-task Reconcile Stripe payouts 45m",
            "/manual-task own P1",
            "home",
            "click 2",  # the last thing shown with buttons is the Home tab
            "/manual-task Send invoices 30m",
            "/manual-task own P2",
            "click 6 on home",  # Home changed since it was shown: refused
            "home",
            "click 6 on home",
            "click 1 on 2",
            "click 1 on 1",
        ],
    )
    assert status == 1, transcript
    assert "@maria clicks [2] I'll automate it on your App Home" in section(transcript, "click 2")
    stale = section(transcript, "click 6 on home")
    assert stale.strip() == (
        "! Your App Home changed since it was shown, so its buttons may have moved: "
        "type home to see it, then click"
    )
    again = transcript.split("> home\n")[-1]
    assert "@maria clicks [6] I'll automate it on your App Home" in again
    assert "  ! Message [2] has no buttons\n" in transcript
    assert "1 to 0" not in transcript


def test_an_answered_message_says_so(console: tuple[Playground, io.StringIO]) -> None:
    status, transcript = _run(
        console,
        [
            "/manual-task Check the status page 10m",
            "/manual-task Update the status page 20m",
            "click 1",
            "click 1 on 2",
        ],
    )
    assert status == 1, transcript
    assert "  ! Message [2] has no buttons any more: it was answered" in transcript


# --------------------------------------------------------------------------- restarts


def _playground(url: str, out: io.StringIO, **kwargs: object) -> Playground:
    return Playground(Settings(database_url=url), Printer(out), **kwargs).start()  # type: ignore[arg-type]


def test_a_restart_keeps_the_clock_and_the_people(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    out = io.StringIO()
    first = _playground(url, out, start=START)
    try:
        status = run_script(
            first,
            [
                "as @kenji",
                "tz Asia/Tokyo",
                "in #marketing",
                "/manual-task Post the weekly numbers 30m",
                "/manual-task own P1",
                "clock +28d",
            ],
        )
    finally:
        first.save()
        first.close()
    assert status == 0, out.getvalue()
    assert "@kenji is now in Asia/Tokyo" in out.getvalue()
    assert (tmp_path / "coach.console.json").exists()

    out = io.StringIO()
    again = _playground(url, out)  # no start: it carries on where it stopped
    try:
        assert again.clock.now() == START + timedelta(days=28)
        assert again.user.name == "kenji" and again.user.tz == "Asia/Tokyo"
        assert again.where() == "#marketing"
        status = run_script(again, ["/manual-task show P1", "people"])
    finally:
        again.close()
    transcript = out.getvalue()
    assert status == 0, transcript
    assert "@U0KENJI" not in transcript
    assert "@kenji" in section(transcript, "/manual-task show P1")
    assert "@kenji (Asia/Tokyo)  ← you" in transcript


def test_a_new_database_ignores_an_old_side_file(tmp_path: Path) -> None:
    (tmp_path / "coach.console.json").write_text(
        '{"now": "2030-01-01T00:00:00+00:00", "people": []}', encoding="utf-8"
    )
    session = _playground(f"sqlite:///{tmp_path / 'coach.db'}", io.StringIO())
    try:
        assert session.clock.now().year < 2030
    finally:
        session.close()


def test_a_time_zone_change_reaches_the_bot(console: tuple[Playground, io.StringIO]) -> None:
    session, _ = console
    status, transcript = _run(
        console,
        [
            "as @maria",
            "/manual-task list",
            "tz America/Chicago",
            "/manual-task list",
            "tz Mars/Olympus",
            "tz @nobody UTC",
        ],
    )
    assert status == 1, transcript
    assert "@maria is now in America/Chicago (it is Mon 08:00 there)" in transcript
    assert "  ! 'Mars/Olympus' is not a time zone: try Europe/Berlin or Asia/Tokyo" in transcript
    assert "  ! There is nobody called @nobody: type people" in transcript
    session.settle()
    assert session.db is not None
    with session.db.transaction() as s:
        known = people.cached_user(s, team_id=TEAM, user_id="U0MARIA")
        assert known is not None and known.tz == "America/Chicago"


# --------------------------------------------------------------------------- small gaps


def test_small_gaps(
    console: tuple[Playground, io.StringIO], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, transcript = _run(
        console,
        [
            "in #finance",
            "/manual-task Reconcile Stripe payouts 45m",
            "show P1",  # a process: what /manual-task show P1 answers
            "as @alex",
            "/manual-task config",
            "cancel",
            "/manual-task retire P1",
            'submit "Link to the automation"=https://x.test/1 "In one line, how (optional)"=cron',
            "clock start 2027-01-04 09:00",
        ],
    )
    assert "Done once in the last 28 days" in section(transcript, "show P1")
    assert "The message number must be" not in transcript
    assert "Working days: (empty)" not in transcript
    assert "Working days: Mon" in section(transcript, "/manual-task config")
    assert "has no field" not in transcript
    assert "is retired" in transcript
    assert "  ! The clock can only start over before anything happens" in transcript
    assert status == 1, transcript


ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_shows_what_the_demo_prints_on_any_day(tmp_path: Path) -> None:
    """The demo pins its own clock (clock start), so it needs no start= here: run as
    the README says, today, it prints the README's excerpt, line by line in order."""
    out = io.StringIO()
    status = run_console(
        Settings(), script=str(ROOT / "examples" / "demo.txt"), fresh=True, stdout=out
    )
    transcript = out.getvalue()
    assert status == 0, transcript
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = ".venv/bin/coach console --fresh --script examples/demo.txt\n```\n\n```\n"
    excerpt = readme.split(command, 1)[1].split("```", 1)[0].splitlines()
    assert excerpt, "the README's demo excerpt is missing"
    at = 0
    lines = transcript.splitlines()
    for line in excerpt:
        assert line in lines[at:], f"README line not printed (in order): {line!r}"
        at = lines.index(line, at) + 1


def test_a_chart_is_saved_to_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    script = tmp_path / "demo.txt"
    demo = (ROOT / "examples" / "demo.txt").read_text(encoding="utf-8")
    script.write_text(demo + "\nsave 16\nsave 16\nsave 7\n", encoding="utf-8")
    out = io.StringIO()
    status = run_console(Settings(), script=str(script), fresh=True, stdout=out)
    transcript = out.getvalue()
    assert "(save 16 writes it to a file you can open)" in transcript
    saved = sorted(tmp_path.glob("*.png"))
    assert len(saved) == 2, transcript  # the second save doesn't overwrite the first
    assert saved[0].read_bytes().startswith(b"\x89PNG")
    assert f"  · saved {saved[0]} (" in transcript
    assert "  ! Message [7] has no files" in transcript
    assert status == 1
