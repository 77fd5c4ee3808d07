"""What ``fr2en score`` and ``fr2en evaluate`` report beyond the ordinary outputs.

``.summary.json``, the document-level verdict: ``pairs``, ``mean_score``, ``flagged`` (pairs with
any flag) and ``flagged_share``, ``threshold``, ``flag_counts`` (pairs per flag), ``metrics`` (corpus
BLEU, chrF and TER with their sacrebleu signatures, when references were given; empty otherwise) and
the run ``signature``. :func:`render_pairs` is ``fr2en score``'s stdout: one JSON object per line
pair, ``line`` (1-based), ``src``, ``hyp``, ``score``, ``flags`` and ``signals``.
"""

from __future__ import annotations

import json
from collections import Counter

from fr2en.types import DocumentResult


def render(result: DocumentResult, threshold: float) -> str:
    """The summary as indented JSON."""
    counts = Counter(flag for pair in result.pairs for flag in pair.quality.flags)
    mean = result.mean_score
    payload = {
        "document": result.document.name,
        "pairs": len(result.pairs),
        "mean_score": round(mean, 4) if mean is not None else None,
        "flagged": result.flagged,
        "flagged_share": round(result.flagged / len(result.pairs), 4) if result.pairs else None,
        "threshold": threshold,
        "flag_counts": dict(counts.most_common()),
        "metrics": [{"name": m.name, "score": m.score, "signature": m.signature} for m in result.metrics],
        "signature": result.signature.as_dict(),
        "signature_text": result.signature.as_text(),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def render_pairs(result: DocumentResult) -> str:
    """One JSON object per pair, in line order (empty for no pairs)."""
    return "".join(
        json.dumps(
            {
                "line": number,
                "src": pair.source,
                "hyp": pair.target,
                "score": pair.quality.score,
                "flags": list(pair.quality.flags),
                "signals": dict(pair.quality.signals),
            },
            ensure_ascii=False,
        )
        + "\n"
        for number, pair in enumerate(result.pairs, start=1)
    )


def render_text(result: DocumentResult) -> str:
    """A few human lines: pairs, mean score, share flagged, then one line per metric (sacrebleu style)."""
    mean = result.mean_score
    if mean is None:
        lines = ["0 pairs"]
    else:
        share = 100.0 * result.flagged / len(result.pairs)
        lines = [f"{len(result.pairs)} pairs, mean score {mean:.3f}, {result.flagged} flagged ({share:.1f}%)"]
    lines.extend(metric.as_text() for metric in result.metrics)
    lines.extend(f"note: {note}" for note in result.notes)
    return "\n".join(lines) + "\n"
