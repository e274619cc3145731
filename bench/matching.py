"""Precision, recall and the share of questions of the matcher on the labelled pairs
(tests/data/match_pairs.csv), replayed two ways, against today's matcher before issue 13
(bench/old_matching.py, frozen) as the baseline::

    python -m bench.matching

- *pairs*: each pair in a fresh workspace: report A, then B: did B join A, ask, or make
  a new process?
- *crowded*: every pair in one workspace: all A titles first, then each B (as a report
  that would land elsewhere than its A is a wrong merge when the pair is "different",
  and a miss when "same").

A question counts as not merged. Precision = right merges / merges; recall = right merges
/ same pairs.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import old_matching
from bench.common import Row, print_table, write_results
from bot.domain.matching import Decision, best_match

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "match_pairs.csv"


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    same: bool


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    ask_share: float
    wrong: tuple[Pair, ...]  # merged though different (or merged elsewhere)
    missed: tuple[Pair, ...]  # same, not merged (asked or new)


Matcher = Callable[[str, Sequence[tuple[int, str]]], tuple[Decision, int | None]]


def load_pairs(path: Path = PAIRS) -> list[Pair]:
    with path.open(newline="") as f:
        return [Pair(r["title_a"], r["title_b"], r["same"] == "1") for r in csv.DictReader(f)]


def new_matcher(title: str, candidates: Sequence[tuple[int, str]]) -> tuple[Decision, int | None]:
    found = best_match(title, candidates)
    return found.decision, found.key


def old_matcher(title: str, candidates: Sequence[tuple[int, str]]) -> tuple[Decision, int | None]:
    key = old_matching.best_match(title, candidates)
    return (Decision.NEW, None) if key is None else (Decision.SAME, key)


def replay_pairs(pairs: Sequence[Pair], matcher: Matcher) -> Score:
    """Each pair in a fresh workspace holding only A."""
    return _score(pairs, [matcher(p.b, [(0, p.a)]) for p in pairs])


def replay_crowded(pairs: Sequence[Pair], matcher: Matcher) -> Score:
    """All A titles in one workspace (a title typed twice is one process), then each B."""
    keys: dict[str, int] = {}
    for p in pairs:
        keys.setdefault(p.a, len(keys))
    candidates = [(key, title) for title, key in keys.items()]
    outcomes = []
    for p in pairs:
        decision, key = matcher(p.b, candidates)
        # 0: A's process; -1: another one (a merge there is wrong whatever the label).
        outcomes.append((decision, 0 if key == keys[p.a] else -1))
    return _score(pairs, outcomes)


def _score(pairs: Sequence[Pair], outcomes: Sequence[tuple[Decision, int | None]]) -> Score:
    merged_right = merged_wrong = asked = 0
    wrong: list[Pair] = []
    missed: list[Pair] = []
    for pair, (decision, key) in zip(pairs, outcomes, strict=True):
        asked += decision is Decision.ASK
        merged = decision is Decision.SAME
        if merged and pair.same and key == 0:
            merged_right += 1
        elif merged:
            merged_wrong += 1
            wrong.append(pair)
        elif pair.same:
            missed.append(pair)
    same = sum(p.same for p in pairs)
    merges = merged_right + merged_wrong
    return Score(
        precision=merged_right / merges if merges else 1.0,
        recall=merged_right / same if same else 1.0,
        ask_share=asked / len(pairs) if pairs else 0.0,
        wrong=tuple(wrong),
        missed=tuple(missed),
    )


def main() -> None:
    pairs = load_pairs()
    rows: list[Row] = []
    for name, replay in (("pairs", replay_pairs), ("crowded", replay_crowded)):
        new, old = replay(pairs, new_matcher), replay(pairs, old_matcher)
        for figure, target, met, new_value, old_value in (
            ("precision", "≥ 0.98", new.precision >= 0.98, new.precision, old.precision),
            ("recall", "≥ 0.85", new.recall >= 0.85, new.recall, old.recall),
            ("reports asking", "≤ 0.15", new.ask_share <= 0.15, new.ask_share, old.ask_share),
        ):
            rows.append(
                Row(
                    f"{name}: {figure}",
                    round(new_value, 3),
                    "",
                    target,
                    round(old_value, 3),
                    None,
                    met,
                )
            )
        for p in new.wrong:
            print(f"  {name} wrong merge: {p.a!r} / {p.b!r} (same={p.same})")
    print(f"{len(pairs)} pairs, {sum(p.same for p in pairs)} the same process")
    print_table("matching", rows)
    write_results("matching", rows)


if __name__ == "__main__":
    main()
