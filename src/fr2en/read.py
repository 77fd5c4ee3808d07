"""Bytes → :class:`~fr2en.types.Document`: decoding, normalisation and paragraphs.

Decoding: a byte-order mark (UTF-8, UTF-16, UTF-32) decides, then text that looks like UTF-16
without one; binary files are refused rather than decoded into noise. Anything else is decoded line
by line: strict UTF-8 when the line is valid UTF-8, else Windows-1252 (the usual encoding of older
French archives; a superset of Latin-1's printable range that gives ``œ``, ``€`` and curly quotes
their right characters), else Latin-1. Deciding per line keeps a file that mixes UTF-8 and
Windows-1252 lines (text pasted together from several sources) free of mojibake; the encoding
reported is then ``utf-8+cp1252``. A Windows-1252 line is valid UTF-8 only by accident (``Ã©``).

Paragraphs: every line break ends a paragraph (headlines, datelines and list items keep their own
line in the English) except a soft wrap, a line break inside a sentence. A break is soft when the
next line starts with a lower-case letter, or when the whole text is hard-wrapped at a fixed width
(then blank lines alone separate paragraphs).

Long files are read twice and never held whole: :func:`scan_file` reads them once for their hash,
encoding and paragraph rule, and :func:`read_parts` reads them again as parts of whole paragraphs.
There is one reader: :func:`decode` and :func:`read_bytes` run the same streaming code over bytes in
memory, so a text read whole and a file read in parts cannot disagree.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeVar

from fr2en.config import Settings
from fr2en.errors import InputError
from fr2en.types import Document, FileScan, InPlaceOutput, Paragraph, TextPart

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
# Decoders tried, in order, on a line without a byte-order mark; Latin-1 decodes any byte.
_LINE_ENCODINGS = ("utf-8", "cp1252", "latin-1")

# How much is read at a time, and how much of one line is held at most: a longer line (a whole
# book without a line break) is read in pieces cut after a space.
BLOCK_BYTES = 1 << 16
MAX_LINE = 1 << 16
# A part holds whole paragraphs of about this many characters; a paragraph that runs past
# CONTINUE_AFTER characters is cut at a line (or piece) boundary and continued in the next part.
PART_CHARS = 50_000
CONTINUE_AFTER = 4 * PART_CHARS
# The hard-wrap test looks at line widths up to this; wider lines mean the text is not wrapped.
_MAX_WRAP_WIDTH = 100


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


class _ContentError(InputError):
    """What is wrong with the bytes themselves; callers that read a file put its name in front."""


def _codec_of(head: bytes) -> tuple[str | None, int]:
    """How to decode a file that starts with ``head``: ``(codec, BOM length)``, codec None for per line.

    Raises InputError for binary content.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    bomless = _bomless_utf16(head)
    if bomless:
        return bomless, 0
    if is_binary(head):
        raise _ContentError("not a text file (binary content)")
    return None, 0


def _decode_line(raw: bytes) -> tuple[str, str]:
    """One line without a byte-order mark: ``(text, encoding used)``, ``ascii`` for plain ASCII."""
    if raw.isascii():
        return raw.decode("ascii"), "ascii"
    for encoding in _LINE_ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _encoding_label(used: Iterable[str]) -> str:
    """The encodings lines were decoded with, in a stable order (``utf-8`` for plain ASCII)."""
    found = set(used)
    return "+".join(e for e in _LINE_ENCODINGS if e in found) or "utf-8"


def _bom_error(codec: str, exc: UnicodeDecodeError) -> InputError:
    return _ContentError(f"starts with a {codec} byte-order mark but is not {codec}: {exc.reason}")


def normalise(text: str) -> str:
    """Line ends to ``\\n``, control characters removed, Unicode NFC."""
    text = _LINE_BREAKS.sub("\n", text).replace("\u2029", "\n\n")
    text = _CONTROL_CHARS.sub("", text)
    return unicodedata.normalize("NFC", text)


@dataclass
class _WrapStats:
    """The line widths that decide whether a text is hard-wrapped, gathered one line at a time.

    A text is hard-wrapped when most inner lines of its multi-line blocks (every line of a block
    but its last) stop near one fixed width of at most 100 characters, as in wrapped e-mail text.
    """

    widths: list[int] = field(default_factory=lambda: [0] * (_MAX_WRAP_WIDTH + 1))
    wide: int = 0
    last: int | None = None

    def add(self, width: int | None) -> None:
        """Count the next line of the normalised text: its width without trailing space, None if blank."""
        if width is None:
            self.last = None
            return
        if self.last is not None:
            if self.last > _MAX_WRAP_WIDTH:
                self.wide += 1
            else:
                self.widths[self.last] += 1
        self.last = width

    @property
    def hard_wrapped(self) -> bool:
        """The verdict on the lines counted so far."""
        inner = sum(self.widths) + self.wide
        if inner < 3 or self.wide:
            return False
        width = max(n for n, count in enumerate(self.widths) if count)
        near = sum(count for n, count in enumerate(self.widths) if n >= 0.7 * width)
        return near >= 0.8 * inner


def _is_hard_wrapped(lines: Iterable[str]) -> bool:
    stats = _WrapStats()
    for line in lines:
        stats.add(len(line.rstrip()) if line.strip() else None)
    return stats.hard_wrapped


def _is_soft_break(line: str, next_line: str, hard_wrapped: bool) -> bool:
    if hard_wrapped:
        return True
    return bool(_LOWER_START.match(next_line)) and not _SENTENCE_END.search(line)


def paragraphs(text: str, hard_wrapped: bool | None = None) -> tuple[Paragraph, ...]:
    """Split normalised text into paragraphs with offsets, following the rules in the module doc.

    ``hard_wrapped`` overrides the verdict on ``text`` alone (a part of a longer text takes the
    whole text's).
    """
    lines = text.split("\n")
    if hard_wrapped is None:
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


def _os_error(label: str, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{label}: no such file")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{label}: is a folder, not a file")
    if isinstance(exc, PermissionError):
        return InputError(f"{label}: permission denied")
    return InputError(f"{label}: cannot read ({exc.strerror or exc})")


def read_file(path: Path, name: str | None = None) -> Document:
    """Read one (small) file into a Document; every failure becomes an InputError naming the file."""
    label = name or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _os_error(label, exc) from None
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


# --- Incremental reading: constant memory whatever the file's size ---------------------------------

_CODECS = frozenset(encoding for _, encoding in _BOMS)


class _Source:
    """An open regular file (or bytes in memory) that hashes and counts every byte read from it."""

    def __init__(self, handle: BinaryIO, label: str) -> None:
        self.label = label
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    @classmethod
    def open(cls, path: Path, label: str) -> _Source:
        """The regular file at ``path``; InputError (naming ``label``) for anything else."""
        try:
            mode = os.stat(path).st_mode
            if stat.S_ISDIR(mode):
                raise IsADirectoryError
            if not stat.S_ISREG(mode):
                # A FIFO or a device would block or never end.
                raise InputError(f"{label}: not a regular file")
            return cls(path.open("rb"), label)
        except OSError as exc:
            raise _os_error(label, exc) from None

    @classmethod
    def of_bytes(cls, data: bytes, label: str) -> _Source:
        """Bytes already in memory, read through the same code as a file."""
        return cls(io.BytesIO(data), label)

    def mtime_ns(self) -> int:
        """The open file's modification time (0 for bytes in memory)."""
        if isinstance(self.handle, io.BytesIO):
            return 0
        try:
            return os.fstat(self.handle.fileno()).st_mtime_ns
        except OSError as exc:  # pragma: no cover - fstat of an open file
            raise _os_error(self.label, exc) from None

    def __enter__(self) -> _Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def _call(self, read: Callable[[int], bytes], size: int) -> bytes:
        try:
            data = read(size)
        except OSError as exc:
            raise _os_error(self.label, exc) from None
        self.digest.update(data)
        self.size += len(data)
        return data

    def read(self, size: int) -> bytes:
        return self._call(self.handle.read, size)

    def readline(self, limit: int) -> bytes:
        return self._call(self.handle.readline, limit)

    def unchanged_since(self, scan: FileScan) -> bool:
        """Whether the open file still holds the bytes ``scan`` saw (re-read only if its stat moved)."""
        try:
            now = os.fstat(self.handle.fileno())
            if (now.st_size, now.st_mtime_ns) == (scan.size, scan.mtime_ns):
                return True
            self.handle.seek(0)
            digest = hashlib.sha256()
            while block := self.handle.read(BLOCK_BYTES):
                digest.update(block)
        except OSError as exc:
            raise _os_error(self.label, exc) from None
        return digest.hexdigest() == scan.sha256

    def head(self) -> bytes:
        """The first block, left unread."""
        try:
            data = self.handle.read(BLOCK_BYTES)
            self.handle.seek(0)
        except OSError as exc:
            raise _os_error(self.label, exc) from None
        return data


def _safe_cut(raw: bytes) -> int:
    """Where to cut an over-long run of bytes: after its last space, else at a character boundary."""
    space = raw.rfind(b" ", 0, len(raw) - 1)
    if space > 0 and raw[:space].strip():
        return space + 1
    cut = len(raw) - 1
    # Never inside a UTF-8 sequence (continuation bytes are 0b10xxxxxx) nor between \r and \n.
    while cut > 1 and (0x80 <= raw[cut] < 0xC0 or raw[cut - 1] == 0x0D):
        cut -= 1
    return cut


def _per_line(source: _Source, used: set[str]) -> Iterator[tuple[str, bool]]:
    """Decoded pieces of a file without a byte-order mark: ``(piece, ends its line)``."""
    carry = b""
    while True:
        raw = carry + source.readline(MAX_LINE)
        carry = b""
        if not raw:
            return
        ends = raw.endswith(b"\n")
        if ends:
            raw = raw[:-1]
        elif len(raw) >= MAX_LINE:
            cut = _safe_cut(raw)
            raw, carry = raw[:cut], raw[cut:]
        text, encoding = _decode_line(raw)
        used.add(encoding)
        yield text, ends


def _with_codec(source: _Source, codec: str, skip: int) -> Iterator[tuple[str, bool]]:
    """Decoded pieces of a file in one codec: ``(piece, ends its line)``; UnicodeDecodeError if it is not."""
    decoder = codecs.getincrementaldecoder(codec.replace("-sig", ""))("strict")
    source.read(skip)
    buffer = ""
    while True:
        block = source.read(BLOCK_BYTES)
        buffer += decoder.decode(block, final=not block)
        *lines, buffer = buffer.split("\n")
        for line in lines:
            yield line, True
        if not block:
            if buffer:
                yield buffer, False
            return
        if len(buffer) >= MAX_LINE:
            cut = buffer.rfind(" ", 0, len(buffer) - 1) + 1
            if cut <= 0 or not buffer[:cut].strip():
                cut = len(buffer) - 1 if buffer.endswith("\r") else len(buffer)
            yield buffer[:cut], False
            buffer = buffer[cut:]


def _normalised(pieces: Iterable[tuple[str, bool]], removed: list[int]) -> Iterator[tuple[str, bool]]:
    """:func:`normalise` applied piece by piece, splitting pieces at every kind of line break.

    Yields ``(piece, ends its line)``: a whole line of the normalised text, or a piece of an
    over-long one. Joining pieces, with ``\\n`` after those that end a line, gives the text that
    :func:`normalise` gives for the whole file (pieces are cut only after a space or between
    characters, where normalisation does not look across).
    """
    for piece, ends in pieces:
        if ends and piece.endswith("\r"):
            piece = piece[:-1]  # a \r\n line end
        text, count = _CONTROL_CHARS.subn("", _LINE_BREAKS.sub("\n", piece).replace("\u2029", "\n\n"))
        removed[0] += count
        *lines, last = unicodedata.normalize("NFC", text).split("\n")
        for line in lines:
            yield line, True
        yield last, ends


def _decoded(source: _Source, codec: str | None, skip: int, used: set[str]) -> Iterator[tuple[str, bool]]:
    """Decoded pieces, before normalisation: ``(piece, ends its line)``."""
    return _per_line(source, used) if codec is None else _with_codec(source, codec, skip)


def _pieces(
    source: _Source, codec: str | None, skip: int, used: set[str], removed: list[int]
) -> Iterator[tuple[str, bool]]:
    return _normalised(_decoded(source, codec, skip, used), removed)


_T = TypeVar("_T")


def _with_fallback(open_source: Callable[[], _Source], use: Callable[[_Source, str | None, int], _T]) -> _T:
    """``use(source, codec, BOM length)`` with the codec the source's first block calls for.

    Text that looked like UTF-16 without a byte-order mark but is not is read again line by line.
    Raises :class:`_ContentError` for binary content or a byte-order mark the text does not follow.
    """
    with open_source() as source:
        codec, skip = _codec_of(source.head())
        try:
            return use(source, codec, skip)
        except UnicodeDecodeError as exc:
            if skip and codec is not None:
                raise _bom_error(codec, exc) from None
    with open_source() as source:
        if is_binary(source.head()):
            raise _ContentError("not a text file (binary content)")
        return use(source, None, 0)


def _scan(source: _Source, codec: str | None, skip: int, keep: list[str] | None = None) -> FileScan:
    """One pass over ``source``: what :class:`FileScan` records, and the normalised text into ``keep``."""
    used: set[str] = set()
    removed = [0]
    stats = _WrapStats()
    length = trailing = 0
    blank = True
    for piece, ends in _pieces(source, codec, skip, used, removed):
        if keep is not None:
            keep.append(piece + "\n" if ends else piece)
        length += len(piece)
        kept = piece.rstrip()
        if kept:
            blank = False
            trailing = len(piece) - len(kept)
        else:
            trailing += len(piece)
        if ends:
            stats.add(None if blank else length - trailing)
            length = trailing = 0
            blank = True
    stats.add(None if blank else length - trailing)
    encoding = codec if codec is not None else _encoding_label(used)
    notes = []
    if "+" in encoding:
        notes.append(f"mixed encodings ({encoding}): each line was decoded as what it is")
    if removed[0]:
        notes.append(f"{removed[0]} control character(s) removed")
    mtime_ns = source.mtime_ns()
    return FileScan(
        name=source.label,
        size=source.size,
        sha256=source.digest.hexdigest(),
        encoding=encoding,
        hard_wrapped=stats.hard_wrapped,
        notes=tuple(notes),
        mtime_ns=mtime_ns,
    )


def _read_formatted(path: Path, label: str) -> tuple[bytes, str, int]:
    """A formatted input's bytes (read whole: pages and documents are small), sha256 and mtime."""
    with _Source.open(path, label) as source:
        data = source.read(-1)
        return data, source.digest.hexdigest(), source.mtime_ns()


def _scan_formatted(path: Path, label: str, module_name: str) -> FileScan:
    """The scan of a formatted input: its size, hash and encoding (as its format decodes it)."""
    import importlib

    data, sha256, mtime_ns = _read_formatted(path, label)
    encoding_of = getattr(importlib.import_module(module_name), "encoding_of", None)
    try:
        encoding = encoding_of(data) if encoding_of is not None else "-"
    except InputError as exc:
        raise InputError(f"{label}: {exc}") from None
    return FileScan(label, len(data), sha256, encoding, False, (), mtime_ns)


def scan_file(path: Path, name: str | None = None) -> FileScan:
    """Read a file once, in constant memory: its hash, encoding and paragraph rule.

    A formatted input (HTML, Markdown…, see :mod:`fr2en.formats`) is read whole, its encoding as
    its format decodes it. Raises InputError (naming the file) for a file that cannot be read, is
    not a regular file, is binary, or has a byte-order mark it does not follow.
    """
    from fr2en.formats import reader_for

    label = name or str(path)
    module_name = reader_for(path)
    if module_name is not None:
        return _scan_formatted(path, label, module_name)
    try:
        return _with_fallback(lambda: _Source.open(path, label), _scan)
    except _ContentError as exc:
        raise InputError(f"{label}: {exc}") from None


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text, returning ``(text, encoding used)``; raise InputError for binary data.

    The streaming reader's decoding, over bytes in memory (line ends and all else left as they are).
    """
    text: list[str] = []

    def use(source: _Source, codec: str | None, skip: int) -> str:
        used: set[str] = set()
        text.clear()
        text.extend(piece + "\n" if ends else piece for piece, ends in _decoded(source, codec, skip, used))
        return codec if codec is not None else _encoding_label(used)

    encoding = _with_fallback(lambda: _Source.of_bytes(data, "<bytes>"), use)
    return "".join(text), encoding


def read_bytes(data: bytes, name: str) -> Document:
    """Decode, normalise and split one input's bytes into a Document.

    The streaming reader over bytes in memory: the paragraphs are those :func:`read_parts` gives.
    """
    text: list[str] = []

    def use(source: _Source, codec: str | None, skip: int) -> FileScan:
        text.clear()
        return _scan(source, codec, skip, keep=text)

    scan = _with_fallback(lambda: _Source.of_bytes(data, name), use)
    whole = "".join(text)
    return Document(
        name=name, text=whole, paragraphs=paragraphs(whole, scan.hard_wrapped), encoding=scan.encoding
    )


@dataclass
class _PartBuilder:
    """Gathers normalised pieces into parts of whole paragraphs (see :func:`read_parts`).

    A part is cut before a line that starts a paragraph once it holds ``part_chars`` characters;
    it is cut inside a paragraph only when that paragraph alone runs past ``continue_after``. The
    soft-wrap rule is the one :func:`paragraphs` applies to the whole text, so the paragraphs of the
    parts are those of the whole text.
    """

    name: str
    encoding: str
    hard_wrapped: bool
    part_chars: int
    continue_after: int
    buffer: list[str] = field(default_factory=list)
    size: int = 0
    offset: int = 0
    next_paragraph: int = 0
    emitted: int = 0
    gap_newlines: int = 0
    continues: bool = False
    previous: str = ""
    previous_blank: bool = True
    line_start: bool = True
    line_has_text: bool = False

    def feed(self, piece: str, ends: bool) -> TextPart | None:
        """Take the next piece; returns a finished part when the piece starts a new one."""
        part = None
        has_text = bool(piece.strip())
        if self.line_start and has_text:
            starts_paragraph = self.previous_blank or not _is_soft_break(
                self.previous, piece, self.hard_wrapped
            )
            if starts_paragraph and self.size >= self.part_chars:
                part = self._cut(continued=False)
            elif not starts_paragraph and self.size >= self.continue_after:
                part = self._cut(continued=True)
        elif not self.line_start and self.line_has_text and self.size >= self.continue_after:
            part = self._cut(continued=True)
        self.buffer.append(piece + "\n" if ends else piece)
        self.size += len(piece) + ends
        if has_text:
            self.previous = piece
            self.line_has_text = True
        if ends:
            self.previous_blank = not self.line_has_text
            self.line_has_text = False
        self.line_start = ends
        return part

    def finish(self) -> TextPart | None:
        """The last part, if it holds any paragraph."""
        return self._cut(continued=False)

    def _cut(self, continued: bool) -> TextPart | None:
        text = "".join(self.buffer)
        self.buffer, self.size = [], 0
        found = paragraphs(text, self.hard_wrapped)
        part = None
        if found:
            if not self.emitted:
                lead = ""
            elif self.continues:
                lead = " "
            else:
                newlines = self.gap_newlines + text[: found[0].start].count("\n")
                lead = "\n\n" if newlines > 1 else "\n"
            first = self.next_paragraph - 1 if self.continues else self.next_paragraph
            document = Document(self.name, text, found, self.encoding)
            part = TextPart(document, self.offset, first, lead)
            self.emitted += 1
            self.next_paragraph = first + len(found)
            self.gap_newlines = text[found[-1].end :].count("\n")
            self.continues = continued
        else:
            self.gap_newlines += text.count("\n")
        self.offset += len(text)
        return part


def _formatted_part(path: Path, scan: FileScan, module_name: str, settings: Settings | None) -> TextPart:
    """A formatted input's whole Document as one part, with its in-place output when it has one."""
    from fr2en.formats import extract_with

    data, sha256, _ = _read_formatted(path, scan.name)
    if (len(data), sha256) != (scan.size, scan.sha256):
        raise InputError(f"{scan.name}: changed while it was being translated; rerun to translate it")
    try:
        source = extract_with(module_name)(data, scan.name, settings or Settings())
    except InputError as exc:
        message = str(exc)
        raise InputError(message if message.startswith(scan.name) else f"{scan.name}: {message}") from None
    except (ValueError, LookupError, UnicodeError, RecursionError) as exc:
        raise InputError(f"{scan.name}: cannot be read ({type(exc).__name__}: {exc})") from None
    output = None
    if source.rebuild is not None:
        output = InPlaceOutput(source.suffix, len(source.blocks), source.rebuild)
    return TextPart(source.document, 0, 0, "", output)


def unchanged_since(path: Path, scan: FileScan) -> bool:
    """Whether the file at ``path`` still holds the bytes ``scan`` saw (re-read only if its stat moved).

    InputError when it can no longer be opened or read.
    """
    with _Source.open(path, scan.name) as source:
        return source.unchanged_since(scan)


def read_parts(
    path: Path,
    scan: FileScan,
    part_chars: int = PART_CHARS,
    continue_after: int = CONTINUE_AFTER,
    *,
    settings: Settings | None = None,
) -> Iterator[TextPart]:
    """Read a scanned file again, as parts of whole paragraphs, in memory that does not grow with it.

    The parts' paragraphs are those :func:`read_bytes` finds in the whole file, except in a
    paragraph longer than ``continue_after`` characters, which goes on in the next part (its
    ``lead`` is then a space). Raises InputError, after the last part, if the file is no longer the
    one scanned: it changed while it was being read or translated.

    A formatted input (see :mod:`fr2en.formats`) yields its whole Document as one part, read as
    ``settings`` say (``input.html``); the part's ``output`` rebuilds the file in place when the
    format does.
    """
    from fr2en.formats import reader_for

    module_name = reader_for(path)
    if module_name is not None:
        yield _formatted_part(path, scan, module_name, settings)
        return
    changed = InputError(f"{scan.name}: changed while it was being translated; rerun to translate it")
    with _Source.open(path, scan.name) as source:
        codec, skip = None, 0
        if scan.encoding in _CODECS:
            codec = scan.encoding
            skip = next((len(bom) for bom, e in _BOMS if e == codec and source.head().startswith(bom)), 0)
        builder = _PartBuilder(scan.name, scan.encoding, scan.hard_wrapped, part_chars, continue_after)
        try:
            for piece, ends in _pieces(source, codec, skip, set(), [0]):
                part = builder.feed(piece, ends)
                if part is not None:
                    yield part
        except UnicodeDecodeError:
            raise changed from None
        last = builder.finish()
        if last is not None:
            yield last
        # What was read must be what was scanned, and the file must still be that (it may have been
        # appended to, or rewritten, after it was read and while its last part was translated).
        if (source.size, source.digest.hexdigest()) != (scan.size, scan.sha256):
            raise changed
        if not source.unchanged_since(scan):
            raise changed
