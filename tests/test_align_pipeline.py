"""Alignment in the pipeline: align_texts/align_files, translate --unit paragraph, null-link scores and
the unit setting."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from fr2en import align_files, align_texts, pipeline, score, segment
from fr2en.config import ModelSettings, Settings, load_settings
from fr2en.errors import ConfigError, InputError, OutputError
from fr2en.translate import ModelInfo, Progress
from fr2en.types import Translation
from fr2en.write import output_paths

FRENCH = """Le président a annoncé un plan de 12 milliards d'euros. Ce plan doit relancer l'économie.

Les syndicats ont critiqué la décision. Le chômage a atteint 10,5 % en mars, un record depuis 1998.
La Commission européenne examinera le projet en décembre. Les marchés ont réagi positivement.
"""
# The English leaves out the sentence on unemployment and adds one on Mr Barroso.
ENGLISH = """The president announced a plan worth 12 billion euros. The plan is meant to revive the economy.

The unions criticised the decision.
The European Commission will examine the project in December.
Markets reacted positively. José Manuel Barroso declined to comment on Tuesday.
"""
DROPPED = "Le chômage a atteint 10,5 % en mars, un record depuis 1998."
# What a perfect translator gives for each French sentence.
LEXICON = {
    "Le président a annoncé un plan de 12 milliards d'euros.": "The president unveiled a 12bn euro plan.",
    "Ce plan doit relancer l'économie.": "The plan is meant to revive the economy.",
    "Les syndicats ont critiqué la décision.": "The unions criticised the decision.",
    DROPPED: "Unemployment hit 10.5% in March, a record since 1998.",
    "La Commission européenne examinera le projet en décembre.": "The European Commission will examine it.",
    "Les marchés ont réagi positivement.": "Markets reacted positively.",
}


class ParagraphTranslator:
    """Translates sentence by sentence from LEXICON, joining them back; can drop one sentence."""

    def __init__(self, drop: str = "") -> None:
        self.drop = drop
        self.inputs: list[str] = []

    @property
    def info(self) -> ModelInfo:
        return ModelInfo("fake", "0", "none", "cpu")

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        self.inputs.extend(sentences)
        out = []
        for paragraph in sentences:
            french = [s.text for s in segment.segment_paragraph(paragraph)]
            english = " ".join(LEXICON[s] for s in french if s != self.drop)
            out.append(Translation(source=paragraph, text=english, logprob=-0.1, tokens=len(english.split())))
        return out


def paragraph_settings() -> Settings:
    return replace(Settings(), model=replace(ModelSettings(), unit="paragraph"))


def test_align_texts_pairs_sentences_and_flags_null_links() -> None:
    result = align_texts(FRENCH, ENGLISH, settings=Settings())
    assert len(result.source_sentences) == 6 and len(result.target_sentences) == 6
    links = [(p.src, p.tgt) for p in result.pairs]
    one_to_one = [((i,), (i,)) for i in range(3)] + [((4,), (3,)), ((5,), (4,))]
    assert links == [*one_to_one[:3], ((3,), ()), *one_to_one[3:], ((), (5,))]
    by_flag = {flag: p for p in result.pairs for flag in p.scores.flags}
    assert by_flag["unaligned_source"].src == (3,) and by_flag["unaligned_source"].target == ""
    assert by_flag["unaligned_target"].tgt == (5,) and by_flag["unaligned_target"].source == ""
    assert by_flag["unaligned_target"].paragraph == 2  # sits with the French before it
    assert all(0.0 <= p.alignment <= 1.0 for p in result.pairs)
    assert result.signature.aligner == "fr2en-align/1" and result.signature.model == "none"
    assert any("unaligned_source" in note for note in result.notes)


def test_align_texts_on_empty_inputs() -> None:
    result = align_texts("", "Only English.", settings=Settings())
    assert [(p.src, p.tgt) for p in result.pairs] == [((), (0,))]
    assert result.notes[0].startswith("empty input")
    assert align_texts("", "", settings=Settings()).pairs == ()


def test_align_files_writes_every_format(tmp_path: Path) -> None:
    fr, en = tmp_path / "article.fr.txt", tmp_path / "article.en.txt"
    fr.write_text(FRENCH, encoding="utf-8")
    en.write_text(ENGLISH, encoding="utf-8")
    out = tmp_path / "out"
    result = align_files(fr, en, out, settings=Settings())
    expected = output_paths(out / "article.fr", Settings().output.formats)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*(p.name for p in expected), "report.html", "report.json"]
    )
    rows = [json.loads(line) for line in (out / "article.fr.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["tgt_ids"] for r in rows if "unaligned_source" in r["flags"]] == [[]]
    assert len(rows) == len(result.pairs)
    assert (out / "article.fr.tmx").read_text(encoding="utf-8").count("<tu ") == len(result.pairs) - 2


def test_align_files_refuses_to_overwrite_an_input(tmp_path: Path) -> None:
    fr, en = tmp_path / "a.txt", tmp_path / "a.en.txt"
    fr.write_text(FRENCH, encoding="utf-8")
    en.write_text(ENGLISH, encoding="utf-8")
    with pytest.raises(OutputError, match="overwrite an input"):
        align_files(fr, en, tmp_path, settings=Settings())
    assert en.read_text(encoding="utf-8") == ENGLISH


def test_align_files_reports_a_missing_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        align_files(tmp_path / "missing.txt", tmp_path / "other.txt", settings=Settings())


def test_paragraph_unit_translates_paragraphs_and_aligns_back() -> None:
    translator = ParagraphTranslator()
    result = pipeline.translate_text(FRENCH, settings=paragraph_settings(), translator=translator)
    assert len(translator.inputs) == 3  # one model input per paragraph
    assert [(p.src, p.tgt) for p in result.pairs] == [((i,), (i,)) for i in range(6)]
    assert [p.paragraph for p in result.pairs] == [0, 0, 1, 1, 2, 2]
    e = list(LEXICON.values())
    # The English keeps the article's paragraph breaks.
    assert result.english == f"{e[0]} {e[1]}\n\n{e[2]} {e[3]}\n{e[4]} {e[5]}"
    assert result.signature.aligner == "fr2en-align/1" and ("unit", "paragraph") in result.signature.settings


def test_paragraph_unit_flags_a_sentence_the_model_left_out() -> None:
    translator = ParagraphTranslator(drop=DROPPED)
    result = pipeline.translate_text(FRENCH, settings=paragraph_settings(), translator=translator)
    missing = [p for p in result.pairs if "unaligned_source" in p.scores.flags]
    assert [p.source for p in missing] == [DROPPED]
    assert all(p.scores.signal("logprob") == -0.1 for p in result.pairs if p.src and p.tgt)


def test_paragraph_unit_on_empty_input() -> None:
    result = pipeline.translate_text("", settings=paragraph_settings(), translator=ParagraphTranslator())
    assert result.pairs == () and result.english == ""


def test_sentence_unit_keeps_the_one_to_one_signature() -> None:
    signature = pipeline.run_signature(ModelInfo("m", "r", "torch", "cpu"), Settings())
    assert signature.aligner == "one-to-one/1" and ("unit", "sentence") in signature.settings


def test_null_link_scores() -> None:
    assert score.score_null_link("Une phrase.").flags == ("unaligned_source",)
    assert score.score_null_link("").flags == ("unaligned_target",)
    assert set(score.FLAG_DESCRIPTIONS) >= {"unaligned_source", "unaligned_target"}


def test_unit_setting_is_validated_and_layered() -> None:
    assert load_settings(environ={"FR2EN_MODEL_UNIT": "paragraph"}).model.unit == "paragraph"
    with pytest.raises(ConfigError, match=r"model\.unit"):
        load_settings(environ={}, overrides={"model": {"unit": "chapter"}})
