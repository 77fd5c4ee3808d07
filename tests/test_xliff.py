"""The XLIFF 2.1 file: well-formed, the core structure the OASIS schema requires, metadata per unit."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from fr2en.types import DocumentResult
from fr2en.write import render

from .samples import aligned_result, empty_result

XLF = "{urn:oasis:names:tc:xliff:document:2.0}"
MDA = "{urn:oasis:names:tc:xliff:metadata:2.0}"
NMTOKEN = re.compile(r"^[\w.:-]+$")
STATES = {"initial", "translated", "reviewed", "final"}


def check_structure(root: etree._Element) -> None:
    """The content models of XLIFF 2.0/2.1 core (xliff > file > unit > segment > source, target)
    and of the metadata module, as far as fr2en uses them."""
    assert root.tag == f"{XLF}xliff"
    assert root.get("version") == "2.1" and root.get("srcLang") == "fr-FR" and root.get("trgLang") == "en"
    files = list(root)
    assert files and all(f.tag == f"{XLF}file" and NMTOKEN.match(f.get("id", "")) for f in files)
    for file in files:
        children = [c.tag for c in file]
        # Other namespaces' elements (the metadata) first, then one or more units or groups.
        body = [t for t in children if t.startswith(XLF)]
        assert children == [t for t in children if not t.startswith(XLF)] + body
        assert body and set(body) <= {f"{XLF}unit", f"{XLF}group"}
        ids = [u.get("id") for u in file.iter(f"{XLF}unit", f"{XLF}group")]
        assert all(NMTOKEN.match(i or "") for i in ids) and len(ids) == len(set(ids))
        for metadata in file.iter(f"{MDA}metadata"):
            assert metadata.getparent().tag in {f"{XLF}file", f"{XLF}group", f"{XLF}unit"}
            for group in metadata:
                assert group.tag == f"{MDA}metaGroup" and len(group)
                assert all(m.tag == f"{MDA}meta" and m.get("type") for m in group)
        for unit in file.iter(f"{XLF}unit"):
            tags = [c.tag for c in unit]
            assert tags[0] == f"{MDA}metadata" and tags[1:] and set(tags[1:]) == {f"{XLF}segment"}
            for segment in unit.iter(f"{XLF}segment"):
                parts = [c.tag for c in segment]
                assert parts in ([f"{XLF}source"], [f"{XLF}source", f"{XLF}target"])
                assert segment.get("state") in STATES


def _parse(result: DocumentResult) -> etree._Element:
    return etree.fromstring(render("xlf", result).encode())


@pytest.mark.parametrize("make", [aligned_result, empty_result])
def test_the_file_has_xliff_2_1_structure(make) -> None:  # type: ignore[no-untyped-def]
    check_structure(_parse(make()))


def test_one_unit_per_pair_with_source_target_and_metadata() -> None:
    result = aligned_result()
    units = _parse(result).findall(f".//{XLF}unit")
    assert len(units) == len(result.pairs)
    for unit, pair in zip(units, result.pairs, strict=True):
        assert (unit.findtext(f".//{XLF}source") or "") == pair.source
        meta = {m.get("type"): m.text for m in unit.iter(f"{MDA}meta")}
        assert float(meta["score"]) == pytest.approx(pair.scores.score)
        assert meta.get("flags", "") == ",".join(pair.scores.flags)
        assert meta["paragraph"] == str(pair.paragraph + 1)
        target = unit.find(f".//{XLF}target")
        segment = unit.find(f"{XLF}segment")
        if pair.tgt:
            assert target is not None and target.text == pair.target
            assert segment.get("state") == "translated"
        else:
            assert target is None and segment.get("state") == "initial"


def test_markup_in_the_article_is_text() -> None:
    root = _parse(aligned_result())
    assert root.findtext(f".//{XLF}source") == "Titre : <script>window.__pwned = 1</script> & co"
    assert not root.findall(".//script")


def test_the_file_names_the_document_and_the_run() -> None:
    root = _parse(aligned_result())
    assert root.find(f"{XLF}file").get("original") == "aligned <article> & co.txt"
    meta = {m.get("type"): m.text for m in root.find(f"{XLF}file/{MDA}metadata").iter(f"{MDA}meta")}
    assert meta["signature"] == aligned_result().signature.as_text()
