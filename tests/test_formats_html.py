"""Web pages: the article of a saved news page, a whole page translated in place, bad pages.

Fixtures are strings built here; the model tests go through the real batch pipeline with the tiny
model, cache off.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from fr2en.batch import discover, run_batch
from fr2en.config import Settings
from fr2en.errors import InputError
from fr2en.formats import reader_for
from fr2en.formats.html import decode_markup, extract_article, extract_page

pytest.importorskip("trafilatura")

ARTICLE = [
    "Le Premier ministre a présenté mardi un plan de vingt milliards d'euros pour le climat.",
    "Selon le ministère, les mesures concerneront d'abord les transports et le logement du pays.",
    "Les associations écologistes ont salué une avancée, mais jugent le calendrier trop lent.",
]
NOISE = [
    "Accueil",
    "Abonnez-vous à notre offre premium dès aujourd'hui",
    "Tous droits réservés au journal",
    "Encore des promesses, je n'y crois pas du tout",
]
NEWS_PAGE = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Un plan pour le climat - Le Journal</title></head>
<body>
<header><nav><ul><li><a href="/">{NOISE[0]}</a></li><li><a href="/monde">Monde</a></li></ul></nav></header>
<div class="ad banner">{NOISE[1]} !</div>
<main><article>
<h1>Un plan pour le climat</h1>
<p>{ARTICLE[0]}</p>
<p>{ARTICLE[1]}</p>
<p>{ARTICLE[2]}</p>
</article>
<section id="comments" class="comments"><h2>Commentaires</h2>
<div class="comment"><p>Jean : {NOISE[3]}.</p></div></section>
</main>
<footer><p>© 2024 Le Journal. {NOISE[2]}.</p></footer>
</body></html>
"""
SCRIPT = '<script type="text/javascript">var s = "<p>pas un paragraphe</p>"; if (a < b) {}</script>'
PAGE = f"""<!DOCTYPE html>
<html lang='fr' class="no-js"><head><meta charset="utf-8">
<title>Le plan</title>{SCRIPT}
<style>p > b {{ color: red }}</style></head>
<body><!-- un commentaire -->
<p class="lead" data-x="1">Le ministre a présenté un <b>plan ambitieux</b> mardi soir.</p>
<p>Voir <a href="https://exemple.fr/plan?id=3&amp;v=2" title="Le plan">le document</a>.</p>
<pre>  ne   pas   traduire  </pre>
<p translate="no">Le Journal</p>
<p>Il a dit <code>plan_v2()</code> deux fois.</p>
</body></html>
"""


def _tags(page: str) -> list[str]:
    """Every tag of a page, as written, in order."""
    return re.findall(r"<[^>]*>", page)


def _outside_text(page: str) -> str:
    """The page with the text of its paragraphs, title and links removed (what must not change)."""
    return re.sub(r">[^<]*<", "><", page)


# --- Without a model ------------------------------------------------------------------------------


def test_html_files_are_read_by_the_html_format() -> None:
    assert reader_for(Path("a.HTML")) == reader_for(Path("b.htm")) == "fr2en.formats.html"


def test_page_blocks_keep_sentences_whole_across_inline_tags() -> None:
    source = extract_page(PAGE.encode(), "p.html")
    texts = [block.text for block in source.blocks]
    assert texts == [
        "Le plan",
        "Le ministre a présenté un plan ambitieux mardi soir.",
        "Voir le document.",
        "Il a dit plan_v2() deux fois.",
    ]
    lead = source.blocks[1]
    assert [lead.text[m.start : m.end] for m in lead.marks] == ["plan ambitieux"]


def test_rebuild_changes_only_the_text() -> None:
    source = extract_page(PAGE.encode(), "p.html")
    english = [
        "The plan",
        "The minister presented an ambitious plan on Tuesday evening.",
        "See the paper.",
        "x",
    ]
    page = source.rebuild(english).decode("utf-8")
    assert _tags(page) == [t.replace("lang='fr'", "lang='en'") for t in _tags(PAGE)]
    assert SCRIPT in page and "<pre>  ne   pas   traduire  </pre>" in page
    assert '<p translate="no">Le Journal</p>' in page
    # "plan" is a word both sides share: the bold starts on it (the aligner-free projection cannot
    # know that "ambitieux" moved before it in English).
    assert re.search(r"<b>plan [^<]+</b>", page)
    assert "<code>plan_v2()</code>" in page
    assert "<title>The plan</title>" in page


def test_rebuild_escapes_the_english_and_keeps_tags_when_it_is_empty() -> None:
    source = extract_page(PAGE.encode(), "p.html")
    page = source.rebuild(["a < b & c", "", "", ""]).decode("utf-8")
    assert "<title>a &lt; b &amp; c</title>" in page
    assert _tags(page) == [t.replace("lang='fr'", "lang='en'") for t in _tags(PAGE)]


def test_root_without_lang_gets_one() -> None:
    page = extract_page(b"<html><body><p>Bonjour le monde.</p></body></html>", "p.html")
    assert page.rebuild(["Hello world."]) == b'<html lang="en"><body><p>Hello world.</p></body></html>'
    xhtml = extract_page(
        b'<html xmlns="http://www.w3.org/1999/xhtml"><p>Oui.</p></html>', "p.xhtml", xhtml=True
    )
    assert b'lang="en" xml:lang="en">' in xhtml.rebuild(["Yes."])


@pytest.mark.parametrize(
    ("data", "encoding", "text"),
    [
        # Declared Latin-1 but written in UTF-8: the bytes win.
        ('<meta charset="iso-8859-1"><p>Été</p>'.encode(), "utf-8", "Été"),
        # Declared UTF-8 but written in Windows-1252.
        ('<meta charset="utf-8"><p>Été œuvre</p>'.encode("cp1252"), "cp1252", "Été œuvre"),
        # No charset at all.
        ("<p>Déjà</p>".encode("cp1252"), "cp1252", "Déjà"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-15"><p>€uro</p>'.encode(
                "iso-8859-15"
            ),
            "iso8859-15",
            "€uro",
        ),
    ],
)
def test_wrong_or_missing_charsets_decode_right(data: bytes, encoding: str, text: str) -> None:
    decoded = decode_markup(data)
    assert decoded.encoding == encoding
    assert text in decoded.text


def test_page_written_back_in_its_declared_charset() -> None:
    data = '<html lang="fr"><meta charset="iso-8859-1"><p>Été.</p></html>'.encode("latin-1")
    rebuilt = extract_page(data, "p.html").rebuild(["Summer “quoted”."])
    assert (
        rebuilt.decode("latin-1")
        == '<html lang="en"><meta charset="iso-8859-1"><p>Summer &#8220;quoted&#8221;.</p></html>'
    )


def test_broken_markup_still_reads() -> None:
    source = extract_page(b"<p>Un <b>gras <i>mal</b> ferm\xc3\xa9.<p>Deux <code>x", "b.html")
    assert [b.text for b in source.blocks] == ["Un gras mal fermé.", "Deux x"]
    page = source.rebuild(["A bold badly closed.", "Two"]).decode()
    assert _tags(page) == _tags("<p>Un <b>gras <i>mal</b> fermé.<p>Deux <code>x")


def test_article_keeps_only_the_article() -> None:
    source = extract_article(NEWS_PAGE.encode(), "news.html")
    texts = [block.text for block in source.blocks]
    assert texts[-3:] == ARTICLE
    assert not any(noise in text for noise in NOISE for text in texts)
    assert source.rebuild is None


def test_page_without_an_article_fails_with_one_line() -> None:
    page = b"<html><body><nav><a href='/'>Accueil</a> <a href='/m'>Monde</a></nav></body></html>"
    with pytest.raises(InputError, match="no article text found") as caught:
        extract_article(page, "empty.html")
    assert "\n" not in str(caught.value)


def test_discovery_takes_pages_and_leaves_fr2en_outputs(tmp_path: Path) -> None:
    for name in (
        "a.html",
        "b.htm",
        "a.en.html",
        "a.fr-en.html",
        "report.html",
        "c.fr-en.md",
        "d.en.md",
        "e.md",
    ):
        (tmp_path / name).write_text("<p>x</p>", encoding="utf-8")
    # A bilingual page written by an older fr2en under the old name (name.html).
    (tmp_path / "old.html").write_text(
        '<head><meta name="generator" content="fr2en 0.1.0">', encoding="utf-8"
    )
    found = sorted(f.path.name for f in discover([tmp_path], tmp_path / "out"))
    assert found == ["a.html", "b.htm", "e.md"]


# --- Through the pipeline with the tiny model -------------------------------------------------------


def _pairs(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.model
def test_article_run_keeps_article_sentences_and_fails_bad_pages_alone(
    tmp_path: Path, tiny_settings: Settings, tiny_translator: object
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "news.html").write_text(NEWS_PAGE, encoding="utf-8")
    (folder / "menu.html").write_text("<html><body><nav><a href='/'>Accueil</a></nav></body></html>")
    report = run_batch(
        [folder],
        tmp_path / "out",
        tiny_settings,
        translator=tiny_translator,  # type: ignore[arg-type]
        show_progress=False,
        cache=False,
    )
    status = {Path(d.input).name: d for d in report.documents}
    assert status["news.html"].status == "done"
    assert status["menu.html"].status == "failed"
    assert "no article text" in (status["menu.html"].error or "")
    pairs = _pairs(tmp_path / "out" / "news.jsonl")
    french = " ".join(str(p["src"]) for p in pairs)
    assert all(sentence in french for sentence in ARTICLE)
    assert not any(noise in french for noise in NOISE)
    assert (tmp_path / "out" / "news.en.txt").is_file()
    assert not (tmp_path / "out" / "news.en.html").exists()


@pytest.mark.model
def test_page_run_translates_in_place_and_a_rerun_is_byte_identical(
    tmp_path: Path, tiny_settings: Settings, tiny_translator: object
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "plan.html").write_text(PAGE, encoding="utf-8")
    (folder / "latin.htm").write_bytes(
        '<html lang="fr"><meta charset="windows-1252"><p>Un <b>été</b> chaud.</p></html>'.encode("cp1252")
    )
    settings = replace(tiny_settings, input=replace(tiny_settings.input, html="page"))
    outputs = []
    for run in ("first", "second"):
        out = tmp_path / run
        report = run_batch(
            [folder],
            out,
            settings,
            translator=tiny_translator,  # type: ignore[arg-type]
            show_progress=False,
            cache=False,
        )
        assert [d.status for d in report.documents] == ["done", "done"]
        outputs.append(
            {
                p.name: p.read_bytes()
                for p in out.iterdir()
                if p.name not in ("report.json", "report.html", "manifest.jsonl")
            }
        )
    assert outputs[0] == outputs[1]
    page = outputs[0]["plan.en.html"].decode("utf-8")
    assert _outside_text(page) == _outside_text(PAGE).replace("lang='fr'", "lang='en'")
    assert page.count("<p") == PAGE.count("<p")
    assert SCRIPT in page and "lang='en'" in page
    bold = re.search(r"<p class=\"lead\" data-x=\"1\">[^<]*<b>([^<]+)</b>[^<]*</p>", page)
    assert bold is not None and bold.group(1).strip()
    assert outputs[0]["latin.en.html"].startswith(b'<html lang="en"><meta charset="windows-1252">')
    # The pairs' French is the document's text: each block's sentences, in order.
    source = extract_page(PAGE.encode(), "plan.html")
    pairs = _pairs(tmp_path / "first" / "plan.jsonl")
    for index, block in enumerate(source.blocks):
        assert " ".join(str(p["src"]) for p in pairs if p["paragraph"] == index + 1) == block.text


@pytest.mark.cli
def test_cli_fails_bad_pages_alone_with_one_line_each(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from fr2en.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "menu.html").write_text("<html><body><nav><a href='/'>Accueil</a></nav></body></html>")
    (folder / "image.htm").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    result = CliRunner().invoke(
        app, ["translate", str(folder), "-o", str(tmp_path / "out"), "--html", "article", "-m", "fr2en:tiny"]
    )
    assert result.exit_code == 1
    failures = [line for line in result.stderr.splitlines() if line.startswith("fr2en: failed:")]
    assert len(failures) == 2
    assert any("no article text found" in line for line in failures)
    assert any("not a text file" in line for line in failures)
    bad = CliRunner().invoke(app, ["translate", str(folder), "-o", str(tmp_path / "out"), "--html", "whole"])
    assert bad.exit_code == 2 and "input.html must be one of" in bad.stderr
