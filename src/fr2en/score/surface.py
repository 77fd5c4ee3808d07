"""Surface checks on a pair: length ratio, repetition, sentence breaks, final punctuation,
brackets and anchors (URLs, e-mail addresses, @handles, #hashtags)."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence

# Expected log(English chars / French chars) and its spread: var = _LEN_VAR_FLOOR + _LEN_VAR_SCALE/chars.
# Measured on newstest2013 (3000 human pairs): mean -0.139; sd 0.27 under 40 chars, 0.12 over 200.
_LEN_MEAN = -0.14
_LEN_VAR_FLOOR = 0.008
_LEN_VAR_SCALE = 2.2

_CLOSERS = "\"'»”’)]}› \u00a0\u202f"
_BRACKET_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"), ("“", "”"))
_URLISH = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@#])[@#][^\W_][\w]*")


def length_z(source: str, target: str) -> float:
    """How many standard deviations the English length strays from what the French predicts."""
    return _length_z(len(source.strip()), len(target.strip()))


def _length_z(source_chars: float, target_chars: float) -> float:
    spread = math.sqrt(_LEN_VAR_FLOOR + _LEN_VAR_SCALE / max(source_chars, 1.0))
    return (math.log(max(target_chars, 1.0) / max(source_chars, 1.0)) - _LEN_MEAN) / spread


def tandem_repeats(words: Sequence[str], longest: int = 60) -> int:
    """Words that repeat the unit just before them (``the the``, ``of the city of the city``).

    Units up to ``longest`` words: a whole sentence said twice is a loop too, and the cap keeps a
    pathological one-line document from costing cubic time.
    """
    # A unit of ``size`` words repeats where ``size`` words in a row equal the word ``size`` after
    # them; a run of such equalities ending at k marks words k+1 .. k+size, counted by differences.
    marks = [0] * (len(words) + 1)
    for size in range(1, min(len(words) // 2, longest) + 1):
        run = 0
        for k in range(len(words) - size):
            run = run + 1 if words[k] == words[k + size] else 0
            if run >= size:
                marks[k + 1] += 1
                marks[k + size + 1] -= 1
    return sum(depth > 0 for depth in itertools.accumulate(marks[:-1]))


# A sentence ends at . ! ? … (closing quotes allowed) before a capital; not after an initial or a title.
_SENTENCE_BREAK = re.compile(
    # The lookahead first: it fails fast at the many places with no mark at all.
    r"(?=[.!?…])(?<!\b[A-Za-z])(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMme)(?<!\bMlle)(?<!\bvs)(?<!\bNo)"
    r"[.!?…]+[\"'»”’)]*\s+[\"'«“‘(]*[A-ZÀ-Ý]"
)


def sentence_breaks(text: str) -> int:
    """How many times one sentence ends and another starts inside ``text``."""
    return len(_SENTENCE_BREAK.findall(text))


def _final_mark(text: str) -> str:
    stripped = text.rstrip(_CLOSERS)
    return stripped[-1] if stripped and stripped[-1] in ".?!…" else ""


def _unbalanced(text: str) -> int:
    count = sum(abs(text.count(a) - text.count(b)) for a, b in _BRACKET_PAIRS)
    return count + text.count('"') % 2


def _anchors(text: str) -> set[str]:
    return {m.group().rstrip(".,;:!?)").lower() for m in _URLISH.finditer(text)}
