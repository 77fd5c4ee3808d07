"""The side-by-side page, as markup: rows, merged and null pairs, escaping, the security policy."""

from __future__ import annotations

import base64
import hashlib
import re

from lxml import html as lxml_html

from fr2en.write import render

from .samples import LINKS, aligned_result, empty_result


def _page(text: str) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(text)


def test_one_row_per_pair_in_order_with_score_and_flags() -> None:
    result = aligned_result()
    rows = _page(render("html", result)).cssselect("tbody tr.pair")
    assert [row.get("id") for row in rows] == [f"p{n}" for n in range(1, len(result.pairs) + 1)]
    for row, pair in zip(rows, result.pairs, strict=True):
        assert row.cssselect("td.score .pill")[0].text_content() == f"{pair.scores.score:.2f}"
        assert [b.text_content() for b in row.cssselect(".badge")] == list(pair.scores.flags)
        assert ("flagged" in row.classes) == bool(pair.scores.flags)


def test_the_score_colour_follows_the_score() -> None:
    rows = _page(render("html", aligned_result())).cssselect("tbody tr.pair")
    colours = [row.cssselect(".pill")[0].classes for row in rows]
    assert [next(c for c in cls if c.startswith("q")) for cls in colours] == ["q9", "q7", "q0", "q3", "q5"]


def test_n_to_m_and_null_links_are_shown_as_such() -> None:
    rows = _page(render("html", aligned_result())).cssselect("tbody tr.pair")
    shapes = [row.cssselect(".shape")[0].text_content() if row.cssselect(".shape") else "1:1" for row in rows]
    assert shapes == [f"{len(src)}:{len(tgt)}" for src, tgt, _, _ in LINKS]
    merged, no_english, no_french = rows[1], rows[2], rows[3]
    assert "merged" in merged.classes and merged.get("data-src") == "1 2" and merged.get("data-tgt") == "1"
    assert no_english.cssselect("td.en .missing")[0].text_content() == "no English sentence"
    assert no_french.cssselect("td.fr .missing")[0].text_content() == "no French sentence"
    assert "null" in no_english.classes and "null" in no_french.classes


def test_paragraph_starts_are_marked() -> None:
    rows = _page(render("html", aligned_result())).cssselect("tbody tr.pair")
    assert ["para-start" in row.classes for row in rows] == [False, True, False, False, True]


def test_article_markup_shows_as_text_and_never_as_markup() -> None:
    text = render("html", aligned_result())
    assert "<script>window" not in text and "<img" not in text
    page = _page(text)
    assert len(page.cssselect("script")) == 1 and not page.cssselect("img")
    first = page.cssselect("tr#p1 td.fr")[0].text_content()
    assert first == "Titre : <script>window.__pwned = 1</script> & co"
    assert page.cssselect("h1")[0].text_content() == "aligned <article> & co.txt"


def _digest(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_the_security_policy_allows_only_the_pages_own_script_and_style() -> None:
    text = render("html", aligned_result())
    page = _page(text)
    policy = page.cssselect('meta[http-equiv="Content-Security-Policy"]')[0].get("content")
    script = re.search(r"<script>(.*?)</script>", text, re.S)
    style = re.search(r"<style>(.*?)</style>", text, re.S)
    assert script and style
    assert f"script-src 'sha256-{_digest(script.group(1))}'" in policy
    assert f"style-src 'sha256-{_digest(style.group(1))}'" in policy
    assert "default-src 'none'" in policy and "unsafe" not in policy


def test_the_page_is_self_contained() -> None:
    text = render("html", aligned_result())
    page = _page(text)
    assert not page.cssselect("[src], link, iframe, object, embed")
    assert all(a.get("href").startswith("#") for a in page.cssselect("a"))
    assert "@import" not in text and "url(" not in text
    assert not page.cssselect("[style]")  # the policy would block style attributes


def test_footer_has_the_summary_and_the_run_signature() -> None:
    page = _page(render("html", aligned_result()))
    assert page.cssselect("footer code")[0].text_content() == aligned_result().signature.as_text()
    assert "5 pairs from 5 French sentences, mean score 0.48, 3 flagged." in page.text_content()


def test_an_empty_document_is_a_page_without_rows() -> None:
    page = _page(render("html", empty_result()))
    assert page.cssselect("tbody tr") == []
    assert "Empty document" in page.text_content()
    assert "empty input" in page.text_content()


def test_each_badge_tells_its_meaning_and_a_legend_lists_the_flags_present() -> None:
    from fr2en.score import FLAG_DESCRIPTIONS

    page = _page(render("html", aligned_result()))
    badge = page.cssselect("#p3 td.score .badge")[0]
    assert badge.text_content() == "unaligned_source"
    assert badge.get("title") == FLAG_DESCRIPTIONS["unaligned_source"]
    legend = page.cssselect("section.legend")[0]
    present = list(dict.fromkeys(f for p in aligned_result().pairs for f in p.scores.flags))
    assert [dt.text_content() for dt in legend.cssselect("dt")] == present
    assert legend.cssselect("dd")[0].text_content() == FLAG_DESCRIPTIONS[present[0]]
    # The legend sits under the table; a page without flags has none.
    assert page.cssselect("table.pairs + section.legend")
    assert not _page(render("html", empty_result())).cssselect("section.legend")


def test_the_score_column_is_wide_enough_for_badges_side_by_side() -> None:
    text = render("html", aligned_result())
    width = re.search(r"table\.pairs th\.score \{ width: ([\d.]+)rem; \}", text)
    assert width is not None and float(width.group(1)) >= 15


def test_a_page_links_back_to_its_runs_report() -> None:
    from dataclasses import replace

    from fr2en.write import FORMATS

    result = aligned_result()
    head = replace(result.header(), report="../report.html")
    text = FORMATS["html"].header(head)
    assert [a.get("href") for a in _page(text + "</table></body>").cssselect("p.back a")] == [
        "../report.html"
    ]
    assert not _page(render("html", result)).cssselect("p.back")
