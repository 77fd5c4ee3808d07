"""The page at ``/``: paste French or drop a file, translate, review the pairs, download the outputs.

The review part is the HTML output's own view (:mod:`fr2en.write.html`): its toolbar and table, its
stylesheet and script (filter, counterpart highlighting, ``j``/``k`` keyboard navigation). This page
only adds the input box and a small script that asks ``/v1/translate?format=view`` for the table's
rows (rendered, and escaped, by the same writer), puts them in and tells the view with a
``fr2en:rows`` event. Its Content-Security-Policy is the output's plus ``connect-src 'self'``.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from fr2en.write import html, page

DOWNLOADS = ("tmx", "xlf", "tsv", "jsonl", "md", "html", "txt")

_STYLE = (
    html.STYLE
    + """
.input textarea { width: 100%; min-height: 9rem; font: inherit; padding: .5rem; color: var(--fg);
  background: var(--bg); border: 1px solid var(--line); border-radius: .4rem; resize: vertical; }
.actions { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem .9rem; margin: .5rem 0; }
.actions button, .downloads button { font: inherit; padding: .2rem .8rem; border: 1px solid var(--line);
  border-radius: .4rem; background: var(--head); color: var(--fg); cursor: pointer; }
#translate { background: var(--accent); color: var(--bg); border-color: var(--accent); font-weight: 600; }
.actions button:disabled { opacity: .5; cursor: default; }
.downloads { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }
.downloads[hidden] { display: none; }
#state { color: var(--muted); }
body.dragging .input textarea { outline: 2px dashed var(--accent); }
"""
)

_PAGE_SCRIPT = """
(() => {
  "use strict";
  const text = document.getElementById("french");
  const picker = document.getElementById("file");
  const go = document.getElementById("translate");
  const state = document.getElementById("state");
  const tbody = document.querySelector("table.pairs tbody");
  const summary = document.getElementById("summary");
  const signature = document.getElementById("signature");
  const downloads = document.getElementById("downloads");
  let file = null;

  const post = async (format) => {
    const init = { method: "POST" };
    if (file) {
      init.body = new FormData();
      init.body.append("file", file, file.name);
    } else {
      init.body = JSON.stringify({ text: text.value });
      init.headers = { "Content-Type": "application/json" };
    }
    const response = await fetch("/v1/translate?format=" + encodeURIComponent(format), init);
    if (!response.ok) {
      let message = response.status + " " + response.statusText;
      try { message = (await response.json()).error || message; } catch (error) { /* not JSON */ }
      throw new Error(message);
    }
    return response;
  };
  const translate = async () => {
    go.disabled = true;
    state.textContent = "Translating…";
    try {
      const view = await (await post("view")).json();
      // The rows come from fr2en's own HTML writer, every piece of article text escaped.
      const template = document.createElement("template");
      template.innerHTML = "<table><tbody>" + view.rows + "</tbody></table>";
      tbody.replaceChildren(...template.content.querySelectorAll("tr"));
      summary.textContent = view.summary;
      signature.textContent = view.signature;
      downloads.hidden = false;
      state.textContent = "";
      document.dispatchEvent(new Event("fr2en:rows"));
    } catch (error) {
      state.textContent = "Error: " + error.message;
    } finally {
      go.disabled = false;
    }
  };
  const choose = (chosen) => {
    file = chosen || null;
    state.textContent = file ? "File: " + file.name : "";
  };

  go.addEventListener("click", translate);
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); translate(); }
  });
  text.addEventListener("input", () => { picker.value = ""; choose(null); });
  picker.addEventListener("change", () => choose(picker.files[0]));
  document.addEventListener("dragover", (event) => {
    event.preventDefault();
    document.body.classList.add("dragging");
  });
  document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
  document.addEventListener("drop", (event) => {
    event.preventDefault();
    document.body.classList.remove("dragging");
    if (event.dataTransfer.files.length) choose(event.dataTransfer.files[0]);
  });
  downloads.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-format]");
    if (!button) return;
    try {
      const response = await post(button.dataset.format);
      const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = named ? named[1] : "fr2en." + button.dataset.format;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    } catch (error) {
      state.textContent = "Error: " + error.message;
    }
  });
})();
"""

# One script element, so one hash: the page's part, then the review view's.
_SCRIPT = _PAGE_SCRIPT + html.SCRIPT


def content_security_policy() -> str:
    """The page's policy, sent as a header too: its own style and script, requests to itself only."""
    return page.policy(_STYLE, _SCRIPT, connect_self=True)


@lru_cache(maxsize=1)
def render() -> str:
    """The whole page (it holds no per-request data)."""
    buttons = "".join(
        f'<button type="button" data-format="{fmt}">{escape(fmt.upper())}</button>' for fmt in DOWNLOADS
    )
    return (
        page.head("fr2en — French → English", _STYLE, _SCRIPT, connect_self=True)
        + "<body>\n<h1>fr2en — French → English, sentence by sentence</h1>\n"
        '<section class="input">\n'
        '<textarea id="french" lang="fr" spellcheck="false" aria-label="French text" '
        'placeholder="Collez ici un texte en français, ou déposez un fichier…"></textarea>\n'
        '<div class="actions"><button type="button" id="translate" title="Ctrl+Enter">Translate</button>'
        '<label>or a file: <input type="file" id="file" accept=".txt,.md,.html,.htm,text/*"></label>'
        '<span id="state" role="status" aria-live="polite"></span></div>\n'
        f'<div class="downloads" id="downloads" hidden>Download: {buttons}</div>\n'
        "</section>\n" + html.review_table() + "</tbody></table>\n"
        '<p class="summary" id="summary"></p>\n'
        '<footer>Made by fr2en · run signature <code id="signature"></code> · '
        '<a href="/docs">API</a></footer>\n'
        f"<script>{_SCRIPT}</script>\n</body></html>\n"
    )
