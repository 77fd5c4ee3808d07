"""``.html``: a self-contained side-by-side page for reviewing a translation.

One row per aligned pair in paragraph order: French, English, the score as a coloured number and the
flags as badges, each with its meaning on hover; a legend of the flags present sits under the table,
and a link leads back to the run's ``report.html`` when there is one. A pair of several sentences
on one side (an n:m link) is one merged row marked with its shape (``2:1``); a sentence with no
counterpart (a null link) shows an explicit "no English" or "no French" on its empty side. Clicking
a sentence highlights its counterpart; a "flagged only" box hides the rest; ``j``/``n`` and
``k``/``p`` jump to the next and previous flagged pair.

Every piece of article text is HTML-escaped, and the page's Content-Security-Policy lets only its own
inline script and style run (see :mod:`fr2en.write.page`). The script sits in the footer and counts
what it needs in the browser, so the rows can be written chunk by chunk as they are translated.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

# The flags' meanings are data (no scoring code runs here): the page explains the badges it shows.
from fr2en.score import FLAG_DESCRIPTIONS
from fr2en.types import AlignedPair, DocumentHeader, DocumentSummary, PairChunk
from fr2en.write import page

_STYLE = (
    page.BASE_STYLE
    + page.SCORE_STYLE
    + """
.toolbar { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; align-items: center;
  gap: .4rem .9rem; padding: .45rem 0; background: var(--bg); border-bottom: 1px solid var(--line); }
.toolbar[hidden] { display: none; }
.toolbar label { display: inline-flex; align-items: center; gap: .35rem; cursor: pointer; }
.toolbar button { font: inherit; padding: .15rem .65rem; border: 1px solid var(--line); border-radius: .4rem;
  background: var(--head); color: var(--fg); cursor: pointer; }
.toolbar button:disabled { opacity: .45; cursor: default; }
#status { color: var(--muted); }
.keys { color: var(--muted); font-size: 12.5px; margin-left: auto; }
kbd { font: 11.5px ui-monospace, monospace; border: 1px solid var(--line); border-radius: .25rem; padding: 0 .3rem; }
table.pairs { table-layout: fixed; margin-top: .5rem; }
table.pairs th.n { width: 3.2rem; }
table.pairs th.score { width: 16rem; }
.back { margin: .6rem 0 0; font-size: 13px; }
.legend { margin: 1rem 0 0; }
.legend h2 { font-size: 1rem; margin: 0 0 .3rem; }
.legend dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .7rem; margin: 0; }
.legend dd { margin: 0; }
.badge[title] { cursor: help; }
td.n { color: var(--muted); font-size: 12.5px; font-variant-numeric: tabular-nums; }
td.n a { color: inherit; text-decoration: none; }
td.fr, td.en { cursor: pointer; overflow-wrap: anywhere; }
td.score .badge { margin-right: .2rem; }
.shape { display: inline-block; margin-top: .2rem; font-size: 11px; padding: 0 .3rem; border-radius: .3rem;
  border: 1px solid var(--accent); color: var(--accent); }
.missing { color: var(--muted); font-style: italic; }
tr.para-start td { border-top: 2px solid var(--muted); }
tr.merged td.fr, tr.merged td.en { box-shadow: inset 3px 0 0 var(--accent); }
tr.flagged td.n { box-shadow: inset 3px 0 0 var(--flag); }
tr.pair:not(.active) td.fr:hover, tr.pair:not(.active) td.en:hover, tr.pair:not(.active) td.fr:hover + td.en,
tr.pair:not(.active):has(td.en:hover) td.fr { background: var(--hover); }
tr.active td.fr, tr.active td.en { background: var(--hl); }
tr.from-fr td.en, tr.from-en td.fr { outline: 2px solid var(--accent); outline-offset: -2px; }
tr.pair:focus { outline: none; }
tr.pair { scroll-margin-top: 5rem; }
body.flagged-only tr.pair:not(.flagged) { display: none; }
.summary { margin: 1rem 0 0; }
@media (max-width: 40rem) {
  body { padding: 0 .6rem .6rem; }
  .keys { display: none; }
  table.pairs { table-layout: auto; }
  table.pairs thead { display: none; }
  table.pairs tr.pair { display: grid; grid-template-columns: 2.4rem 1fr;
    grid-template-areas: "n score" "n fr" "n en"; border-bottom: 1px solid var(--line); padding: .35rem 0; }
  table.pairs td { border: 0; padding: .2rem .4rem; }
  tr.para-start { border-top: 2px solid var(--muted); }
  tr.para-start td { border-top: 0; }
  td.n { grid-area: n; } td.fr { grid-area: fr; } td.en { grid-area: en; } td.score { grid-area: score; }
  td.fr::before, td.en::before { display: block; font-size: 10.5px; font-weight: 600; color: var(--muted);
    letter-spacing: .04em; }
  td.fr::before { content: "FR"; } td.en::before { content: "EN"; }
}
@media print {
  .toolbar { display: none; }
  tr.pair { break-inside: avoid; }
  thead { display: table-header-group; }
  tr.active td.fr, tr.active td.en { background: none; }
  tr.from-fr td.en, tr.from-en td.fr { outline: none; }
}
"""
)

_SCRIPT = """
(() => {
  "use strict";
  let rows, flagged, position;
  const collect = () => {
    rows = Array.from(document.querySelectorAll("tr.pair"));
    flagged = rows.filter((row) => row.classList.contains("flagged"));
    position = new Map(rows.map((row, index) => [row, index]));
  };
  collect();
  const box = document.getElementById("flagged-only");
  const status = document.getElementById("status");
  let active = null;

  const select = (row, side) => {
    if (active) active.classList.remove("active", "from-fr", "from-en");
    active = row;
    if (row) row.classList.add("active", "from-" + side);
  };
  const report = () => {
    const at = active ? flagged.indexOf(active) : -1;
    status.textContent = !flagged.length
      ? `No flagged pairs among ${rows.length}.`
      : at >= 0
        ? `Flagged pair ${at + 1} of ${flagged.length}`
        : `${flagged.length} of ${rows.length} pairs flagged`;
  };
  const jump = (step) => {
    if (!flagged.length) return;
    const here = active ? position.get(active) : step > 0 ? -1 : rows.length;
    const next = step > 0
      ? flagged.find((row) => position.get(row) > here) || flagged[0]
      : flagged.findLast((row) => position.get(row) < here) || flagged[flagged.length - 1];
    select(next, "fr");
    next.focus({ preventScroll: true });
    next.scrollIntoView({ block: "center" });
    report();
  };
  const filter = (on) => {
    box.checked = on;
    document.body.classList.toggle("flagged-only", on);
    if (on && active && !active.classList.contains("flagged")) select(null);
    report();
  };

  document.querySelector("table.pairs").addEventListener("click", (event) => {
    const cell = event.target.closest("td.fr, td.en");
    if (!cell) return;
    select(cell.parentElement, cell.classList.contains("fr") ? "fr" : "en");
    report();
  });
  box.addEventListener("change", () => filter(box.checked));
  document.getElementById("next").addEventListener("click", () => jump(1));
  document.getElementById("previous").addEventListener("click", () => jump(-1));
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest && event.target.closest("textarea, select, input[type=text]")) return;
    const action = { j: 1, n: 1, k: -1, p: -1 }[event.key];
    if (action) jump(action);
    else if (event.key === "f") filter(!box.checked);
    else if (event.key === "Escape") { select(null); report(); }
    else return;
    event.preventDefault();
  });
  const ready = () => {
    for (const button of document.querySelectorAll("#next, #previous")) button.disabled = !flagged.length;
    document.querySelector(".toolbar").hidden = false;
    filter(box.checked);
  };
  // A page that replaces its rows (fr2en serve's page) says so with this event.
  document.addEventListener("fr2en:rows", () => { select(null); collect(); ready(); });
  ready();
})();
"""


def header(doc: DocumentHeader) -> str:
    """The page head, the title, the review toolbar and the table's opening."""
    return (
        page.head(f"{doc.name} — fr2en", _STYLE, _SCRIPT)
        + "<body>\n"
        + (
            f'<p class="back"><a href="{escape(doc.report)}">← All documents of the run</a></p>\n'
            if doc.report
            else ""
        )
        + f"<h1>{escape(doc.name)}</h1>\n"
        + review_table()
    )


def review_table() -> str:
    """The review toolbar and the pairs table's opening (the rows and ``</tbody></table>`` follow)."""
    return (
        # Hidden until the script runs: without it these controls would do nothing.
        '<nav class="toolbar" aria-label="Review" hidden>'
        '<label><input type="checkbox" id="flagged-only"> Flagged only</label>'
        '<button type="button" id="previous" title="Previous flagged pair (k or p)">↑ Previous flagged</button>'
        '<button type="button" id="next" title="Next flagged pair (j or n)">Next flagged ↓</button>'
        '<span id="status" role="status" aria-live="polite"></span>'
        '<span class="keys"><kbd>j</kbd>/<kbd>k</kbd> next/previous flagged · <kbd>f</kbd> filter · '
        "click a sentence to see its counterpart</span></nav>\n"
        '<table class="pairs"><thead><tr><th class="n">#</th><th class="fr" lang="fr">Français</th>'
        '<th class="en">English</th><th class="score">Score · flags</th></tr></thead>\n<tbody>\n'
    )


def _side(text: str, indices: tuple[int, ...], missing: str) -> str:
    if not indices:
        return f'<span class="missing">{missing}</span>'
    if not text:
        return '<span class="missing">(empty)</span>'
    return escape(text)


def _row(number: int, pair: AlignedPair, starts_paragraph: bool) -> str:
    shape = f"{len(pair.source_ids)}:{len(pair.target_ids)}"
    classes = ["pair"]
    if starts_paragraph:
        classes.append("para-start")
    if pair.quality.flags:
        classes.append("flagged")
    if shape != "1:1":
        classes.append("merged" if pair.source_ids and pair.target_ids else "null")
    marker = (
        f'<br><span class="shape" title="{len(pair.source_ids)} French ↔ {len(pair.target_ids)} English sentences">'
        f"{shape}</span>"
        if shape != "1:1"
        else ""
    )
    badges = "".join(f" {badge(flag)}" for flag in pair.quality.flags)
    return (
        f'<tr id="p{number}" class="{" ".join(classes)}" tabindex="-1" data-paragraph="{pair.paragraph + 1}"'
        f' data-src="{" ".join(map(str, pair.source_ids))}" data-tgt="{" ".join(map(str, pair.target_ids))}"'
        f' data-score="{pair.quality.score:.4f}" data-flags="{escape(" ".join(pair.quality.flags))}">'
        f'<td class="n"><a href="#p{number}">{number}</a>{marker}</td>'
        f'<td class="fr" lang="fr">{_side(pair.source, pair.source_ids, "no French sentence")}</td>'
        f'<td class="en" lang="en">{_side(pair.target, pair.target_ids, "no English sentence")}</td>'
        f'<td class="score">{page.score_pill(pair.quality.score)}{badges}</td></tr>\n'
    )


def badge(flag: str) -> str:
    """A flag as a badge that tells its meaning on hover."""
    meaning = FLAG_DESCRIPTIONS.get(flag)
    title = f' title="{escape(meaning)}"' if meaning else ""
    return f'<span class="badge"{title}>{escape(flag)}</span>'


def legend(flags: Sequence[str]) -> str:
    """What each of ``flags`` means, as a list under the table (nothing when no pair is flagged)."""
    if not flags:
        return ""
    entries = "".join(
        f"<dt>{badge(flag)}</dt><dd>{escape(FLAG_DESCRIPTIONS.get(flag, 'see the scoring notes'))}</dd>"
        for flag in flags
    )
    return f'<section class="legend" aria-label="Flags"><h2>Flags in this document</h2><dl>{entries}</dl></section>\n'


def rows(chunk: PairChunk) -> str:
    """One table row per pair; a paragraph's first row is marked (chunks start at paragraph breaks)."""
    lines: list[str] = []
    previous = None if chunk.first_number == 1 else -1
    for number, pair in enumerate(chunk.pairs, start=chunk.first_number):
        lines.append(_row(number, pair, previous is not None and pair.paragraph != previous))
        previous = pair.paragraph
    return "".join(lines)


def summary_text(summary: DocumentSummary) -> str:
    """The one-line summary under the table."""
    return (
        f"{summary.pairs} pairs from {summary.sentences} French sentences, mean score "
        f"{summary.mean_score:.2f}, {summary.flagged} flagged."
        if summary.mean_score is not None
        else "Empty document: no sentences."
    )


def footer(doc: DocumentHeader, summary: DocumentSummary) -> str:
    """The table's end, the summary, the run signature and the page's script."""
    text = summary_text(summary)
    notes = "".join(f'<p class="muted">{escape(note)}</p>\n' for note in summary.notes)
    return (
        "</tbody></table>\n"
        + legend(summary.flags)
        + f'<p class="summary">{escape(text)}</p>\n{notes}'
        + page.signature_footer(doc.signature.as_text())
        + f"<script>{_SCRIPT}</script>\n</body></html>\n"
    )


# The view's stylesheet and script, for another page that shows the same table (fr2en serve's page).
STYLE = _STYLE
SCRIPT = _SCRIPT
