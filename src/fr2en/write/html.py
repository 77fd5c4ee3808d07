"""``.html``: a self-contained side-by-side page (no network, no scripts from elsewhere).

One row per pair in paragraph order: French, English, the score as a coloured number and the flags
as badges. Every piece of article text is HTML-escaped, so text that looks like markup shows as text.
"""

from __future__ import annotations

from html import escape

from fr2en.types import DocumentChunk, DocumentHeader, DocumentSummary

_STYLE = """
:root { color-scheme: light dark; --ok: #2e7d32; --mid: #b26a00; --bad: #c62828; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #8884; padding: .4rem .5rem; text-align: left; vertical-align: top; }
td.fr, td.en { width: 42%; }
td.score { font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.para-start td { border-top: 2px solid #8888; }
.badge { display: inline-block; font-size: 11px; padding: 0 .35rem; margin: 1px; border-radius: .6rem;
  background: #c6282822; color: var(--bad); }
.s-ok { color: var(--ok); } .s-mid { color: var(--mid); } .s-bad { color: var(--bad); font-weight: 600; }
footer { color: #888; font-size: 12px; margin-top: 1.5rem; overflow-wrap: anywhere; }
@media (max-width: 40rem) { td.fr, td.en { display: block; width: auto; } th.fr, th.en { display: none; } }
@media print { body { max-width: none; } .badge { border: 1px solid; } }
"""


def _score_class(score: float) -> str:
    return "s-ok" if score >= 0.7 else "s-mid" if score >= 0.5 else "s-bad"


def header(doc: DocumentHeader) -> str:
    """The page head, the title and the table's opening."""
    title = escape(doc.name)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} — fr2en</title><style>{_STYLE}</style></head><body>\n"
        f"<h1>{title}</h1>\n"
        '<table><thead><tr><th>#</th><th class="fr">Français</th><th class="en">English</th>'
        "<th>Score</th></tr></thead><tbody>\n"
    )


def rows(chunk: DocumentChunk) -> str:
    """One table row per pair; a paragraph's first row is marked."""
    lines: list[str] = []
    previous = None if chunk.first_number == 1 else -1
    for number, pair in enumerate(chunk.pairs, start=chunk.first_number):
        starts_paragraph = previous is not None and pair.paragraph != previous
        previous = pair.paragraph
        badges = "".join(f'<span class="badge">{escape(flag)}</span>' for flag in pair.scores.flags)
        score = pair.scores.score
        lines.append(
            f'<tr id="p{number}" class="{"para-start" if starts_paragraph else ""}" data-score="{score:.4f}">'
            f'<td class="n">{number}</td>'
            f'<td class="fr" lang="fr">{escape(pair.source)}</td>'
            f'<td class="en" lang="en">{escape(pair.target)}</td>'
            f'<td class="score"><span class="{_score_class(score)}">{score:.2f}</span> {badges}</td></tr>\n'
        )
    return "".join(lines)


def footer(doc: DocumentHeader, summary: DocumentSummary) -> str:
    """The table's end, the summary and the run signature."""
    text = (
        f"{summary.pairs} pairs, mean score {summary.mean_score:.2f}, {summary.flagged} flagged"
        if summary.mean_score is not None
        else "empty document"
    )
    return (
        "</tbody></table>\n"
        f'<p class="summary">{escape(text)}</p>\n'
        f"<footer>{escape(doc.signature.as_text())}</footer>\n</body></html>\n"
    )
