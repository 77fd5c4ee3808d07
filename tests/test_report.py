"""The batch report, for machines (report.json) and for people (report.html): the same data."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import html as lxml_html

from fr2en.batch import REPORT_PAGE_NAME, run_batch
from fr2en.write import page, report, report_html

from .samples import sample_batch


def _page() -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(report_html.render(sample_batch()))


def test_one_row_per_document_in_order() -> None:
    rows = _page().cssselect("tbody tr")
    assert [r.cssselect("td.document")[0].get("data-value") for r in rows] == [
        d.input for d in sample_batch().documents
    ]
    assert [r.get("class") for r in rows] == ["done", "done", "failed", "done", "skipped"]


def test_each_document_links_its_page_relative_to_the_report() -> None:
    rows = _page().cssselect("tbody tr")
    pages = [[a.get("href") for a in r.cssselect("a.page")] for r in rows]
    assert pages == [["a.html"], ["sub/b%20%3Cx%3E%26.html"], [], ["empty.html"], ["old.html"]]
    assert [a.text_content() for a in rows[0].cssselect(".files a")] == ["txt", "tmx"]


def test_no_page_link_when_html_was_not_written() -> None:
    batch = sample_batch()
    without = tuple(
        replace(d, outputs=tuple(o for o in d.outputs if not o.endswith(".html"))) for d in batch.documents
    )
    page = lxml_html.document_fromstring(report_html.render(replace(batch, documents=without)))
    assert not page.cssselect("a.page")
    assert page.cssselect("tbody tr")[0].cssselect("td.document")[0].text_content().startswith("in/a.txt")


def test_numbers_failures_and_totals() -> None:
    page = _page()
    first = [td.text_content() for td in page.cssselect("tbody tr")[0].cssselect("td")]
    assert first[1:6] == ["done this run", "3", "0.80", "1", "1.25"]
    failed = page.cssselect("tbody tr.failed td.why")[0].text_content()
    assert failed == "in/broken.txt: not a text file (PNG image)"
    totals = report.totals(sample_batch())
    foot = [td.text_content() for td in page.cssselect("tfoot td")]
    assert foot[0] == "Total (5 documents)"
    assert foot[2:6] == [
        str(totals["sentences"]),
        f"{totals['mean_score']:.2f}",
        str(totals["flagged"]),
        "6.50",
    ]
    assert "5 documents: 3 done, 1 failed, 1 skipped" in page.cssselect("p.meta")[0].text_content()


def test_a_resumed_runs_report_describes_the_whole_folder() -> None:
    """Skipped documents keep the numbers an earlier run recorded, and the totals count them."""
    batch = sample_batch()
    totals = report.totals(batch)
    # a.txt 3 sentences at 0.8 (1 flagged), b 10 at 0.4 (6), empty 0, old.txt (skipped) 4 at 0.9.
    assert (totals["sentences"], totals["flagged"]) == (17, 7)
    assert totals["mean_score"] == round((3 * 0.8 + 10 * 0.4 + 4 * 0.9) / 17, 4)
    assert totals["this_run"] == {"documents": 3, "sentences": 13, "flagged": 7, "mean_score": 0.4923}
    saved = json.loads(report.render(batch))
    assert [d["this_run"] for d in saved["documents"]] == [True, True, False, True, False]
    skipped = _page().cssselect("tbody tr.skipped td")
    assert [td.text_content() for td in skipped[1:5]] == ["skipped earlier run", "4", "0.90", "0"]
    assert [td.text_content() for td in _page().cssselect("tfoot td")[2:5]] == ["17", "0.59", "7"]


def test_run_times_are_readable_and_never_wrap_inside_a_date() -> None:
    meta = _page().cssselect("p.meta")[0]
    times = meta.cssselect("time.local")
    assert [t.get("datetime") for t in times] == ["2025-01-01T10:00:00+00:00", "2025-01-01T10:00:06+00:00"]
    assert times[0].text_content() == "2025-01-01 10:00:00 UTC"
    assert "took 6.5 s" in meta.text_content()
    assert "time, .duration { white-space: nowrap; }" in report_html.render(sample_batch())
    assert [page.duration(s) for s in (6.54, 125, 3720)] == ["6.5 s", "2 min 05 s", "1 h 02 min"]


def test_sortable_columns_and_the_run_signature() -> None:
    page = _page()
    assert len(page.cssselect("thead th button")) == 7
    assert page.cssselect("footer code")[0].text_content() == sample_batch().signature.as_text()  # type: ignore[union-attr]
    policy = page.cssselect('meta[http-equiv="Content-Security-Policy"]')[0].get("content")
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy


def test_names_are_escaped() -> None:
    text = report_html.render(sample_batch())
    assert "b <x>&" not in text and "b &lt;x&gt;&amp;.md" in text


def test_report_json_carries_the_same_documents_and_totals() -> None:
    saved = json.loads(report.render(sample_batch()))
    assert [d["input"] for d in saved["documents"]] == [d.input for d in sample_batch().documents]
    assert saved["totals"] == report.totals(sample_batch())
    assert saved["totals"]["documents"] == 5 and saved["totals"]["failed"] == 1
    assert {"outputs", "sentences", "mean_score", "flagged", "seconds", "error", "notes"} <= saved[
        "documents"
    ][0].keys()


@pytest.mark.model
def test_a_real_batchs_report_links_every_document_to_its_page(
    tmp_path: Path, tiny_settings, tiny_translator
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a b.txt").write_text("Une phrase.\n", encoding="utf-8")
    (tmp_path / "in" / "sub" / "c.md").write_text("Encore une.\n", encoding="utf-8")
    out = tmp_path / "out"
    batch = run_batch([tmp_path / "in"], out, tiny_settings, translator=tiny_translator, show_progress=False)
    page = lxml_html.document_fromstring((out / REPORT_PAGE_NAME).read_text(encoding="utf-8"))
    links = [(a.text_content(), a.get("href")) for a in page.cssselect("tbody a.page")]
    assert [label for label, _ in links] == [d.input for d in batch.documents]
    for label, href in links:
        target = out / unquote(href)
        assert target.is_file()
        assert (
            lxml_html.document_fromstring(target.read_text(encoding="utf-8"))
            .cssselect("h1")[0]
            .text_content()
            == label
        )


def test_each_documents_page_links_back_to_the_report(tmp_path: Path) -> None:
    from fr2en.config import load_settings
    from tests.conftest import FakeTranslator

    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text("Une phrase.\n", encoding="utf-8")
    (tmp_path / "in" / "sub" / "c.txt").write_text("Encore une.\n", encoding="utf-8")
    out = tmp_path / "out"
    run_batch([tmp_path / "in"], out, load_settings(environ={}), translator=FakeTranslator(), cache=False)
    for page_path, href in (
        (out / "a.fr-en.html", "report.html"),
        (out / "sub" / "c.fr-en.html", "../report.html"),
    ):
        links = lxml_html.document_fromstring(page_path.read_text(encoding="utf-8")).cssselect("p.back a")
        assert [a.get("href") for a in links] == [href]
        assert (page_path.parent / href).resolve() == (out / REPORT_PAGE_NAME).resolve()


@pytest.mark.parametrize("variant", ["whole", "no documents", "no signature"])
def test_the_json_report_written_a_document_at_a_time_is_json_dumps_of_it_whole(variant: str) -> None:
    batch = sample_batch()
    if variant == "no documents":
        batch = replace(batch, documents=())
    elif variant == "no signature":
        batch = replace(batch, signature=None)
    text = report.render(batch)
    whole = json.loads(text)  # keys in the order written
    assert text == json.dumps(whole, ensure_ascii=False, indent=2) + "\n"
    assert [d["input"] for d in whole["documents"]] == [d.input for d in batch.documents]
    assert len(list(report.render_chunks(batch))) == len(batch.documents) + 2


def test_the_report_files_are_the_rendered_pages(tmp_path: Path) -> None:
    batch = sample_batch()
    report_html.write_reports(batch, tmp_path)
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == report.render(batch)
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == report_html.render(batch)
