"""Unit tests for bot.domain.durations: finding durations in reports and formatting them."""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.durations import (
    DEFAULT_MINUTES,
    MAX_MINUTES,
    DurationError,
    ParsedReport,
    clean_title,
    format_hours,
    format_minutes,
    parse_report,
)

# A linear parse of 10,000 characters takes milliseconds; catastrophic backtracking takes
# minutes. The bound is far from both, so a loaded machine can't fail it: not a benchmark.
BACKTRACKING = 2.0


def test_constants() -> None:
    assert DEFAULT_MINUTES == 15
    assert MAX_MINUTES == 480


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45m", 45),
        ("45 min", 45),
        ("45mins", 45),
        ("45 minutes", 45),
        ("1 minute", 1),
        ("1h30m", 90),
        ("1h 30m", 90),
        ("1 h 30 min", 90),
        ("1h and 30 minutes", 90),
        ("1h30", 90),
        ("1.5h", 90),
        ("1,5h", 90),
        ("1.25 hours", 75),
        ("2 hours", 120),
        ("2 hrs", 120),
        ("1 hr", 60),
        ("2H", 120),
        ("45M", 45),
        ("an hour", 60),
        ("one hour", 60),
        ("two hours", 120),
        ("twenty minutes", 20),
        ("half an hour", 30),
        ("a half hour", 30),
        ("an hour and a half", 90),
        ("a quarter of an hour", 15),
        ("90 minutes", 90),
        ("8h", 480),
        ("480m", 480),
        ("7h 59m", 479),
    ],
)
def test_durations_alone(text: str, minutes: int) -> None:
    parsed = parse_report(text)
    assert parsed.minutes == minutes
    assert parsed.title == ""
    assert parsed.duration_text is not None


@pytest.mark.parametrize(
    ("text", "title", "minutes"),
    [
        ("spent 20 minutes copying leads into the CRM again", "Copying leads into the CRM", 20),
        ("Reconcile Stripe payouts 45m", "Reconcile Stripe payouts", 45),
        ("reconcile stripe payouts - 30 min", "Reconcile stripe payouts", 30),
        ("reconcile stripe payouts – 30 min", "Reconcile stripe payouts", 30),
        ("Data entry for 20 mins", "Data entry", 20),
        ("Invoice chasing took 20m", "Invoice chasing", 20),
        ("Invoice chasing (30m)", "Invoice chasing", 30),
        ("Invoice chasing [30m]", "Invoice chasing", 30),
        ("(30m) invoice chasing", "Invoice chasing", 30),
        ("I spent 1h 30m on reconciling payouts", "Reconciling payouts", 90),
        ("spent half an hour on vendor calls", "Vendor calls", 30),
        ("did 45 min of data entry today", "Data entry", 45),
        ("I did expense reports for an hour", "Expense reports", 60),
        ("doing the onboarding checklist 15m this morning", "The onboarding checklist", 15),
        ("45m reconcile stripe payouts", "Reconcile stripe payouts", 45),
        ("Reconcile 1.5h Stripe payouts", "Reconcile Stripe payouts", 90),
        ("top 10 leads 20m", "Top 10 leads", 20),
        ("Update 3 invoices 10 minutes", "Update 3 invoices", 10),
        ("Q4 report 2h", "Q4 report", 120),
        ("Update 1,000 rows 20m", "Update 1,000 rows", 20),
        ("Fix bug (urgent) 20m", "Fix bug (urgent)", 20),
        ("5 minute standup notes 20m", "5 minute standup notes", 20),
        ("copy   leads    into\tthe CRM 20m!!", "Copy leads into the CRM", 20),
        ("export the sales report, about 40 min", "Export the sales report", 40),
        ("Weekly payroll ~20m", "Weekly payroll", 20),
        ("Did 0.2m of stuff", "Stuff", 1),
        ("Quick check 0.5m", "Quick check", 1),
        ("Quick check 1.4m", "Quick check", 1),
        ("Quick check 2.5m", "Quick check", 3),
        ("日本語のレポート 20m", "日本語のレポート", 20),
        ("تقرير المبيعات 20m", "تقرير المبيعات", 20),
        ("Triage 🎫 tickets 30m 🙄", "Triage 🎫 tickets 🙄", 30),
    ],
)
def test_reports(text: str, title: str, minutes: int) -> None:
    parsed = parse_report(text)
    assert (parsed.title, parsed.minutes) == (title, minutes)


@pytest.mark.parametrize(
    "text",
    [
        "Update 3 invoices",
        "Q4 report",
        "Top 10 leads",
        "Check 3 months of receipts",
        "Restart 4 hosts",
        "Order 20 mugs",
        "Meeting at 10:30",
        "Pay $20m invoice",
        "Ticket #45m",
        "Release v2.5h notes",
        "Send the 1,000m mailing",
        "x2m7 cleanup",
        "SELECT * FROM users WHERE id = 1; DROP TABLE processes; --",
    ],
)
def test_numbers_that_are_not_durations(text: str) -> None:
    parsed = parse_report(text)
    assert parsed.minutes is None
    assert parsed.duration_text is None


def test_no_duration_keeps_the_cleaned_title() -> None:
    assert parse_report("  spent ages copying leads into the CRM again. ") == ParsedReport(
        title="Ages copying leads into the CRM", minutes=None, duration_text=None
    )


def test_empty_text() -> None:
    assert parse_report("") == ParsedReport(title="", minutes=None, duration_text=None)
    assert parse_report("   ") == ParsedReport(title="", minutes=None, duration_text=None)


def test_duration_text_is_what_was_found() -> None:
    assert parse_report("Payroll for 1h 30m").duration_text == "1h 30m"


def test_the_last_duration_wins() -> None:
    assert parse_report("10 minute call then 20m").minutes == 20


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0m", "“0m” isn't a duration I can count: use something like `45m` or `1h30m`."),
        ("Payroll 0 minutes", "“0 minutes” isn't a duration I can count"),
        ("Payroll 0h", "“0h” isn't a duration I can count"),
        ("-5m", "“-5m” isn't a duration I can count"),
        ("Payroll -5m", "“-5m” isn't a duration I can count"),
        ("Payroll (-5m)", "“-5m” isn't a duration I can count"),
        (
            "Payroll 12h",
            "“12h” is longer than a working day (8h max). Split it into separate reports.",
        ),
        ("Payroll 481 minutes", "“481 minutes” is longer than a working day"),
        ("Payroll 8h 1m", "“8h 1m” is longer than a working day"),
        ("Payroll 9.5 hours", "“9.5 hours” is longer than a working day"),
    ],
)
def test_bad_durations_are_refused_kindly(text: str, message: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_report(text)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_huge_number_is_too_long_and_quoted_short() -> None:
    with pytest.raises(DurationError) as caught:
        parse_report("9" * 5000 + "m")
    assert "longer than a working day" in str(caught.value)
    assert len(str(caught.value)) < 150


def test_duration_error_is_a_value_error() -> None:
    assert issubclass(DurationError, ValueError)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("  i did  invoice chasing again. ", "Invoice chasing"),
        ("I spent invoice chasing today", "Invoice chasing"),
        ("doing payroll this morning", "Payroll"),
        ("payroll - ", "Payroll"),
        ("“payroll”", "Payroll"),
        ("(payroll)", "Payroll"),
        ("(payroll", "Payroll"),
        ("eBay listings", "EBay listings"),
        ("", ""),
        ("...", ""),
    ],
)
def test_clean_title(text: str, title: str) -> None:
    assert clean_title(text) == title


@pytest.mark.parametrize(
    "text",
    [
        "a" * 10_000,
        "1" * 10_000,
        "1 " * 5_000,
        "1h" * 5_000,
        "1." * 5_000,
        "- " * 5_000,
        ("spent " * 1_700)[:10_000],
        "(" * 10_000,
        " " * 9_990 + "20m",
        "日本語" * 3_333,
        "🙄" * 10_000,
        ("an hour and a " * 800)[:10_000],
        "1 " + "\t" * 9_990 + "x",
    ],
)
def test_long_text_is_fast(text: str) -> None:
    start = time.perf_counter()
    with contextlib.suppress(DurationError):
        parse_report(text)
    assert time.perf_counter() - start < BACKTRACKING  # it ends: no regex blow-up


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_anything_but_duration_error(text: str) -> None:
    start = time.perf_counter()
    try:
        parsed = parse_report(text)
    except DurationError as error:
        assert str(error)
    else:
        assert parsed.minutes is None or 1 <= parsed.minutes <= MAX_MINUTES
        assert parsed.title == parsed.title.strip()
    assert time.perf_counter() - start < BACKTRACKING  # it ends: no regex blow-up


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789hm .,:-()an our min ut es"), max_size=200))
def test_duration_like_noise_never_crashes(text: str) -> None:
    with contextlib.suppress(DurationError):
        parse_report(text)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (45, "45m"),
        (90, "1h 30m"),
        (120, "2h"),
        (0, "0m"),
        (7.5, "8m"),
        (7.4, "7m"),
        (59.6, "1h"),
        (1, "1m"),
        (600, "10h"),
        (-30, "-30m"),
        (60 * 1500, "1,500h"),
    ],
)
def test_format_minutes(minutes: float, text: str) -> None:
    assert format_minutes(minutes) == text


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (1.5, "1h 30m"),
        (2, "2h"),
        (2.0, "2h"),
        (0.25, "15m"),
        (0.004, "0m"),
        (0.9, "54m"),
        (9.96, "9h 58m"),
        (9.999, "10h"),
        (10, "10h"),
        (12.4, "12h"),
        (12.5, "13h"),
        (1234.5, "1,235h"),
        (float("nan"), "—"),
    ],
)
def test_format_hours(hours: float, text: str) -> None:
    assert format_hours(hours) == text


@pytest.mark.parametrize(
    ("text", "title", "minutes"),
    [
        ("Reconcile payouts 1:30", "Reconcile payouts", 90),
        ("took 0:45 reconciling payouts", "Reconciling payouts", 45),
        ("spent half a day on the payroll", "The payroll", 240),
        ("Payroll, half-day", "Payroll", 240),
        ("Quarter close all day", "Quarter close", 480),
        ("Migrate the wiki 1d", "Migrate the wiki", 480),
        ("a whole day migrating the wiki", "Migrating the wiki", 480),
    ],
)
def test_what_people_write_is_read(text: str, title: str, minutes: int) -> None:
    parsed = parse_report(text)
    assert (parsed.title, parsed.minutes) == (title, minutes)


@pytest.mark.parametrize(
    "text", ["Standup at 9:30", "Deploy from 1:30", "Call 9:30am", "Log 10:22:33", "V2:30 notes"]
)
def test_a_time_of_day_is_not_a_duration(text: str) -> None:
    assert parse_report(text).minutes is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Reconcile Stripe payouts 45 parsecs", "“45 parsecs” isn't a duration I can count"),
        ("Payouts 45 minuets", "“45 minuets” isn't a duration I can count"),
        ("Payouts 2 huors", "“2 huors” isn't a duration I can count"),
        ("Payouts 90 seconds", "“90 seconds” isn't a duration I can count"),
        ("Migrate the wiki 2d", "“2d” is longer than a working day"),
        ("Migrate the wiki 3 days", "“3 days” is longer than a working day"),
    ],
)
def test_what_looks_like_a_duration_but_cant_be_counted_is_refused(text: str, message: str) -> None:
    """Never a silent 15 minutes with "45 parsecs" left in the title."""
    with pytest.raises(DurationError) as caught:
        parse_report(text)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    "text",
    [
        "Reconcile payouts 1:60",
        "Reconcile payouts 99:99",
        "Reconcile payouts ½h",
        "Reconcile payouts 1.5.5h",
        "Reconcile payouts 1e9m",
    ],
)
def test_garbled_durations_are_refused_not_counted_as_15m(text: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_report(text)
    assert "isn't a duration I can count" in str(caught.value)
