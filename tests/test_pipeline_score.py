"""fr2en.pipeline.score_texts / score_files: line-aligned scoring, references, outputs, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fr2en.config import load_settings
from fr2en.errors import InputError
from fr2en.pipeline import score_files, score_texts
from fr2en.read import read_lines
from fr2en.write import output_paths

FR = [
    "Le gouvernement a présenté mercredi un nouveau projet de loi sur l'énergie.",
    "Environ 12 000 personnes ont manifesté samedi à Paris.",
    "",
]
EN = [
    "The government presented a new energy bill on Wednesday.",
    "About 12,000 people demonstrated in Paris on Saturday.",
    "",
]
SETTINGS = load_settings(environ={})


def test_model_free_scores_and_metrics() -> None:
    result = score_texts(FR, EN, EN, settings=SETTINGS, use_model=False)
    assert [p.scores.flags for p in result.pairs] == [(), (), ()]
    assert {m.name: m.score for m in result.metrics} == {"BLEU": 100.0, "chrF": 100.0, "TER": 0.0}
    assert result.pairs[0].scores.signal("chrf") == 100.0
    assert result.pairs[0].scores.signal("bleu") == 100.0
    assert result.signature.backend == "model-free"
    assert result.english == "\n".join(EN)


def test_damaged_pair_is_flagged_without_references() -> None:
    result = score_texts(
        FR,
        [EN[0], "About 13,000 people demonstrated in Paris on Saturday.", ""],
        settings=SETTINGS,
        use_model=False,
    )
    assert "number_mismatch" in result.pairs[1].scores.flags
    assert result.metrics == ()
    assert result.flagged == 1


def test_empty_input() -> None:
    result = score_texts([], [], [], settings=SETTINGS, use_model=False)
    assert result.pairs == () and result.mean_score is None and result.notes


def test_line_count_mismatch_is_an_input_error() -> None:
    with pytest.raises(InputError, match="3 lines but English has 2"):
        score_texts(FR, EN[:2], settings=SETTINGS, use_model=False)
    with pytest.raises(InputError, match="reference has 1"):
        score_texts(FR, EN, EN[:1], settings=SETTINGS, use_model=False)


def test_score_files_writes_outputs_and_summary(tmp_path: Path) -> None:
    (tmp_path / "a.fr").write_text("\n".join(FR) + "\n", encoding="utf-8")
    (tmp_path / "a.en").write_text("\r\n".join(EN) + "\r\n", encoding="utf-8")
    result = score_files(
        tmp_path / "a.fr",
        tmp_path / "a.en",
        tmp_path / "a.en",
        tmp_path / "out",
        settings=SETTINGS,
        use_model=False,
    )
    assert len(result.pairs) == 3
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    outputs = [p.name for p in output_paths(tmp_path / "out" / "a", SETTINGS.output.formats)]
    assert written == sorted([*outputs, "a.summary.json", "report.html", "report.json"])
    summary = json.loads((tmp_path / "out" / "a.summary.json").read_text(encoding="utf-8"))
    assert summary["pairs"] == 3 and summary["flagged"] == 0
    assert [m["name"] for m in summary["metrics"]] == ["BLEU", "chrF", "TER"]
    assert summary["metrics"][0]["signature"].startswith("nrefs:1|")
    lines = (tmp_path / "out" / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["flags"] == []


def test_score_files_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        score_files(tmp_path / "nope.fr", tmp_path / "nope.en", settings=SETTINGS, use_model=False)


def test_read_lines_keeps_line_alignment(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes("\ufeffun\r\ndeux\u2028suite\n\ntrois".encode())
    assert read_lines(path) == ["un", "deux suite", "", "trois"]
    path.write_bytes(b"")
    assert read_lines(path) == []


def test_read_lines_rejects_binary(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(InputError):
        read_lines(path)


SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "parallel" / "wmt"


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared evaluation data not present")
def test_newstest_against_itself_and_shuffled() -> None:
    french = read_lines(SHARED / "newstest2013.fr")[:300]
    english = read_lines(SHARED / "newstest2013.en")[:300]
    same = score_texts(french, english, english, settings=SETTINGS, use_model=False)
    assert {m.name: m.score for m in same.metrics}["BLEU"] == 100.0
    assert same.flagged / len(same.pairs) <= 0.05
    shuffled = english[150:] + english[:150]
    other = score_texts(french, shuffled, settings=SETTINGS, use_model=False)
    assert other.mean_score is not None and other.mean_score < SETTINGS.score.threshold


def test_a_model_that_cannot_load_falls_back_to_model_free_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    from fr2en import pipeline
    from fr2en.errors import ModelLoadError

    def offline(settings: object) -> None:
        raise ModelLoadError("model X is not in the local cache")

    monkeypatch.setattr(pipeline, "load_translator", offline)
    result = score_texts(["Bonjour."], ["Hello."], settings=SETTINGS, use_model=True)
    assert result.signature.model == "none"
    assert any("model-free checks only" in note and "not in the local cache" in note for note in result.notes)
    assert result.pairs[0].scores.flags == ()
