"""The pages in a real browser: Debian's chromium, headless, driven by Playwright.

Checks what only a browser can: the rows as shown, the counterpart highlighted on click and hover,
the "flagged only" filter, keyboard navigation, that injected markup never runs (even unescaped,
thanks to the Content-Security-Policy), the phone and print layouts, and that report.html's links
open each document's page. Screenshots go to ``test-artifacts/`` for a person to look at.
Skipped where chromium or Playwright is missing; Playwright's own browser download is never used.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fr2en.batch import REPORT_PAGE_NAME, run_batch
from fr2en.types import DocumentResult
from fr2en.write import write_outputs

from .conftest import REPO
from .samples import aligned_result

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's chromium is not at {CHROMIUM}"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

# The machine's network is closed: without these chromium floods it with refused connections.
# Playwright gives every launch a fresh temporary profile (user-data-dir).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
Page = Any  # playwright.sync_api.Page, imported lazily above


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium for the module."""
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def aligned_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with every pair shape, written as a page."""
    (path,) = write_outputs(aligned_result(), tmp_path_factory.mktemp("page") / "aligned", ["html"])
    return path


def _open(browser: Any, path: Path, viewport: dict[str, int] = DESKTOP, **options: Any) -> Page:
    page = browser.new_page(viewport=viewport, **options)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(path.as_uri())
    return page


@pytest.fixture
def page(browser: Any, aligned_page: Path) -> Iterator[Page]:
    opened = _open(browser, aligned_page)
    yield opened
    assert opened.errors == []  # the page's own script never threw
    opened.close()


def _visible_rows(page: Page) -> list[str]:
    return list(
        page.eval_on_selector_all("tr.pair", "rows => rows.filter(r => r.offsetParent).map(r => r.id)")
    )


def _fits_the_width(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_rows_text_and_scores_as_shown(page: Page) -> None:
    result = aligned_result()
    assert _visible_rows(page) == [f"p{n}" for n in range(1, 6)]
    assert page.inner_text("#p1 td.fr") == result.pairs[0].source
    assert page.inner_text("#p5 td.en") == result.pairs[4].target
    assert page.inner_text("#p3 td.en") == "no English sentence"
    assert page.inner_text("#p2 .shape") == "2:1"
    assert page.inner_text("#p5 td.score").split() == ["0.48", "low_score", "length_ratio"]
    assert page.is_visible(".toolbar")
    assert page.inner_text("#status") == "3 of 5 pairs flagged"


def test_article_markup_does_not_run(page: Page) -> None:
    assert page.evaluate("window.__pwned") is None
    assert page.locator("tbody script, tbody img").count() == 0


def test_injected_markup_cannot_run_even_unescaped(browser: Any, aligned_page: Path, tmp_path: Path) -> None:
    """If escaping ever failed, the Content-Security-Policy would still refuse the markup."""
    text = aligned_page.read_text(encoding="utf-8")
    injected = (
        '<script>window.__pwned = 3</script><img src="x" onerror="window.__pwned = 4">'
        '<a id="js" href="javascript:window.__pwned = 5">x</a><div onmouseover="window.__pwned = 6">y</div>'
    )
    broken = tmp_path / "broken.html"
    broken.write_text(text.replace("<tbody>", "<tbody>" + injected, 1), encoding="utf-8")
    page = _open(browser, broken)
    page.click("#js")
    page.hover("text=y")
    assert page.evaluate("window.__pwned") is None
    assert page.inner_text("#status") == "3 of 5 pairs flagged"  # the page's own script did run
    page.close()


def _style(page: Page, selector: str, prop: str) -> str:
    return str(page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}"))


def test_click_highlights_the_counterpart(page: Page) -> None:
    plain = _style(page, "#p2 td.en", "backgroundColor")
    page.click("#p2 td.fr")
    assert page.get_attribute("#p2", "class").split() >= ["pair", "merged", "active", "from-fr"]
    assert _style(page, "#p2 td.en", "outlineStyle") == "solid"
    assert _style(page, "#p2 td.en", "backgroundColor") != plain
    page.click("#p5 td.en")
    assert "active" not in page.get_attribute("#p2", "class")
    assert _style(page, "#p5 td.fr", "outlineStyle") == "solid"
    assert _style(page, "#p5 td.en", "outlineStyle") == "none"
    page.screenshot(path=ARTIFACTS / "page-desktop-clicked.png", full_page=True)


def test_hover_highlights_the_counterpart(page: Page) -> None:
    plain = _style(page, "#p1 td.en", "backgroundColor")
    page.hover("#p1 td.fr")
    assert _style(page, "#p1 td.en", "backgroundColor") != plain
    page.hover("#p4 td.en")
    assert _style(page, "#p4 td.fr", "backgroundColor") != plain
    assert _style(page, "#p1 td.en", "backgroundColor") == plain


def test_flagged_only_filter(page: Page) -> None:
    page.check("#flagged-only")
    assert _visible_rows(page) == ["p3", "p4", "p5"]
    page.screenshot(path=ARTIFACTS / "page-desktop-flagged-only.png", full_page=True)
    page.uncheck("#flagged-only")
    assert len(_visible_rows(page)) == 5
    page.keyboard.press("f")
    assert _visible_rows(page) == ["p3", "p4", "p5"] and page.is_checked("#flagged-only")


def test_keyboard_jumps_between_flagged_pairs(page: Page) -> None:
    def active() -> str:
        return str(page.evaluate("document.activeElement.id + ' ' + document.querySelector('tr.active').id"))

    steps = [("j", "p3"), ("j", "p4"), ("n", "p5"), ("j", "p3"), ("k", "p5"), ("p", "p4")]
    for key, expected in steps:
        page.keyboard.press(key)
        assert active() == f"{expected} {expected}", key
    assert page.inner_text("#status") == "Flagged pair 2 of 3"
    page.click("#p1 td.en")
    page.keyboard.press("j")
    assert active() == "p3 p3"
    page.click("#next")
    assert active() == "p4 p4"
    page.keyboard.press("Escape")
    assert page.locator("tr.active").count() == 0


def test_phone_width_stacks_each_pair(browser: Any, aligned_page: Path) -> None:
    page = _open(browser, aligned_page, PHONE, is_mobile=True, has_touch=True)
    assert _fits_the_width(page)
    french, english = page.locator("#p1 td.fr").bounding_box(), page.locator("#p1 td.en").bounding_box()
    assert english["y"] >= french["y"] + french["height"] - 1  # English under French, not beside it
    assert french["width"] > PHONE["width"] * 0.7
    page.screenshot(path=ARTIFACTS / "page-phone.png", full_page=True)
    page.close()


def test_print_layout_hides_the_controls(page: Page) -> None:
    page.emulate_media(media="print")
    assert not page.is_visible(".toolbar")
    assert len(_visible_rows(page)) == 5
    page.screenshot(path=ARTIFACTS / "page-print.png", full_page=True)


def test_without_javascript_the_rows_show_and_the_dead_controls_do_not(
    browser: Any, aligned_page: Path
) -> None:
    page = _open(browser, aligned_page, java_script_enabled=False)
    assert len(_visible_rows(page)) == 5
    assert not page.is_visible(".toolbar")
    page.close()


def test_dark_colour_scheme(browser: Any, aligned_page: Path) -> None:
    page = _open(browser, aligned_page, color_scheme="dark")
    assert _style(page, "body", "backgroundColor") == "rgb(23, 24, 26)"
    page.screenshot(path=ARTIFACTS / "page-desktop-dark.png", full_page=True)
    page.close()


@pytest.mark.model
def test_the_seed_articles_page(browser: Any, seed_result: DocumentResult, tmp_path: Path) -> None:
    (path,) = write_outputs(seed_result, tmp_path / "seed", ["html"])
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = _open(browser, path, viewport)
        assert len(_visible_rows(page)) == len(seed_result.pairs)
        assert _fits_the_width(page)
        page.keyboard.press("j")
        page.screenshot(path=ARTIFACTS / f"seed-{name}.png")
        assert page.errors == []
        page.close()


@pytest.fixture(scope="module")
def batch_output(tmp_path_factory: pytest.TempPathFactory, tiny_settings, tiny_translator) -> Path:  # type: ignore[no-untyped-def]
    """A real batch in tiny mode: three articles in a tree, an empty one and a broken one."""
    source = tmp_path_factory.mktemp("batch") / "in"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_text("Le ministre a parlé. Il reviendra jeudi.\n", encoding="utf-8")
    (source / "sub" / "b & c.md").write_text("# Titre\n\nDu texte.\n", encoding="utf-8")
    (source / "z.txt").write_text("Une <b>phrase</b>.\n", encoding="utf-8")
    (source / "empty.txt").write_bytes(b"")
    (source / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    out = source.parent / "out"
    run_batch([source], out, tiny_settings, translator=tiny_translator, show_progress=False)
    return out


@pytest.mark.model
def test_report_links_open_every_documents_page(browser: Any, batch_output: Path) -> None:
    page = _open(browser, batch_output / REPORT_PAGE_NAME)
    rows = page.locator("tbody tr")
    assert rows.count() == 5
    links = page.eval_on_selector_all("a.page", "links => links.map(a => [a.textContent, a.href])")
    assert len(links) == 4  # every document but the broken one
    for label, href in links:
        page.goto(href)
        assert page.inner_text("h1") == label
        assert page.errors == []
    page.goto((batch_output / REPORT_PAGE_NAME).as_uri())
    assert "not a text file" in page.inner_text("tr.failed td.why")
    page.screenshot(path=ARTIFACTS / "report-desktop.png", full_page=True)
    page.close()


@pytest.mark.model
def test_report_columns_sort(browser: Any, batch_output: Path) -> None:
    page = _open(browser, batch_output / REPORT_PAGE_NAME)

    def column(index: int) -> list[str]:
        return list(
            page.eval_on_selector_all(
                f"tbody tr td:nth-child({index})", "cells => cells.map(c => c.dataset.value ?? c.textContent)"
            )
        )

    page.click("th:nth-child(4) button")  # mean score, ascending, blanks last
    scores = column(4)
    filled = [float(s) for s in scores if s]
    assert filled == sorted(filled) and scores[len(filled) :] == [""] * (len(scores) - len(filled))
    assert page.get_attribute("th:nth-child(4)", "aria-sort") == "ascending"
    page.click("th:nth-child(4) button")
    assert [float(s) for s in column(4) if s] == sorted(filled, reverse=True)
    page.click("th:nth-child(1) button")
    names = column(1)
    assert names == sorted(names)
    assert page.errors == []
    page.close()


@pytest.mark.model
def test_report_on_a_phone(browser: Any, batch_output: Path) -> None:
    page = _open(browser, batch_output / REPORT_PAGE_NAME, PHONE, is_mobile=True)
    assert _fits_the_width(page)
    page.screenshot(path=ARTIFACTS / "report-phone.png", full_page=True)
    page.close()
