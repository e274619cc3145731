"""Console transcripts for issue 19's ways to report from anywhere: "Log as manual work"
on a message, "Report manual work" from the ⚡ menu, and a workflow running the Workflow
Builder steps, as examples/from-anywhere.txt shows them."""

from __future__ import annotations

import io
from pathlib import Path

from bot.console import run_script
from bot.console.session import Playground
from storage.models import Occurrence
from tests.e2e.console_support import section

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "from-anywhere.txt"


def test_the_example_reports_from_a_message_the_menu_and_a_workflow(
    console: tuple[Playground, io.StringIO],
) -> None:
    session, out = console
    assert run_script(session, SCRIPT.read_text().splitlines()) == 0
    transcript = out.getvalue()

    opened = section(transcript, "shortcut log")
    assert "uses “Log as manual work” on @maria's last message in #finance" in opened
    assert "From the message https://consoleco.slack.com/archives/C0FINANCE/p" in opened
    assert "What did you do by hand?: Can someone re-run the payroll export?" in opened
    assert "Who did it?: @you" in opened
    logged = section(transcript, 'submit What="Re-run the payroll export" "How long"=40m')
    assert "Logged 40m as a new process, P1 · Re-run the payroll export" in logged

    menu = section(transcript, "shortcut report")
    assert "“Report manual work” from the ⚡ menu" in menu
    assert "Which channel's work is it?: (empty)" in menu
    for_sam = section(
        transcript,
        'submit What="Copy leads into the CRM" "How long"=30m "Who did it"=@sam '
        '"Which channel"=#ops',
    )
    assert "[2] @coach → #ops, only you (@maria) can see it" in for_sam
    assert "Logged 30m as a new process, P2 · Copy leads into the CRM" in for_sam

    step = section(
        transcript,
        'step log what="Re-run the payroll export" minutes=45 who=@you channel=#finance',
    )
    assert "⚙ step “Log manual work” completed; its outputs:" in step
    assert "process_id: P1" in step and "cost_per_week: 21m a week" in step
    assert "status: manual" in section(transcript, "step cost P1")
    failed = section(
        transcript,
        'step log what="Re-run the payroll export" minutes=forever who=@you channel=#finance',
    )
    assert "⚙ step “Log manual work” failed:" in failed
    assert "“minutes” must be a whole number of minutes, from 1 to 480." in failed
    assert "Prompted by https://consoleco.slack.com/archives/C0FINANCE/p" in section(
        transcript, "show P1"
    )

    assert session.db is not None
    with session.db.transaction() as s:
        got = sorted((o.user_id, o.minutes, o.source) for o in s.query(Occurrence))
    assert got == [("U0SAM", 30, "shortcut"), ("U0YOU", 40, "shortcut"), ("U0YOU", 45, "workflow")]


def test_bad_shortcut_and_step_words_get_a_clear_line(
    console: tuple[Playground, io.StringIO],
) -> None:
    session, out = console
    lines = ["in #ops", "shortcut log", "shortcut dance", "step log who=@nobody", "say"]
    assert run_script(session, lines) == 1
    transcript = out.getvalue()
    assert "No message in #ops yet: say something first" in section(transcript, "shortcut log")
    assert "Say which shortcut" in section(transcript, "shortcut dance")
    assert "There is nobody called @nobody" in section(transcript, "step log who=@nobody")
    assert "Say what, like: say" in section(transcript, "say")
