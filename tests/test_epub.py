"""EPUB books translated in place (fr2en.formats.epub): package, chapters, language, bytes."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from collections.abc import Sequence
from typing import Any

import pytest
from lxml import etree

from fr2en.config import Settings
from fr2en.errors import InputError
from fr2en.formats import Block, SourceDocument, document_from_blocks, epub

from .format_samples import EPUB_CHAPTERS, EPUB_PACKAGE, epub_sample, french_of_pairs, round_trip

XHTML = "{http://www.w3.org/1999/xhtml}"
HTML_READER = importlib.util.find_spec("fr2en.formats.html") is not None
TEXTS = [
    "Le marché", "Le marché ouvre à sept heures.", "Les commerçants installent leurs étals.",
    "La pluie", "Il pleut sur la ville depuis lundi.",
    "Table des matières", "Le marché", "La pluie",
]  # fmt: skip


def _stand_in_page(data: bytes, name: str, *, xhtml: bool = False) -> SourceDocument:
    """A stand-in for fr2en.formats.html.extract_page (not on this branch): headings and paragraphs.

    It lets the packaging be tested on its own; test_with_the_html_reader runs the real one.
    """
    assert xhtml

    def elements(root: Any) -> list[Any]:
        return [e for e in root.iter(XHTML + "h1", XHTML + "p")]

    blocks = [Block(" ".join("".join(e.itertext()).split())) for e in elements(etree.fromstring(data))]

    def rebuild(english: Sequence[str]) -> bytes:
        root = etree.fromstring(data)
        for element, text in zip(elements(root), english, strict=True):
            element.text = text
        result: bytes = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
        return result

    return SourceDocument(document_from_blocks(name, blocks), tuple(blocks), rebuild, ".en.html")


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(epub, "_page_extractor", lambda name: _stand_in_page)


@pytest.mark.usefixtures("stand_in")
def test_chapters_are_read_in_spine_order_then_the_navigation() -> None:
    source = epub.extract(epub_sample(), "chroniques.epub", None)
    assert [block.text for block in source.blocks] == TEXTS
    assert source.suffix == ".en.epub"


@pytest.mark.model
@pytest.mark.usefixtures("stand_in")
def test_round_trip_sets_the_language_and_is_reproducible(
    tiny_settings: Settings, tiny_translator: Any
) -> None:
    source = epub.extract(epub_sample(), "chroniques.epub", tiny_settings)
    result, english, data = round_trip(source, tiny_translator, tiny_settings)
    assert french_of_pairs(result, len(source.blocks)) == TEXTS
    assert source.rebuild is not None and source.rebuild(english) == data
    book = zipfile.ZipFile(io.BytesIO(data))
    original = zipfile.ZipFile(io.BytesIO(epub_sample()))
    assert book.namelist() == original.namelist()
    assert book.infolist()[0].compress_type == zipfile.ZIP_STORED and data[30:38] == b"mimetype"
    assert {info.date_time for info in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    package = etree.fromstring(book.read("OEBPS/content.opf"))
    assert package.findtext(".//{http://purl.org/dc/elements/1.1/}language") == "en"
    assert package.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert [i.get("idref") for i in package.iter("{http://www.idpf.org/2007/opf}itemref")] == ["c1", "c2"]
    for path, page in EPUB_CHAPTERS.items():  # every chapter is there, with as many paragraphs
        before, after = etree.fromstring(page.encode()), etree.fromstring(book.read(path))
        assert len(list(after.iter(XHTML + "p"))) == len(list(before.iter(XHTML + "p")))
    assert book.read("OEBPS/style.css") == original.read("OEBPS/style.css")
    chapter = etree.fromstring(book.read("OEBPS/Text/chapitre 1.xhtml"))
    assert chapter.get("lang") == chapter.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert ["".join(p.itertext()) for p in chapter.iter(XHTML + "p")] == english[1:3]


@pytest.mark.usefixtures("stand_in")
def test_a_book_without_language_gets_one() -> None:
    package = EPUB_PACKAGE.replace("<dc:language>fr</dc:language>", "")
    source = epub.extract(epub_sample(package), "sans-langue.epub", None)
    assert source.rebuild is not None
    book = zipfile.ZipFile(io.BytesIO(source.rebuild(["Hello."] * len(source.blocks))))
    opf = etree.fromstring(book.read("OEBPS/content.opf"))
    assert [e.text for e in opf.iter("{http://purl.org/dc/elements/1.1/}language")] == ["en"]


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("OEBPS/big.xhtml", b" " * 3_000_000)
    return buffer.getvalue()


@pytest.mark.usefixtures("stand_in")
@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"ceci n'est pas un livre", "not a zip archive"),
        (epub_sample(chapters={}), "chapter OEBPS/Text/chapitre 1.xhtml is listed but missing"),
        (epub_sample(package="<package"), "OEBPS/content.opf is not well-formed XML"),
        (
            epub_sample().replace(b"OEBPS/content.opf", b"OEBPS/absent.opfx"),
            "its package file OEBPS/content.opf is missing",
        ),
        (_bomb(), "a zip bomb"),
    ],
)
def test_broken_books_fail_with_one_line(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        epub.extract(data, "abime.epub", None)
    message = str(caught.value)
    assert message.startswith("abime.epub: ") and reason in message and "\n" not in message


@pytest.mark.model
@pytest.mark.skipif(
    not HTML_READER, reason="fr2en.formats.html (the in-place HTML reader) is not on this branch"
)
def test_with_the_html_reader(tiny_settings: Settings, tiny_translator: Any) -> None:
    source = epub.extract(epub_sample(), "chroniques.epub", tiny_settings)
    for text in set(TEXTS):
        assert text in {block.text for block in source.blocks}
    result, _, data = round_trip(source, tiny_translator, tiny_settings)
    assert set(french_of_pairs(result, len(source.blocks))) == {block.text for block in source.blocks}
    book = zipfile.ZipFile(io.BytesIO(data))
    for path, page in EPUB_CHAPTERS.items():
        before, after = etree.fromstring(page.encode()), etree.fromstring(book.read(path))
        for tag in ("h1", "p"):
            assert len(list(after.iter(XHTML + tag))) == len(list(before.iter(XHTML + tag))), (path, tag)
        assert "Le marché ouvre" not in "".join(after.itertext())
    opf = etree.fromstring(book.read("OEBPS/content.opf"))
    assert opf.findtext(".//{http://purl.org/dc/elements/1.1/}language") == "en"
