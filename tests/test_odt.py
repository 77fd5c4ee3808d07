"""OpenDocument text translated in place (fr2en.formats.odt), round-tripped in tiny mode."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from fr2en.config import Settings
from fr2en.errors import InputError
from fr2en.formats import odt as odt_format

from .format_samples import ODT_CONTENT, ODT_TEXTS, docx_sample, french_of_pairs, odt_sample, round_trip

T = odt_format.TEXT


@pytest.fixture(scope="module")
def translated(tiny_settings: Settings, tiny_translator: Any) -> tuple[Any, Any, list[str], bytes]:
    source = odt_format.extract(odt_sample(), "rapport.odt", tiny_settings)
    result, english, data = round_trip(source, tiny_translator, tiny_settings)
    return source, result, english, data


def _part(data: bytes, name: str) -> Any:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def test_blocks_are_paragraphs_headings_cells_notes_header_footer() -> None:
    source = odt_format.extract(odt_sample(), "rapport.odt", None)
    assert [block.text for block in source.blocks] == ODT_TEXTS
    marks = source.blocks[1].marks
    assert [ODT_TEXTS[1][m.start : m.end] for m in marks] == ["Lyon", "content"]
    assert source.suffix == ".en.odt"


@pytest.mark.model
def test_round_trip_keeps_structure_and_formatting(translated: tuple[Any, Any, list[str], bytes]) -> None:
    source, result, english, data = translated
    assert french_of_pairs(result, len(source.blocks)) == ODT_TEXTS
    before, after = _part(odt_sample(), "content.xml"), _part(data, "content.xml")
    paragraphs = list(after.iter(T + "p", T + "h"))
    assert len(paragraphs) == len(list(before.iter(T + "p", T + "h")))
    assert [p.get(T + "style-name") for p in paragraphs] == [
        p.get(T + "style-name") for p in before.iter(T + "p", T + "h")
    ]
    assert after.find(f".//{T}h").get(T + "outline-level") == "1"
    assert len(after.findall(f".//{T}list-item")) == 2
    cells = after.findall(".//{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-cell")
    assert ["".join(cell.itertext()) for cell in cells] == english[4:8]
    bold = paragraphs[1].find(f"{T}span[@{T}style-name='T1']")
    assert bold is not None and bold.text.strip()
    link = paragraphs[-2].find(f"{T}a")
    assert link is not None and link.get("{http://www.w3.org/1999/xlink}href") == "https://exemple.fr/"
    note = paragraphs[-2].find(f"{T}note")
    assert note is not None and "".join(note.find(f".//{T}p").itertext()) == english[9]
    styles = _part(data, "styles.xml")
    assert styles.find(f".//{{*}}footer/{T}p/{T}page-number") is not None
    meta = _part(data, "meta.xml")
    assert meta.findtext(".//{http://purl.org/dc/elements/1.1/}language") == "en-GB"


@pytest.mark.model
def test_rebuild_is_byte_identical_with_mimetype_first(translated: tuple[Any, Any, list[str], bytes]) -> None:
    source, _, english, data = translated
    assert source.rebuild(english) == data
    first = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert data[30:38] == b"mimetype"


def test_a_document_without_content_fails_alone() -> None:
    from .format_samples import zip_of

    with pytest.raises(InputError, match=r"vide\.odt: not a valid OpenDocument text \(no content\.xml"):
        odt_format.extract(
            zip_of([("mimetype", "application/vnd.oasis.opendocument.text")]), "vide.odt", None
        )
    with pytest.raises(InputError, match=r"tronque\.odt: content\.xml is not well-formed"):
        odt_format.extract(odt_sample(ODT_CONTENT[:-40]), "tronque.odt", None)


@pytest.mark.model
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_translated_docx_and_odt_open_in_libreoffice(
    translated: tuple[Any, Any, list[str], bytes],
    tiny_settings: Settings,
    tiny_translator: Any,
    tmp_path: Path,
) -> None:
    from fr2en.formats import docx as docx_format

    _, _, docx_data = round_trip(docx_format.extract(docx_sample(), "r.docx"), tiny_translator, tiny_settings)
    inputs = [tmp_path / "word.en.docx", tmp_path / "writer.en.odt"]
    inputs[0].write_bytes(docx_data)
    inputs[1].write_bytes(translated[3])
    out = tmp_path / "pdf"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, inputs)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pypdf = pytest.importorskip("pypdf")
    for name in ("word.en.pdf", "writer.en.pdf"):
        reader = pypdf.PdfReader(out / name)
        assert len(reader.pages) >= 1
        assert reader.pages[0].extract_text().strip(), name


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_documents_written_by_libreoffice_round_trip(tmp_path: Path) -> None:
    """LibreOffice's own .docx and .odt (bookmarks, fields, footnotes, many styles) read and rebuild."""
    from fr2en.formats import docx as docx_format

    docx = pytest.importorskip("docx")
    (tmp_path / "from-writer.odt").write_bytes(odt_sample())
    (tmp_path / "from-word.docx").write_bytes(docx_sample())
    out = tmp_path / "converted"
    for target, source in (("docx", "from-writer.odt"), ("odt", "from-word.docx")):
        subprocess.run(
            ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
             "--convert-to", target, "--outdir", str(out), str(tmp_path / source)],
            check=True, capture_output=True, timeout=240,
        )  # fmt: skip
    word = docx_format.extract((out / "from-writer.docx").read_bytes(), "from-writer.docx")
    assert sorted(b.text for b in word.blocks) == sorted(ODT_TEXTS)  # footnote and footer included
    assert word.rebuild is not None
    english = [f"English paragraph {i}." for i in range(len(word.blocks))]
    rebuilt = docx.Document(io.BytesIO(word.rebuild(english)))
    original = docx.Document(io.BytesIO((out / "from-writer.docx").read_bytes()))
    assert [p.style.name for p in rebuilt.paragraphs] == [p.style.name for p in original.paragraphs]
    assert {p.text for p in rebuilt.paragraphs if p.text} <= set(english)
    writer = odt_format.extract((out / "from-word.odt").read_bytes(), "from-word.odt")
    assert [b.text for b in writer.blocks][:9] == ODT_TEXTS[:9]
    assert writer.rebuild is not None
    english = [f"English paragraph {i}." for i in range(len(writer.blocks))]
    content = _part(writer.rebuild(english), "content.xml")
    texts = ["".join(p.itertext()) for p in content.iter(T + "p", T + "h")]
    assert [t for t in texts if t] == english[: len([t for t in texts if t])]
