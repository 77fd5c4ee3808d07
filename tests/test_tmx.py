"""The TMX translation memory: valid TMX 1.4b, one unit per pair with both sides, and OmegaT reads it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from fr2en._version import __version__
from fr2en.types import DocumentResult
from fr2en.write import render, write_outputs

from .conftest import SHARED, TMX_DTD
from .samples import aligned_result, empty_result

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _validated(result: DocumentResult) -> etree._Element:
    tree = etree.fromstring(render("tmx", result).encode())
    dtd = etree.DTD(str(TMX_DTD))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    return tree


@pytest.mark.model
def test_the_seed_articles_tmx_validates_against_the_dtd(seed_result: DocumentResult) -> None:
    tree = _validated(seed_result)
    assert len(tree.findall(".//tu")) == sum(1 for p in seed_result.pairs if p.source and p.target)


@pytest.mark.parametrize("make", [aligned_result, empty_result])
def test_samples_validate_against_the_dtd(make) -> None:  # type: ignore[no-untyped-def]
    _validated(make())


@pytest.mark.skipif(not (SHARED / "data" / "formats").exists(), reason="shared data not here")
def test_the_kept_dtd_is_the_shared_one() -> None:
    assert TMX_DTD.read_bytes() == (SHARED / "data" / "formats" / "tmx14.dtd").read_bytes()


def test_header_names_fr2en_and_the_languages() -> None:
    header = etree.fromstring(render("tmx", aligned_result()).encode()).find("header")
    assert header.get("creationtool") == "fr2en" and header.get("creationtoolversion") == __version__
    assert header.get("srclang") == "fr-FR"


def test_one_unit_per_pair_with_both_sides_and_its_score_and_flags() -> None:
    result = aligned_result()
    units = etree.fromstring(render("tmx", result).encode()).findall(".//tu")
    both = [p for p in result.pairs if p.source and p.target]
    assert len(units) == len(both) == 3  # the two null links cannot be memory units
    for unit, pair in zip(units, both, strict=True):
        assert [(t.get(XML_LANG), t.findtext("seg")) for t in unit.findall("tuv")] == [
            ("fr-FR", pair.source),
            ("en", pair.target),
        ]
        props = {p.get("type"): p.text for p in unit.findall("prop")}
        assert float(props["x-score"]) == pytest.approx(pair.scores.score)
        assert props.get("x-flags", "") == ",".join(pair.scores.flags)


OMEGAT_PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>fr-FR</source_lang>
    <target_lang>en</target_lang>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


@pytest.mark.skipif(shutil.which("omegat") is None, reason="OmegaT is not installed (apt-get install omegat)")
def test_omegat_fills_a_project_from_the_tmx(tmp_path: Path) -> None:
    """OmegaT, headless, loads the TMX as a translation memory of a project (``tm/auto/`` applies
    exact matches) and writes the English of every unit into the translated document."""
    result = aligned_result()
    project = tmp_path / "project"
    for folder in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / folder).mkdir(parents=True)
    (project / "omegat.project").write_text(OMEGAT_PROJECT, encoding="utf-8")
    # One segment per paragraph (sentence segmentation is off): each pair's French on its own.
    (project / "source" / "article.txt").write_text(
        "\n\n".join(p.source for p in result.pairs if p.source) + "\n", encoding="utf-8"
    )
    write_outputs(result, project / "tm" / "auto" / "article", ["tmx"])
    done = subprocess.run(
        ["omegat", "--mode=console-translate", str(project)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},  # OmegaT keeps its settings under ~/.omegat
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Reading of TMX file complete" in done.stdout + done.stderr
    translated = (project / "target" / "article.txt").read_text(encoding="utf-8").split("\n\n")
    # Pairs with both sides come back in English; the French left without English stays French.
    expected = [p.target if p.target else p.source for p in result.pairs if p.source]
    assert [t.strip() for t in translated] == expected
