"""EPUB books translated in place: every chapter's XHTML through the in-place HTML reader, ``name.en.epub``.

The package is found the standard way (``META-INF/container.xml`` → the OPF file); its chapters
are the XHTML documents of the spine, in reading order, then any other XHTML document of the
manifest (the EPUB 3 navigation document, which holds the table of contents). Each chapter is
read by :func:`fr2en.formats.html.extract_page` with ``xhtml=True``, so a book's pages are
translated exactly as a web page is; the book's blocks are its chapters' blocks, in order.

The rebuilt book has the package's language set to ``en`` (``dc:language`` and the package's
``xml:lang``, and each chapter's root ``lang``/``xml:lang`` if the HTML reader left it French),
every other file copied byte for byte, and the archive written with ``mimetype`` first and
stored, then the entries in their original order with fixed timestamps: a rerun gives the same
bytes. No EPUB library is used (the common one, ebooklib, is AGPL).
"""

from __future__ import annotations

import importlib
import posixpath
from collections.abc import Callable, Sequence
from urllib.parse import unquote

from fr2en.config import Settings
from fr2en.errors import InputError
from fr2en.formats import Block, SourceDocument, document_from_blocks
from fr2en.formats._zip import Entry, parse_xml, read_zip, serialize_xml, write_zip

KIND = "EPUB book"
CONTAINER = "META-INF/container.xml"
CONTAINER_NS = "{urn:oasis:names:tc:opendocument:xmlns:container}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XHTML_TYPES = {"application/xhtml+xml"}

PageExtractor = Callable[..., SourceDocument]


def _page_extractor(name: str) -> PageExtractor:
    """``fr2en.formats.html.extract_page``, the in-place HTML reader every chapter goes through."""
    try:
        module = importlib.import_module("fr2en.formats.html")
    except ImportError as exc:
        raise InputError(
            f"{name}: EPUB chapters need the in-place HTML reader, which cannot load ({exc})"
        ) from None
    extract_page: PageExtractor = module.extract_page
    return extract_page


def _package_path(by_name: dict[str, bytes], name: str) -> str:
    if CONTAINER not in by_name:
        raise InputError(f"{name}: not a valid {KIND} (no {CONTAINER} in the archive)")
    container = parse_xml(by_name[CONTAINER], name, CONTAINER)
    rootfile = container.find(f".//{CONTAINER_NS}rootfile")
    path = rootfile.get("full-path") if rootfile is not None else None
    if not path or path not in by_name:
        raise InputError(f"{name}: not a valid {KIND} (its package file {path or '(none)'} is missing)")
    return str(path)


def chapters(by_name: dict[str, bytes], package_path: str, name: str) -> list[str]:
    """The archive paths of the book's XHTML documents: the spine's in order, then the manifest's others."""
    package = parse_xml(by_name[package_path], name, package_path)
    folder = posixpath.dirname(package_path)
    items: dict[str, str] = {}
    for item in package.iter(OPF + "item"):
        href, identifier = item.get("href"), item.get("id")
        if href and identifier and item.get("media-type") in XHTML_TYPES:
            items[identifier] = posixpath.normpath(posixpath.join(folder, unquote(href.split("#")[0])))
    ordered = [items[ref] for ref in (i.get("idref") for i in package.iter(OPF + "itemref")) if ref in items]
    ordered += [path for path in items.values() if path not in ordered]
    paths = list(dict.fromkeys(ordered))
    missing = [path for path in paths if path not in by_name]
    if missing:
        raise InputError(f"{name}: not a valid {KIND} (chapter {missing[0]} is listed but missing)")
    return paths


def english_package(data: bytes, name: str, part: str) -> bytes:
    """The OPF file with the book's language set to ``en``."""
    package = parse_xml(data, name, part)
    if package.get(XML_LANG) is not None:
        package.set(XML_LANG, "en")
    metadata = package.find(OPF + "metadata")
    languages = list(package.iter(DC + "language"))
    for language in languages:
        language.text = "en"
    if not languages and metadata is not None:
        language = metadata.makeelement(DC + "language", nsmap={"dc": DC[1:-1]})
        language.text = "en"
        metadata.append(language)
    return serialize_xml(package)


def english_chapter(data: bytes, name: str, part: str) -> bytes:
    """A translated chapter whose root still says French (``lang``/``xml:lang``) told it is English."""
    try:
        root = parse_xml(data, name, part)
    except InputError:
        return data  # not XML after all: the HTML reader's bytes as they are
    french = [key for key in ("lang", XML_LANG) if (root.get(key) or "").lower().startswith("fr")]
    if not french:
        return data
    for key in french:
        root.set(key, "en")
    return serialize_xml(root)


def extract(data: bytes, name: str, settings: Settings | None = None) -> SourceDocument:
    """Read an .epub: its chapters' blocks in reading order, and a rebuild that writes the English book."""
    entries = read_zip(data, name, KIND)
    by_name = {entry.name: entry.data for entry in entries}
    mimetype = by_name.get("mimetype", b"application/epub+zip").strip()
    if mimetype != b"application/epub+zip":
        raise InputError(f"{name}: not a valid {KIND} (its mimetype is {mimetype[:60]!r})")
    package_path = _package_path(by_name, name)
    paths = chapters(by_name, package_path, name)
    extract_page = _page_extractor(name)
    pages = [(path, extract_page(by_name[path], f"{name}/{path}", xhtml=True)) for path in paths]
    blocks: list[Block] = [block for _, page in pages for block in page.blocks]

    def rebuild(english: Sequence[str]) -> bytes:
        if len(english) != len(blocks):
            raise ValueError(f"{name}: {len(english)} translations for {len(blocks)} paragraphs")
        replaced: dict[str, bytes] = {
            package_path: english_package(by_name[package_path], name, package_path)
        }
        position = 0
        for path, page in pages:
            count = len(page.blocks)
            if page.rebuild is not None and count:
                chapter = page.rebuild(english[position : position + count])
                replaced[path] = english_chapter(chapter, name, path)
            position += count
        return write_zip([Entry(e.name, replaced.get(e.name, e.data)) for e in entries])

    return SourceDocument(document_from_blocks(name, blocks), tuple(blocks), rebuild, ".en.epub")
