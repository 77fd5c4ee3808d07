"""The pure planning functions every backend shares: batches, the window split, the rejoin."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from fr2en.translate.batching import (
    UnitResult,
    join_parts,
    max_new_tokens,
    plan_batches,
    plan_work,
    rejoin,
    split_for_window,
)

lengths_strategy = st.lists(st.integers(min_value=0, max_value=300), max_size=120)


def _words(text: str) -> int:
    return len(text.split()) + 1


def _greedy_count(lengths: list[int], budget: int, most: int) -> int:
    """How many batches packing longest first, each as full as the limits allow, gives."""
    count, items, longest = 0, 0, 0
    for size in sorted((max(n, 1) for n in lengths), reverse=True):
        if items and (max(longest, size) * (items + 1) > budget or items >= most):
            count, items, longest = count + 1, 0, 0
        items, longest = items + 1, max(longest, size)
    return count + (1 if items else 0)


@given(lengths_strategy, st.integers(16, 4096), st.integers(1, 64), st.integers(1, 6))
def test_plan_batches_covers_every_index_once_within_limits(
    lengths: list[int], budget: int, most: int, workers: int
) -> None:
    batches = plan_batches(lengths, budget, most, workers)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(lengths)))
    for batch in batches:
        assert 1 <= len(batch) <= most
        padded = max(max(lengths[i], 1) for i in batch) * len(batch)
        assert padded <= budget or len(batch) == 1
    if len(lengths) >= workers:
        assert len(batches) % workers == 0 or len(batches) == len(lengths)


@given(lengths_strategy, st.integers(16, 4096), st.integers(1, 64))
def test_plan_batches_are_longest_first_and_no_more_than_needed(
    lengths: list[int], budget: int, most: int
) -> None:
    batches = plan_batches(lengths, budget, most)
    flat = [lengths[i] for batch in batches for i in batch]
    assert flat == sorted(flat, reverse=True)
    # As few batches as packing each as full as the limits allow: evening out adds none.
    assert len(batches) == _greedy_count(lengths, budget, most)


def test_plan_batches_evens_out_sizes() -> None:
    # 40 items at up to 32 a batch: 20 + 20, not 32 + 8.
    batches = plan_batches([10] * 40, 10_000, 32)
    assert [len(b) for b in batches] == [20, 20]


def test_plan_batches_gives_parallel_workers_a_batch_each() -> None:
    assert [len(b) for b in plan_batches([10] * 24, 10_000, 32, workers=2)] == [12, 12]
    assert [len(b) for b in plan_batches([10] * 24, 10_000, 32, workers=1)] == [24]
    assert len(plan_batches([10], 10_000, 32, workers=4)) == 1
    # Three batches' worth on two workers: four even batches, so both finish together.
    assert [len(b) for b in plan_batches([10] * 80, 10_000, 32, workers=2)] == [20, 20, 20, 20]


def test_plan_batches_respects_the_token_budget() -> None:
    # Sorted longest first: the long items share a small batch, the short ones a big one.
    lengths = [100, 5, 5, 100, 5, 5]
    batches = plan_batches(lengths, 250, 32)
    assert batches[0] == [0, 3]
    assert sorted(batches[1]) == [1, 2, 4, 5]


def test_plan_batches_empty_and_oversized() -> None:
    assert plan_batches([], 100, 8) == []
    assert plan_batches([500, 500], 100, 8) == [[0], [1]]


def test_max_new_tokens_is_proportional_with_margin_within_window() -> None:
    assert max_new_tokens(10, 2.0, 16, 512) == 36
    assert max_new_tokens(400, 2.0, 16, 512) == 512
    assert max_new_tokens(0, 2.0, 0, 512) == 1


def test_split_for_window_prefers_sentence_ends_and_loses_no_words() -> None:
    text = "Un deux trois quatre. Cinq six, sept huit neuf dix onze douze."
    parts = split_for_window(text, _words, 8)
    assert parts[0] == "Un deux trois quatre."
    assert " ".join(parts).split() == text.split()
    assert all(_words(p) <= 8 for p in parts)


@given(st.text(alphabet="ab ,.;", max_size=200), st.integers(2, 20))
def test_split_for_window_keeps_the_text(text: str, limit: int) -> None:
    parts = split_for_window(text, lambda t: math.ceil(len(t) / 4) + 1, limit)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")


def test_plan_work_normalises_deduplicates_and_keeps_empties() -> None:
    plan = plan_work(["  Bonjour   le monde ", "", "Bonjour le monde", "Salut."], _words, 100)
    assert plan.cleaned == ("Bonjour le monde", "", "Bonjour le monde", "Salut.")
    assert plan.unique == ("Bonjour le monde", "Salut.")
    assert plan.units == ("Bonjour le monde", "Salut.")
    assert plan.owners == (0, 1)


def test_plan_work_cuts_long_sentences_into_units() -> None:
    long = "a b c d e f. g h i j k l."
    plan = plan_work([long, "court"], _words, 8)
    assert plan.units == ("a b c d e f.", "g h i j k l.", "court")
    assert plan.owners == (0, 0, 1)


def test_rejoin_restores_input_order_and_rejoins_parts() -> None:
    plan = plan_work(["a b c d e f. g h i j k l.", "", "court", "court"], _words, 8)
    results = [
        UnitResult.from_logprobs("A.", [-1.0, -3.0], hit_limit=False),
        UnitResult.from_logprobs("G.", [-2.0], hit_limit=True),
        UnitResult.from_logprobs("Short.", [-0.5, -0.5], hit_limit=False),
    ]
    out = rejoin(plan, results)
    assert [t.text for t in out] == ["A. G.", "", "Short.", "Short."]
    first = out[0]
    assert first.parts == 2 and first.tokens == 3 and first.hit_limit
    assert first.logprob == -2.0 and first.min_logprob == -3.0
    assert out[1].logprob is None and out[1].tokens == 0
    assert out[2] == out[3]


def test_join_parts_with_only_a_mean_score() -> None:
    # A backend that gives only each part's total (CTranslate2 with beam search): no minimum.
    parts = [UnitResult("A", tokens=2, logprob_sum=-2.0), UnitResult("B", tokens=2, logprob_sum=-6.0)]
    joined = join_parts("src", parts)
    assert joined.logprob == -2.0 and joined.min_logprob is None and joined.tokens == 4
    assert join_parts("src", [UnitResult("A", tokens=2)]).logprob is None
