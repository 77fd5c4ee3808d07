"""Markdown, parsed with markdown-it-py (CommonMark and GFM tables), translated in place into ``name.en.md``.

Every paragraph, heading and table cell is a block. The file is rebuilt line by line: a block's
first line keeps its prefix (``# ``, ``> ``, ``- ``, ``1. ``, indentation) and any closing ``##``,
and gets the block's English, rebuilt from the parser's inline tokens: emphasis, strong emphasis,
strikethrough and links are put back around the English words :func:`fr2en.formats.project_marks`
finds for them; link URLs and titles, code spans, images, autolinks and inline HTML are kept
verbatim. A paragraph's English is one line (its other lines are removed). Table rows keep their
pipes and padding. Code blocks, fences, HTML blocks, blank lines and everything else are kept byte
for byte, and so is a YAML front matter block. Reference links come back as inline links, a hard
line break inside a paragraph as a space, and characters that Markdown would read as markup in the
English are escaped.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fr2en.config import Settings
from fr2en.formats import (
    Block,
    Mark,
    SourceDocument,
    Wrap,
    document_from_blocks,
    missing_extra,
    render_marked,
)

_SPACE = re.compile(r"\s+")
_ESCAPED = re.compile(r"([\\`*_\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")
_PAIRED = {"em": True, "strong": True, "s": True}


@dataclass(frozen=True)
class _Place:
    """Where a block's English goes: the whole of a line (``prefix`` + English + ``suffix``, and
    ``drop`` more lines removed), or cell ``cell`` of a table row."""

    line: int
    prefix: str = ""
    suffix: str = ""
    drop: int = 0
    cell: int = -1


def _parser() -> Any:
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        raise missing_extra("markdown-it-py", "Markdown inputs") from None
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # Link URLs are kept exactly as written (no percent-encoding).
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    return md


def _destination(href: str, title: str) -> str:
    balanced = href.count("(") == href.count(")")
    target = f"<{href}>" if (not href or not balanced or re.search(r"[\s<>]", href)) else href
    if title:
        target += ' "' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"({target})"


def _code(content: str, markup: str) -> str:
    pad = " " if content.startswith(("`", " ")) or content.endswith(("`", " ")) else ""
    return f"{markup}{pad}{content}{pad}{markup}"


def _inline(children: Sequence[Any]) -> tuple[Block, tuple[Wrap, ...]]:
    """A block's text and marks from the parser's inline tokens."""
    text = ""
    marks: list[Mark] = []
    wraps: list[Wrap] = []
    stack: list[int] = []

    def add(piece: str) -> None:
        nonlocal text
        piece = _SPACE.sub(" ", piece)
        if not text or text.endswith(" "):
            piece = piece.lstrip(" ")
        text += piece

    def point(raw: str, shown: str) -> None:
        before = len(text)
        add(shown)
        marks.append(Mark(before, len(text), len(wraps)))
        wraps.append(
            Wrap(raw, point=True, blank=not text[before:].strip(), parent=stack[-1] if stack else -1)
        )

    index = 0
    while index < len(children):
        token = children[index]
        kind = token.type
        if kind == "text":
            add(token.content)
        elif kind in ("softbreak", "hardbreak"):
            add(" ")
        elif kind == "code_inline":
            point(_code(token.content, token.markup), token.content)
        elif kind == "image":
            alt = "".join(c.content for c in token.children or [])
            point(
                f"![{alt}]"
                + _destination(str(token.attrs.get("src", "")), str(token.attrs.get("title", ""))),
                "",
            )
        elif kind == "html_inline":
            point(token.content, "")
        elif kind == "link_open" and token.markup == "autolink":
            close = next(i for i in range(index, len(children)) if children[i].type == "link_close")
            shown = "".join(c.content for c in children[index + 1 : close])
            point(f"<{token.attrs.get('href', '')}>", shown)
            index = close
        elif kind.endswith("_open") and (kind[:-5] in _PAIRED or kind == "link_open"):
            if kind == "link_open":
                wrap = Wrap(
                    "[",
                    "]" + _destination(str(token.attrs.get("href", "")), str(token.attrs.get("title", ""))),
                )
            else:
                wrap = Wrap(token.markup, token.markup)
            marks.append(Mark(len(text), len(text), len(wraps)))
            wraps.append(Wrap(wrap.open, wrap.close, parent=stack[-1] if stack else -1))
            stack.append(len(wraps) - 1)
        elif kind.endswith("_close") and stack:
            opened = stack.pop()
            marks[opened] = Mark(marks[opened].start, len(text), opened)
        else:
            add(token.content)
        index += 1
    stripped = text.rstrip(" ")
    marks = [Mark(min(m.start, len(stripped)), min(m.end, len(stripped)), m.tag) for m in marks]
    return Block(stripped, tuple(marks)), tuple(wraps)


def _escape(text: str) -> str:
    return _ESCAPED.sub(r"\\\1", text)


def _escape_cell(text: str) -> str:
    return _escape(text).replace("|", "\\|")


def _cells(line: str) -> list[tuple[int, int]]:
    """The spans of a table row's cells (between unescaped pipes, outer pipes optional)."""
    cuts = [i for i, char in enumerate(line) if char == "|" and (i == 0 or line[i - 1] != "\\")]
    edges = [-1, *cuts, len(line)]
    spans = [(a + 1, b) for a, b in itertools.pairwise(edges)]
    if cuts and not line[: cuts[0]].strip():
        spans = spans[1:]
    if cuts and not line[cuts[-1] + 1 :].strip():
        spans = spans[:-1]
    return spans


def _place(lines: Sequence[str], first: int, content: str, heading: bool) -> _Place:
    """How the first line of a block whose inline source is ``content`` keeps its markers (and a
    heading its closing ``#``s)."""
    line = lines[first]
    head = content.split("\n")[0]
    at = len(line.rstrip()) - len(head.rstrip())
    if not head or at < 0 or line[at:].rstrip() != head.rstrip():
        at = line.find(head) if head else -1
    if at < 0:
        match = re.match(r"[\s>*+#\d.)-]*", line)
        at = match.end() if match else 0
    suffix = line[at + len(head.rstrip()) :] if heading else ""
    return _Place(first, line[:at], suffix, content.count("\n"))


def _front_matter(lines: Sequence[str]) -> int:
    """How many lines a YAML front matter block at the top takes (0 without one)."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return index + 1
    return 0


def extract(data: bytes, name: str, settings: Settings) -> SourceDocument:
    """A Markdown file: its paragraphs, headings and table cells, and a rebuild into ``name.en.md``."""
    from fr2en.read import decode, normalise

    text, encoding = decode(data)
    text = normalise(text)
    lines = text.split("\n")
    # YAML front matter (Jekyll, Hugo…) is kept as it is: parsed as blank lines, line numbers kept.
    front = _front_matter(lines)
    tokens = _parser().parse("\n" * front + "\n".join(lines[front:]))
    blocks: list[Block] = []
    wraps: list[tuple[Wrap, ...]] = []
    places: list[_Place] = []
    row_line = -1
    cell = 0
    for index, token in enumerate(tokens):
        if token.type == "tr_open" and token.map:
            row_line, cell = token.map[0], 0
        if token.type != "inline" or not token.map:
            continue
        parent = tokens[index - 1].type if index else ""
        block, marks = _inline(token.children or [])
        if parent in ("th_open", "td_open"):
            place = _Place(row_line, cell=cell)
            cell += 1
        else:
            place = _place(lines, token.map[0], token.content, heading=parent == "heading_open")
        if block.text.strip():
            blocks.append(block)
            wraps.append(marks)
            places.append(place)
    document = document_from_blocks(name, blocks, encoding)

    def rebuild(english: Sequence[str]) -> bytes:
        if len(english) != len(blocks):
            raise ValueError(f"{name}: {len(english)} translations for {len(blocks)} blocks")
        out = list(lines)
        dropped: set[int] = set()
        cells: dict[int, dict[int, str]] = {}
        for block, marks, place, translation in zip(blocks, wraps, places, english, strict=True):
            if place.cell >= 0:
                cells.setdefault(place.line, {})[place.cell] = render_marked(
                    block, translation, marks, _escape_cell
                )
                continue
            rendered = render_marked(block, translation, marks, _escape)
            rendered = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), rendered, count=1)
            out[place.line] = place.prefix + rendered + place.suffix
            dropped.update(range(place.line + 1, place.line + 1 + place.drop))
        for line, by_cell in cells.items():
            source = out[line]
            pieces: list[str] = []
            position = 0
            for number, (start, end) in enumerate(_cells(source)):
                if number not in by_cell:
                    continue
                segment = source[start:end]
                lead = segment[: len(segment) - len(segment.lstrip())]
                trail = segment[len(segment.rstrip()) :]
                pieces += [source[position:start], lead, by_cell[number], trail]
                position = end
            out[line] = "".join(pieces) + source[position:]
        return "\n".join(line for i, line in enumerate(out) if i not in dropped).encode("utf-8")

    return SourceDocument(document, tuple(blocks), rebuild, ".en.md")


def encoding_of(data: bytes) -> str:
    """How a Markdown file's bytes are decoded (for the scan and the report)."""
    from fr2en.read import decode

    return decode(data)[1]
