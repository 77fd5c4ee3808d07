"""Word documents translated in place (fr2en.formats.docx), round-tripped in tiny mode."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from fr2en.config import Settings
from fr2en.errors import InputError
from fr2en.formats import docx as docx_format
from fr2en.formats import reader_for

from .format_samples import DOCX_TEXTS, docx_sample, french_of_pairs, round_trip, zip_of

docx = pytest.importorskip("docx")


@pytest.fixture(scope="module")
def translated(tiny_settings: Settings, tiny_translator: Any) -> tuple[Any, Any, list[str], bytes]:
    source = docx_format.extract(docx_sample(), "rapport.docx", tiny_settings)
    result, english, data = round_trip(source, tiny_translator, tiny_settings)
    return source, result, english, data


def test_registered_for_its_suffix() -> None:
    from pathlib import Path

    assert reader_for(Path("Rapport.DOCX")) == "fr2en.formats.docx"


def test_blocks_are_the_paragraphs_cells_header_and_footer() -> None:
    source = docx_format.extract(docx_sample(), "rapport.docx", None)
    assert [block.text for block in source.blocks] == DOCX_TEXTS
    assert source.suffix == ".en.docx"
    assert [p.text for p in source.document.paragraphs] == DOCX_TEXTS
    # "Lyon" is bold and "content" italic: marks over those words, not the plain text around them.
    marks = source.blocks[1].marks
    assert [DOCX_TEXTS[1][m.start : m.end] for m in marks] == ["Lyon", "content"]


@pytest.mark.model
def test_round_trip_keeps_structure_and_formatting(translated: tuple[Any, Any, list[str], bytes]) -> None:
    source, result, english, data = translated
    assert french_of_pairs(result, len(source.blocks)) == DOCX_TEXTS
    before = docx.Document(io.BytesIO(docx_sample()))
    after = docx.Document(io.BytesIO(data))
    assert len(after.paragraphs) == len(before.paragraphs)
    assert [p.style.name for p in after.paragraphs] == [p.style.name for p in before.paragraphs]
    assert [p.style.name for p in after.paragraphs][:4] == [
        "Heading 1",
        "Normal",
        "List Bullet",
        "List Number",
    ]
    body = [p.text for p in after.paragraphs if p.text]
    assert body == [english[i] for i in (0, 1, 2, 3, 8)]
    (table,) = after.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [english[4:6], english[6:8]]
    assert after.sections[0].header.paragraphs[0].text == english[9]
    assert after.sections[0].footer.paragraphs[0].text == english[10]
    runs = after.paragraphs[1].runs
    assert any(run.bold and run.text.strip() for run in runs)
    assert any(run.italic and run.text.strip() for run in runs)
    assert not any(run.bold for run in after.paragraphs[0].runs if run.text.strip() and run.italic)
    link = after.paragraphs[-1]._p.find(docx_format.W + "hyperlink")
    assert link is not None and "".join(link.itertext()).strip()
    assert link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")


@pytest.mark.model
def test_rebuild_is_byte_identical_on_a_rerun(translated: tuple[Any, Any, list[str], bytes]) -> None:
    source, _, english, data = translated
    assert source.rebuild(english) == data
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    original = zipfile.ZipFile(io.BytesIO(docx_sample())).namelist()
    assert [info.filename for info in infos] == original


def test_parts_without_text_are_copied_and_language_becomes_english() -> None:
    original = zipfile.ZipFile(io.BytesIO(docx_sample()))
    entries = [(n, original.read(n).replace(b'w:val="en-US"', b'w:val="fr-FR"')) for n in original.namelist()]
    source = docx_format.extract(zip_of(entries), "rapport.docx", None)
    assert source.rebuild is not None
    out = zipfile.ZipFile(io.BytesIO(source.rebuild(["Hello."] * len(source.blocks))))
    assert out.read("word/_rels/document.xml.rels") == original.read("word/_rels/document.xml.rels")
    styles = out.read("word/styles.xml")
    assert b'w:val="fr-FR"' not in styles and b'<w:lang w:val="en-GB"' in styles


def test_computed_fields_are_left_alone() -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = (
        f'<w:document {w}><w:body><w:p><w:r><w:t xml:space="preserve">Page </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> page \\* MERGEFORMAT </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> sur dix</w:t></w:r>'
        "</w:p></w:body></w:document>"
    )
    source = docx_format.extract(zip_of([("word/document.xml", body)]), "f.docx", None)
    assert [b.text for b in source.blocks] == ["Page  sur dix"]
    assert source.rebuild is not None
    out = zipfile.ZipFile(io.BytesIO(source.rebuild(["Page of ten"]))).read("word/document.xml").decode()
    assert out.count("<w:t>7</w:t>") == 1 and "Page of ten" in out and "sur dix" not in out


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04 this is not really a zip", "not a zip archive"),
        (b"Bonjour, je ne suis qu'un texte.", "not a zip archive"),
        (zip_of([("word/other.xml", "<a/>")]), "no word/document.xml"),
        (zip_of([("word/document.xml", "<w:document><unclosed>")]), "not well-formed XML"),
    ],
)
def test_corrupt_documents_fail_with_one_line(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        docx_format.extract(data, "casse.docx", None)
    message = str(caught.value)
    assert "casse.docx" in message and reason in message and "\n" not in message


def test_a_text_box_is_its_own_paragraph_and_its_fallback_copy_is_left() -> None:
    ns = (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    )
    box = "<w:txbxContent><w:p><w:r><w:t>Dans la boîte.</w:t></w:r></w:p></w:txbxContent>"
    body = (
        f'<w:document {ns}><w:body><w:p><w:r><w:t xml:space="preserve">Avant la boîte. </w:t></w:r>'
        f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>{box}</w:drawing></mc:Choice>'
        f"<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        "<w:r><w:t>Après.</w:t></w:r></w:p></w:body></w:document>"
    )
    source = docx_format.extract(zip_of([("word/document.xml", body)]), "boite.docx", None)
    assert [b.text for b in source.blocks] == ["Avant la boîte. Après.", "Dans la boîte."]
    assert source.rebuild is not None
    out = zipfile.ZipFile(io.BytesIO(source.rebuild(["Before the box. After.", "In the box."])))
    xml = out.read("word/document.xml").decode()
    assert xml.count("In the box.") == 1 and xml.count("Dans la boîte.") == 1  # the fallback's copy
    assert xml.index("Before the box. After.") < xml.index("<mc:AlternateContent")
