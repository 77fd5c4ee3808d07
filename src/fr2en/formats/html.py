"""Web pages: the article of a saved page (``--html article``), or the whole page in place (``--html page``).

Article: trafilatura finds the page's title and article paragraphs (navigation, ads, footers and
comments dropped); the outputs are the bilingual ones only, no rebuild.

Page: the page is tokenised with the standard library's tolerant HTML parser, which reports where
every tag and every run of text starts, so the translated page is the original with only the text
of its blocks replaced: every tag, attribute, comment, script and style outside that text is kept
byte for byte. A block is the text between two block-level tags (``<p>``, ``<h1>``, ``<li>``,
``<td>``, ``<title>``…); inline tags (``<b>``, ``<a>``, ``<em>``, ``<span>``…) do not end it, so a
sentence that runs across them is translated whole, and the tags are put back around the English
words that :func:`fr2en.formats.project_marks` finds for them. ``script``, ``style``, ``pre``,
``textarea``, ``template`` and anything marked ``translate="no"`` (or ``class="notranslate"``) are
left untouched; inline ``code``, ``kbd``, ``samp``, ``var``, images and line breaks inside a
sentence are kept verbatim, at the English position of their French one. ``<html lang>`` becomes
``en``. The page is written back in the encoding its ``<meta charset>`` declares (characters that
encoding lacks become character references).

Decoding: a byte-order mark decides; else valid UTF-8 is UTF-8 (whatever the page declares, since
a declared single-byte charset on UTF-8 bytes is a common mistake); else the declared charset if
it decodes the page; else Windows-1252.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from fr2en.config import Settings
from fr2en.errors import InputError
from fr2en.formats import (
    Block,
    Mark,
    SourceDocument,
    Wrap,
    document_from_blocks,
    missing_extra,
    render_marked,
)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_SPACE = re.compile(r"[ \t\n\r\f]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_LANG = re.compile(r"""(\s(?:xml:)?lang\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]*)""", re.IGNORECASE)

# Tags that do not end a block: a sentence runs across them and they are put back around its English.
INLINE = frozenset(
    "a abbr b bdi bdo big cite data del dfn em font i ins label mark nobr q rp rt ruby s small span "
    "strike strong sub sup time tt u".split()
)
# Kept verbatim inside a block, at the English position of their French (their text is shown to the
# model so that the sentence around them reads whole, but never replaced).
OPAQUE_INLINE = frozenset(
    "audio br canvas code embed iframe img input kbd math meter object picture progress samp svg var "
    "video wbr".split()
)
# Kept verbatim and never translated; they end a block.
SKIPPED = frozenset("pre script style textarea template noscript select xmp".split())
# A page is taken to hold an article when one of its extracted lines has at least this many words.
ARTICLE_MIN_WORDS = 5
# Inline elements kept verbatim whose text the model still sees (the rest show it nothing).
_SHOWN = frozenset("code kbd samp var".split())
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


@dataclass(frozen=True)
class Decoded:
    """A page's text, how it was decoded, and how to encode it back."""

    text: str
    encoding: str
    output_encoding: str
    bom: bytes = b""


def _known(name: bytes | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def decode_markup(data: bytes) -> Decoded:
    """Decode a page (see the module doc); InputError for binary content."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(codec), codec, codec, bom)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"starts with a {codec} byte-order mark but is not {codec}: {exc.reason}"
                ) from None
    from fr2en.read import is_binary

    if is_binary(data):
        raise InputError("not a text file (binary content)")
    head = data[:8192]
    match = _XML_DECLARED.match(head) or _DECLARED.search(head)
    declared = _known(match.group(1) if match else None)
    if declared and declared.startswith(("utf-16", "utf-32")):
        declared = None  # bytes without a BOM that parse as ASCII tags are not UTF-16
    try:
        return Decoded(data.decode("utf-8"), "utf-8", declared or "utf-8")
    except UnicodeDecodeError:
        pass
    if declared and declared != "utf-8":
        try:
            return Decoded(data.decode(declared), declared, declared)
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(data.decode("cp1252"), "cp1252", declared or "cp1252")
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1", declared or "latin-1")


def clean(text: str) -> str:
    """Text as a block holds it: control characters removed, Unicode NFC, whitespace runs as one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", _CONTROL.sub("", text)))


# --- Tokens ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # start, startend, end, data, other
    tag: str
    start: int
    end: int
    text: str = ""
    keep: bool = False  # translate="no" or class="notranslate"


class _Tokenizer(HTMLParser):
    """Every event of the page with the offset where it starts (its end is where the next starts)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [0]
        for line in text.split("\n")[:-1]:
            self.lines.append(self.lines[-1] + len(line) + 1)
        self.events: list[tuple[str, str, int, str, bool]] = []

    def _at(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def _tag(self, kind: str, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        keep = (
            values.get("translate", "").strip().lower() == "no"
            or "notranslate" in values.get("class", "").split()
        )
        self.events.append((kind, tag, self._at(), "", keep))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag("start", tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag("startend", tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag, self._at(), "", False))

    def handle_data(self, data: str) -> None:
        self.events.append(("data", "", self._at(), data, False))

    def _other(self) -> None:
        self.events.append(("other", "", self._at(), "", False))

    def handle_comment(self, data: str) -> None:
        self._other()

    def handle_decl(self, decl: str) -> None:
        self._other()

    def handle_pi(self, data: str) -> None:
        self._other()

    def unknown_decl(self, data: str) -> None:
        self._other()


def tokenize(text: str) -> list[_Token]:
    """The page's events, each with its span of ``text``; spans tile the text without gaps."""
    parser = _Tokenizer(text)
    parser.feed(text)
    parser.close()
    events = parser.events
    tokens = []
    for index, (kind, tag, start, data, keep) in enumerate(events):
        end = events[index + 1][2] if index + 1 < len(events) else len(text)
        if kind == "start" and tag in VOID:
            kind = "startend"
        tokens.append(_Token(kind, tag, start, end, data, keep))
    return tokens


def _matching_end(tokens: Sequence[_Token], index: int) -> int | None:
    """The index of the end tag that closes ``tokens[index]`` (itself for an empty tag), None if none does."""
    opened = tokens[index]
    if opened.kind != "start":
        return index
    depth = 0
    for at in range(index + 1, len(tokens)):
        token = tokens[at]
        if token.tag == opened.tag and token.kind == "start":
            depth += 1
        elif token.tag == opened.tag and token.kind == "end":
            if depth == 0:
                return at
            depth -= 1
    return None


# --- Blocks -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """A piece of a run of inline content: text, an inline tag, or something kept verbatim."""

    kind: str  # text, open, close, point
    start: int
    end: int
    tag: str = ""
    text: str = ""


@dataclass(frozen=True)
class _PageBlock:
    start: int
    end: int
    block: Block
    entries: tuple[Wrap, ...]


def _region(items: Sequence[_Item], raw: str) -> tuple[int, int, int, int] | None:
    """The items that hold the run's content (first, last) and its span without outer whitespace."""
    solid = [i for i, item in enumerate(items) if item.kind != "text" or item.text.strip()]
    if not any(items[i].kind == "text" for i in solid):
        return None
    first, last = solid[0], solid[-1]
    start, end = items[first].start, items[last].end
    if items[first].kind == "text":
        segment = raw[items[first].start : items[first].end]
        start += len(segment) - len(segment.lstrip(" \t\n\r\f"))
    if items[last].kind == "text":
        segment = raw[items[last].start : items[last].end]
        end -= len(segment) - len(segment.rstrip(" \t\n\r\f"))
    return first, last, start, end


def _block_of(items: Sequence[_Item], raw: str) -> _PageBlock | None:
    """The block a run of inline content makes, or None when it holds no text."""
    found = _region(items, raw)
    if found is None:
        return None
    first, last, start, end = found
    inner = list(items[first : last + 1])
    # Pair open and close tags; any left unpaired is kept verbatim where it stands.
    partner: dict[int, int] = {}
    stack: list[int] = []
    for index, item in enumerate(inner):
        if item.kind == "open":
            stack.append(index)
        elif item.kind == "close":
            match = next((k for k in range(len(stack) - 1, -1, -1) if inner[stack[k]].tag == item.tag), None)
            if match is not None:
                partner[stack[match]] = index
                partner[index] = stack[match]
                del stack[match:]
    text = ""
    marks: list[Mark] = []
    entries: list[Wrap] = []
    open_marks: list[tuple[int, int]] = []  # (item index, mark index)

    def add(piece: str) -> None:
        nonlocal text
        piece = clean(piece)
        if text.endswith(" ") or not text:
            piece = piece.lstrip(" ")
        text += piece

    for index, item in enumerate(inner):
        parent = open_marks[-1][1] if open_marks else -1
        source = raw[item.start : item.end]
        if item.kind == "text":
            add(item.text)
        elif item.kind == "open" and index in partner:
            marks.append(Mark(len(text), len(text), len(entries)))
            entries.append(
                Wrap(source, raw[inner[partner[index]].start : inner[partner[index]].end], parent=parent)
            )
            open_marks.append((index, len(marks) - 1))
        elif item.kind == "close" and index in partner:
            while open_marks and open_marks[-1][0] != partner[index]:
                open_marks.pop()
            if open_marks:
                _, mark_index = open_marks.pop()
                marks[mark_index] = Mark(marks[mark_index].start, len(text), marks[mark_index].tag)
        else:
            before = len(text)
            add(item.text)
            blank = not text[before:].strip()
            marks.append(Mark(before, len(text), len(entries)))
            entries.append(Wrap(source, point=True, blank=blank, parent=parent))
    stripped = text.rstrip(" ")
    marks = [Mark(min(m.start, len(stripped)), min(m.end, len(stripped)), m.tag) for m in marks]
    return _PageBlock(start, end, Block(stripped, tuple(marks)), tuple(entries))


def _blocks(raw: str, tokens: Sequence[_Token]) -> tuple[list[_PageBlock], int | None]:
    """The page's blocks, and the index of its ``<html>`` start tag (None if it has none)."""
    blocks: list[_PageBlock] = []
    run: list[_Item] = []
    root = None

    def flush() -> None:
        found = _block_of(run, raw)
        if found is not None:
            blocks.append(found)
        run.clear()

    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "data":
            run.append(_Item("text", token.start, token.end, text=token.text))
        elif token.kind == "other":
            run.append(_Item("point", token.start, token.end))
        elif token.kind in ("start", "startend"):
            if token.tag == "html" and root is None:
                root = index
            inline = token.tag in INLINE or token.tag in OPAQUE_INLINE
            if token.tag in SKIPPED or (token.keep and not inline):
                flush()
                # Unclosed, it runs to the end of the page (as a browser reads a <script>).
                last = _matching_end(tokens, index)
                index = (len(tokens) if last is None else last) + 1
                continue
            if token.tag in OPAQUE_INLINE or token.keep or (token.kind == "startend" and inline):
                last = _matching_end(tokens, index)
                last = index if last is None else last
                inside = ""
                if token.tag == "br":
                    inside = " "
                elif token.tag in _SHOWN or token.keep:
                    inside = "".join(t.text for t in tokens[index : last + 1])
                run.append(_Item("point", token.start, tokens[last].end, token.tag, inside))
                index = last + 1
                continue
            if token.tag in INLINE:
                run.append(_Item("open", token.start, token.end, token.tag))
            else:
                flush()
        elif token.tag in INLINE:
            run.append(_Item("close", token.start, token.end, token.tag))
        else:
            flush()
        index += 1
    flush()
    return blocks, root


# --- Rebuild ------------------------------------------------------------------------------------------


def _render(english: str, block: _PageBlock) -> str:
    """The English of a block with its tags put back (see the module doc)."""
    return render_marked(block.block, english, block.entries, lambda text: html.escape(text, quote=False))


def _english_value(match: re.Match[str]) -> str:
    quote = match.group(2)[:1] if match.group(2)[:1] in ("'", '"') else ""
    return f"{match.group(1)}{quote}en{quote}"


def _lang_en(tag: str, xhtml: bool) -> str:
    """``<html …>`` with its language set to English (``lang``, and ``xml:lang`` in XHTML)."""
    if _LANG.search(tag):
        return _LANG.sub(_english_value, tag)
    closing = len(tag) - (2 if tag.endswith("/>") else 1)
    extra = ' lang="en"' + (' xml:lang="en"' if xhtml else "")
    return tag[:closing].rstrip() + extra + tag[closing:]


def extract_page(data: bytes, name: str, *, xhtml: bool = False) -> SourceDocument:
    """A whole page, to be translated in place: its blocks, and a rebuild that returns the page's bytes.

    ``xhtml`` also sets ``xml:lang`` on a root that has none. InputError when the page cannot be
    decoded or holds no text at all.
    """
    decoded = decode_markup(data)
    raw = decoded.text
    tokens = tokenize(raw)
    page_blocks, root = _blocks(raw, tokens)
    if not page_blocks:
        raise InputError("no text to translate in the page")
    tokens_root = None if root is None else (tokens[root].start, tokens[root].end)
    blocks = tuple(b.block for b in page_blocks)

    def rebuild(english: Sequence[str]) -> bytes:
        if len(english) != len(page_blocks):
            raise ValueError(f"{name}: {len(english)} translations for {len(page_blocks)} blocks")
        edits = [(b.start, b.end, _render(e, b)) for b, e in zip(page_blocks, english, strict=True)]
        if tokens_root is not None:
            start, end = tokens_root
            edits.append((start, end, _lang_en(raw[start:end], xhtml)))
        edits.sort()
        out: list[str] = []
        position = 0
        for start, end, replacement in edits:
            out.append(raw[position:start])
            out.append(replacement)
            position = end
        out.append(raw[position:])
        return decoded.bom + "".join(out).encode(decoded.output_encoding, errors="xmlcharrefreplace")

    document = document_from_blocks(name, blocks, decoded.encoding)
    return SourceDocument(document, blocks, rebuild, ".en.xhtml" if xhtml else ".en.html")


def extract_article(data: bytes, name: str) -> SourceDocument:
    """A saved page's article: its title and paragraphs, found by trafilatura; no rebuild."""
    decoded = decode_markup(data)
    try:
        import trafilatura
    except ImportError:
        raise missing_extra("trafilatura", "HTML articles (--html article)") from None
    found = trafilatura.bare_extraction(
        decoded.text, include_comments=False, include_tables=True, with_metadata=True, favor_precision=True
    )
    lines: list[str] = []
    if found is not None:
        if isinstance(found, dict):  # trafilatura before 1.9
            title, body = found.get("title") or "", found.get("text") or ""
        else:
            title, body = getattr(found, "title", None) or "", getattr(found, "text", None) or ""
        lines = [clean(line).strip() for line in [title, *body.split("\n")]]
        lines = [line for line in lines if line]
        if len(lines) > 1 and lines[0] == lines[1]:
            lines.pop(0)
    # What is left of a page without an article is a few links' words, never a sentence.
    if not any(len(line.split()) >= ARTICLE_MIN_WORDS for line in lines):
        raise InputError("no article text found in the page; try --html page to translate the whole page")
    blocks = tuple(Block(line) for line in lines)
    return SourceDocument(document_from_blocks(name, blocks, decoded.encoding), blocks)


def extract(data: bytes, name: str, settings: Settings) -> SourceDocument:
    """A web page as ``settings.input.html`` says: its article (default) or the whole page in place."""
    if settings.input.html == "page":
        return extract_page(data, name, xhtml=name.lower().endswith(".xhtml"))
    return extract_article(data, name)


def encoding_of(data: bytes) -> str:
    """How a page's bytes are decoded (for the scan and the report)."""
    return decode_markup(data).encoding
