"""Pure planning for the translators: which units to translate, in which batches, and the rejoin.

Every backend runs the same plan: inputs are whitespace-normalised and deduplicated, sentences
longer than the model's window are cut into units, units are batched by a token budget (longest
first), and the units' results are rejoined into one :class:`~fr2en.types.Translation` per input,
in input order. Only running a batch through a model differs between backends.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fr2en.types import Translation

# Safe places to cut a sentence that is too long for the model, best first.
_CUT_CLASSES = (
    re.compile(r"[.!?…]\s+"),
    re.compile(r"[;:]\s+"),
    re.compile(r"\s[–—-]\s+"),
    re.compile(r",\s+"),
    re.compile(r"\s+"),
)


def _greedy(order: Sequence[int], lengths: Sequence[int], budget_tokens: int, cap: int) -> list[list[int]]:
    """Pack ``order`` into consecutive batches within the padded-token budget and ``cap`` items."""
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for index in order:
        size = max(lengths[index], 1)
        grown = max(longest, size) * (len(current) + 1)
        if current and (grown > budget_tokens or len(current) >= cap):
            batches.append(current)
            current, longest = [], 0
        current.append(index)
        longest = max(longest, size)
    if current:
        batches.append(current)
    return batches


def plan_batches(
    lengths: Sequence[int], budget_tokens: int, max_sentences: int, workers: int = 1
) -> list[list[int]]:
    """Group item indices into batches, longest first, so that padding is small and batches are even.

    A batch's cost is its padded size (longest item × items); it stays within ``budget_tokens`` and
    ``max_sentences``. An item longer than the budget still gets a batch of its own. Every index
    appears exactly once. Batches are as few as the limits allow, rounded up to a multiple of
    ``workers`` when there are enough items (so that parallel workers finish together: three
    batches on two workers take as long as four), and as even in size as that count allows: 40
    items at 32 a batch give 20 + 20, not 32 + 8, so that no batch is a slow straggler.
    """
    if not lengths:
        return []
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    cap = max(1, max_sentences)
    fewest = len(_greedy(order, lengths, budget_tokens, cap))
    workers = max(1, workers)
    count = min(-(-fewest // workers) * workers, len(order))
    # The fewest items per batch that still needs no more than ``count`` batches; the number of
    # batches never grows with the cap, so a binary search finds it.
    low, high = -(-len(order) // count), cap
    while low < high:
        middle = (low + high) // 2
        if len(_greedy(order, lengths, budget_tokens, middle)) <= count:
            high = middle
        else:
            low = middle + 1
    batches = _greedy(order, lengths, budget_tokens, low)
    # Even sizes can leave fewer batches than workers (5 items, 4 workers: 2 + 2 + 1); halve the
    # biggest until there are enough. Halves of a batch keep within every limit.
    while len(batches) < count:
        biggest = max(range(len(batches)), key=lambda b: len(batches[b]))
        batch = batches[biggest]
        batches[biggest : biggest + 1] = [batch[: len(batch) // 2], batch[len(batch) // 2 :]]
    return batches


@dataclass(frozen=True)
class BatchLimits:
    """What one model batch may hold: padded source tokens, sentences, and batches run side by side."""

    budget_tokens: int
    max_sentences: int
    workers: int = 1


def plan_window(lengths: Sequence[int], limits: BatchLimits) -> tuple[tuple[int, ...], ...]:
    """The batch plan of a window of sentences of ``lengths`` tokens: tuples of their indices.

    Plain data, a pure function of the lengths and the limits (see :func:`plan_batches`), so that
    any executor, fresh or resumed, local or remote, forms the same batches from the same window.
    """
    return tuple(
        tuple(batch)
        for batch in plan_batches(lengths, limits.budget_tokens, limits.max_sentences, limits.workers)
    )


def max_new_tokens(source_tokens: int, ratio: float, margin: int, window: int) -> int:
    """The generation cap for ``source_tokens`` source tokens: a ratio plus a margin, within the window."""
    return max(1, min(window, math.ceil(ratio * source_tokens) + margin))


def _best_cut(text: str) -> int | None:
    """The cut position of the best class nearest the middle of ``text``, or None if there is none."""
    middle = len(text) / 2
    for pattern in _CUT_CLASSES:
        cuts = [m.end() for m in pattern.finditer(text) if 0 < m.end() < len(text)]
        if cuts:
            return min(cuts, key=lambda cut: abs(cut - middle))
    return None


def split_for_window(text: str, count_tokens: Callable[[str], int], limit: int) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` tokens each, cutting at the safest places.

    Sentence ends are preferred, then ``;``/``:``, dashes, commas and finally any space; a piece with
    no space at all is cut in the middle. Joining the pieces with single spaces gives back the text
    up to whitespace.
    """
    if count_tokens(text) <= limit or len(text) < 2:
        return [text]
    cut = _best_cut(text)
    if cut is None:
        cut = len(text) // 2
    head, tail = text[:cut].rstrip(), text[cut:].lstrip()
    if not head or not tail:
        head, tail = text[: len(text) // 2], text[len(text) // 2 :]
    return split_for_window(head, count_tokens, limit) + split_for_window(tail, count_tokens, limit)


@dataclass(frozen=True)
class UnitResult:
    """A backend's output for one unit: its English and the model's evidence about it.

    ``tokens`` counts output tokens, end-of-sentence included; ``logprob_sum`` is their total
    log-probability and ``min_logprob`` the lowest one's, each None when the backend cannot give it.
    """

    text: str
    tokens: int = 0
    logprob_sum: float | None = None
    min_logprob: float | None = None
    hit_limit: bool = False

    @classmethod
    def from_logprobs(cls, text: str, logprobs: Sequence[float], hit_limit: bool) -> UnitResult:
        """A result from per-token log-probabilities."""
        return cls(
            text=text,
            tokens=len(logprobs),
            logprob_sum=sum(logprobs) if logprobs else None,
            min_logprob=min(logprobs) if logprobs else None,
            hit_limit=hit_limit,
        )


@dataclass(frozen=True)
class WorkPlan:
    """What to translate for a list of input sentences, and how to put the results back.

    ``cleaned`` holds the inputs with whitespace normalised; ``unique`` the distinct non-empty ones;
    ``units`` the window-sized pieces of ``unique`` and ``owners[i]`` the index in ``unique`` of
    ``units[i]``.
    """

    cleaned: tuple[str, ...]
    unique: tuple[str, ...]
    units: tuple[str, ...]
    owners: tuple[int, ...]


def plan_work(sentences: Sequence[str], count_tokens: Callable[[str], int], window: int) -> WorkPlan:
    """Normalise, deduplicate and cut ``sentences`` so that every unit fits ``window`` tokens."""
    cleaned = tuple(" ".join(s.split()) for s in sentences)
    unique = tuple(dict.fromkeys(s for s in cleaned if s))
    units: list[str] = []
    owners: list[int] = []
    for owner, text in enumerate(unique):
        for part in split_for_window(text, count_tokens, window):
            units.append(part)
            owners.append(owner)
    return WorkPlan(cleaned, unique, tuple(units), tuple(owners))


def join_parts(source: str, parts: Sequence[UnitResult]) -> Translation:
    """Rejoin the results of one sentence's units into its Translation."""
    tokens = sum(part.tokens for part in parts)
    sums = [part.logprob_sum for part in parts]
    minima = [part.min_logprob for part in parts]
    return Translation(
        source=source,
        text=" ".join(part.text for part in parts if part.text),
        logprob=sum(x for x in sums if x is not None) / tokens if tokens and None not in sums else None,
        min_logprob=min(x for x in minima if x is not None) if minima and None not in minima else None,
        tokens=tokens,
        parts=len(parts),
        hit_limit=any(part.hit_limit for part in parts),
    )


def rejoin(plan: WorkPlan, results: Sequence[UnitResult]) -> list[Translation]:
    """One Translation per input sentence, in input order, from the results of ``plan.units``."""
    grouped: list[list[UnitResult]] = [[] for _ in plan.unique]
    for owner, result in zip(plan.owners, results, strict=True):
        grouped[owner].append(result)
    by_text = {text: join_parts(text, parts) for text, parts in zip(plan.unique, grouped, strict=True)}
    return [by_text[text] if text else Translation(source=text, text="") for text in plan.cleaned]
