"""Formatted runs to a block with marks and back (fr2en.formats._inline)."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from fr2en.formats._inline import Atom, styled_block, styled_english


def test_the_heaviest_style_is_the_base_and_the_others_are_marks() -> None:
    styled = styled_block(
        [Atom("  La ville de ", "plain"), Atom("Lyon", "bold"), Atom(" vote.\t", "plain"), Atom("", "x")]
    )
    assert styled is not None
    assert styled.block.text == "La ville de Lyon vote."
    assert styled.base == "plain" and styled.styles == ("bold",)
    (mark,) = styled.block.marks
    assert styled.block.text[mark.start : mark.end] == "Lyon"
    atoms = styled_english(styled, "The city of Lyon votes.")
    assert atoms == [Atom("The city of ", "plain"), Atom("Lyon", "bold"), Atom(" votes.", "plain")]


def test_a_paragraph_without_text_is_no_block() -> None:
    assert styled_block([Atom(" \t ", "plain"), Atom("", "bold")]) is None
    assert styled_block([]) is None


styles = st.sampled_from(["plain", "bold", "italic", ("link", "bold")])
words = st.text(st.sampled_from("abcdé "), min_size=0, max_size=12)


@given(st.lists(st.builds(Atom, words, styles), min_size=1, max_size=8), st.text(min_size=1, max_size=60))
def test_the_english_comes_back_whole_in_known_styles(atoms: list[Atom], english: str) -> None:
    styled = styled_block(atoms)
    if styled is None:
        return
    back = styled_english(styled, english)
    assert "".join(atom.text for atom in back) == re.sub(
        "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", english
    )
    assert {atom.style for atom in back} <= {styled.base, *styled.styles}
    assert all(atom.text for atom in back)
    assert all(a.style != b.style for a, b in itertools.pairwise(back))
