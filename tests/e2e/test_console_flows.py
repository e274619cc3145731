"""Console transcripts for issue 16's console items: people by name, buttons that stay
put, state kept across restarts, the clock, exits and signals, and the small gaps."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.console import run_script
from bot.console.session import TEAM, Playground
from bot.console.view import Printer
from storage import people
from tests.conftest import START


def _section(transcript: str, command: str) -> str:
    """What the console printed after ``> command`` up to the next command."""
    start = transcript.index(f"> {command}\n")
    rest = transcript[start + len(command) + 3 :]
    end = rest.find("\n> ")
    return rest if end < 0 else rest[:end]


@pytest.fixture
def console(tmp_path: Path) -> Iterator[tuple[Playground, io.StringIO]]:
    out = io.StringIO()
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    session = Playground(Settings(database_url=url), Printer(out), start=START)
    session.start()
    try:
        yield session, out
    finally:
        session.close()


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
    assigned = _section(transcript, "/manual-task assign P1 @maria")
    assert "@maria now owns P1 · Reconcile Stripe payouts." in assigned
    assert "isn't someone I can find" not in assigned
    assert "handed to @maria by @you" in _section(transcript, "/manual-task show P1")
    # Someone the console doesn't know stays as typed, and the bot says so.
    assert "isn't someone I can find" in _section(transcript, "/manual-task assign P1 @nobody")


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
    assert "@maria clicks [2] I'll automate it on your App Home" in _section(transcript, "click 2")
    stale = _section(transcript, "click 6 on home")
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
    assert "@kenji" in _section(transcript, "/manual-task show P1")
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
