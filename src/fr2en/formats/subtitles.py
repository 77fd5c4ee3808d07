"""Subtitles (.srt, .vtt) translated in place: ``name.en.srt``/``name.en.vtt``.

Cue numbers, timings, cue settings, identifiers and the VTT header, NOTE, STYLE and REGION blocks
are copied line for line; only the text lines of each cue change. A sentence often runs over
several cues, so consecutive cues are grouped until one ends a sentence (``.``, ``!``, ``?``,
``…``, possibly closed by a quote or bracket), a new speaker starts (a line opening with ``-``),
or the group reaches :data:`MAX_GROUP` cues; each group is one block, translated whole. Its
English is shared back over the group's cues at word boundaries, in proportion to the lengths of
the French cues, never leaving a cue empty; within a cue, over as many lines as the French had.

Inline tags are not translated: a cue wholly in ``<i>…</i>`` (or ``<b>``, ``<u>``) stays so, a
leading VTT voice ``<v Name>`` or SRT ``{\\an8}`` position tag is kept, a line's leading dialogue
dash is kept; other tags inside a cue are dropped from the English.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from fr2en.config import Settings
from fr2en.errors import InputError
from fr2en.formats import Block, SourceDocument, document_from_blocks

# A sentence that never ends (no punctuation in the file) still makes blocks of bounded size.
MAX_GROUP = 8
_TIMING = re.compile(r"^\s*\S+\s+-->\s+\S+")
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<\d[\d:.,]*>|\{\\[^}]*\}")
_PREFIX = re.compile(r"^(?:\{\\[^}]*\}|<v(?:\.[\w.-]+)?(?:\s[^>]*)?>)+")
_WRAP = re.compile(r"^<(i|b|u)>(.*)</\1>$", re.DOTALL)
_DASH = re.compile(r"^(-\s*)(?=\S)")
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'»”’)\]]*\s*$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Cue:
    """A cue's text lines: ``lines[first:end]`` of the file, what to keep around them, and the text."""

    first: int
    end: int
    prefix: str
    wrap: str
    dashes: tuple[str, ...]
    line_texts: tuple[str, ...]

    @property
    def text(self) -> str:
        """The cue's words on one line, tags removed."""
        return " ".join(t for t in self.line_texts if t)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The file's text (NFC) and its line ending."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: starts with a {codec} byte-order mark but is not {codec}: {exc}"
                ) from None
            break
    else:
        if b"\x00" in data:
            raise InputError(f"{name}: not a subtitle file (binary content)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    newline = "\r\n" if "\r\n" in text else "\n"
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")), newline


def _clean(line: str, vtt: bool) -> str:
    text = _TAG.sub("", line)
    if vtt:
        text = html.unescape(text)
    return _SPACES.sub(" ", text).strip()


def _cue(lines: Sequence[str], first: int, end: int, vtt: bool) -> Cue:
    payload = "\n".join(lines[first:end])
    prefix_match = _PREFIX.match(payload)
    prefix = prefix_match.group(0) if prefix_match else ""
    payload = payload[len(prefix) :]
    if prefix.startswith("<v") and payload.endswith("</v>"):
        payload = payload[: -len("</v>")]
    wrap_match = _WRAP.match(payload)
    wrap = wrap_match.group(1) if wrap_match else ""
    if wrap_match:
        payload = wrap_match.group(2)
    dashes: list[str] = []
    texts: list[str] = []
    for line in payload.split("\n"):
        text = _clean(line, vtt)
        dash = _DASH.match(text)
        dashes.append(dash.group(1) if dash else "")
        texts.append(text[dash.end() :] if dash else text)
    return Cue(first, end, prefix, wrap, tuple(dashes), tuple(texts))


def parse(text: str, vtt: bool, name: str) -> tuple[list[str], list[Cue]]:
    """The file's lines and its cues (those with text), in order."""
    lines = text.split("\n")
    if vtt and not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise InputError(f"{name}: not a WebVTT file (it must start with WEBVTT)")
    cues: list[Cue] = []
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        start = index
        while index < len(lines) and lines[index].strip():
            index += 1
        block = lines[start:index]
        if vtt and (start == 0 or block[0].split(" ", 1)[0] in ("NOTE", "STYLE", "REGION")):
            continue
        timing = next((i for i, line in enumerate(block[:2]) if _TIMING.match(line)), None)
        if timing is None or start + timing + 1 >= index:
            continue
        cue = _cue(lines, start + timing + 1, index, vtt)
        if cue.text:
            cues.append(cue)
    if not cues:
        raise InputError(f"{name}: no subtitle cues found (is it an {'WebVTT' if vtt else 'SRT'} file?)")
    return lines, cues


def group(cues: Sequence[Cue]) -> list[list[Cue]]:
    """Consecutive cues that make up sentences, each group ending where a sentence does."""
    groups: list[list[Cue]] = []
    current: list[Cue] = []
    for position, cue in enumerate(cues):
        current.append(cue)
        following = cues[position + 1] if position + 1 < len(cues) else None
        if (
            following is None
            or _ENDS_SENTENCE.search(cue.text)
            or following.dashes[0]
            or len(current) >= MAX_GROUP
        ):
            groups.append(current)
            current = []
    return groups


def share(text: str, weights: Sequence[int]) -> list[str]:
    """``text`` cut at word boundaries into ``len(weights)`` parts of lengths in proportion to ``weights``.

    No part is empty when ``text`` has at least as many characters as there are parts: with fewer
    words than parts, words are cut (the one case where a cut falls inside a word).
    """
    count = len(weights)
    words = text.split()
    if count <= 1:
        return [" ".join(words)]
    if len(words) < count:
        # Characters, each with the spaces after it, so that no part is only a space.
        pieces = re.findall(r"\S\s*", " ".join(words))
        if len(pieces) < count:
            return [pieces[i].strip() if i < len(pieces) else "…" for i in range(count)]
        cuts = _cuts([len(piece) for piece in pieces], weights)
        return ["".join(pieces[a:b]).strip() for a, b in zip([0, *cuts], [*cuts, len(pieces)], strict=True)]
    cuts = _cuts([len(word) + 1 for word in words], weights)
    return [" ".join(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]


def _cuts(sizes: Sequence[int], weights: Sequence[int]) -> list[int]:
    """Where to cut items of ``sizes`` into len(weights) non-empty runs whose sizes follow ``weights``."""
    count = len(weights)
    total = sum(sizes)
    positions = [0]
    for size in sizes:
        positions.append(positions[-1] + size)
    shares = [max(weight, 1) for weight in weights]
    cuts: list[int] = []
    so_far = 0
    previous = 0
    for k in range(1, count):
        so_far += shares[k - 1]
        target = total * so_far / sum(shares)
        low, high = previous + 1, len(sizes) - (count - k)
        best = min(range(low, high + 1), key=lambda j: (abs(positions[j] - target), j))
        cuts.append(best)
        previous = best
    return cuts


def _cue_lines(cue: Cue, english: str, vtt: bool) -> list[str]:
    weights = [len(t) for t in cue.line_texts if t]
    parts = share(english, weights) if len(english.split()) >= len(weights) else [english]
    dashes = [d for d, t in zip(cue.dashes, cue.line_texts, strict=True) if t]
    if len(parts) == 1 and any(dashes):
        dashes = [dashes[0]]
    lines = [
        (dashes[i] if i < len(dashes) else "") + (html.escape(part, quote=False) if vtt else part)
        for i, part in enumerate(parts)
    ]
    if cue.wrap:
        lines[0] = f"<{cue.wrap}>" + lines[0]
        lines[-1] += f"</{cue.wrap}>"
    lines[0] = cue.prefix + lines[0]
    return lines


def extract(data: bytes, name: str, settings: Settings | None = None) -> SourceDocument:
    """Read an .srt or .vtt: its cue groups as blocks, and a rebuild with the English in the same cues."""
    vtt = name.lower().endswith(".vtt") or data.lstrip(b"\xef\xbb\xbf").startswith(b"WEBVTT")
    text, newline = _decode(data, name)
    lines, cues = parse(text, vtt, name)
    groups = group(cues)
    blocks = [Block(" ".join(cue.text for cue in cues_of)) for cues_of in groups]

    def rebuild(english: Sequence[str]) -> bytes:
        if len(english) != len(groups):
            raise ValueError(f"{name}: {len(english)} translations for {len(groups)} cue groups")
        out: list[str] = []
        position = 0
        for cues_of, translation in zip(groups, english, strict=True):
            if not translation.strip():
                continue
            parts = share(translation, [len(cue.text) for cue in cues_of])
            for cue, part in zip(cues_of, parts, strict=True):
                out.extend(lines[position : cue.first])
                out.extend(_cue_lines(cue, part, vtt))
                position = cue.end
        out.extend(lines[position:])
        return newline.join(out).encode("utf-8")

    suffix = ".en.vtt" if vtt else ".en.srt"
    return SourceDocument(document_from_blocks(name, blocks), tuple(blocks), rebuild, suffix)
