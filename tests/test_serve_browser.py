"""fr2en serve's page in a real browser (Debian's chromium, headless, driven by Playwright).

Type French, translate, and review: one row per pair with its score, markup typed into the box
shown literally (never run), and the HTML output's keyboard navigation working on the new rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fr2en.config import Settings

from .test_browser import ARTIFACTS, CHROMIUM, DESKTOP, browser, sync_api  # noqa: F401 (a fixture)

pytest.importorskip("starlette", reason="the serve extra is not installed")
pytest.importorskip("uvicorn", reason="the serve extra is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's chromium is not at {CHROMIUM}"),
]

from .serving import running_server  # noqa: E402

FRENCH = (
    "Le conseil a voté le budget. Les travaux commenceront en mars.\n\n"
    'Un titre <b>gras</b> et <img src=x onerror="window.__pwned = 1"> ici. Fin du texte.'
)


@pytest.fixture(scope="module")
def server_url(tiny_settings: Settings, tiny_translator: Any) -> Iterator[str]:
    with running_server(tiny_settings, lambda: (tiny_translator, tiny_translator)) as server:
        yield server.url


def test_translate_and_review_in_the_page(browser: Any, server_url: str) -> None:  # noqa: F811
    page = browser.new_page(viewport=DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(server_url + "/")
    page.fill("#french", FRENCH)
    page.press("#french", "j")  # typing in the box is not navigation
    assert page.input_value("#french").endswith("Fin du texte.j")
    page.fill("#french", FRENCH)
    page.click("#translate")
    page.wait_for_selector("tr.pair", timeout=60_000)
    rows = page.locator("tr.pair")
    assert rows.count() == 4
    assert (
        page.inner_text("#p3 td.fr")
        == 'Un titre <b>gras</b> et <img src=x onerror="window.__pwned = 1"> ici.'
    )
    assert page.locator("tbody img, tbody b, tbody script").count() == 0
    assert page.evaluate("window.__pwned") is None
    scores = page.locator("td.score .pill").all_inner_texts()
    assert len(scores) == 4 and all(0.0 <= float(s) <= 1.0 for s in scores)
    assert page.inner_text("#summary").startswith("4 pairs from 4 French sentences")
    assert page.inner_text("#signature").startswith("fr2en:")
    assert page.is_visible("#downloads")
    flagged = page.locator("tr.pair.flagged").count()
    # Keyboard navigation, as in the HTML output: j jumps to the next flagged pair, f filters.
    page.locator("h1").click()
    if flagged:
        page.keyboard.press("j")
        assert page.inner_text("#status") == f"Flagged pair 1 of {flagged}"
        assert "active" in (page.get_attribute("tr.pair.flagged >> nth=0", "class") or "")
    page.keyboard.press("f")
    assert page.is_checked("#flagged-only")
    visible = page.eval_on_selector_all("tr.pair", "rows => rows.filter(r => r.offsetParent).length")
    assert visible == flagged
    page.keyboard.press("f")
    # A second translation replaces the rows and the view follows.
    page.fill("#french", "Une seule phrase.")
    page.click("#translate")
    sync_api.expect(page.locator("tr.pair")).to_have_count(1, timeout=60_000)
    assert page.inner_text("#status").endswith("1 pairs flagged") or "among 1" in page.inner_text("#status")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "serve-page.png", full_page=True)
    with page.expect_download() as download:
        page.click("#downloads button[data-format=tmx]")
    assert download.value.suggested_filename == "text.tmx"
    assert errors == []
    page.close()
