"""A batch over formatted files: a corrupt, encrypted or bomb document fails alone, the rest is done."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from fr2en.cli import main

from .conftest import TINY_CONFIG
from .format_samples import pdf_sample
from .test_subtitles import SRT

srt = pytest.importorskip("srt")
pypdf = pytest.importorskip("pypdf")


def _encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_sample([["Un texte secret."]]))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("OEBPS/big.xhtml", b" " * 3_000_000)
    return buffer.getvalue()


@pytest.mark.model
@pytest.mark.cli
def test_hostile_documents_fail_alone_and_the_rest_is_done(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    (folder / "journal.srt").write_text(SRT, encoding="utf-8")
    (folder / "note.txt").write_text("Bonjour. Ceci est une note.\n", encoding="utf-8")
    (folder / "casse.docx").write_bytes(b"PK\x03\x04 pas vraiment un zip")
    (folder / "secret.pdf").write_bytes(_encrypted_pdf())
    (folder / "bombe.epub").write_bytes(_bomb())
    from fr2en import batch

    discover = getattr(batch, "discover", None)
    if discover is not None and not any(f.path.suffix == ".srt" for f in discover([folder], out)):
        pytest.skip("formatted files are not read by the batch on this branch (the formats integration)")
    code = main(["translate", str(folder), "--config", str(TINY_CONFIG), "-o", str(out), "-q"])
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    documents = {Path(d["input"]).name: d for d in report["documents"]}
    if "journal.srt" not in documents:
        pytest.skip("formatted files are not read by the batch on this branch (the formats integration)")
    assert code == 1
    assert documents["journal.srt"]["status"] == documents["note.txt"]["status"] == "done"
    for name, reason in (("casse.docx", "not a zip"), ("secret.pdf", "password"), ("bombe.epub", "zip bomb")):
        error = documents[name]["error"]
        assert documents[name]["status"] == "failed" and name in error and reason in error, error
        assert "\n" not in error
    (translated,) = out.rglob("journal.en.srt")
    before, after = list(srt.parse(SRT)), list(srt.parse(translated.read_text(encoding="utf-8")))
    assert [(s.index, s.start, s.end) for s in after] == [(s.index, s.start, s.end) for s in before]
