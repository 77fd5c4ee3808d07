"""fr2en.write.summary: the document-level verdict."""

from __future__ import annotations

import json

from fr2en.config import load_settings
from fr2en.pipeline import score_texts
from fr2en.write import summary


def test_summary_json_and_text() -> None:
    settings = load_settings(environ={})
    result = score_texts(
        ["Bonjour.", "Il fait beau."],
        ["Hello.", ""],
        ["Hello.", "It is fine."],
        settings=settings,
        use_model=False,
    )
    data = json.loads(summary.render(result, 0.5))
    assert data["pairs"] == 2 and data["flagged"] == 1 and data["flagged_share"] == 0.5
    assert data["flag_counts"]["empty_output"] == 1
    assert data["signature"]["scorer"].startswith("fr2en-qe/")
    text = summary.render_text(result)
    assert text.startswith("2 pairs, mean score") and "1 flagged (50.0%)" in text
    assert "BLEU = " in text and "nrefs:1" in text


def test_render_pairs() -> None:
    result = score_texts(["Bonjour."], ["Hello."], settings=load_settings(environ={}), use_model=False)
    row = json.loads(summary.render_pairs(result))
    assert row["line"] == 1 and row["src"] == "Bonjour." and row["hyp"] == "Hello."
    assert row["flags"] == [] and 0 <= row["score"] <= 1 and "length_ratio" in row["signals"]


def test_summary_of_nothing() -> None:
    result = score_texts([], [], settings=load_settings(environ={}), use_model=False)
    assert json.loads(summary.render(result, 0.5))["mean_score"] is None
    assert summary.render_text(result) == "0 pairs\nnote: empty input: no pairs to score\n"
    assert summary.render_pairs(result) == ""
