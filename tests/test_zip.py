"""Zipped XML read safely and written reproducibly (fr2en.formats._zip): bombs, XXE, fixed bytes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from fr2en.errors import InputError
from fr2en.formats import _zip
from fr2en.formats import docx as docx_format
from fr2en.formats import odt as odt_format

from .format_samples import zip_of


def _bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<a>" + b"0" * size + b"</a>")
    return buffer.getvalue()


def test_an_archive_expanding_over_100_times_its_size_is_refused() -> None:
    bomb = _bomb(5_000_000)  # compresses about 1000 to 1
    assert len(bomb) * 100 < 5_000_000
    with pytest.raises(
        InputError, match=r"bombe\.docx: refused, .* more than 100× its size \(a zip bomb\?\)"
    ):
        docx_format.extract(bomb, "bombe.docx", None)
    with pytest.raises(InputError, match="zip bomb"):
        odt_format.extract(bomb, "bombe.odt", None)


def test_an_archive_expanding_over_1_gb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_zip, "MAX_EXPANDED", 1_000)  # the 1 GB cap, scaled down to stay fast
    archive = zip_of([("word/document.xml", bytes(range(256)) * 8)])  # random-ish: hardly compresses
    assert len(archive) * 100 > 2048
    with pytest.raises(InputError, match="more than 1 GB"):
        _zip.read_zip(archive, "gros.docx", "Word document")


def test_a_normal_archive_reads_in_order() -> None:
    entries = _zip.read_zip(zip_of([("b", "2"), ("a", "1")]), "x.zip", "archive")
    assert entries == [_zip.Entry("b", b"2"), _zip.Entry("a", b"1")]


def test_a_corrupt_entry_fails_with_one_line() -> None:
    data = bytearray(zip_of([("word/document.xml", "<w:document>" + "texte " * 200 + "</w:document>")]))
    start = data.index(b"word/document.xml") + len("word/document.xml") + 10
    data[start : start + 20] = b"\xff" * 20
    with pytest.raises(InputError) as caught:
        _zip.read_zip(bytes(data), "abime.docx", "Word document")
    assert str(caught.value).startswith("abime.docx: not a valid Word document") and "\n" not in str(
        caught.value
    )


def test_folder_entries_are_kept() -> None:
    data = zip_of([("mimetype", "x"), ("Configurations2/toolbar/", ""), ("content.xml", "<a/>")])
    entries = _zip.read_zip(data, "f.odt", "OpenDocument text")
    assert entries[1] == _zip.Entry("Configurations2/toolbar/", b"")
    again = zipfile.ZipFile(io.BytesIO(_zip.write_zip(entries)))
    assert again.namelist() == ["mimetype", "Configurations2/toolbar/", "content.xml"]
    assert again.infolist()[1].is_dir()


def test_written_archives_are_reproducible_with_mimetype_first_and_stored() -> None:
    entries = [_zip.Entry("content.xml", b"<a/>" * 50), _zip.Entry("mimetype", b"application/epub+zip")]
    first, second = _zip.write_zip(entries), _zip.write_zip(list(entries))
    assert first == second
    infos = zipfile.ZipFile(io.BytesIO(first)).infolist()
    assert [i.filename for i in infos] == ["mimetype", "content.xml"]
    assert infos[0].compress_type == zipfile.ZIP_STORED and infos[1].compress_type == zipfile.ZIP_DEFLATED
    assert {i.date_time for i in infos} == {_zip.FIXED_DATE}
    assert first[30:38] == b"mimetype"


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("MOT-DE-PASSE-SECRET", encoding="utf-8")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "{secret.as_uri()}">'
        '<!ENTITY interne "valeur interne">]>'
        f'<w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>Le texte &xxe; ici.</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    root = _zip.parse_xml(document.encode(), "x.docx", "word/document.xml")
    assert "MOT-DE-PASSE" not in "".join(root.itertext())
    source = docx_format.extract(zip_of([("word/document.xml", document)]), "xxe.docx", None)
    assert all("MOT-DE-PASSE" not in block.text for block in source.blocks)
    assert source.rebuild is not None
    rebuilt = zipfile.ZipFile(io.BytesIO(source.rebuild(["The text here."]))).read("word/document.xml")
    assert b"MOT-DE-PASSE" not in rebuilt


def test_a_billion_laughs_does_not_expand() -> None:
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    document = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "rire">{laughs}]><d>&l9;</d>'
    try:
        root = _zip.parse_xml(document.encode(), "rires.odt", "content.xml")
    except InputError as refused:  # libxml2 ≥ 2.13 refuses the amplification outright
        assert str(refused).startswith("rires.odt: content.xml is not well-formed XML")
    else:
        assert len("".join(root.itertext())) < 100
