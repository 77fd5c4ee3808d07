"""Pure planning for the translators: batches by token budget, the window split, length caps."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

# Safe places to cut a sentence that is too long for the model, best first.
_CUT_CLASSES = (
    re.compile(r"[.!?…]\s+"),
    re.compile(r"[;:]\s+"),
    re.compile(r"\s[–—-]\s+"),
    re.compile(r",\s+"),
    re.compile(r"\s+"),
)


def plan_batches(lengths: Sequence[int], budget_tokens: int, max_sentences: int) -> list[list[int]]:
    """Group item indices into batches, longest first, so that padding is small.

    A batch's cost is its padded size (longest item × items); it stays within ``budget_tokens`` and
    ``max_sentences``. An item longer than the budget still gets a batch of its own. Every index
    appears exactly once.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for index in order:
        size = max(lengths[index], 1)
        grown = max(longest, size) * (len(current) + 1)
        if current and (grown > budget_tokens or len(current) >= max_sentences):
            batches.append(current)
            current, longest = [], 0
        current.append(index)
        longest = max(longest, size)
    if current:
        batches.append(current)
    return batches


def max_new_tokens(source_tokens: int, ratio: float, margin: int, window: int) -> int:
    """The generation cap for a source of ``source_tokens``: proportional, plus a margin, within the window."""
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
