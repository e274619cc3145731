"""Unit tests for bot.domain.parsing: the text of /manual-task parsed into a command."""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.arguments import (
    parse_channel,
    parse_link,
    parse_ref,
    parse_time,
    parse_time_zone,
    parse_user,
)
from bot.domain.commands import (
    Assign,
    Command,
    CommandError,
    Config,
    DigestOff,
    DigestOn,
    DigestPreview,
    Export,
    Help,
    ListTop,
    Merge,
    Mine,
    OpenModal,
    Own,
    Report,
    Retire,
    Show,
    Stats,
    Undo,
)
from bot.domain.parsing import parse_command

# A linear parse of 10,000 characters takes milliseconds; catastrophic backtracking takes
# minutes. The bound is far from both, so a loaded machine can't fail it: not a benchmark.
BACKTRACKING = 2.0


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("", OpenModal()),
        ("   ", OpenModal()),
        ("help", Help()),
        ("HELP", Help()),
        ("  help  ", Help()),
        ("help digest", Help()),
        ("?", Help()),
        ("list", ListTop()),
        ("top", ListTop()),
        ("Top", ListTop()),
        ("mine", Mine()),
        ("undo", Undo()),
        ("undo my last report", Undo()),
        ("stats", Stats()),
        ("export", Export()),
        ("config", Config()),
        ("settings", Config()),
        ("show P3", Show("P3")),
        ("show p3", Show("P3")),
        ("show #3", Show("P3")),
        ("show 3", Show("P3")),
        ("SHOW P03", Show("P3")),
        ("own p3", Own("P3")),
        ("assign P3 <@U123ABC>", Assign("P3", "U123ABC")),
        ("assign P3 <@U123ABC|maria>", Assign("P3", "U123ABC")),
        ("assign p3 to <@W123ABC|maria>", Assign("P3", "W123ABC")),
        ("retire P7", Retire("P7", None)),
        ("retire P7 <https://github.com/x/pr/1>", Retire("P7", "https://github.com/x/pr/1")),
        ("retire P7 <https://x.example/a|the zap>", Retire("P7", "https://x.example/a")),
        ("retire P7 https://x.example/a?b=1&amp;c=2", Retire("P7", "https://x.example/a?b=1&c=2")),
        ("merge P7 P9", Merge(keep_ref="P7", gone_ref="P9")),
        ("merge p9 into #7", Merge(keep_ref="P7", gone_ref="P9")),
        ("digest off", DigestOff()),
        ("digest preview", DigestPreview()),
        ("digest here weekly mon 09:00", DigestOn(None, "weekly", 0, "09:00", None)),
        ("digest here daily 08:30", DigestOn(None, "daily", None, "08:30", None)),
        (
            "digest here weekly friday 4pm Europe/Berlin",
            DigestOn(None, "weekly", 4, "16:00", "Europe/Berlin"),
        ),
        (
            "digest <#C123ABC|finance> weekly Sun 4 pm america/new_york",
            DigestOn("C123ABC", "weekly", 6, "16:00", "America/New_York"),
        ),
        ("digest <#C123ABC> daily 7am UTC", DigestOn("C123ABC", "daily", None, "07:00", "UTC")),
        ("digest here mon 9:15", DigestOn(None, "weekly", 0, "09:15", None)),
        ("digest here weekly tue", DigestOn(None, "weekly", 1, "09:00", None)),
        ("digest daily 18:00", DigestOn(None, "daily", None, "18:00", None)),
    ],
)
def test_commands(text: str, command: Command) -> None:
    assert parse_command(text) == command


@pytest.mark.parametrize(
    "text",
    [
        "Reconcile Stripe payouts 45m",
        "list of vendors update 20m",
        "help desk triage 30m",
        "export the sales report 1h",
        "top 10 leads 20m",
        "mine the data warehouse for leads",
        "list of vendors update",
        "stats for the board deck",
        "show the numbers to finance 30m",
        "merge invoices from two systems 30m",
        "assign seats in the office 15m",
        "retire old laptops 2h",
        "digest the weekly numbers 30m",
        "own goals analysis 20m",
        "spent 20 minutes copying leads into the CRM again",
        "show me 0m",  # a bad duration: parse_report will explain it
    ],
)
def test_reports(text: str) -> None:
    assert parse_command(text) == Report(text)


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        ("<@U123ABC> and I did payroll 1h", "@U123ABC and I did payroll 1h"),
        ("Onboard <@U1ABC|maria> 30m", "Onboard @maria 30m"),
        ("<!channel> urgent payroll fix 40m", "@channel urgent payroll fix 40m"),
        ("Ping <!subteam^S1ABC|@ops-team> 5m", "Ping @ops-team 5m"),
        ("Post in <#C1ABC|finance> 10m", "Post in #finance 10m"),
        ("Check <https://x.io/a|x.io/a> 10m", "Check https://x.io/a 10m"),
        (
            "Open <https://evil.example|the payroll sheet> 10m",
            "Open the payroll sheet (https://evil.example) 10m",
        ),
        ("&lt;!channel&gt; typed literally 5m", "<!channel> typed literally 5m"),
    ],
)
def test_reports_are_stored_as_the_person_typed_them(text: str, typed: str) -> None:
    """Slack's markup becomes readable words once, on the way in (escaped on the way out)."""
    assert parse_command(text) == Report(typed)


@pytest.mark.parametrize("text", ["config rate 80 EUR", "settings currency EUR", "Config x"])
def test_settings_with_words_after_them_are_explained_not_reported(text: str) -> None:
    with pytest.raises(CommandError, match="opens the settings form and takes nothing"):
        parse_command(text)
    assert parse_command(text + " 20m") == Report(text + " 20m")  # with a duration: a task


def test_report_text_is_stripped_and_unescaped() -> None:
    assert parse_command("  R&amp;D &lt;expenses&gt; 20m ") == Report("R&D <expenses> 20m")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("show", "`show` needs a process id, like `/manual-task show Pn`."),
        ("own", "`own` needs a process id, like `/manual-task own Pn`."),
        ("show banana", "“banana” isn't a process id."),
        ("show P0", "“P0” isn't a process id."),
        ("show P3 45m", "I didn't understand “45m” after `show`."),
        ("assign P3", "`assign` needs a person to give P3 to"),
        ("assign P3 @maria", "“@maria” isn't someone I can find"),
        ("assign banana <@U123ABC>", "“banana” isn't a process id."),
        ("retire", "`retire` needs a process id"),
        ("retire P7 zapier", "`retire` takes a process id and, if you have one, a link"),
        ("merge", "`merge` needs two process ids"),
        ("merge P3", "`merge` needs two process ids"),
        ("merge P3 P3", "P3 can't be merged into itself"),
        ("merge P3 banana", "`merge` needs two process ids: `/manual-task merge Pn Pm`"),
        ("digest", "`digest` needs a schedule"),
        ("digest here", "Say how often"),
        ("digest here weekly", "A weekly digest needs a day"),
        ("digest here weekly 09:00", "A weekly digest needs a day"),
        ("digest here daily mon 09:00", "A daily digest goes out every day"),
        ("digest here weekly mon 25:00", "“25:00” isn't a time of day"),
        ("digest here weekly mon 9:75", "“9:75” isn't a time of day"),
        ("digest here weekly mon 13pm", "“13pm” isn't a time of day"),
        ("digest here weekly mon 09:00 Mars/Olympus", "“Mars/Olympus” isn't a time zone"),
        ("digest #finance weekly mon 09:00", "I can't see the channel “#finance”"),
        ("digest off now", "I didn't understand “now” after `digest`."),
        ("undo everything", "`undo` removes your last report"),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse_command(text)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_long_arguments_are_shortened_in_messages() -> None:
    with pytest.raises(CommandError) as caught:
        parse_command("show " + "x" * 5000)
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("P7", "P7"),
        ("p7", "P7"),
        ("#7", "P7"),
        ("7", "P7"),
        (" P7 ", "P7"),
        ("P007", "P7"),
        ("P123", "P123"),
        ("P0", None),
        ("P", None),
        ("PP7", None),
        ("P-7", None),
        ("P7a", None),
        ("banana", None),
        ("", None),
        ("٧", None),  # an Arabic-Indic digit is not an id people type
    ],
)
def test_parse_ref(text: str, ref: str | None) -> None:
    assert parse_ref(text) == ref


@pytest.mark.parametrize(
    ("text", "user"),
    [
        ("<@U123ABC>", "U123ABC"),
        ("<@U123ABC|maria>", "U123ABC"),
        ("<@W123ABC|maria>", "W123ABC"),
        ("U123ABC45", "U123ABC45"),
        ("@maria", None),
        ("<#C123|finance>", None),
        ("maria", None),
    ],
)
def test_parse_user(text: str, user: str | None) -> None:
    assert parse_user(text) == user


@pytest.mark.parametrize(
    ("text", "channel"),
    [("<#C123|finance>", "C123"), ("<#C123>", "C123"), ("#finance", None), ("here", None)],
)
def test_parse_channel(text: str, channel: str | None) -> None:
    assert parse_channel(text) == channel


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("<https://github.com/x/pr/1>", "https://github.com/x/pr/1"),
        ("<https://x|label>", "https://x"),
        ("https://x.example/a", "https://x.example/a"),
        ("http://x.example/a", "http://x.example/a"),
        ("zapier", None),
        ("<mailto:a@b.c|a@b.c>", None),
    ],
)
def test_parse_link(text: str, link: str | None) -> None:
    assert parse_link(text) == link


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("09:00", "09:00"),
        ("9:00", "09:00"),
        ("9", "09:00"),
        ("8.30", "08:30"),
        ("23:59", "23:59"),
        ("0:00", "00:00"),
        ("4pm", "16:00"),
        ("4:30pm", "16:30"),
        ("4:30 PM", "16:30"),
        ("12am", "00:00"),
        ("12pm", "12:00"),
        ("24:00", None),
        ("9:60", None),
        ("0am", None),
        ("noon", None),
    ],
)
def test_parse_time(text: str, parsed: str | None) -> None:
    assert parse_time(text) == parsed


@pytest.mark.parametrize(
    ("text", "tz"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("Mars/Olympus", None),
        ("../../etc/passwd", None),
        ("", None),
    ],
)
def test_parse_time_zone(text: str, tz: str | None) -> None:
    assert parse_time_zone(text) == tz


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "show " + "1" * 10_000,
        "<" * 10_000,
        "< " * 5_000,
        "<@" * 5_000,
        "<https://" + "a" * 10_000,
        "digest " + "here " * 2_000,
        "merge " + "P1 " * 3_000,
        "日本語 " * 2_500,
        "SELECT * FROM processes; DROP TABLE occurrences; -- 20m",
    ],
)
def test_long_text_is_fast(text: str) -> None:
    start = time.perf_counter()
    with contextlib.suppress(CommandError):
        parse_command(text)
    assert time.perf_counter() - start < BACKTRACKING  # it ends: no regex blow-up


_WORDS = st.sampled_from(
    [
        "show", "own", "assign", "retire", "merge", "digest", "help", "list", "top", "undo",
        "here", "weekly", "daily", "mon", "friday", "09:00", "4pm", "UTC", "Europe/Berlin",
        "off", "preview", "P7", "#3", "7", "into", "to", "<@U123ABC|maria>", "<#C1|x>",
        "<https://x|y>", "20m", "0m", "12h", "-5m", "banana", "an hour",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=8).map(" ".join))
def test_command_like_text_never_crashes(text: str) -> None:
    try:
        parse_command(text)
    except CommandError as error:
        assert str(error)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes_and_is_quick(text: str) -> None:
    start = time.perf_counter()
    try:
        command = parse_command(text)
    except CommandError as error:
        assert str(error)
    else:
        if not text.strip():
            assert command == OpenModal()
    assert time.perf_counter() - start < BACKTRACKING  # it ends: no regex blow-up
