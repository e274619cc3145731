"""Console transcripts for what a new team lead tripped over in four simulated weeks
(issue 16): a preview named after the digest it previews, a process taken over from its
owner, a retire form whose question another person settled, a refused link read whole."""

from __future__ import annotations

import io

from bot.console import run_script
from bot.console.session import Playground
from tests.e2e.console_support import section


def _run(console: tuple[Playground, io.StringIO], lines: list[str]) -> str:
    session, out = console
    status = run_script(session, lines)
    assert status == 0, out.getvalue()
    return out.getvalue()


def test_preview_is_titled_with_the_next_digest(console: tuple[Playground, io.StringIO]) -> None:
    # Monday 23 Nov, 09:00 in New York: this week's digest went out at 09:00 already, the
    # next is Monday 30 Nov's, and the preview shows that one so far.
    transcript = _run(
        console,
        [
            "in #ops",
            "/manual-task Restart the stuck deploy queue 30m",
            "/manual-task digest here weekly mon 08:00",
            "/manual-task digest preview",
        ],
    )
    preview = section(transcript, "/manual-task digest preview")
    assert "Preview · Manual work digest · week to Mon 30 Nov" in preview, preview


def test_taking_a_process_from_its_owner_reads_as_taken_over(
    console: tuple[Playground, io.StringIO],
) -> None:
    transcript = _run(
        console,
        [
            "in #finance",
            "as @ben",
            "/manual-task Reconcile Stripe payouts 1h",
            "as @eve",
            "/manual-task own P1",
            "as @ben",
            "/manual-task own P1",
            "/manual-task show P1",
        ],
    )
    shown = section(transcript, "/manual-task show P1")
    assert "taken on by @eve" in shown and "taken over by @ben" in shown, shown
    assert "handed to @ben by @ben" not in shown


def test_a_retire_form_settled_meanwhile_says_so_by_name(
    console: tuple[Playground, io.StringIO],
) -> None:
    # Eve opens "It's already automated" on her nudge; Ana, who first reported it, retires
    # it with ✅ before Eve submits. The form says who, by name, in place of the form:
    # not as a field error, where Slack would show a raw <@U…>.
    transcript = _run(
        console,
        [
            "in #ops",
            "as @eve",
            "as @ana",
            "@coach spent 1h30m copying invoices into the ERP",
            "/manual-task assign P1 @eve",
            "clock +1d",
            "as @eve",
            "click 2 on 3",
            "as @ana",
            "react :white_check_mark: on 1",
            "as @eve",
            'submit "Link to the automation"=https://github.com/acme/ops/pull/9',
        ],
    )
    settled = section(
        transcript, 'submit "Link to the automation"=https://github.com/acme/ops/pull/9'
    )
    assert "P1 is already retired by @ana, so this question is settled." in settled, settled
    assert "<@" not in settled and "! Link to the automation" not in settled


def test_a_refused_link_is_read_whole_under_its_field(
    console: tuple[Playground, io.StringIO],
) -> None:
    transcript = _run(
        console,
        [
            "in #ops",
            "/manual-task Restart the stuck deploy queue 30m",
            "click 2",
            'submit "Link to the automation"=not-a-link',
        ],
    )
    refused = section(transcript, 'submit "Link to the automation"=not-a-link')
    assert "like `https://github.com/acme/ops/pull/42`" in refused, refused
    assert refused.rstrip().endswith("or `|`."), refused
