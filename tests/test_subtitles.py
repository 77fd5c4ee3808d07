"""Subtitles translated in place (fr2en.formats.subtitles): timings kept, sentences shared over cues."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fr2en.config import Settings
from fr2en.errors import InputError
from fr2en.formats import subtitles

from .format_samples import french_of_pairs, round_trip

srt = pytest.importorskip("srt")
webvtt = pytest.importorskip("webvtt")

SRT = """1
00:00:01,000 --> 00:00:03,500
Le conseil municipal s'est réuni

2
00:00:03,600 --> 00:00:06,000
hier soir pour voter
le budget de la ville.

3
00:00:07,000 --> 00:00:09,000
- Vous êtes d'accord ?
- Oui, tout à fait.

4
00:00:10,000 --> 00:00:12,250
<i>La séance est levée</i>

5
00:00:12,300 --> 00:00:14,000
à vingt-deux heures.

6
00:01:00,000 --> 00:01:02,000
{\\an8}Merci.
"""
SRT_BLOCKS = [
    "Le conseil municipal s'est réuni hier soir pour voter le budget de la ville.",
    "Vous êtes d'accord ? Oui, tout à fait.",
    "La séance est levée à vingt-deux heures.",
    "Merci.",
]

VTT = """WEBVTT
Kind: captions
Language: fr

NOTE Une note qui reste telle quelle.

STYLE
::cue { color: yellow }

ouverture
00:01.000 --> 00:03.000 line:10% align:start
<v Marie>Bonjour &amp; bienvenue à toutes

00:03.500 --> 00:05.000
et à tous dans ce studio.

00:06.000 --> 00:08.500
Nous parlons ce soir de la pluie
qui tombe sur Paris depuis lundi.
"""
VTT_BLOCKS = [
    "Bonjour & bienvenue à toutes et à tous dans ce studio.",
    "Nous parlons ce soir de la pluie qui tombe sur Paris depuis lundi.",
]


def test_cues_are_grouped_into_sentences() -> None:
    source = subtitles.extract(SRT.encode(), "journal.srt", None)
    assert [b.text for b in source.blocks] == SRT_BLOCKS
    assert source.suffix == ".en.srt"
    assert [b.text for b in subtitles.extract(VTT.encode(), "studio.vtt", None).blocks] == VTT_BLOCKS


@pytest.mark.model
def test_srt_round_trip_keeps_numbers_and_timings(tiny_settings: Settings, tiny_translator: Any) -> None:
    source = subtitles.extract(SRT.encode("cp1252"), "journal.srt", tiny_settings)  # an 8-bit legacy file
    result, english, data = round_trip(source, tiny_translator, tiny_settings)
    assert french_of_pairs(result, len(source.blocks)) == SRT_BLOCKS
    before, after = list(srt.parse(SRT)), list(srt.parse(data.decode("utf-8")))
    assert [(s.index, s.start, s.end) for s in after] == [(s.index, s.start, s.end) for s in before]
    assert all(s.content.strip() for s in after)
    assert after[0].content != before[0].content
    # The first sentence's English is shared over its two cues, word for word.
    assert " ".join(" ".join(s.content.split()) for s in after[:2]) == " ".join(english[0].split())
    timing_lines = [line for line in SRT.splitlines() if "-->" in line]
    assert [line for line in data.decode().splitlines() if "-->" in line] == timing_lines
    assert source.rebuild is not None and source.rebuild(english) == data


@pytest.mark.model
def test_vtt_round_trip_keeps_header_settings_and_timings(
    tiny_settings: Settings, tiny_translator: Any
) -> None:
    source = subtitles.extract(VTT.encode(), "studio.vtt", tiny_settings)
    result, _, data = round_trip(source, tiny_translator, tiny_settings)
    assert french_of_pairs(result, len(source.blocks)) == VTT_BLOCKS
    before, after = webvtt.from_string(VTT), webvtt.from_string(data.decode("utf-8"))
    assert len(after.captions) == len(before.captions) == 3
    assert [(c.identifier, c.start, c.end) for c in after.captions] == [
        (c.identifier, c.start, c.end) for c in before.captions
    ]
    assert all(c.text.strip() for c in after.captions)
    text = data.decode()
    assert text.startswith("WEBVTT\nKind: captions\nLanguage: fr\n\nNOTE Une note qui reste telle quelle.")
    assert "00:01.000 --> 00:03.000 line:10% align:start\n<v Marie>" in text
    assert "::cue { color: yellow }" in text


def test_share_follows_the_french_cues_lengths() -> None:
    assert subtitles.share("one two three four five six seven eight", [10, 30]) == [
        "one two",
        "three four five six seven eight",
    ]
    assert subtitles.share("Yes.", [5, 5]) == ["Ye", "s."]  # fewer words than cues: no cue left empty
    assert subtitles.share("", [3]) == [""]


@given(
    st.lists(st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1), min_size=1),
    st.lists(st.integers(0, 80), min_size=1, max_size=8),
)
def test_share_loses_no_word_and_leaves_no_part_empty(words: list[str], weights: list[int]) -> None:
    text = " ".join(words)
    parts = subtitles.share(text, weights)
    assert len(parts) == len(weights)
    if len(text.split()) >= len(weights):
        assert " ".join(parts).split() == text.split()
    if len("".join(text.split())) >= len(weights):
        assert all(part.strip() for part in parts)


def test_dialogue_dashes_italics_and_position_tags_are_kept() -> None:
    source = subtitles.extract(SRT.encode(), "journal.srt", None)
    assert source.rebuild is not None
    out = source.rebuild(
        ["One two three four five six.", "Do you agree? Yes, quite.", "The end now.", "Thanks."]
    )
    text = out.decode()
    assert "\n- Do you agree?\n- Yes, quite.\n" in text
    assert "<i>The end</i>\n" in text and "{\\an8}Thanks." in text


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"\x00\x01\x02 binaire", "film.srt", "binary content"),
        (b"Ceci n'est pas un sous-titre.\n", "film.srt", "no subtitle cues found"),
        (b"00:01.000 --> 00:02.000\nSans en-tete\n", "film.vtt", "must start with WEBVTT"),
    ],
)
def test_broken_subtitles_fail_with_one_line(data: bytes, name: str, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        subtitles.extract(data, name, None)
    assert str(caught.value).startswith(name) and reason in str(caught.value)


cue_words = st.text(st.sampled_from("abcéè"), min_size=1, max_size=6)
cue_texts = st.lists(cue_words, min_size=1, max_size=6).map(" ".join)
endings = st.sampled_from(["", ".", " ?", "…"])


@given(
    st.lists(st.tuples(cue_texts, endings), min_size=1, max_size=12),
    st.lists(st.text(st.sampled_from("xyz "), min_size=1, max_size=40), min_size=12, max_size=12),
)
def test_any_srt_keeps_its_cues_and_timings(cues: list[tuple[str, str]], english: list[str]) -> None:
    text = "".join(
        f"{n}\n00:00:{n:02d},000 --> 00:00:{n:02d},900\n{words}{end}\n\n"
        for n, (words, end) in enumerate(cues, start=1)
    )
    source = subtitles.extract(text.encode(), "p.srt", None)
    assert " ".join(b.text for b in source.blocks) == " ".join(w + e for w, e in cues)
    assert source.rebuild is not None
    out = source.rebuild([e if e.strip() else "x" for e in english[: len(source.blocks)]])
    before, after = list(srt.parse(text)), list(srt.parse(out.decode()))
    assert [(s.index, s.start, s.end) for s in after] == [(s.index, s.start, s.end) for s in before]
    assert all(s.content.strip() for s in after)
