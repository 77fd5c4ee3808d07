"""The Markdown table: two columns, one row per pair, article text literal in a CommonMark/GFM renderer."""

from __future__ import annotations

import re

from lxml import html as lxml_html
from markdown_it import MarkdownIt

from fr2en.types import AlignedPair, DocumentChunk
from fr2en.write import md, render

from .samples import aligned_result, empty_result


def _rendered(markdown: str) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(MarkdownIt("commonmark").enable("table").render(markdown), "body")


def test_a_two_column_table_with_one_row_per_pair() -> None:
    result = aligned_result()
    table = _rendered(render("md", result)).cssselect("table")[0]
    assert [th.text_content() for th in table.cssselect("thead th")] == ["Français", "English"]
    cells = [[td.text_content() for td in tr.cssselect("td")] for tr in table.cssselect("tbody tr")]
    assert cells == [[pair.source, pair.target] for pair in result.pairs]


def test_markup_in_the_article_stays_text() -> None:
    markdown = render("md", aligned_result())
    body = _rendered(markdown)
    assert not body.cssselect("script, img, em, strong")
    # Every raw "<" fr2en writes is a <br>; the article's own are escaped.
    assert re.findall(r"(?<!\\)<[a-z]+", markdown) == []


def test_pipes_and_line_breaks_inside_a_sentence_keep_the_row_whole() -> None:
    result = aligned_result()
    pair = AlignedPair((0,), (0,), "Une | deux\nlignes", "One | two\r\nlines", 0, result.pairs[0].scores)
    line = md.rows(DocumentChunk((pair,), "", 1))
    assert line.count("\n") == 1
    cells = _rendered(md.header(result.header()) + line).cssselect("tbody td")
    assert [td.text_content() for td in cells] == ["Une | deuxlignes", "One | twolines"]
    assert len(cells[0].cssselect("br")) == 1


def test_an_empty_document_is_a_header_only_table() -> None:
    markdown = render("md", empty_result())
    body = _rendered(markdown)
    assert body.cssselect("table thead th") and not body.cssselect("tbody tr")
    assert "Empty document" in markdown
