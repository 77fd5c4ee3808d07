"""Bytes → :class:`~fr2en.types.Document`: decoding, normalisation and paragraphs.

Decoding tries, in order: a byte-order mark (UTF-8, UTF-16, UTF-32), strict UTF-8, then
Windows-1252 (the usual encoding of older French archives; it is a superset of Latin-1's printable
range and gives ``œ``, ``€`` and curly quotes their right characters), then Latin-1. Binary files are
refused rather than decoded into noise.

Paragraphs: every line break ends a paragraph (headlines, datelines and list items keep their own
line in the English) except a soft wrap, a line break inside a sentence. A break is soft when the
next line starts with a lower-case letter, or when the whole text is hard-wrapped at a fixed width
(then blank lines alone separate paragraphs).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from fr2en.errors import InputError
from fr2en.types import Document, Paragraph

# Signatures of common binary formats, so that a PDF or a ZIP gets a clear "not a text file".
_BINARY_MAGIC = (
    b"%PDF",
    b"PK\x03\x04",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
    b"\x7fELF",
    b"BZh",
    b"\xfd7zXZ",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\xd0\xcf\x11\xe0",  # legacy MS Office
    b"SQLite format 3",
    b"OggS",
    b"ID3",
    b"RIFF",
    b"wOFF",
    b"\x00asm",
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls other than tab, line feed, vertical tab, form feed and carriage return.
_CONTROL_BYTES = frozenset(range(0, 9)) | frozenset(range(14, 32)) - {27}
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile("\r\n|\r|\x0b|\x0c|\x85|\u2028")
_SENTENCE_END = re.compile(r"[.!?…:;»\"”)\]]\s*$")
_LOWER_START = re.compile(r"^\s*[a-zàâäæçéèêëîïôœùûüÿ]")


def is_binary(data: bytes) -> bool:
    """True for data that is not text: a known binary signature or many control bytes."""
    if data.startswith(_BINARY_MAGIC):
        return True
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return False
    sample = data[:65536]
    if not sample:
        return False
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    return controls / len(sample) > 0.05


def _bomless_utf16(data: bytes) -> str | None:
    """Name the UTF-16 byte order of text written without a BOM (one NUL in every ASCII pair)."""
    sample = data[:4096]
    if len(sample) < 8 or len(sample) % 2:
        return None
    even_nul = sample[0::2].count(0) / (len(sample) // 2)
    odd_nul = sample[1::2].count(0) / (len(sample) // 2)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text, returning ``(text, encoding used)``; raise InputError for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding.replace("-sig", "")), encoding
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"starts with a {encoding} byte-order mark but is not {encoding}: {exc.reason}"
                ) from None
    bomless_utf16 = _bomless_utf16(data)
    if bomless_utf16:
        try:
            return data.decode(bomless_utf16), bomless_utf16
        except UnicodeDecodeError:
            pass
    if is_binary(data):
        raise InputError("not a text file (binary content)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def normalise(text: str) -> str:
    """Line ends to ``\\n``, control characters removed, Unicode NFC."""
    text = _LINE_BREAKS.sub("\n", text).replace("\u2029", "\n\n")
    text = _CONTROL_CHARS.sub("", text)
    return unicodedata.normalize("NFC", text)


def _is_hard_wrapped(lines: list[str]) -> bool:
    """True when most lines of multi-line blocks stop near one fixed width, as in wrapped e-mail text."""
    inner: list[int] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            block.append(line.rstrip())
            continue
        inner.extend(len(b) for b in block[:-1])
        block = []
    if len(inner) < 3:
        return False
    width = max(inner)
    if width > 100:
        return False
    near = sum(1 for n in inner if n >= 0.7 * width)
    return near >= 0.8 * len(inner)


def _is_soft_break(line: str, next_line: str, hard_wrapped: bool) -> bool:
    if hard_wrapped:
        return True
    return bool(_LOWER_START.match(next_line)) and not _SENTENCE_END.search(line)


def paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Split normalised text into paragraphs with offsets, following the rules in the module doc."""
    lines = text.split("\n")
    hard_wrapped = _is_hard_wrapped(lines)
    spans: list[list[int]] = []
    offset = 0
    previous_line = ""
    previous_blank = True
    for line in lines:
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            start, end = offset + lead, offset + len(line.rstrip())
            if spans and not previous_blank and _is_soft_break(previous_line, line, hard_wrapped):
                spans[-1][1] = end
            else:
                spans.append([start, end])
            previous_line = line
        previous_blank = not stripped
        offset += len(line) + 1
    return tuple(Paragraph(text[start:end], start, end) for start, end in spans)


def read_bytes(data: bytes, name: str) -> Document:
    """Decode, normalise and split one input's bytes into a Document."""
    text, encoding = decode(data)
    text = normalise(text)
    return Document(name=name, text=text, paragraphs=paragraphs(text), encoding=encoding)


def read_file(path: Path, name: str | None = None) -> Document:
    """Read one file into a Document; every failure becomes an InputError naming the file."""
    label = name or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{label}: is a folder, not a file") from None
    except PermissionError:
        raise InputError(f"{label}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read ({exc.strerror or exc})") from None
    try:
        return read_bytes(data, label)
    except InputError as exc:
        raise InputError(f"{label}: {exc}") from None


def read_lines(path: Path, name: str | None = None) -> list[str]:
    """Read a one-sentence-per-line file: decoded and normalised like any input, but split only at line
    ends, so that line *n* of two line-aligned files still pair up. A final newline adds no line."""
    label = name or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{label}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read ({exc.strerror or exc})") from None
    try:
        text, _ = decode(data)
    except InputError as exc:
        raise InputError(f"{label}: {exc}") from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [" ".join(normalise(line).split("\n")) for line in lines]
