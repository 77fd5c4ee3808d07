"""Markdown inputs: parsed, translated in place into name.en.md with their structure, URLs and code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fr2en.batch import run_batch
from fr2en.config import Settings
from fr2en.formats.md import extract

pytest.importorskip("markdown_it")

MARKDOWN = """# Le plan *climat* ##

Le ministre a présenté un **plan ambitieux** mardi, voir [le site](https://exemple.fr/plan_(2024) "Le plan").
La suite du paragraphe reste ici.

> Une citation avec `code_en_ligne()` dedans.

- Premier point
- Second point

| Ville | Part |
|-------|-----:|
| Paris \\| Lyon | Un tiers |

```python
texte = "ne pas traduire"
```

Titre souligné
==============
"""
URL = '(https://exemple.fr/plan_(2024) "Le plan")'


def _structure(text: str) -> list[str]:
    """Each line's Markdown markers: what it starts with, and a table row's pipes."""
    markers = []
    for line in text.split("\n"):
        start = re.match(r"\s*(#+ |> |- |\| |```\w*|=+$)?", line)
        markers.append(((start.group(1) if start else "") or "") + "|" * len(re.findall(r"(?<!\\)\|", line)))
    return markers


def test_blocks_are_paragraphs_headings_items_and_cells() -> None:
    source = extract(MARKDOWN.encode(), "a.md", Settings())
    assert [b.text for b in source.blocks] == [
        "Le plan climat",
        "Le ministre a présenté un plan ambitieux mardi, voir le site. La suite du paragraphe reste ici.",
        "Une citation avec code_en_ligne() dedans.",
        "Premier point",
        "Second point",
        "Ville",
        "Part",
        "Paris | Lyon",
        "Un tiers",
        "Titre souligné",
    ]


def test_rebuild_keeps_structure_urls_and_code() -> None:
    source = extract(MARKDOWN.encode(), "a.md", Settings())
    english = [
        "The climate plan",
        "The minister presented an ambitious plan on Tuesday, see the site. The rest stays here.",
        "A quote with code_en_ligne() inside.",
        "First point",
        "Second point",
        "City",
        "Share",
        "Paris | Lyon",
        "A third",
        "Underlined * title",
    ]
    text = source.rebuild(english).decode("utf-8")
    assert text.startswith("# The climate *plan* ##\n")
    assert "**" in text.split("\n")[2] and URL in text
    assert "> A quote with `code_en_ligne()` inside." in text
    assert "| Paris \\| Lyon | A third |" in text
    assert '```python\ntexte = "ne pas traduire"\n```' in text
    assert "Underlined \\* title\n==============\n" in text
    # One line per paragraph: the French paragraph's second line is gone, everything else stays.
    french, translated = _structure(MARKDOWN), _structure(text)
    del french[3]
    assert translated == french


def test_front_matter_is_kept_as_it_is() -> None:
    text = "---\ntitle: Le plan\ntags: [climat]\n---\n\nUn paragraphe.\n"
    source = extract(text.encode(), "a.md", Settings())
    assert [b.text for b in source.blocks] == ["Un paragraphe."]
    assert source.rebuild(["A paragraph."]).decode() == text.replace("Un paragraphe.", "A paragraph.")


@pytest.mark.model
def test_markdown_through_the_pipeline(
    tmp_path: Path, tiny_settings: Settings, tiny_translator: object
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "note.md").write_text(MARKDOWN, encoding="utf-8")
    report = run_batch(
        [folder],
        tmp_path / "out",
        tiny_settings,
        translator=tiny_translator,  # type: ignore[arg-type]
        show_progress=False,
        cache=False,
    )
    assert [d.status for d in report.documents] == ["done"]
    assert "note.en.md" in report.documents[0].outputs
    text = (tmp_path / "out" / "note.en.md").read_text(encoding="utf-8")
    french = _structure(MARKDOWN)
    del french[3]
    assert _structure(text) == french
    assert URL in text and "`code_en_ligne()`" in text and 'texte = "ne pas traduire"' in text
    source = extract(MARKDOWN.encode(), "note.md", Settings())
    pairs = [json.loads(line) for line in (tmp_path / "out" / "note.jsonl").read_text().splitlines()]
    for index, block in enumerate(source.blocks):
        assert " ".join(p["src"] for p in pairs if p["paragraph"] == index + 1) == block.text


@pytest.mark.model
def test_translate_file_reads_markdown_through_its_format(
    tmp_path: Path, tiny_settings: Settings, tiny_translator: object
) -> None:
    from fr2en.pipeline import translate_file

    source = tmp_path / "court.md"
    source.write_text("## Un **titre** court\n", encoding="utf-8")
    result = translate_file(source, tmp_path / "out", settings=tiny_settings, translator=tiny_translator)  # type: ignore[arg-type]
    assert result.document.text == "Un titre court"
    written = (tmp_path / "out" / "court.en.md").read_text(encoding="utf-8")
    assert written.startswith("## ") and written.count("**") == 2
