"""Zipped XML documents (.docx, .odt, .epub) read safely and written byte for byte reproducibly.

Reading refuses what would hurt the machine: an archive that is not a zip, is corrupt, or whose
entries would expand to more than 100 times the archive's size or to more than 1 GB (a zip bomb).
XML is parsed with lxml without ever resolving an external entity, loading a DTD or touching the
network (XXE), and without its "huge tree" allowance.

Writing keeps the entries in a fixed order (the source archive's, with ``mimetype`` first and
stored when there is one, as ODF and EPUB require), every timestamp fixed at 1980-01-01 and fixed
permissions, so that translating the same file twice gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from fr2en.errors import InputError

try:
    from lxml import etree
except ImportError:  # pragma: no cover - the extra is not installed
    raise InputError(".docx, .odt and .epub files need lxml: pip install 'fr2en[formats]'") from None

# An archive may expand to at most this many times its own size, and never beyond MAX_EXPANDED.
MAX_RATIO = 100
MAX_EXPANDED = 1 << 30
# The earliest date a zip can hold: no "modified now" in the output.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
MIMETYPE = "mimetype"


@dataclass(frozen=True)
class Entry:
    """One file of an archive: its name and its uncompressed bytes."""

    name: str
    data: bytes


def read_zip(data: bytes, name: str, kind: str) -> list[Entry]:
    """The entries of the zip ``data`` in archive order (folders too, empty); InputError for a corrupt one or a bomb.

    ``kind`` names the format in messages ("Word document", "EPUB book").
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise InputError(f"{name}: not a valid {kind} (not a zip archive: {exc})") from None
    with archive:
        infos = archive.infolist()
        expanded = sum(info.file_size for info in infos)
        limit = min(MAX_RATIO * max(len(data), 1), MAX_EXPANDED)
        if expanded > limit:
            raise InputError(
                f"{name}: refused, its archive would expand to {expanded:,} bytes, more than "
                f"{'1 GB' if limit == MAX_EXPANDED else f'{MAX_RATIO}× its size'} (a zip bomb?)"
            )
        entries: list[Entry] = []
        for info in infos:
            if info.is_dir():
                entries.append(Entry(info.filename, b""))
                continue
            if info.flag_bits & 0x1:
                raise InputError(f"{name}: not a valid {kind} (its archive is encrypted)")
            try:
                # zipfile never returns more than the declared size and checks the CRC, so the
                # sizes summed above bound what is read here.
                entries.append(Entry(info.filename, archive.read(info)))
            except (zipfile.BadZipFile, NotImplementedError, zlib.error, OSError, EOFError) as exc:
                raise InputError(f"{name}: not a valid {kind} (entry {info.filename}: {exc})") from None
    return entries


def entry_map(entries: Sequence[Entry]) -> dict[str, bytes]:
    """Entries by name."""
    return {entry.name: entry.data for entry in entries}


def write_zip(entries: Sequence[Entry]) -> bytes:
    """A zip of ``entries``: ``mimetype`` first and stored, then the rest deflated, in the given order.

    Timestamps, permissions and the creating system are fixed, so equal entries give equal bytes.
    """
    ordered = sorted(entries, key=lambda entry: entry.name != MIMETYPE)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in ordered:
            info = zipfile.ZipInfo(entry.name, date_time=FIXED_DATE)
            folder = entry.name.endswith("/")
            stored = folder or entry.name == MIMETYPE
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (0o40755 << 16) | 0x10 if folder else 0o100644 << 16
            archive.writestr(info, entry.data, compresslevel=6)
    return buffer.getvalue()


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def parse_xml(data: bytes, name: str, part: str) -> etree._Element:
    """The root of the XML ``data`` (``part`` of file ``name``); external entities are never resolved."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: {part} is not well-formed XML ({exc})") from None
    if root is None:
        raise InputError(f"{name}: {part} is empty")
    return root


def serialize_xml(root: etree._Element) -> bytes:
    """``root``'s document as UTF-8 bytes with an XML declaration (standalone kept as it was)."""
    tree = root.getroottree()
    standalone = tree.docinfo.standalone
    data: bytes = etree.tostring(
        tree,
        xml_declaration=True,
        encoding="UTF-8",
        standalone=standalone if standalone is not None else None,
    )
    return data
