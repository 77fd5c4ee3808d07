"""What fr2en's two HTML pages (a document's ``.html`` and a batch's ``report.html``) share.

Both pages are self-contained: one inline stylesheet and one inline script, nothing fetched. A strict
Content-Security-Policy names those two by their SHA-256 hashes, so that even if some article text
slipped through unescaped, a browser would refuse to run or style anything else in the page.
"""

from __future__ import annotations

import base64
import hashlib
import math
from datetime import datetime, timedelta
from html import escape

from fr2en._version import __version__

BASE_STYLE = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #fff; --muted: #666; --line: #d8d8d8;
  --head: #f4f4f6; --hl: #fff1a8; --hover: #eef3fb; --accent: #1d5bbf; --flag: #b3261e; --flag-bg: #fde8e6; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e6e6; --bg: #17181a; --muted: #a3a3a3; --line: #3a3b3e; --head: #222326;
    --hl: #4d4410; --hover: #23272e; --accent: #86b3ff; --flag: #ff8f85; --flag-bg: #4a1f1b; }
}
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); margin: 0 auto; max-width: 80rem; padding: 0 1rem 1rem; }
h1 { font-size: 1.35rem; margin: 1rem 0 .5rem; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: .45rem .55rem; text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pill { display: inline-block; min-width: 2.6rem; padding: 0 .4rem; border-radius: .7rem; color: #fff;
  text-align: center; font-variant-numeric: tabular-nums; font-weight: 600; }
.badge { display: inline-block; font-size: 11.5px; line-height: 1.5; padding: 0 .4rem; margin: 1px 0;
  border-radius: .6rem; background: var(--flag-bg); color: var(--flag); white-space: nowrap; }
.muted { color: var(--muted); }
footer { color: var(--muted); font-size: 12px; margin-top: 1.5rem; border-top: 1px solid var(--line);
  padding-top: .5rem; overflow-wrap: anywhere; }
footer code { font-size: 11.5px; }
time, .duration { white-space: nowrap; }
@media print {
  :root { color-scheme: light; --fg: #000; --bg: #fff; --line: #999; --head: #eee; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  .pill, .badge { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .badge { border: 1px solid; }
  a { color: inherit; text-decoration: none; }
}
"""

# Eleven score colours from red (0) to green (1), as classes: a colour per row needs no style attribute,
# which the Content-Security-Policy forbids.
SCORE_STYLE = "".join(f".q{step} {{ background: hsl({step * 13} 62% 36%); }}\n" for step in range(11))


def score_pill(score: float) -> str:
    """The score as a number on a background coloured from red (0) to green (1)."""
    step = 0 if math.isnan(score) else min(10, max(0, round(score * 10)))
    return f'<span class="pill q{step}">{score:.2f}</span>'


def _digest(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def policy(style: str, script: str, connect_self: bool = False) -> str:
    """The Content-Security-Policy that allows only ``style`` and ``script`` (by hash); with
    ``connect_self``, also requests to the page's own origin (fr2en serve's page)."""
    return (
        f"default-src 'none'; script-src 'sha256-{_digest(script)}'; style-src 'sha256-{_digest(style)}'; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
        + ("; connect-src 'self'" if connect_self else "")
    )


def head(title: str, style: str, script: str, connect_self: bool = False) -> str:
    """The doctype and ``<head>``: a policy that allows only ``style`` and ``script`` (by hash), then the style.

    The script itself goes at the end of the body, inside ``<script>`` tags, exactly as given.
    """
    policy_text = policy(style, script, connect_self)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy_text}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="fr2en {escape(__version__)}">\n'
        f"<title>{escape(title)}</title>\n<style>{style}</style>\n</head>\n"
    )


def signature_footer(signature_text: str) -> str:
    """The page footer: which fr2en made it, and the run signature."""
    return f"<footer>Made by fr2en · run signature <code>{escape(signature_text)}</code></footer>\n"


# Shows each <time class="local"> in the reader's own time zone (the page says UTC without a script).
LOCAL_TIME_SCRIPT = """
for (const node of document.querySelectorAll("time.local")) {
  const when = new Date(node.dateTime);
  if (Number.isNaN(when.getTime())) continue;
  node.title = node.textContent;
  node.textContent = when.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}
"""


def duration(seconds: float) -> str:
    """A duration for people: ``6.5 s``, ``2 min 05 s``, ``1 h 02 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def _readable(moment: str) -> str:
    """An ISO 8601 time as ``2025-01-01 10:00:06 UTC`` (or with its offset); unparsable text as it is."""
    try:
        when = datetime.fromisoformat(moment)
    except ValueError:
        return moment
    offset = when.utcoffset()
    zone = "" if offset is None else " UTC" if offset == timedelta(0) else when.strftime(" UTC%z")
    return when.strftime("%Y-%m-%d %H:%M:%S") + zone


def time_span(started: str, finished: str, seconds: float) -> str:
    """When a run started and how long it took, as HTML: ``<time>`` elements (shown in the reader's
    local time by :data:`LOCAL_TIME_SCRIPT`) that never wrap inside a date, then the duration."""
    if not started:
        return f'<span class="duration">{duration(seconds)}</span>'
    ended = f' → <time class="local" datetime="{escape(finished)}">{escape(_readable(finished))}</time>'
    return (
        f'<time class="local" datetime="{escape(started)}">{escape(_readable(started))}</time>'
        + (ended if finished else "")
        + f' · <span class="duration">took {duration(seconds)}</span>'
    )
