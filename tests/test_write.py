"""Golden files for every writer, built from a fixed result (no model involved)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from fr2en.config import ALL_FORMATS
from fr2en.errors import OutputError
from fr2en.pipeline import layout_english
from fr2en.read import read_bytes
from fr2en.segment import segment
from fr2en.types import AlignedPair, DocumentChunk, DocumentResult, RunSignature, Scores
from fr2en.write import FORMATS, DocumentWriter, atomic_write_text, output_paths, render, write_outputs

from .conftest import TMX_DTD
from .samples import aligned_result, empty_result

GOLDEN = Path(__file__).parent / "golden"
SOURCE = (
    "Titre : <script>alert(1)</script> & co\n"
    "Première phrase.\tAvec une tabulation ! Troisième « phrase ».\n\n"
    "Dernier paragraphe."
)
ENGLISH = ["Title: <script>alert(1)</script> & co", "First sentence.", "With a tab!", 'Third "sentence".', ""]


def sample_result() -> DocumentResult:
    document = read_bytes(SOURCE.encode(), "sample.txt")
    sentences = segment(document)
    assert len(sentences) == len(ENGLISH)
    pairs = tuple(
        AlignedPair(
            src=(i,),
            tgt=(i,),
            source=s.text,
            target=ENGLISH[i],
            paragraph=s.paragraph,
            scores=Scores(
                score=[0.91, 0.62, 0.45, 0.8, 0.0][i],
                flags=[(), (), ("low_score",), (), ("empty_output", "low_score")][i],
                signals=(("length_ratio", 0.9),),
            ),
        )
        for i, s in enumerate(sentences)
    )
    return DocumentResult(
        document=document,
        source_sentences=sentences,
        target_sentences=tuple(ENGLISH),
        pairs=pairs,
        english=layout_english(document, sentences, ENGLISH),
        signature=RunSignature(
            "0.1.0", "fr2en:tiny", "tiny-v1", "torch", "cpu", "seg/1", "align/1", "qe/1", (("beam", "2"),)
        ),
    )


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_writer_matches_its_golden_file(fmt: str) -> None:
    text = render(fmt, sample_result())
    golden = GOLDEN / f"sample{FORMATS[fmt].suffix}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_n_to_m_and_null_links_match_their_golden_file(fmt: str) -> None:
    text = render(fmt, aligned_result())
    golden = GOLDEN / f"aligned{FORMATS[fmt].suffix}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_every_configurable_format_has_a_writer() -> None:
    assert sorted(FORMATS) == sorted(ALL_FORMATS)
    suffixes = [f.suffix for f in FORMATS.values()]
    assert len(set(suffixes)) == len(suffixes)


def test_markup_in_the_article_is_escaped_in_html_and_tmx() -> None:
    result = sample_result()
    for fmt in ("html", "tmx"):
        text = render(fmt, result)
        assert "<script>alert" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text


def test_tsv_keeps_one_line_per_pair_and_every_character() -> None:
    lines = render("tsv", sample_result()).splitlines()
    assert lines[0].split("\t")[:4] == ["pair", "paragraph", "fr", "en"]
    rows = [line.split("\t") for line in lines[1:]]
    assert len(rows) == len(ENGLISH)
    assert all(len(row) == len(lines[0].split("\t")) for row in rows)
    joined = "".join(row[2] for row in rows)
    assert "".join(joined.split()) == "".join(SOURCE.split())


def test_jsonl_has_the_documented_fields() -> None:
    objects = [json.loads(line) for line in render("jsonl", sample_result()).splitlines()]
    assert len(objects) == len(ENGLISH)
    for obj in objects:
        assert {"src", "tgt", "score", "flags"} <= obj.keys()
        assert isinstance(obj["flags"], list)


def test_tmx_validates_against_the_dtd() -> None:
    from lxml import etree

    dtd = etree.DTD(str(TMX_DTD))
    tree = etree.fromstring(render("tmx", sample_result()).encode())
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    # The empty English makes a null unit that a TM cannot hold: it is left out.
    assert len(tree.findall(".//tu")) == len(ENGLISH) - 1


def test_empty_document_renders_empty_outputs() -> None:
    document = read_bytes(b"", "empty.txt")
    empty = DocumentResult(document, (), (), (), "", sample_result().signature)
    assert render("txt", empty) == ""
    assert render("jsonl", empty) == ""
    assert render("tsv", empty).splitlines() == [
        "\t".join(("pair", "paragraph", "fr", "en", "score", "flags", "alignment"))
    ]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_writer_renders_an_empty_document(fmt: str) -> None:
    text = render(fmt, empty_result())
    assert "<tr class" not in text and "<tu " not in text and "<unit" not in text
    assert "Première" not in text


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_writing_in_chunks_gives_the_same_file_as_rendering_whole(tmp_path: Path, fmt: str) -> None:
    result = sample_result()
    first = tuple(p for p in result.pairs if p.paragraph == 0)
    rest = result.pairs[len(first) :]
    cut = result.english.index("\n")
    with DocumentWriter(tmp_path / "doc", [fmt], result.header()) as writer:
        writer.add(DocumentChunk(first, result.english[:cut], 1))
        writer.add(DocumentChunk(rest, result.english[cut:], len(first) + 1))
        (path,) = writer.commit(result.summary())
    assert path.read_text(encoding="utf-8") == render(fmt, result)


def test_a_writer_left_by_an_error_leaves_nothing_behind(tmp_path: Path) -> None:
    result = sample_result()
    with (
        pytest.raises(RuntimeError),
        DocumentWriter(tmp_path / "doc", sorted(FORMATS), result.header()) as writer,
    ):
        writer.add(result.chunk())
        raise RuntimeError("killed mid-document")
    assert list(tmp_path.iterdir()) == []


def test_write_outputs_names_files_beside_the_base(tmp_path: Path) -> None:
    written = write_outputs(sample_result(), tmp_path / "sub" / "name", ["txt", "tsv", "html"])
    assert [p.name for p in written] == ["name.en.txt", "name.tsv", "name.fr-en.html"]
    assert written == output_paths(tmp_path / "sub" / "name", ["txt", "tsv", "html"])
    assert not list((tmp_path / "sub").glob("*.part"))


def test_atomic_write_leaves_no_partial_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    atomic_write_text(target, "old")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with pytest.raises(OutputError, match="cannot write"):
            atomic_write_text(locked / "x.txt", "new")
    finally:
        locked.chmod(stat.S_IRWXU)
    assert target.read_text() == "old"


def test_atomic_write_failure_midway_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    atomic_write_text(target, "old")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OutputError, match="No space left"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_the_docs_output_samples_are_what_the_writers_write() -> None:
    page = (Path(__file__).parent.parent / "docs" / "outputs.md").read_text(encoding="utf-8")
    samples = [line[4:] for line in page.splitlines() if line.startswith("    ")]
    goldens = "".join(path.read_text(encoding="utf-8") for path in GOLDEN.iterdir())
    # The run signature line comes from a real tiny-mode run, not from a golden file.
    missing = [s for s in samples if s.strip() not in goldens and not s.startswith("fr2en:")]
    assert samples and missing == []
