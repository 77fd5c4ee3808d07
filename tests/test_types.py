"""The renamed records keep their old names working (other branches and users still write them)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from fr2en import types
from fr2en.types import AlignedPair, Link, PairChunk, Quality, TextPart


def _pair() -> AlignedPair:
    return AlignedPair((0, 1), (0,), "Un. Deux.", "One two.", 0, Quality(0.9, ("too_short",)), 0.8)


def test_aligned_pair_reads_its_old_names() -> None:
    pair = _pair()
    assert (pair.src, pair.tgt, pair.scores) == (pair.source_ids, pair.target_ids, pair.quality)


def test_aligned_pair_constructs_and_replaces_with_old_keywords() -> None:
    old = AlignedPair(src=(0, 1), tgt=(0,), source="Un. Deux.", target="One two.", paragraph=0,
                      scores=Quality(0.9, ("too_short",)), alignment=0.8)  # fmt: skip
    assert old == _pair()
    moved = dataclasses.replace(old, src=(5, 6), tgt=(7,), scores=Quality(0.1))
    assert (moved.source_ids, moved.target_ids, moved.quality.score) == ((5, 6), (7,), 0.1)
    assert dataclasses.replace(old, source_ids=(9,)).src == (9,)
    assert pickle.loads(pickle.dumps(moved)) == moved and hash(moved) == hash(
        pickle.loads(pickle.dumps(moved))
    )
    with pytest.raises(TypeError, match="quality"):
        AlignedPair((0,), (0,), "a", "b", 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        old.source_ids = ()  # type: ignore[misc]


def test_link_alignment_keeps_the_name_score() -> None:
    assert Link((0,), (1,), score=0.25) == Link((0,), (1,), 0.25)
    assert Link((0,), (1,), alignment=0.5).score == 0.5
    assert dataclasses.replace(Link((0,), (1,), 0.5), score=0.1).alignment == 0.1


def test_old_class_names_are_aliases() -> None:
    assert types.Scores is Quality
    assert types.DocumentChunk is PairChunk
    assert types.DocumentPart is TextPart


def test_the_two_lexicons_have_names_that_tell_them_apart() -> None:
    from fr2en import score, segment

    assert segment.Lexicon is segment.SegmenterTables and score.Lexicon is score.TranslationLexicon
    assert segment.SegmenterTables is not score.TranslationLexicon
