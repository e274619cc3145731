"""Unit tests for bot.domain.matching: normalising titles and matching reports to processes."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import matching
from bot.domain.matching import MATCH_THRESHOLD, best_match, normalize_title, similarity


@pytest.mark.parametrize(
    ("title", "normalized"),
    [
        ("Copying leads into the CRM", "copying leads crm"),
        ("Reconcile Stripe payouts", "reconcile stripe payouts"),
        ("  Reconcile   STRIPE payouts!! ", "reconcile stripe payouts"),
        ("Update the roadmap, again.", "update roadmap"),
        ("Chase-up overdue invoices (Acme)", "chase up overdue invoices acme"),
        ("ﬁle taxes", "file taxes"),  # NFKC: the "fi" ligature
        ("Ｑ４ report", "q4 report"),  # NFKC: full-width letters and digits
        ("ÉTÉ Planning", "été planning"),
        ("日本語のレポート", "日本語のレポート"),
        ("snake_case_title", "snake case title"),
        ("", ""),
        ("the of and", ""),
        ("!!!", ""),
    ],
)
def test_normalize_title(title: str, normalized: str) -> None:
    assert normalize_title(title) == normalized


@pytest.mark.parametrize(
    ("report", "process"),
    [
        ("reconcile payouts", "Reconcile Stripe payouts"),
        ("reconcile stripe payouts", "Reconcile Stripe payouts"),
        ("Reconcile Stripe payouts", "Reconcile Stripe payouts"),
        ("copy leads into the crm", "Copying leads into the CRM"),
        ("Reconcile Stripe payout", "Reconcile Stripe payouts"),
        ("reconcile the stripe payouts again", "Reconcile Stripe payouts"),
        ("Update invoice", "Update invoices"),
        ("update the roadmap doc", "Update roadmap"),
        ("Chase overdue invoices", "Chase invoices"),
        ("send invoices", "Send weekly invoices"),
        ("Payroll", "payroll"),
        ("日本語のレポート", "日本語のレポート"),
    ],
)
def test_matches(report: str, process: str) -> None:
    assert similarity(report, process) >= MATCH_THRESHOLD
    assert best_match(report, [("P1", process)]) == "P1"


@pytest.mark.parametrize(
    ("report", "process"),
    [
        ("Reconcile bank statements", "Reconcile Stripe payouts"),
        ("Update invoices", "Update roadmap"),
        ("Copying leads into the CRM", "Reconcile Stripe payouts"),
        ("Reconcile", "Reconcile Stripe payouts"),
        ("update", "Update roadmap"),
        ("payouts", "Reconcile Stripe payouts"),
        ("Reconcile Stripe payouts", "Reconcile PayPal payouts"),
        ("Send invoices", "Send contracts"),
        ("Payroll", "Expenses"),
        ("", "Reconcile Stripe payouts"),
        ("Reconcile Stripe payouts", ""),
        ("", ""),
        ("the", "the"),
    ],
)
def test_does_not_match(report: str, process: str) -> None:
    assert similarity(report, process) < MATCH_THRESHOLD
    assert best_match(report, [("P1", process)]) is None


def test_similarity_is_symmetric_and_bounded() -> None:
    a, b = "reconcile payouts", "Reconcile Stripe payouts"
    assert similarity(a, b) == similarity(b, a)
    assert 0 <= similarity(a, b) <= 100
    assert similarity(a, a) == 100


def test_best_match_picks_the_best_of_many() -> None:
    candidates = [
        (1, "Reconcile bank statements"),
        (2, "Reconcile Stripe payouts"),
        (3, "Reconcile PayPal payouts"),
        (4, "Copying leads into the CRM"),
    ]
    assert best_match("reconcile stripe payout", candidates) == 2
    assert best_match("copy leads into crm", candidates) == 4
    assert best_match("reconcile bank statement", candidates) == 1
    assert best_match("update roadmap", candidates) is None


def test_best_match_ties_go_to_the_first_candidate() -> None:
    candidates = [("a", "Reconcile Stripe payouts"), ("b", "reconcile stripe payouts")]
    assert best_match("Reconcile Stripe payouts", candidates) == "a"


def test_best_match_accepts_any_iterable_and_key_type() -> None:
    keys = ((n, f"Task {n} of the day") for n in range(3))
    assert best_match("nothing alike", keys) is None
    assert best_match("Reconcile payouts", iter([((1, "x"), "Reconcile payouts")])) == (1, "x")


def test_best_match_threshold() -> None:
    candidates = [("P1", "Reconcile Stripe payouts")]
    assert best_match("reconcile payouts", candidates, threshold=99) is None
    assert best_match("reconcile payouts", candidates, threshold=80) == "P1"


def test_best_match_empty() -> None:
    assert best_match("anything", []) is None
    assert best_match("", [("P1", "")]) is None
    assert best_match("   ", [("P1", "Reconcile")]) is None


def _many_candidates(n: int) -> list[tuple[int, str]]:
    rng = random.Random(1205)
    verbs = ["update", "send", "check", "copy", "review", "chase", "export", "file"]
    things = ["invoices", "leads", "roadmap", "contracts", "expenses", "tickets", "orders"]
    places = ["crm", "stripe", "bank", "sheet", "jira", "hubspot", "slack"]
    return [
        (i, f"{rng.choice(verbs)} {rng.choice(things)} in {rng.choice(places)} #{i}")
        for i in range(n)
    ] + [(-1, "Reconcile Stripe payouts")]


@pytest.mark.parametrize("query", ["reconcile payouts", "stripe payouts", "nothing alike"])
def test_ten_thousand_candidates_are_fast(query: str) -> None:
    candidates = _many_candidates(10_000)
    matching._match_key.cache_clear()
    start = time.perf_counter()
    best_match(query, candidates)  # cold: every title normalised once
    cold = time.perf_counter() - start
    warm = min(_timed(query, candidates) for _ in range(3))
    assert cold < 0.3
    assert warm < 0.1


def _timed(query: str, candidates: list[tuple[int, str]]) -> float:
    start = time.perf_counter()
    best_match(query, candidates)
    return time.perf_counter() - start


def test_ten_thousand_candidates_still_find_the_match() -> None:
    assert best_match("reconcile payouts", _many_candidates(10_000)) == -1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_similarity_never_fails(a: str, b: str) -> None:
    score = similarity(a, b)
    assert 0 <= score <= 100
    if not normalize_title(a) or not normalize_title(b):
        assert score == 0
        assert best_match(a, [(0, b)]) is None
