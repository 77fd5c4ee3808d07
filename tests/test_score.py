"""fr2en.score: golden pairs for every flag (one clean, one damaged), number reading, properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fr2en import score
from fr2en.score import FLAG_DESCRIPTIONS, score_pair
from fr2en.types import Translation

THRESHOLD = 0.5
FRENCH = "Le gouvernement a présenté mercredi un nouveau projet de loi sur l'énergie."
ENGLISH = "The government presented a new energy bill on Wednesday."

# flag -> (French, clean English, damaged English)
GOLDEN: dict[str, tuple[str, str, str]] = {
    "untranslated": (FRENCH, ENGLISH, FRENCH),
    "repetition": (
        FRENCH,
        ENGLISH,
        "The government presented a new energy bill bill bill bill bill on Wednesday.",
    ),
    "too_short": (
        "Les négociations entre les syndicats et le patronat reprendront jeudi matin à Paris, selon le "
        "ministère.",
        "Negotiations between unions and employers will resume on Thursday morning in Paris, the ministry "
        "said.",
        "Negotiations will resume.",
    ),
    "too_long": (
        "Il fait beau.",
        "The weather is fine.",
        "The weather is fine today, and tomorrow it will rain over Brittany and Normandy, forecasters said.",
    ),
    "missing_content": (
        "Environ 12 000 personnes ont manifesté samedi à Paris, d'après la préfecture de police, contre la "
        "réforme des retraites voulue par le gouvernement.",
        "About 12,000 people demonstrated in Paris on Saturday against the pension reform wanted by the "
        "government, according to the police.",
        "About 12,000 people demonstrated in Paris on Saturday, according to the police.",
    ),
    "added_content": (
        "Le prix de l'électricité a augmenté de 15 % en un an.",
        "The price of electricity rose by 15% in a year.",
        "The price of electricity rose by 15% in one year, while the Prime Minister Jean Dupont denied any "
        "responsibility for it.",
    ),
    "unrelated": (
        "Les enfants jouent dans le jardin pendant que leurs parents préparent le dîner dans la cuisine avec "
        "leurs voisins.",
        "The children play in the garden while their parents prepare dinner in the kitchen with their "
        "neighbours.",
        "Stock markets fell sharply on Monday after weak retail figures were released by the statistics "
        "office.",
    ),
    "number_mismatch": (
        "Environ 12 000 personnes ont manifesté samedi à Paris.",
        "About 12,000 people demonstrated in Paris on Saturday.",
        "About 13,000 people demonstrated in Paris on Saturday.",
    ),
    "anchor_mismatch": (
        "Plus d'informations sur https://example.org/energie.",
        "More information at https://example.org/energie.",
        "More information at https://example.com/energy.",
    ),
    "unbalanced_brackets": (
        "Le ministre (de l'Économie) a démissionné.",
        "The minister (of the Economy) resigned.",
        "The minister (of the Economy resigned.",
    ),
    "empty_output": ("Bonjour.", "Hello.", ""),
}


def test_every_flag_is_documented() -> None:
    produced = {
        "low_score",
        "empty_output",
        "untranslated",
        "repetition",
        "too_short",
        "too_long",
        "missing_content",
        "added_content",
        "unrelated",
        "number_mismatch",
        "anchor_mismatch",
        "name_mismatch",
        "unbalanced_brackets",
        "punctuation_mismatch",
        "low_model_confidence",
        "uncertain_token",
        "hit_length_limit",
        "split_long_sentence",
        "unaligned_source",
        "unaligned_target",
    }
    assert produced == set(FLAG_DESCRIPTIONS)


@pytest.mark.parametrize("flag", sorted(GOLDEN))
def test_golden_clean_pair_is_not_flagged(flag: str) -> None:
    french, clean, _ = GOLDEN[flag]
    result = score_pair(french, clean, None, THRESHOLD)
    assert result.flags == ()
    assert result.score >= 0.8


@pytest.mark.parametrize("flag", sorted(GOLDEN))
def test_golden_damaged_pair_raises_its_flag(flag: str) -> None:
    french, clean, damaged = GOLDEN[flag]
    result = score_pair(french, damaged, None, THRESHOLD)
    assert flag in result.flags
    assert result.score < score_pair(french, clean, None, THRESHOLD).score


def test_damaged_pairs_fall_below_the_threshold() -> None:
    for flag, (french, _, damaged) in GOLDEN.items():
        if flag != "unbalanced_brackets":  # a lone open bracket is worth naming, not failing
            result = score_pair(french, damaged, None, THRESHOLD)
            assert result.score < THRESHOLD and "low_score" in result.flags, flag


def test_punctuation_mismatch_is_a_small_penalty_named_only_below_threshold() -> None:
    clean = score_pair("Où se trouve la gare ?", "Where is the station?", None, THRESHOLD)
    damaged = score_pair("Où se trouve la gare ?", "Where is the station.", None, THRESHOLD)
    assert clean.signal("penalty_punctuation_mismatch") is None
    assert damaged.signal("penalty_punctuation_mismatch") == pytest.approx(0.8)
    assert damaged.flags == ()


def test_a_changed_name_is_weak_evidence() -> None:
    french = "Le président Obama a rencontré Angela Merkel à Berlin."
    clean = score_pair(french, "President Obama met Angela Merkel in Berlin.", None, THRESHOLD)
    changed = score_pair(french, "President Obama met Angela Johnson in Berlin.", None, THRESHOLD)
    assert clean.signal("penalty_name_mismatch") is None
    assert changed.signal("penalty_name_mismatch") == pytest.approx(0.7)
    assert changed.score < clean.score


def test_a_french_clause_left_in_a_long_sentence_is_untranslated() -> None:
    english = (
        "The government presented on Wednesday, dans le cadre de la loi, a new energy bill that the "
        "parliament will debate next week."
    )
    assert "untranslated" in score_pair(FRENCH, english, None, THRESHOLD).flags


def test_spelled_out_numbers() -> None:
    assert score.number_mismatch("Il y a trois ans.", "Three years ago.") == ([], [])
    assert score.number_mismatch("Il y a trois ans.", "Four years ago.") == (["trois"], ["Four"])
    assert score.number_mismatch("Dix-sept morts, quatre-vingt-dix blessés.", "17 dead, ninety injured.") == (
        [],
        [],
    )
    assert score.number_mismatch("Les deux pays.", "Both countries.") == ([], [])


def test_partial_copy_counts_as_untranslated() -> None:
    result = score_pair(
        FRENCH, "The government presented mercredi un nouveau projet de loi sur l'énergie.", None, 0.5
    )
    assert "untranslated" in result.flags


def test_names_and_numbers_alone_are_not_untranslated() -> None:
    assert score_pair("Barack Obama, 2013", "Barack Obama, 2013", None, THRESHOLD).flags == ()


def test_repetition_in_the_french_too_is_not_a_loop() -> None:
    result = score_pair("C'est très, très loin.", "It is very, very far.", None, THRESHOLD)
    assert "repetition" not in result.flags


def test_whole_sentence_repeated_is_a_loop() -> None:
    assert "repetition" in score_pair(FRENCH, f"{ENGLISH} {ENGLISH}", None, THRESHOLD).flags


def test_empty_inputs() -> None:
    assert score_pair("", "", None, THRESHOLD).score == 1.0
    assert score_pair("", "", None, THRESHOLD).flags == ()
    empty = score_pair("Bonjour.", "   ", None, THRESHOLD)
    assert empty.score == 0.0 and "empty_output" in empty.flags
    assert "empty_output" in score_pair("Bonjour.", "...", None, THRESHOLD).flags


def test_model_evidence_lowers_the_score_and_is_ignored_without_use_model() -> None:
    confident = Translation(FRENCH, ENGLISH, logprob=-0.4, min_logprob=-3.0, tokens=12)
    doubtful = Translation(FRENCH, ENGLISH, logprob=-4.0, min_logprob=-14.0, tokens=12)
    good = score_pair(FRENCH, ENGLISH, confident, THRESHOLD)
    bad = score_pair(FRENCH, ENGLISH, doubtful, THRESHOLD)
    assert good.flags == () and good.signal("logprob") == -0.4
    assert {"low_model_confidence", "uncertain_token", "low_score"} <= set(bad.flags)
    assert score_pair(FRENCH, ENGLISH, doubtful, THRESHOLD, use_model=False).flags == ()


def test_generation_flags_come_from_the_translation() -> None:
    looped = Translation(FRENCH, ENGLISH, logprob=-0.5, min_logprob=-2.0, tokens=80, hit_limit=True)
    split = Translation(FRENCH, ENGLISH, logprob=-0.5, min_logprob=-2.0, tokens=12, parts=2)
    assert "hit_length_limit" in score_pair(FRENCH, ENGLISH, looped, THRESHOLD).flags
    assert "split_long_sentence" in score_pair(FRENCH, ENGLISH, split, THRESHOLD).flags


def test_threshold_decides_low_score() -> None:
    french, _, damaged = GOLDEN["unbalanced_brackets"]
    result = score_pair(french, damaged, None, 0.99)
    assert "low_score" in result.flags and "unbalanced_brackets" in result.flags


def test_score_is_the_logistic_of_prior_minus_penalties() -> None:
    result = score_pair(*GOLDEN["number_mismatch"][::2], None, THRESHOLD)
    penalties = sum(v for k, v in result.signals if k.startswith("penalty_"))
    assert result.score == pytest.approx(1 / (1 + math.exp(-(score.PRIOR - penalties))), abs=1e-3)


@pytest.mark.parametrize(
    ("text", "french", "expected"),
    [
        ("2,4", True, {2.4}),
        ("2.4", False, {2.4}),
        ("1 000", True, {1000.0}),
        ("1\u202f000", True, {1000.0}),
        ("1,000", False, {1000.0}),
        ("12 000", True, {12000.0}),
        ("12,000", False, {12000.0}),
        ("1.000", True, {1000.0}),
        ("80,000", True, {80.0, 80000.0}),  # ambiguous in French text: read both ways
        ("3,5", True, {3.5}),
    ],
)
def test_number_reading(text: str, french: bool, expected: set[float]) -> None:
    assert score._parse_number(text, french) == expected


@pytest.mark.parametrize(
    ("french", "english"),
    [
        ("Il y a 12 000 habitants.", "There are 12,000 inhabitants."),
        ("Le taux est de 2,4 %.", "The rate is 2.4%."),
        ("Rendez-vous à 14h.", "Meet at 2 pm."),
        ("Au XIXe siècle.", "In the 19th century."),
        ("Deux enfants.", "2 children."),
        ("3 millions d'euros.", "3,000,000 euros."),
        ("Dans les années 80.", "In the 1980s."),
    ],
)
def test_numbers_that_agree(french: str, english: str) -> None:
    assert score.number_mismatch(french, english) == ([], [])


def test_numbers_that_disagree() -> None:
    assert score.number_mismatch("Il y a 12 000 habitants.", "There are 12,500 inhabitants.") == (
        ["12 000"],
        ["12,500"],
    )
    assert score.number_mismatch("Le 3 mai.", "On May 3, 2014.") == ([], ["2014"])


def test_the_words_le_and_ce_are_not_roman_numerals() -> None:
    assert score.numbers("Le matin, Ce soir", french=True) == []


@pytest.mark.parametrize(
    ("french", "english"),
    [
        ("stratégie", "strategy"),
        ("saison", "season"),
        ("état", "state"),
        ("étude", "study"),
        ("exemple", "example"),
        ("républicaine", "republican"),
    ],
)
def test_cognates(french: str, english: str) -> None:
    assert score.cognates(score.strip_accents(french), score.strip_accents(english))


@pytest.mark.parametrize(("french", "english"), [("maison", "season"), ("loi", "law"), ("chat", "cheap")])
def test_not_cognates(french: str, english: str) -> None:
    assert not score.cognates(score.strip_accents(french), score.strip_accents(english))


def test_lexicon_matches_forms_and_stems() -> None:
    lexicon = score.parse_lexicon("# comment\njour jours = day days\nutilis* = use\n")
    assert lexicon.english("jours") == {"day"}
    assert lexicon.english("utilisateurs") == {"use"}
    assert lexicon.english("inconnu") == frozenset()
    assert "day" in score.lexicon().english("jour")


def test_monotone_chain_drops_crossing_matches() -> None:
    assert score.monotone_chain([(0, 0), (1, 5), (2, 1), (3, 2)]) == [(0, 0), (2, 1), (3, 2)]
    assert score.monotone_chain([]) == []


def test_tandem_repeats() -> None:
    assert score.tandem_repeats(["a", "b", "c"]) == 0
    assert score.tandem_repeats(["of", "the", "city", "of", "the", "city"]) == 3
    assert score.tandem_repeats([]) == 0


def _tandem_repeats_by_definition(words: list[str], longest: int) -> int:
    repeated = [False] * len(words)
    for size in range(1, min(len(words) // 2, longest) + 1):
        for start in range(len(words) - 2 * size + 1):
            if words[start : start + size] == words[start + size : start + 2 * size]:
                repeated[start + size : start + 2 * size] = [True] * size
    return sum(repeated)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from("abc"), max_size=24), st.integers(min_value=1, max_value=12))
def test_tandem_repeats_counts_what_the_definition_counts(words: list[str], longest: int) -> None:
    # The fast count (runs of equal words one unit apart) against comparing every unit with the next.
    assert score.tandem_repeats(words, longest) == _tandem_repeats_by_definition(words, longest)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["État", "state", "états", "Paris", "paris", "école", "school", "42", "le"]),
        max_size=8,
    ),
    st.lists(
        st.sampled_from(["state", "States", "Paris", "school", "42", "the", "study", "étude"]), max_size=8
    ),
)
def test_matches_tries_every_pair_that_could_match(french: list[str], english: list[str]) -> None:
    # Indexing the English by initial and stem must find exactly what trying every pair finds.
    source, target = score.tokens(" ".join(french)), score.tokens(" ".join(english))
    stems = [score._english_stem(t.plain) for t in target]
    expected = [
        (i, j)
        for i, f in enumerate(source)
        for j, e in enumerate(target)
        if f.plain == e.plain
        or (not f.digits and not e.digits and score.cognates(f.plain, e.plain))
        or (not f.digits and stems[j] in score.lexicon().english(f.plain))
    ]
    assert score.matches(source, target) == expected


def test_sentence_breaks_ignore_titles_and_initials() -> None:
    assert score.sentence_breaks("Mr. Smith met J. R. Ewing at 7 a.m. GMT.") == 0
    assert score.sentence_breaks("He left. She stayed.") == 1


def test_corpus_and_sentence_metrics() -> None:
    sentences = ["The cat sat on the mat today.", "It was warm and sunny outside."]
    metrics = {m.name: m for m in score.corpus_metrics(sentences, sentences)}
    assert metrics["BLEU"].score == 100.0 and metrics["chrF"].score == 100.0 and metrics["TER"].score == 0.0
    assert metrics["BLEU"].signature.startswith("nrefs:1|")
    assert metrics["BLEU"].as_text().startswith("BLEU = 100.00 nrefs:1")
    chrf, bleu = score.sentence_metrics("The cat sat on the mat.", "The cat sat on the mat.")
    assert chrf == 100.0 and bleu == 100.0
    chrf, bleu = score.sentence_metrics("A dog ran.", "The cat sat on the mat.")
    assert chrf < 30 and bleu < 30


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=150, deadline=None)
@given(TEXT, TEXT)
def test_score_is_in_range_and_never_raises(source: str, target: str) -> None:
    result = score_pair(source, target, None, THRESHOLD)
    assert 0.0 <= result.score <= 1.0
    assert all(flag in FLAG_DESCRIPTIONS for flag in result.flags)
    assert all(math.isfinite(value) for _, value in result.signals)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["le", "12", "000", "2,4", "XIXe", "Paris", "(", "»", ".", "the", "loi", " "]),
        max_size=30,
    ),
    st.lists(
        st.sampled_from(["the", "12,000", "2.4", "19th", "Paris", ")", "«", "?", "law", "law law", " "]),
        max_size=30,
    ),
)
def test_score_on_tricky_tokens(source: list[str], target: list[str]) -> None:
    result = score_pair(" ".join(source), " ".join(target), None, THRESHOLD)
    assert 0.0 <= result.score <= 1.0


# --- the score package ---------------------------------------------------------------------------


def test_every_name_others_import_from_fr2en_score_stays_importable() -> None:
    import fr2en.score as package

    names = """FLAG_DESCRIPTIONS FLAG_PENALTY PRIOR SCORER Coverage Lexicon Number Token TranslationLexicon
    cognates combine corpus_metrics coverage french_words gaps length_z lexicon matches model_free_penalties
    model_penalties monotone_chain number_mismatch numbers parse_lexicon score_null_link score_pair
    sentence_breaks sentence_metrics strip_accents tandem_repeats tokens _english_stem _parse_number""".split()
    missing = [name for name in names if not hasattr(package, name)]
    assert not missing
    assert package.Lexicon is package.TranslationLexicon


def test_number_word_tables_are_read_from_package_data() -> None:
    from fr2en.score import numerals as module

    # Fractions are exact, words keep their language, and only unambiguous words are required.
    assert module._FR_NUMBER_WORDS["tiers"] == 1 / 3 and module._FR_NUMBER_WORDS["deux-tiers"] == 2 / 3
    assert module._EN_NUMBER_WORDS["dozen"] == 12 and "dozen" not in module._FR_NUMBER_WORDS
    assert module._SCALES["milliards"] == 1e9
    assert {"trois", "eleven"} <= module._REQUIRED_NUMBER_WORDS
    assert not {"neuf", "un", "second", "both"} & module._REQUIRED_NUMBER_WORDS
    # The tables drive the checks: "trois" against "four" is a changed number, "neuf" needs no answer.
    assert score.number_mismatch("Il a trois chats.", "He has four cats.") == (["trois"], ["four"])
    assert score.number_mismatch("Un livre neuf.", "A new book.") == ([], [])


def test_unaligned_flags_are_not_described_as_alignment_only() -> None:
    for flag in ("unaligned_source", "unaligned_target"):
        assert "alignment only" not in FLAG_DESCRIPTIONS[flag]
        assert "--unit paragraph" in FLAG_DESCRIPTIONS[flag]
    assert FLAG_DESCRIPTIONS["added_content"].endswith("or it has an extra sentence")
