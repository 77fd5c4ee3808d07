"""The formats contract: marks carried onto the English, blocks rebuilt well formed, run keys."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fr2en.config import Settings, load_settings
from fr2en.errors import ConfigError
from fr2en.formats import Block, Mark, Wrap, document_key, project_marks, render_marked


def _span(text: str, mark: Mark) -> str:
    return text[mark.start : mark.end]


def test_a_mark_kept_verbatim_lands_on_the_same_words() -> None:
    french = "Le président Emmanuel Macron a parlé."
    english = "President Emmanuel Macron spoke."
    (mark,) = project_marks(french, english, [Mark(13, 28, 0)])
    assert _span(english, mark) == "Emmanuel Macron"


def test_a_verbatim_match_never_splits_a_word() -> None:
    french = "Le plan climat"
    english = "The climate plan"
    (mark,) = project_marks(french, english, [Mark(8, 14, 0)])
    assert re.fullmatch(r"\w+", _span(english, mark))
    assert _span(english, mark) != "climat"


def test_anchors_pin_marks_between_shared_words() -> None:
    french = "Selon Reuters, le prix du blé a doublé en 2022 à Paris."
    english = "According to Reuters, the price of wheat doubled in 2022 in Paris."
    # "le prix du blé" lies between the anchors "Reuters" and "2022".
    (mark,) = project_marks(french, english, [Mark(15, 29, 0)])
    assert _span(english, mark).startswith("the price")
    assert "2022" not in _span(english, mark) and "Reuters" not in _span(english, mark)


def test_full_stop_after_a_mark_stays_outside() -> None:
    french = "Il est parti hier soir."
    english = "He left last night."
    (mark,) = project_marks(french, english, [Mark(13, 22, 0)])
    assert not _span(english, mark).endswith(".")


def test_blank_english_has_no_marks() -> None:
    assert project_marks("Bonjour.", "  ", [Mark(0, 7, 0)]) == ()


@given(
    st.lists(
        st.sampled_from(["le", "chat", "Paris", "2024", "noir,", "a", "dormi."]), min_size=1, max_size=12
    ),
    st.lists(st.sampled_from(["the", "cat", "Paris", "2024", "black,", "slept."]), min_size=1, max_size=12),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=4),
)
def test_projected_marks_stay_inside_and_never_split_a_word(
    french_words: list[str], english_words: list[str], spans: list[tuple[int, int]]
) -> None:
    french, english = " ".join(french_words), " ".join(english_words)
    marks = [Mark(min(a, b, len(french)), min(max(a, b), len(french)), i) for i, (a, b) in enumerate(spans)]
    projected = project_marks(french, english, marks)
    assert len(projected) == len(marks)
    for mark in projected:
        assert 0 <= mark.start < mark.end <= len(english)
        assert mark.start == 0 or not english[mark.start - 1].isalnum() or not english[mark.start].isalnum()
        assert (
            mark.end == len(english) or not english[mark.end].isalnum() or not english[mark.end - 1].isalnum()
        )


def test_render_keeps_every_tag_once_and_well_nested() -> None:
    block = Block("Un point très important ici.", (Mark(3, 23, 0), Mark(9, 23, 1), Mark(24, 27, 2)))
    wraps = (Wrap("<em>", "</em>"), Wrap("<b>", "</b>", parent=0), Wrap("<br>", point=True, blank=True))
    for english in ("A very important point here.", "x", "", "a & b"):
        html = render_marked(block, english, wraps, lambda t: t.replace("&", "&amp;"))
        assert re.findall(r"</?\w+>", html) == ["<em>", "<b>", "</b>", "</em>", "<br>"]
        assert re.sub(r"<[^>]+>", "", html) == english.replace("&", "&amp;")


def test_kept_pieces_replace_only_their_own_words() -> None:
    block = Block("Appelez f(x) maintenant.", (Mark(8, 12, 0),))
    wraps = (Wrap("<code>f(x)</code>", point=True),)
    assert render_marked(block, "Call f(x) now.", wraps, str) == "Call <code>f(x)</code> now."
    # Not kept verbatim by the translation: put in, and no English word is lost.
    assert render_marked(block, "Call it now.", wraps, str).replace("<code>f(x)</code>", "") == "Call it now."


def test_run_key_names_the_format_and_the_html_mode() -> None:
    settings = Settings()
    assert document_key(Path("a.txt"), settings) == ""
    assert document_key(Path("a.md"), settings) == "|format:md"
    page = replace(settings, input=replace(settings.input, html="page"))
    assert document_key(Path("a.html"), settings) != document_key(Path("a.html"), page)


def test_html_mode_from_the_environment_and_checked() -> None:
    assert load_settings(environ={"FR2EN_INPUT_HTML": "page"}).input.html == "page"
    assert load_settings(environ={}).input.html == "article"
    with pytest.raises(ConfigError, match=r"input\.html must be one of article, page"):
        load_settings(environ={"FR2EN_INPUT_HTML": "whole"})
