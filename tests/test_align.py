"""The sentence aligner: golden cases, null links, search bands, properties and real benchmark data."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fr2en import align
from fr2en.align import align_one_to_one, align_sentences, anchor_features
from fr2en.errors import AlignmentError
from fr2en.types import Link

FR = [
    "Le président de la République a annoncé mardi un plan de 12 milliards d'euros.",
    "Ce plan doit relancer l'économie après la crise de 2008.",
    "Selon le ministre, la croissance atteindra 1,5 % en 2014.",
    "Les syndicats ont critiqué cette décision : « C'est trop peu », a déclaré M. Martin.",
    "La Commission européenne examinera le projet en décembre.",
    "Pourquoi attendre si longtemps ?",
    "Le Premier ministre a promis une réponse rapide.",
    "Les marchés financiers ont réagi positivement à l'annonce.",
]
EN = [
    "The President of the Republic on Tuesday announced a plan worth 12 billion euros.",
    "The plan is meant to revive the economy after the 2008 crisis.",
    "According to the minister, growth will reach 1.5% in 2014.",
    'The unions criticised the decision: "It is too little," said Mr Martin.',
    "The European Commission will examine the project in December.",
    "Why wait so long?",
    "The Prime Minister promised a quick answer.",
    "Financial markets reacted positively to the announcement.",
]


Pairs = list[tuple[tuple[int, ...], tuple[int, ...]]]


def pairs(links: list[Link]) -> Pairs:
    return [(link.src, link.tgt) for link in links]


def assert_covers(links: list[Link], ns: int, nt: int) -> None:
    """Every sentence of each side in exactly one link, in document order, scores in 0..1."""
    assert [i for link in links for i in link.src] == list(range(ns))
    assert [j for link in links for j in link.tgt] == list(range(nt))
    assert all(link.src or link.tgt for link in links)
    assert all(0.0 <= link.score <= 1.0 for link in links)


def test_parallel_text_aligns_one_to_one_with_high_confidence() -> None:
    links = align_sentences(FR, EN)
    assert pairs(links) == [((i,), (i,)) for i in range(len(FR))]
    assert min(link.score for link in links) > 0.8


def test_merged_english_gives_a_two_to_one_link() -> None:
    english = [*EN[:2], EN[2] + " " + EN[3], *EN[4:]]
    assert pairs(align_sentences(FR, english))[2] == ((2, 3), (2,))


def test_split_english_gives_a_one_to_two_link() -> None:
    french = [*FR[:2], FR[2] + " " + FR[3], *FR[4:]]
    assert pairs(align_sentences(french, EN))[2] == ((2,), (2, 3))


def test_french_left_untranslated_is_a_null_link() -> None:
    english = EN[:3] + EN[4:]
    links = align_sentences(FR, english)
    assert ((3,), ()) in pairs(links)
    assert_covers(links, len(FR), len(english))


def test_english_with_no_source_is_a_null_link() -> None:
    english = [*EN[:5], "Shares in Renault rose 4% on the news, to 57.20 euros.", *EN[5:]]
    links = align_sentences(FR, english)
    assert ((), (5,)) in pairs(links)
    assert_covers(links, len(FR), len(english))


@pytest.mark.parametrize("added_first", [True, False])
def test_anchors_decide_between_equally_long_candidates(added_first: bool) -> None:
    # The two English sentences are equally long: only numbers and names tell which is the translation.
    french = [*FR[:2], "Le score était de 3 à 1 pour Lyon, selon l'UEFA.", *FR[2:]]
    match, added = "The score was 3-1 for Lyon, according to UEFA.", "Paris won last night at home, it seems."
    english = [*EN[:2], *((added, match) if added_first else (match, added)), *EN[2:]]
    links = pairs(align_sentences(french, english))
    assert ((2,), (3,) if added_first else (2,)) in links
    assert ((), (2,) if added_first else (3,)) in links


def test_machine_translation_bridge_is_used() -> None:
    # Source and target share nothing; the machine translation of the source carries the evidence.
    src = ["Der Hund schläft im Garten.", "Morgen regnet es vielleicht.", "Wir essen um sieben Uhr."]
    mt = ["Le chien dort dans le jardin.", "Demain il pleut peut-être.", "Nous mangeons à sept heures."]
    tgt = ["Demain, il pleuvra peut-être.", "Nous mangeons à sept heures précises.", "Le chien dort."]
    links = align_sentences(src, tgt, src_translated=mt)
    assert ((0,), (2,)) not in pairs(links)  # the order is kept: no crossing links
    assert ((1,), (0,)) in pairs(links) and ((2,), (1,)) in pairs(links)


def test_translation_count_must_match_the_source() -> None:
    with pytest.raises(AlignmentError, match="one translation per source sentence"):
        align_sentences(["a", "b"], ["x"], src_translated=["a"])


@pytest.mark.parametrize(
    ("src", "tgt", "expected"),
    [
        ([], [], []),
        (["Une phrase."], [], [((0,), ())]),
        ([], ["One sentence.", "Two."], [((), (0,)), ((), (1,))]),
    ],
)
def test_empty_sides(src: list[str], tgt: list[str], expected: Pairs) -> None:
    assert pairs(align_sentences(src, tgt)) == expected


def test_empty_sentences_are_covered() -> None:
    links = align_sentences(["", "Bonjour.", ""], ["", "Hello."])
    assert_covers(links, 3, 2)


def test_one_to_one_pairs_and_refuses_unequal_sides() -> None:
    assert align_one_to_one(["a", "b"], ["x", "y"]) == [Link((0,), (0,), 1.0), Link((1,), (1,), 1.0)]
    with pytest.raises(AlignmentError):
        align_one_to_one(["a"], [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 000,5 et 1,000.5", {"#10005": 2}),
        ("Économie économique", {"econ": 2}),
        ("« Oui », dit-il : “oui”", {'"': 4, ":": 1, "dit": 0}),
        ("Le FMI et l'UE ?", {"fmi": 1, "ue": 1, "?": 1}),
        ("le la de", {}),
    ],
)
def test_anchor_features(text: str, expected: dict[str, int]) -> None:
    features = anchor_features(text)
    for feature, count in expected.items():
        assert features.get(feature, 0) == count


def test_short_words_count_when_both_sides_share_a_language() -> None:
    assert "le" not in anchor_features("Le chat et le chien.")
    assert anchor_features("Le chat et le chien.", short_words=True)["le"] == 2


def _shuffled_document(size: int) -> tuple[list[str], list[str], Pairs]:
    """A long document built from FR/EN with numbered sentences, some merged, dropped or added."""
    src: list[str] = []
    tgt: list[str] = []
    gold: Pairs = []
    for k in range(size):
        fr, en = FR[k % len(FR)], EN[k % len(EN)]
        fr, en = f"{fr[:-1]} (n° {k + 100}).", f"{en[:-1]} (no. {k + 100})."
        if k % 17 == 5:
            gold.append(((len(src),), ()))
            src.append(fr)
        elif k % 13 == 7 and gold and len(gold[-1][0]) == 1 and len(gold[-1][1]) == 1:
            src.append(fr)
            tgt[-1] = tgt[-1] + " " + en
            gold[-1] = (gold[-1][0] + (len(src) - 1,), gold[-1][1])
        else:
            gold.append(((len(src),), (len(tgt),)))
            src.append(fr)
            tgt.append(en)
    return src, tgt, gold


def test_coarse_to_fine_search_finds_the_full_search_path(monkeypatch: pytest.MonkeyPatch) -> None:
    src, tgt, gold = _shuffled_document(120)
    banded = align_sentences(src, tgt)
    monkeypatch.setattr(align, "FULL_SEARCH_CELLS", 10**9)
    full = align_sentences(src, tgt)
    assert pairs(banded) == pairs(full) == gold


def test_a_long_omission_is_found_by_the_banded_search() -> None:
    src, tgt, _ = _shuffled_document(400)
    links = align_sentences(src, tgt[:150] + tgt[190:])
    unaligned = [link.src[0] for link in links if not link.tgt]
    assert len(unaligned) >= 40
    assert_covers(links, len(src), len(tgt) - 40)


texts = st.lists(st.text(alphabet=st.sampled_from("abcdé XYZ 0123.,?«»'"), max_size=40), max_size=25)


@settings(max_examples=60, deadline=None)
@given(texts, texts, st.booleans())
def test_links_cover_every_sentence_once_in_order(src: list[str], tgt: list[str], bridge: bool) -> None:
    links = align_sentences(src, tgt, src_translated=list(reversed(src)) if bridge else None)
    assert_covers(links, len(src), len(tgt))
    shapes = {(len(link.src), len(link.tgt)) for link in links}
    assert all(a <= align.MAX_SIDE and b <= align.MAX_SIDE for a, b in shapes)


def _bench_dir() -> Path:
    given = os.environ.get("FR2EN_ALIGN_BENCH")
    return Path(given) if given else Path(__file__).resolve().parents[2] / "shared/data/parallel/align-bench"


NEWS = _bench_dir() / "newstest2013-d40.synth.jsonl"


@pytest.mark.skipif(not NEWS.is_file(), reason="benchmark data absent")
def test_real_news_documents_align_almost_exactly() -> None:
    """A quick quality floor on 15 documents of the shared benchmark (the full run is benchmarks/)."""
    exact = total = 0
    with NEWS.open(encoding="utf-8") as handle:
        for line, _ in zip(handle, range(15), strict=False):
            doc = json.loads(line)
            gold = {(tuple(a), tuple(b)) for a, b in doc["gold"]}
            predicted = pairs(align_sentences(doc["src"], doc["tgt"]))
            exact += sum(1 for link in predicted if link in gold)
            total += len(predicted)
    assert exact / total > 0.97
