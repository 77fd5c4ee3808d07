"""The composed pipeline, on the tiny model."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from fr2en import translate_file, translate_text
from fr2en.config import ALL_FORMATS, load_settings
from fr2en.errors import InputError
from fr2en.pipeline import layout_english, translate_document, translate_scanned
from fr2en.read import decode, normalise, read_bytes, read_file, scan_file
from fr2en.segment import segment
from fr2en.write import FORMATS, write_outputs

from .conftest import SEED, FakeTranslator

pytestmark = pytest.mark.model


def test_seed_article_gives_one_pair_per_sentence_with_scores(tiny_settings, tiny_translator) -> None:  # type: ignore[no-untyped-def]
    result = translate_file(SEED, settings=tiny_settings, translator=tiny_translator)
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(result.pairs) == len(result.source_sentences) >= len(lines)
    assert all(0.0 <= p.scores.score <= 1.0 for p in result.pairs)
    # The tiny model's gibberish runs to the cap: every pair must be flagged, never silently passed.
    assert result.flagged == len(result.pairs)
    assert result.english.count("\n") == len(lines) - 1
    assert result.signature.model == "fr2en:tiny"


def test_translate_text_on_empty_text_is_empty(tiny_settings, tiny_translator) -> None:  # type: ignore[no-untyped-def]
    result = translate_text("   \n\n", settings=tiny_settings, translator=tiny_translator)
    assert result.pairs == () and result.english == ""
    assert result.notes


def test_translate_file_writes_outputs(tmp_path: Path, tiny_settings, tiny_translator) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "article.txt"
    source.write_text("Titre\n\nUne phrase. Une autre phrase.\n", encoding="utf-8")
    result = translate_file(source, tmp_path / "out", settings=tiny_settings, translator=tiny_translator)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(f"article{FORMATS[f].suffix}" for f in ALL_FORMATS)
    assert len(result.pairs) == 3


def test_layout_keeps_line_breaks_and_blank_lines() -> None:
    document = read_bytes(b"Titre\nUn. Deux.\n\nTrois.", "x")
    sentences = segment(document)
    english = layout_english(document, sentences, ["Title", "One.", "Two.", "Three."])
    assert english == "Title\nOne. Two.\n\nThree."


# --- Streaming a document part by part -------------------------------------------------------------


def _streamed_outputs(
    source: Path, out: Path, translator: Any, settings: Any, part_chars: int
) -> dict[str, bytes]:
    scan = scan_file(source)
    _, written = translate_scanned(source, scan, out / "doc", translator, settings, part_chars=part_chars)
    return {p.name: p.read_bytes() for p in written}


def _whole_outputs(source: Path, out: Path, translator: Any, settings: Any) -> dict[str, bytes]:
    result = translate_document(read_file(source, str(source)), translator, settings)
    return {p.name: p.read_bytes() for p in write_outputs(result, out / "doc", settings.output.formats)}


ARTICLE = (
    "Titre de l'article\n\nPremière phrase. Deuxième phrase, qui\ncontinue ici.\n"
    "Une ligne seule\n\n\n« Citation », dit-il. Fin.\n"
)


@pytest.mark.parametrize("part_chars", [1, 20, 10_000])
def test_parts_give_the_outputs_of_the_whole_document(tmp_path: Path, part_chars: int) -> None:
    settings = load_settings(environ={})
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    whole = _whole_outputs(source, tmp_path / "whole", FakeTranslator(), settings)
    assert _streamed_outputs(source, tmp_path / "parts", FakeTranslator(), settings, part_chars) == whole


@settings_(max_examples=60, deadline=None)
@given(
    # No control characters: the scan notes their removal, which the whole-text path does not.
    st.text(
        alphabet=st.sampled_from("abé É.!? \n\r\t«»’-") | st.characters(blacklist_categories=("Cc", "Cs")),
        max_size=200,
    ),
    st.integers(1, 200),
)
def test_parts_give_the_outputs_of_the_whole_document_for_any_text(text: str, part_chars: int) -> None:
    settings = load_settings(environ={})
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "any.txt"
        source.write_text(text, encoding="utf-8")
        try:
            whole = _whole_outputs(source, Path(folder) / "whole", FakeTranslator(), settings)
        except InputError:
            return  # binary-looking text: refused both ways (tests/test_read.py)
        streamed = _streamed_outputs(source, Path(folder) / "parts", FakeTranslator(), settings, part_chars)
    assert streamed == whole


@settings_(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=160))
def test_any_text_goes_through_the_tiny_model_losing_nothing(
    tiny_settings, tiny_translator, text: str
) -> None:  # type: ignore[no-untyped-def]
    data = text.encode("utf-8")
    try:
        expected = "".join(normalise(decode(data)[0]).split())
    except InputError:
        return
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "any.txt"
        source.write_bytes(data)
        summary, _ = translate_scanned(
            source, scan_file(source), Path(folder) / "any", tiny_translator, tiny_settings, part_chars=40
        )
        rows = [
            line.split("\t")
            for line in (Path(folder) / "any.tsv").read_text(encoding="utf-8").splitlines()[1:]
        ]
    assert "".join("".join(row[2] for row in rows).split()) == expected
    assert summary.sentences == summary.pairs == len(rows)
    assert all(0.0 <= float(row[4]) <= 1.0 for row in rows)


def test_a_10000_word_paragraph_without_punctuation_is_translated_whole(
    tmp_path: Path, tiny_settings
) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from fr2en.translate import load_translator

    settings = dataclasses.replace(
        tiny_settings, model=dataclasses.replace(tiny_settings.model, max_input_tokens=48)
    )
    translator = load_translator(settings.model)
    vocabulary = ("la", "réunion", "aura", "lieu", "demain", "à", "Istanbul", "entre", "diplomates", "russes")
    words = " ".join(vocabulary[i % 10] for i in range(10_000))
    source = tmp_path / "long.txt"
    source.write_text(words + "\n", encoding="utf-8")
    translate_scanned(source, scan_file(source), tmp_path / "long", translator, settings)
    [row] = [
        line.split("\t") for line in (tmp_path / "long.tsv").read_text(encoding="utf-8").splitlines()[1:]
    ]
    assert row[2] == words
    assert "split_long_sentence" in row[5].split(",")
    record = json.loads((tmp_path / "long.jsonl").read_text(encoding="utf-8"))
    assert record["signals"]["parts"] > 10 and len(row[3].split()) > 1000
