"""Numbers on each side, in digits and in words, each read with its language's conventions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from importlib.resources import files

from fr2en.score.words import _WORD

_SPACES = " \u00a0\u202f\u2009\u2007"
_SPACE_GROUPED = rf"\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?!\d)"
_NUMBER = re.compile(rf"(?<![\d,.])(?:{_SPACE_GROUPED}(?:,\d+)?|\d+(?:[.,]\d+)*)")
# XIXe siècle, Ier; at least one of I, V, X so that the words Le and Ce are not read as 50 and 100.
_FR_ROMAN_ORDINAL = re.compile(r"\b(?=[IVXLC]*[IVX])([IVXLC]+)(?:e|è|ème|eme|er|re)\b")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _table(name: str) -> dict[str, tuple[float, bool]]:
    """A ``word value [required]`` table of ``fr2en/data``: each word's value and whether it is required."""
    text = files("fr2en").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    table: dict[str, tuple[float, bool]] = {}
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if fields:
            table[fields[0]] = (float(Fraction(fields[1])), fields[2:] == ["required"])
    return table


_FR_TABLE = _table("number_words_fr.txt")
_EN_TABLE = _table("number_words_en.txt")
_SCALES = {word: value for word, (value, _) in _table("number_scales.txt").items()}
_FR_NUMBER_WORDS = {word: value for word, (value, _) in _FR_TABLE.items()}
_EN_NUMBER_WORDS = {word: value for word, (value, _) in _EN_TABLE.items()}
# Number words that always mean the number: a changed one ("three" for "quatre") is a changed number.
_REQUIRED_NUMBER_WORDS = frozenset(
    word for table in (_FR_TABLE, _EN_TABLE) for word, (_, req) in table.items() if req
)


_TENS = "dix|vingt|trente|quarante|cinquante|soixante|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = (
    "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize"
    "|one|two|three|four|five|six|seven|eight|nine"
)
# dix-sept, vingt-et-un, soixante-dix, quatre-vingt(s), quatre-vingt-dix, forty-two.
_COMPOUND = re.compile(
    rf"\b(?:quatre[- ]vingts?(?:[- ](?:{_UNITS}))?|(?:{_TENS})[- ](?:et[- ])?(?:{_UNITS}))\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Number:
    """A number on one side: the values it may stand for, and whether the other side must show it.

    Digits and unambiguous number words (trois, seventeen) are ``required``; words that are often
    something else (un/a, second, neuf, both, a couple) may answer a number but need no answer.
    """

    values: frozenset[float]
    required: bool
    text: str


_SPACE_CHARS = re.compile(f"[{_SPACES}]")
# Thousands grouped by the first separator, then maybe decimals after the other one.
_GROUPED = tuple(
    (sep, other, re.compile(rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+(?:{re.escape(other)}\d+)?"))
    for sep, other in ((",", "."), (".", ","))
)
_PLAIN_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@lru_cache(maxsize=1 << 11)
def _parse_number(raw: str, french: bool) -> frozenset[float]:
    """The values a written number may mean; both when its separators are ambiguous (2,500)."""
    compact = _SPACE_CHARS.sub("", raw)
    readings: list[str] = []
    # French writes 2,5 for 2.5 and groups thousands with spaces (or dots); English the other way
    # round. Copy-edited text mixes the two, so a comma or dot before exactly three digits is read
    # both ways.
    for sep, other, grouped in _GROUPED:
        if grouped.fullmatch(compact):
            readings.append(compact.replace(sep, "").replace(other, "."))
    native, foreign = ("," if french else "."), ("." if french else ",")
    if _PLAIN_NUMBER.fullmatch(compact) and (native in compact or not readings):
        readings.append(compact.replace(native, ".").replace(foreign, "."))
    values: set[float] = set()
    for reading in readings:
        try:
            values.add(float(reading))
        except ValueError:
            continue
    return frozenset(values)


def _roman(text: str) -> int | None:
    values = [_ROMAN[c] for c in text]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return total if 0 < total < 400 else None


def _aliases(value: float, after: str, french: bool) -> set[float]:
    """Every value a number may stand for in the other language: scaled, 24-hour clock, percent."""
    aliases = {round(value, 6)}
    following = _WORD.match(after.lstrip(_SPACES))
    scale = _SCALES.get(following.group().lower()) if following else None
    if scale:
        aliases.add(round(value * scale, 6))
    if 1900 <= value < 2100 and value == int(value):
        aliases.add(value % 100)  # the 1980s, les années 80
    is_time = (french and re.match(r"[ \u00a0]?h(?:eures?)?\b|[ \u00a0]?h\d", after)) or (
        not french and re.match(r"[ \u00a0]?(?:a\.?m\b|p\.?m\b|o'clock)", after.lower())
    )
    if is_time and 0 <= value <= 24:
        aliases.update({value % 12, value % 12 + 12, 12.0 if value % 12 == 0 else value % 12})
    return aliases


def numbers(text: str, french: bool) -> list[Number]:
    """The numbers of one side, in digits and in words, as sets of the values each may stand for."""
    found: list[Number] = []
    for match in _NUMBER.finditer(text):
        values: set[float] = set()
        for value in _parse_number(match.group(), french):
            values |= _aliases(value, text[match.end() :], french)
        if values:
            found.append(Number(frozenset(values), True, match.group()))
    if french:
        for match in _FR_ROMAN_ORDINAL.finditer(text):
            roman = _roman(match.group(1))
            if roman is not None:
                found.append(Number(frozenset({float(roman)}), True, match.group()))
    words = _FR_NUMBER_WORDS if french else _EN_NUMBER_WORDS
    compounds = list(_COMPOUND.finditer(text))
    for match in compounds:
        # dix-sept, vingt-et-un, forty-two: the sum is the number, its parts need no counterpart.
        parts = [words.get(w.lower(), 0.0) for w in _WORD.findall(match.group()) if w.lower() != "et"]
        if match.group().lower().startswith("quatre"):  # quatre-vingt-dix = 4 × 20 + 10
            parts = [80, *parts[2:]]
        found.append(Number(frozenset({float(sum(parts))}), True, match.group()))
    inside = {i for m in compounds for i in range(m.start(), m.end())}
    for match in _WORD.finditer(text):
        spelled = words.get(match.group().lower())
        if spelled is not None:
            values = _aliases(float(spelled), text[match.end() :], french)
            required = match.group().lower() in _REQUIRED_NUMBER_WORDS and match.start() not in inside
            found.append(Number(frozenset(values), required, match.group()))
    return found


def number_mismatch(source: str, target: str) -> tuple[list[str], list[str]]:
    """Numbers (digits, unambiguous words) on one side with no counterpart (digits or words) on the other.

    Returns (French numbers missing from the English, English numbers not in the French).
    """
    french, english = numbers(source, True), numbers(target, False)

    def unmatched(side: list[Number], other: list[Number]) -> list[str]:
        pool = frozenset().union(*(n.values for n in other)) if other else frozenset()
        return [n.text for n in side if n.required and not (n.values & pool)]

    return unmatched(french, english), unmatched(english, french)
