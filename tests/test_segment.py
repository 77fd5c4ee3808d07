"""French sentence segmentation: golden cases for every known failure mode, properties, gold data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fr2en import read, segment, split_sentences
from fr2en.types import Document, Paragraph

ROOT = Path(__file__).resolve().parents[1]
NBSP, NNBSP = "\u00a0", "\u202f"

# (text, expected sentences), grouped by the failure mode each group pins down.
GOLDEN: list[tuple[str, list[str]]] = [
    # Titles, abbreviations and initials never end a sentence.
    ("M. Dupont est arrivé. Mme Martin aussi.", ["M. Dupont est arrivé.", "Mme Martin aussi."]),
    (
        "MM. Durand et Petit sont partis. Mlle Roy reste.",
        ["MM. Durand et Petit sont partis.", "Mlle Roy reste."],
    ),
    ("Le Dr. Martin opère. Le Dr Roy aussi.", ["Le Dr. Martin opère.", "Le Dr Roy aussi."]),
    (
        "Des fruits, p. ex. des pommes. Voir l'art. 3 du code.",
        ["Des fruits, p. ex. des pommes.", "Voir l'art. 3 du code."],
    ),
    ("Lisez l'art. L. 121 du code. Cf. le rapport.", ["Lisez l'art. L. 121 du code.", "Cf. le rapport."]),
    (
        "La ville compte env. 3 000 habitants. Elle grandit.",
        ["La ville compte env. 3 000 habitants.", "Elle grandit."],
    ),
    (
        "J.-P. Sartre et J. Dupont sont venus. Le n° 5 gagne.",
        ["J.-P. Sartre et J. Dupont sont venus.", "Le n° 5 gagne."],
    ),
    (
        "Le film est réalisé par J.A. Howe et H.R.F. Keating.",
        ["Le film est réalisé par J.A. Howe et H.R.F. Keating."],
    ),
    ("Il régna après Dagobert I. Ils le suivirent.", ["Il régna après Dagobert I.", "Ils le suivirent."]),
    (
        "Apple Inc. a publié ses comptes. Le groupe va bien.",
        ["Apple Inc. a publié ses comptes.", "Le groupe va bien."],
    ),
    ("Il est resté (Gruau par ex.) Ainsi va la vie.", ["Il est resté (Gruau par ex.)", "Ainsi va la vie."]),
    (
        "Prenez 1 comprimé, c.-à-d. 500 mg. Ne dépassez pas la dose.",
        ["Prenez 1 comprimé, c.-à-d. 500 mg.", "Ne dépassez pas la dose."],
    ),
    # Eras: "av. J.-C." inside a sentence and at its end.
    (
        "César meurt en 44 av. J.-C. Les Romains le pleurent.",
        ["César meurt en 44 av. J.-C.", "Les Romains le pleurent."],
    ),
    ("En 44 av. J.-C. la République tombe.", ["En 44 av. J.-C. la République tombe."]),
    ("Au XVe s. Les villes grandissent.", ["Au XVe s.", "Les villes grandissent."]),
    # Month abbreviations before a year versus at the end of a sentence.
    ("Il est né le 18 févr. 2025 à Paris.", ["Il est né le 18 févr. 2025 à Paris."]),
    ("Il est parti le 27 févr. Elle est restée.", ["Il est parti le 27 févr.", "Elle est restée."]),
    (
        "Ils sont sept. Puis ils partent. Il regarde la mer. Elle brille.",
        ["Ils sont sept.", "Puis ils partent.", "Il regarde la mer.", "Elle brille."],
    ),
    (
        "Il a raté son vol. Il lit le vol. 3 du recueil.",
        ["Il a raté son vol.", "Il lit le vol. 3 du recueil."],
    ),
    # Guillemets: no split inside an embedded quotation, the opening « goes with its sentence.
    (
        "Il a dit « Je viens. Tu restes », puis il est parti. C'est fini.",
        ["Il a dit « Je viens. Tu restes », puis il est parti.", "C'est fini."],
    ),
    ("Il est parti. « Je reviens », a-t-il dit.", ["Il est parti.", "« Je reviens », a-t-il dit."]),
    ("Elle a crié : « Au secours ! » et elle a couru.", ["Elle a crié : « Au secours ! » et elle a couru."]),
    (
        "« Il m'a dit “Je reviens. Attends-moi” et il est parti », raconte-t-elle.",
        ["« Il m'a dit “Je reviens. Attends-moi” et il est parti », raconte-t-elle."],
    ),
    (
        "Il a dit : « Nous partons. » Puis il est parti.",
        ["Il a dit : « Nous partons. »", "Puis il est parti."],
    ),
    (
        'Le prix monte. " Ils exagèrent ", dit-il. Fin.',
        ["Le prix monte.", '" Ils exagèrent ", dit-il.', "Fin."],
    ),
    ('Il a dit "non." Elle a ri.', ['Il a dit "non."', "Elle a ri."]),
    ('Il a conclu. "Nous verrons." Elle a ri.', ["Il a conclu.", '"Nous verrons."', "Elle a ri."]),
    # Ellipses.
    ("Il attendait… Puis il est parti... Et voilà.", ["Il attendait…", "Puis il est parti...", "Et voilà."]),
    ("Il attendait… puis il est parti.", ["Il attendait… puis il est parti."]),
    (
        "Les étudiants (...) réclament des moyens. (...) Les universités aussi.",
        ["Les étudiants (...) réclament des moyens.", "(...) Les universités aussi."],
    ),
    # Sentences starting with a digit, a dash, a lower-case letter.
    ("Le bilan est lourd. 25 personnes sont mortes.", ["Le bilan est lourd.", "25 personnes sont mortes."]),
    (
        "Il a parlé. - Le gouvernement réagit. — Oui, dit-il.",
        ["Il a parlé.", "- Le gouvernement réagit.", "— Oui, dit-il."],
    ),
    (
        "C'est une espèce des Hylidae. il ne s'agit pas d'un camping.",
        ["C'est une espèce des Hylidae.", "il ne s'agit pas d'un camping."],
    ),
    (
        "Il est parti. puis il est revenu. Ah ! mon Dieu.",
        ["Il est parti.", "puis il est revenu.", "Ah ! mon Dieu."],
    ),
    ("Il court 5 km. environ chaque jour.", ["Il court 5 km. environ chaque jour."]),
    # Headings, datelines, list items without final punctuation.
    ("PARIS, 18 févr. (AFP) - Le président a parlé.", ["PARIS, 18 févr. (AFP) - Le président a parlé."]),
    ("Nos horaires Ils changent en été.", ["Nos horaires", "Ils changent en été."]),
    (
        "Le film Il était une fois dans l'Ouest sort en 1968.",
        ["Le film Il était une fois dans l'Ouest sort en 1968."],
    ),
    (
        "Les mesures sont les suivantes : Il faut partir.",
        ["Les mesures sont les suivantes :", "Il faut partir."],
    ),
    ("Ukraine : Les Russes avancent.", ["Ukraine : Les Russes avancent."]),
    ("Il a tout fait ; Les autres ont suivi.", ["Il a tout fait ;", "Les autres ont suivi."]),
    ("Il a vu Paris ; Le Monde en parle.", ["Il a vu Paris ; Le Monde en parle."]),
    # Numbered lists.
    (
        "1. Ouvrez le flacon. 2. Versez le contenu. 3. Attendez.",
        ["1. Ouvrez le flacon.", "2. Versez le contenu.", "3. Attendez."],
    ),
    (
        "II. Résultats des essais. Les essais ont duré un an.",
        ["II. Résultats des essais.", "Les essais ont duré un an."],
    ),
    ("C'est simple. iii) La taxe foncière.", ["C'est simple.", "iii) La taxe foncière."]),
    ("Il a régné. Louis XIV. Il est mort en 1715.", ["Il a régné.", "Louis XIV.", "Il est mort en 1715."]),
    # Numbers.
    (
        "Le taux est de 3.5 %. Il était de 1.000 euros. La hausse est de 2,4 %. Fin.",
        ["Le taux est de 3.5 %.", "Il était de 1.000 euros.", "La hausse est de 2,4 %.", "Fin."],
    ),
    ("Il est arrivé en 2012. Le reste a suivi.", ["Il est arrivé en 2012.", "Le reste a suivi."]),
    ("Il arrive à 20 h. Le dîner est servi.", ["Il arrive à 20 h.", "Le dîner est servi."]),
    (
        "Il s'est levé (2572 m). À cause du vent, il a renoncé.",
        ["Il s'est levé (2572 m).", "À cause du vent, il a renoncé."],
    ),
    # URLs and e-mail addresses.
    (
        "Consultez www.example.fr. Écrivez à contact@example.fr. Merci.",
        ["Consultez www.example.fr.", "Écrivez à contact@example.fr.", "Merci."],
    ),
    (
        "Voir https://www.example.fr/a.html?x=1.2 pour le détail.",
        ["Voir https://www.example.fr/a.html?x=1.2 pour le détail."],
    ),
    (
        "Voir sur www.rtl.fr. Le site est en ligne. Écrire à a.b@c.fr. La suite.",
        ["Voir sur www.rtl.fr.", "Le site est en ligne.", "Écrire à a.b@c.fr.", "La suite."],
    ),
    # A space before the final period.
    (
        "Il est cité par l'AFP et Agence russe TASS . Ensuite il part.",
        ["Il est cité par l'AFP et Agence russe TASS .", "Ensuite il part."],
    ),
    # Non-breaking spaces before ? ! : ; %.
    (
        f"Vraiment{NBSP}? Oui{NNBSP}! Il dit{NBSP}: non. Le taux est de 5{NBSP}%. Fin{NBSP}; ok.",
        [
            f"Vraiment{NBSP}?",
            f"Oui{NNBSP}!",
            f"Il dit{NBSP}: non.",
            f"Le taux est de 5{NBSP}%.",
            f"Fin{NBSP}; ok.",
        ],
    ),
    (
        f"Qu'est-ce que Xyz{NNBSP}? Xyz est un médicament.",
        [f"Qu'est-ce que Xyz{NNBSP}?", "Xyz est un médicament."],
    ),
    # Parentheses and brackets.
    ("Elle est partie (voir plus haut). Il reste.", ["Elle est partie (voir plus haut).", "Il reste."]),
    ("Il est parti (voir p. 12). Il reste.", ["Il est parti (voir p. 12).", "Il reste."]),
    ("Il serait parti (?) hier. Il revient.", ["Il serait parti (?) hier.", "Il revient."]),
    (
        "Des légumes (carottes, etc.) sont servis. La suite.",
        ["Des légumes (carottes, etc.) sont servis.", "La suite."],
    ),
    # A line break as the reader sees it: a headline or a list item on its own line is its own
    # sentence, without final punctuation; a line that goes on in lower case is a soft wrap.
    ("Grève à la SNCF\nLes trains restent à quai.", ["Grève à la SNCF", "Les trains restent à quai."]),
    ("À retenir :\n- la date\n- le lieu", ["À retenir :", "- la date", "- le lieu"]),
    (
        "Voici la liste.\n- premier point\n- second point",
        ["Voici la liste.", "- premier point", "- second point"],
    ),
    ("Le ministre a parlé\ndevant la presse.", ["Le ministre a parlé\ndevant la presse."]),
    # A brand with a lower-case head opens a sentence after a full stop, as a capital would.
    ("Il a acheté un iPhone. eBay le revend déjà.", ["Il a acheté un iPhone.", "eBay le revend déjà."]),
    ("Apple a tout changé. iPhone 15 sort demain.", ["Apple a tout changé.", "iPhone 15 sort demain."]),
    ("Voici M. eBay, le fondateur.", ["Voici M. eBay, le fondateur."]),
    # A "- " list item after a full stop opens a sentence; a dash after "févr." does not.
    ("Voici la liste. - premier point", ["Voici la liste.", "- premier point"]),
    ("PARIS, 18 févr. (AFP) - le président a parlé.", ["PARIS, 18 févr. (AFP) - le président a parlé."]),
    # Empty and blank input.
    ("", []),
    ("   \n\t ", []),
]


def _check(text: str, sentences: list[str]) -> None:
    """Sentences are non-empty, trimmed, exact slices of ``text`` in order, with only whitespace
    between them and around them."""
    position = 0
    for sentence in sentences:
        assert sentence and sentence == sentence.strip()
        found = text.find(sentence, position)
        assert found >= 0
        assert not text[position:found].strip()
        position = found + len(sentence)
    assert not text[position:].strip()


@pytest.mark.parametrize(("text", "expected"), GOLDEN, ids=[t[:40] for t, _ in GOLDEN])
def test_golden(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_seed_article_is_one_sentence_per_line() -> None:
    text = (ROOT / "seeds" / "000_d8b578da4eb6d4de.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert len(lines) == 15
    assert split_sentences(text) == lines


def test_lines_are_respected_and_soft_wraps_joined() -> None:
    text = "Titre de l'article\nPARIS (AFP) - Le ministre a parlé\ndevant la presse. Il part.\n\n- un point\n"
    assert split_sentences(text) == [
        "Titre de l'article",
        "PARIS (AFP) - Le ministre a parlé\ndevant la presse.",
        "Il part.",
        "- un point",
    ]


def test_every_kind_of_line_end_is_a_line_end() -> None:
    text = "Titre\rIl part.\r\nSuite\r\nici. Fin.\u2028Autre ligne"
    assert split_sentences(text) == ["Titre", "Il part.", "Suite\r\nici.", "Fin.", "Autre ligne"]


def test_offsets_point_into_the_document() -> None:
    document = read.read_bytes(b"Bonjour M. Dupont. Il pleut.\n\nTitre\nSuite ici ! Fin.", "x")
    sentences = segment.segment(document)
    assert [s.text for s in sentences] == ["Bonjour M. Dupont.", "Il pleut.", "Titre", "Suite ici !", "Fin."]
    assert [s.paragraph for s in sentences] == [0, 0, 1, 2, 2]
    for sentence in sentences:
        assert document.text[sentence.start : sentence.end] == sentence.text


def test_segment_paragraph_keeps_the_paragraph_offset() -> None:
    sentences = segment.segment_paragraph("  Il pleut. Il vente.  ", start=100, paragraph=3)
    assert [(s.text, s.start, s.end, s.paragraph) for s in sentences] == [
        ("Il pleut.", 102, 111, 3),
        ("Il vente.", 112, 121, 3),
    ]


def test_empty_document() -> None:
    assert segment.segment(read.read_bytes(b"", "empty")) == ()
    assert segment.segment_paragraphs([]) == ()
    assert segment.segment_paragraph("") == ()


def test_lexicon_tables_are_consistent() -> None:
    lexicon = segment.lexicon()
    for table in (
        lexicon.never_final,
        lexicon.may_end,
        lexicon.starters,
        lexicon.bare_starters,
        lexicon.particles,
    ):
        assert table
    # One abbreviation, one behaviour: a word cannot both never end and sometimes end a sentence.
    assert not lexicon.never_final & lexicon.may_end
    assert lexicon.bare_starters <= lexicon.starters
    assert lexicon.particles <= lexicon.starters


# Text made of the pieces the rules look at, so that random input reaches every branch.
_PIECES = st.sampled_from(
    [
        "M.",
        "Mme",
        "etc.",
        "févr.",
        "J.-C.",
        "J.",
        "p.",
        "art.",
        "l'art.",
        "c.-à-d.",
        "Inc.",
        "vol.",
        "s.",
        "Il",
        "il",
        "Le",
        "Ce",
        "C'est",
        "J'ai",
        "film",
        "1.",
        "iii)",
        "2,4",
        "3.5",
        "XIV.",
        "www.a.fr",
        "«",
        "»",
        "“",
        "”",
        '"',
        "(",
        ")",
        "[",
        "]",
        "(...)",
        "…",
        "...",
        ".",
        "!",
        "?",
        ";",
        ":",
        "-",
        "—",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\t",
        NBSP,
        NNBSP,
        "\u2009",
        "\r\n",
        "\r",
        "'",
        "’",
        "a",
        "É",
        "é",
        "0",
    ]
)
_FRENCHISH = st.lists(_PIECES, max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=200), _FRENCHISH))
def test_split_sentences_loses_nothing(text: str) -> None:
    _check(text, split_sentences(text))


@settings(max_examples=300, deadline=None)
@given(_FRENCHISH, st.integers(min_value=0, max_value=1000))
def test_segment_paragraph_offsets_are_exact(text: str, start: int) -> None:
    sentences = segment.segment_paragraph(text, start=start, paragraph=7)
    _check(text, [s.text for s in sentences])
    for sentence in sentences:
        assert text[sentence.start - start : sentence.end - start] == sentence.text
        assert sentence.paragraph == 7


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=200), _FRENCHISH))
def test_segment_document_offsets_are_exact(text: str) -> None:
    text = read.normalise(text)
    document = Document("x", text, read.paragraphs(text))
    for sentence in segment.segment(document):
        assert document.text[sentence.start : sentence.end] == sentence.text
        paragraph: Paragraph = document.paragraphs[sentence.paragraph]
        assert paragraph.start <= sentence.start and sentence.end <= paragraph.end


# Scores on the shared gold data (UD French GSD), when this checkout has it beside it.
_GOLD_DIRS = [ROOT.parent / "shared" / "data" / "segmentation", ROOT / "shared" / "data" / "segmentation"]
_GOLD = next((d for d in _GOLD_DIRS if (d / "gsd_test.jsonl").exists()), None)


def _boundaries(sentences: list[str]) -> set[int]:
    """Non-space character counts at the end of every sentence but the last (the data's convention)."""
    found, count = set(), 0
    for sentence in sentences[:-1]:
        count += sum(not c.isspace() for c in sentence)
        found.add(count)
    return found


@pytest.mark.skipif(_GOLD is None, reason="shared gold data not found")
@pytest.mark.parametrize(("name", "min_f1"), [("gsd_test", 0.980), ("gsd_dev", 0.985)])
def test_gold_scores(name: str, min_f1: float) -> None:
    assert _GOLD is not None
    tp = fp = fn = 0
    for line in (_GOLD / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        gold, found = _boundaries(record["sentences"]), _boundaries(split_sentences(record["text"]))
        tp, fp, fn = tp + len(gold & found), fp + len(found - gold), fn + len(gold - found)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.99
    assert 2 * precision * recall / (precision + recall) >= min_f1
