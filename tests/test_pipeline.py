"""The composed pipeline, on the tiny model."""

from __future__ import annotations

from pathlib import Path

import pytest

from fr2en import translate_file, translate_text
from fr2en.config import ALL_FORMATS
from fr2en.pipeline import layout_english
from fr2en.read import read_bytes
from fr2en.segment import segment
from fr2en.write import FORMATS

from .conftest import SEED

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
