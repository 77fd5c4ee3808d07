"""``report.html``: a batch run for people: one row per document, sortable, with totals and the signature.

Each row links the document's side-by-side page (when ``html`` was among the formats) and its other
outputs, by paths relative to the output folder where the report lives; a failed document shows its
reason. The data is :mod:`fr2en.write.report`'s (``report.json``), so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from pathlib import Path, PurePath
from urllib.parse import quote

from fr2en.fsutil import atomic_write_chunks
from fr2en.types import BatchReport, DocumentReport
from fr2en.write import FORMATS, page, report

_STYLE = (
    page.BASE_STYLE
    + page.SCORE_STYLE
    + """
.meta { color: var(--muted); margin: 0 0 .8rem; }
.warning { color: var(--flag); font-weight: 600; }
.table-wrap { overflow-x: auto; }
table.documents { min-width: 44rem; }
th { white-space: nowrap; }
th button { font: inherit; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
th button::after { content: " ↕"; color: var(--muted); font-size: 11px; }
th[aria-sort="ascending"] button::after { content: " ↑"; color: var(--fg); }
th[aria-sort="descending"] button::after { content: " ↓"; color: var(--fg); }
td.document a.page { font-weight: 600; }
td.document { overflow-wrap: anywhere; }
.files { font-size: 12px; }
.files a { color: var(--muted); margin-right: .4rem; }
.status { font-size: 12px; padding: 0 .4rem; border-radius: .6rem; background: var(--head); }
.run { font-size: 11px; padding: 0 .35rem; border-radius: .6rem; border: 1px solid var(--line);
  color: var(--muted); white-space: nowrap; }
.run.now { border-color: var(--accent); color: var(--accent); }
tr.failed .status { background: var(--flag-bg); color: var(--flag); font-weight: 600; }
tr.failed td.why { color: var(--flag); }
td.why { overflow-wrap: anywhere; }
tfoot td { font-weight: 600; border-top: 2px solid var(--muted); border-bottom: 0; }
@media (max-width: 40rem) {
  body { padding: 0 .6rem .6rem; }
  table.documents { min-width: 0; }
  table.documents thead tr { display: flex; flex-wrap: wrap; gap: .3rem; background: none; }
  table.documents thead th { border: 0; padding: .15rem .5rem; border-radius: .4rem; }
  table.documents tbody tr, table.documents tfoot tr { display: grid; grid-template-columns: 1fr 1fr;
    border-bottom: 1px solid var(--line); padding: .4rem 0; }
  table.documents td { border: 0; padding: .15rem .4rem; text-align: left; }
  table.documents td:empty { display: none; }
  td.document, td.why, tfoot td:first-child { grid-column: 1 / -1; }
  td[data-label]::before { content: attr(data-label) " "; color: var(--muted); font-size: 12px; font-weight: 400; }
}
@media print { th button::after { content: none; } .files { display: none; } }
"""
)

_SCRIPT = (
    """
(() => {
  "use strict";
  const table = document.querySelector("table.documents");
  const body = table.tBodies[0];
  const heads = Array.from(table.tHead.rows[0].cells);
  heads.forEach((th, column) => {
    const button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      for (const other of heads) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const numeric = th.classList.contains("num");
      const key = (row) => {
        const cell = row.cells[column];
        return cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
      };
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = key(a), y = key(b);
        // Blanks (no score, no time) stay at the bottom whichever the direction.
        if (x === "" || y === "") return (x === "") - (y === "");
        const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  });
})();
"""
    + page.LOCAL_TIME_SCRIPT
)

_COLUMNS = (
    ("Document", ""),
    ("Status", ""),
    ("Sentences", "num"),
    ("Mean score", "num"),
    ("Flagged", "num"),
    ("Seconds", "num"),
    ("Notes", ""),
)


NAME = "report.html"


def link_from(base: PurePath) -> str:
    """The link to ``report.html`` from the page of the document whose output base is ``base``
    (relative to the output folder, where the report sits)."""
    return "../" * (len(base.parts) - 1) + NAME


def _href(output: str) -> str:
    """A link to an output, relative to the report (which sits at the top of the output folder)."""
    return quote(PurePath(output).as_posix())


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _format_of(output: str) -> str:
    return next((name for name, fmt in FORMATS.items() if output.endswith(fmt.suffix)), PurePath(output).name)


def _page_of(document: DocumentReport) -> str | None:
    """The document's ``.html`` page, relative to the output folder; None when it has none."""
    pages = [o for o in document.outputs if o.endswith(FORMATS["html"].suffix)]
    # Folders made before the page was name.fr-en.html hold name.html (never name.en.html: a page
    # translated in place).
    pages += [o for o in document.outputs if o.endswith(".html") and not o.endswith(".en.html")]
    return pages[0] if pages else None


def _document_row(document: DocumentReport) -> str:
    page_path = _page_of(document)
    name = escape(document.input)
    title = f'<a class="page" href="{_href(page_path)}">{name}</a>' if page_path else name
    others = " ".join(
        f'<a href="{_href(o)}">{escape(_format_of(o))}</a>' for o in document.outputs if o != page_path
    )
    files = f'<br><span class="files">{others}</span>' if others else ""
    # Done now or skipped (made by an earlier run, its numbers kept): either way its outputs are there.
    counted = document.status in ("done", "skipped")
    score = (
        f'<td class="num" data-label="mean score" data-value="{document.mean_score:.4f}">'
        f"{page.score_pill(document.mean_score)}</td>"
        if counted and document.mean_score is not None
        else '<td class="num" data-value="">—</td>'
    )
    why = "; ".join((*([document.error] if document.error else []), *document.notes))
    run = (
        '<span class="run now" title="translated in this run">this run</span>'
        if report.this_run(document)
        else '<span class="run" title="outputs made by an earlier run, unchanged since; its numbers as recorded '
        'then">earlier run</span>'
        if counted
        else ""
    )
    return (
        f'<tr class="{escape(document.status)}">'
        f'<td class="document" data-value="{escape(document.input)}">{title}{files}</td>'
        f'<td><span class="status">{escape(document.status)}</span> {run}</td>'
        + (f'<td class="num" data-label="sentences">{document.sentences}</td>' if counted else "<td></td>")
        + score
        + (f'<td class="num" data-label="flagged">{document.flagged}</td>' if counted else "<td></td>")
        + f'<td class="num" data-label="seconds">{document.seconds:.2f}</td>'
        f'<td class="why">{escape(why)}</td></tr>\n'
    )


def render_chunks(batch: BatchReport) -> Iterator[str]:
    """The whole ``report.html`` page, a document's row at a time."""
    total = report.totals(batch)
    signature = batch.signature.as_text() if batch.signature else "(no documents translated)"
    heads = "".join(
        f'<th class="{kind}"><button type="button">{label}</button></th>' for label, kind in _COLUMNS
    )
    counts = f"{_plural(total['documents'], 'document')}: {total['done']} done, {total['failed']} failed" + (
        f", {total['skipped']} skipped (done by an earlier run)" if total["skipped"] else ""
    )
    mean = page.score_pill(total["mean_score"]) if total["mean_score"] is not None else "—"
    interrupted = '<p class="warning">The run was interrupted: documents after these were not done.</p>\n'
    yield (
        page.head("fr2en batch report", _STYLE, _SCRIPT) + "<body>\n<h1>fr2en batch report</h1>\n"
        f'<p class="meta">{escape(counts)} · output folder <code>{escape(batch.output_dir)}</code> · '
        f"{page.time_span(batch.started, batch.finished, batch.seconds)}</p>\n"
        + (interrupted if batch.interrupted else "")
        + '<div class="table-wrap"><table class="documents">\n'
        f"<thead><tr>{heads}</tr></thead>\n<tbody>\n"
    )
    for document in batch.documents:
        yield _document_row(document)
    yield (
        "</tbody>\n<tfoot><tr>"
        f"<td>Total ({_plural(total['documents'], 'document')})</td><td></td>"
        f'<td class="num" data-label="sentences">{total["sentences"]}</td>'
        f'<td class="num" data-label="mean score">{mean}</td>'
        f'<td class="num" data-label="flagged">{total["flagged"]}</td>'
        f'<td class="num" data-label="seconds">{batch.seconds:.2f}</td><td></td>'
        "</tr></tfoot>\n</table></div>\n"
        + page.signature_footer(signature)
        + f"<script>{_SCRIPT}</script>\n</body></html>\n"
    )


def render(batch: BatchReport) -> str:
    """The whole ``report.html`` page."""
    return "".join(render_chunks(batch))


def write_reports(batch: BatchReport, folder: Path) -> None:
    """Write ``report.json`` and ``report.html`` for ``batch`` into ``folder``, each atomically, a
    document at a time (a folder of ten thousand documents never has its whole page in memory)."""
    atomic_write_chunks(folder / report.NAME, report.render_chunks(batch))
    atomic_write_chunks(folder / NAME, render_chunks(batch))
