"""fr2en serve: the model worker's shared batches, the limits, and a running server on 127.0.0.1.

The server tests run uvicorn in a thread on a free loopback port: with the tiny model for what real
clients do (libretranslatepy, a query-string call shaped as deep-translator makes it, a file
uploaded and its TMX downloaded), and with a fake translator (no torch) for every error case.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fr2en.cli import app as cli_app
from fr2en.config import Settings, load_settings
from fr2en.errors import ConfigError, ModelLoadError
from fr2en.serve import service
from fr2en.serve.limits import RateLimiter, read_api_keys
from fr2en.serve.worker import ModelWorker
from fr2en.translate import Progress
from fr2en.types import Translation

from .conftest import FakeTranslator

pytest.importorskip("starlette", reason="the serve extra is not installed")
pytest.importorskip("uvicorn", reason="the serve extra is not installed")

from .serving import Reply, call, multipart, post_json, running_server

FRENCH = "Le conseil municipal a voté le budget. Les travaux commenceront en mars."


# --- the model worker --------------------------------------------------------------------------


def test_concurrent_requests_share_one_model_call() -> None:
    fake = FakeTranslator()
    worker = ModelWorker(lambda: (fake, fake), window=0.3)
    worker.start()
    results: dict[int, list[Translation]] = {}

    def ask(index: int) -> None:
        results[index] = worker.translate([f"phrase {index}.", f"autre {index}."])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    worker.close()
    # Each caller gets its own sentences back, in order.
    assert {i: [t.text for t in r] for i, r in results.items()} == {
        i: [f"PHRASE {i}.", f"AUTRE {i}."] for i in range(6)
    }
    stats = worker.stats
    assert (stats.requests, stats.sentences) == (6, 12)
    assert stats.calls < 6  # several requests went through one model call


def test_a_failing_model_call_fails_its_requests_only() -> None:
    class Failing(FakeTranslator):
        def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
            if any("boom" in s for s in sentences):
                raise RuntimeError("boom")
            return super().translate(sentences, progress)

    fake = Failing()
    worker = ModelWorker(lambda: (fake, fake), window=0.0)
    worker.start()
    with pytest.raises(RuntimeError, match="boom"):
        worker.translate(["boom."])
    assert [t.text for t in worker.translate(["ok."])] == ["OK."]
    assert worker.call(lambda model: model is fake)
    worker.close()


def test_a_model_that_cannot_load_is_reported_at_start() -> None:
    def build() -> Any:
        raise ModelLoadError("no such model")

    with pytest.raises(ModelLoadError, match="no such model"):
        ModelWorker(build, 0.0).start()


# --- limits and settings -----------------------------------------------------------------------


def test_rate_limiter_counts_per_client_per_minute() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert [limiter.allow("a"), limiter.allow("a"), limiter.allow("a"), limiter.allow("b")] == [
        True,
        True,
        False,
        True,
    ]
    now[0] = 61.0
    assert limiter.allow("a")
    assert all(RateLimiter(0).allow("a") for _ in range(100))


def test_api_keys_file(tmp_path: Path) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text("# operators\nalpha\n\n beta  # a comment\n", encoding="utf-8")
    assert read_api_keys(str(keys)) == {"alpha", "beta"}
    assert read_api_keys("") is None
    with pytest.raises(ConfigError, match=r"nothing\.txt"):
        read_api_keys(str(tmp_path / "nothing.txt"))


def test_serve_settings_from_the_environment_and_checked() -> None:
    settings = load_settings(environ={"FR2EN_SERVE_PORT": "8080", "FR2EN_SERVE_BATCH_WINDOW_MS": "2.5"})
    assert (settings.serve.port, settings.serve.batch_window_ms) == (8080, 2.5)
    with pytest.raises(ConfigError, match=r"serve\.port"):
        load_settings(environ={"FR2EN_SERVE_PORT": "70000"})
    with pytest.raises(ConfigError, match=r"serve\.char_limit"):
        load_settings(environ={"FR2EN_SERVE_CHAR_LIMIT": "0"})


def test_detect_tells_french_from_english() -> None:
    french = service.detect_language("Le chat est sur la table et il dort dans la maison avec les enfants.")
    english = service.detect_language("The cat is on the table and it sleeps in the house with the children.")
    assert french["language"] == "fr" and french["confidence"] > 80
    assert english["language"] == "en" and english["confidence"] > 80


# --- the command line ----------------------------------------------------------------------------


def test_other_commands_never_import_the_server(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from fr2en.cli import main\n"
        "main(['--help'])\n"
        f"main(['translate', {str(tmp_path / 'missing.txt')!r}, '-o', {str(tmp_path / 'out')!r}, '-q'])\n"
        "print(sorted(m for m in ('starlette', 'uvicorn', 'fr2en.serve', 'multipart') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert "missing.txt" in done.stderr  # the translate command did run
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_serve_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "uvicorn" else real(name, *a)
    )
    result = CliRunner().invoke(cli_app, ["serve"])
    assert result.exit_code == 2
    assert "pip install 'fr2en[serve]'" in result.output
    assert "Traceback" not in result.output


def test_serve_with_a_model_that_cannot_load_exits_1(tmp_path: Path) -> None:
    pytest.importorskip("ctranslate2", reason="the fast extra is not installed")
    result = CliRunner().invoke(cli_app, ["serve", "--model", str(tmp_path / "missing"), "--backend", "ct2"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


# --- a server with a fake model: every error case -------------------------------------------------


class Moody(FakeTranslator):
    """Fails on ÉCHEC, takes its time on LENT."""

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        if any("ÉCHEC" in s for s in sentences):
            raise RuntimeError("the model fell over")
        if any("LENT" in s for s in sentences):
            time.sleep(1.5)
        return super().translate(sentences, progress)


@pytest.fixture(scope="module")
def fake_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    fake = Moody()
    with running_server(
        Settings(), lambda: (fake, fake), char_limit=200, batch_limit=3, body_limit=4096, timeout_s=0.8
    ) as server:
        yield server.url


def _error(reply: Reply) -> tuple[int, str]:
    return reply.status, reply.json()["error"]


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"source": "fr", "target": "en"}, 400, "Invalid request: missing q parameter"),
        ({"q": "Bonjour.", "target": "en"}, 400, "Invalid request: missing source parameter"),
        ({"q": "Bonjour.", "source": "fr"}, 400, "Invalid request: missing target parameter"),
        ({"q": "Bonjour.", "source": "de", "target": "en"}, 400, "de is not supported"),
        ({"q": "Bonjour.", "source": "fr", "target": "es"}, 400, "es is not supported"),
        (
            {"q": "Bonjour.", "source": "fr", "target": "en", "format": "rtf"},
            400,
            "rtf format is not supported",
        ),
        (
            {"q": "x" * 201, "source": "fr", "target": "en"},
            400,
            "Invalid request: request (201) exceeds text limit (200)",
        ),
        (
            {"q": ["a", "b", "c", "d"], "source": "fr", "target": "en"},
            400,
            "Invalid request: request (4) exceeds text limit (3)",
        ),
        (
            {"q": ["a", 3], "source": "fr", "target": "en"},
            400,
            "Invalid request: q must be a string or a list of strings",
        ),
        (
            {"q": "Un ÉCHEC.", "source": "fr", "target": "en"},
            500,
            "Cannot translate text: internal error (see the server's log)",
        ),
        ({"q": "Très LENT.", "source": "fr", "target": "en"}, 504, "Translation timed out after 0.8 s"),
    ],
)
def test_translate_errors_as_libretranslate_gives_them(
    fake_server: str, payload: dict[str, Any], status: int, message: str
) -> None:
    assert _error(post_json(fake_server + "/translate", payload)) == (status, message)


def test_malformed_bodies(fake_server: str) -> None:
    url = fake_server + "/translate"
    assert _error(call(url, b"{not json", "application/json")) == (400, "Invalid JSON format")
    assert _error(call(url, b"[1, 2]", "application/json")) == (400, "Invalid JSON format")
    big = json.dumps({"q": "x" * 5000, "source": "fr", "target": "en"}).encode()
    assert _error(call(url, big, "application/json")) == (413, "Request body too large (limit 4096 bytes)")
    assert _error(call(fake_server + "/nowhere")) == (404, "Not Found")
    assert call(url, method="GET").status == 405
    # None of it took the server down.
    assert call(fake_server + "/health").json() == {"status": "ok"}
    reply = post_json(url, {"q": "Encore là.", "source": "fr", "target": "en"})
    assert reply.json() == {"translatedText": "ENCORE LÀ."}


def test_a_body_without_a_length_is_still_limited(fake_server: str) -> None:
    import http.client

    host, port = urllib.parse.urlsplit(fake_server).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    chunks = (b"q=" + b"x" * 1000 for _ in range(10))
    connection.request(
        "POST",
        "/translate",
        body=chunks,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        encode_chunked=True,
    )
    response = connection.getresponse()
    assert response.status == 413
    connection.close()


def test_html_format(fake_server: str) -> None:
    reply = post_json(
        fake_server + "/translate",
        {"q": "<p>Bonjour <b>le</b> monde.</p>", "source": "fr", "target": "en", "format": "html"},
    )
    if not service.html_available():
        assert _error(reply) == (400, "format html is not available")
        pytest.skip("fr2en.formats.html (the web-pages format) is not installed: checked the 400 only")
    assert reply.status == 200
    english = reply.json()["translatedText"]
    assert "<b>" in english and "BONJOUR" in english.upper()


def test_concurrent_http_requests_share_batches() -> None:
    # A model that takes 0.2 s a call: requests that arrive while it is busy wait together and are
    # served by one call, as are those that arrive within the collection window.
    fake = FakeTranslator(hook=lambda sentences: time.sleep(0.2))
    replies: list[Reply] = []
    with running_server(Settings(), lambda: (fake, fake), batch_window_ms=10) as server:

        def ask(index: int) -> None:
            payload = {"q": f"Phrase {index}.", "source": "fr", "target": "en"}
            replies.append(post_json(server.url + "/translate", payload))

        threads = [threading.Thread(target=ask, args=(i,)) for i in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stats = server.worker.stats
    assert sorted(r.json()["translatedText"] for r in replies) == sorted(f"PHRASE {i}." for i in range(12))
    assert stats.requests == 12
    assert stats.calls < 12


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    keys = tmp_path_factory.mktemp("keys") / "keys.txt"
    keys.write_text("sesame\n", encoding="utf-8")
    fake = FakeTranslator()
    with running_server(Settings(), lambda: (fake, fake), api_keys_file=str(keys), rate_limit=3) as server:
        yield server.url


def test_api_keys_and_rate_limit(guarded_server: str) -> None:
    url = guarded_server + "/translate"
    text = {"q": "Bonjour.", "source": "fr", "target": "en"}
    assert _error(post_json(url, text)) == (403, "An API key is needed: ask the server's operator")
    assert _error(post_json(url, {**text, "api_key": "wrong"})) == (403, "Invalid API key")
    good = [post_json(url, {**text, "api_key": "sesame"}) for _ in range(3)]
    assert [r.status for r in good] == [200, 200, 200]
    assert _error(post_json(url, {**text, "api_key": "sesame"})) == (429, "Slowdown: 3 per 1 minute")
    settings = call(guarded_server + "/frontend/settings").json()
    assert settings["apiKeys"] is True and settings["keyRequired"] is True
    assert call(guarded_server + "/languages").status == 200  # not limited


# --- a server with the tiny model: real clients -----------------------------------------------------


@pytest.fixture(scope="module")
def tiny_server(tiny_settings: Settings, tiny_translator: Any, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from fr2en.translate.cache import CachedTranslator, TranslationCache

    path = tmp_path_factory.mktemp("serve-cache") / "translations.sqlite3"

    def build() -> Any:
        return CachedTranslator(tiny_translator, TranslationCache(path), tiny_settings.model), tiny_translator

    with running_server(tiny_settings, build) as server:
        yield server


def test_libretranslatepy_client(tiny_server: Any) -> None:
    from libretranslatepy import LibreTranslateAPI

    client = LibreTranslateAPI(tiny_server.url)
    english = client.translate(FRENCH, "fr", "en")
    assert isinstance(english, str) and english.strip()
    assert {"code": "fr", "name": "French", "targets": ["en"]} in client.languages()
    assert client.detect("Le chat est sur la table avec les enfants.")[0]["language"] == "fr"


def test_a_query_string_call_as_deep_translator_makes_it(tiny_server: Any) -> None:
    # deep_translator.libre.LibreTranslator: requests.post(base + "translate", params=...), no body.
    params = {"q": FRENCH, "source": "fr", "target": "en", "format": "text"}
    reply = call(tiny_server.url + "/translate?" + urllib.parse.urlencode(params), b"", method="POST")
    assert reply.status == 200
    assert reply.json()["translatedText"].strip()


def test_json_list_and_forms_agree(tiny_server: Any) -> None:
    texts = [FRENCH, "Bonjour.\n\nAu revoir."]
    listed = post_json(tiny_server.url + "/translate", {"q": texts, "source": "fr", "target": "en"}).json()
    assert len(listed["translatedText"]) == 2
    form = urllib.parse.urlencode({"q": texts[1], "source": "auto", "target": "en"}).encode()
    single = call(tiny_server.url + "/translate", form, "application/x-www-form-urlencoded").json()
    assert single["translatedText"] == listed["translatedText"][1]
    assert single["detectedLanguage"]["language"] == "fr"
    body, kind = multipart({"q": texts[0], "source": "fr", "target": "en"}, {})
    assert (
        call(tiny_server.url + "/translate", body, kind).json()["translatedText"]
        == listed["translatedText"][0]
    )


def test_upload_a_file_and_download_its_tmx(tiny_server: Any, tmp_path: Path) -> None:
    from lxml import etree

    body, kind = multipart({}, {"file": ("conseil municipal.txt", FRENCH.encode("utf-8"))})
    reply = call(tiny_server.url + "/v1/translate?format=tmx", body, kind)
    assert reply.status == 200
    assert reply.headers["content-disposition"] == 'attachment; filename="conseil_municipal.tmx"'
    tree = etree.fromstring(reply.body)
    sources = tree.xpath("//tu/tuv[1]/seg/text()")
    assert sources == ["Le conseil municipal a voté le budget.", "Les travaux commenceront en mars."]
    pairs = call(tiny_server.url + "/v1/translate", body, kind).json()
    assert [p["src"] for p in pairs["pairs"]] == sources
    first = pairs["pairs"][0]
    assert set(first) >= {"src", "tgt", "score", "flags", "alignment"}
    assert pairs["summary"]["pairs"] == 2 and pairs["signature"].startswith("fr2en:")


def test_v1_align_and_score(tiny_server: Any) -> None:
    aligned = post_json(
        tiny_server.url + "/v1/align",
        {"french": FRENCH, "english": "The city council passed the budget. Work will begin in March."},
    ).json()
    assert [len(p["alignment"]["src"]) for p in aligned["pairs"]] == [1, 1]
    scored = post_json(
        tiny_server.url + "/v1/score", {"src": ["Bonjour."], "hyp": ["Hello."], "model": False}
    ).json()
    assert scored["pairs"][0]["tgt"] == "Hello."
    with_model = post_json(tiny_server.url + "/v1/score", {"src": "Bonjour.", "hyp": "Hello."}).json()
    assert with_model["signature"] != scored["signature"]  # the model's evidence is in it
    assert _error(post_json(tiny_server.url + "/v1/score", {"src": "a\nb", "hyp": "a"}))[0] == 400


def test_openapi_and_docs_load_nothing_from_elsewhere(tiny_server: Any) -> None:
    spec = call(tiny_server.url + "/openapi.json").json()
    assert {"/translate", "/v1/translate", "/v1/align", "/v1/score", "/detect"} <= set(spec["paths"])
    docs = call(tiny_server.url + "/docs").body.decode()
    assert "src=" not in docs and "cdn" not in docs.lower() and "/v1/translate" in docs
    page = call(tiny_server.url + "/")
    assert "connect-src 'self'" in page.headers["content-security-policy"]
    assert "://" not in page.body.decode()  # nothing loaded from elsewhere


def test_translations_go_through_the_cache(tiny_server: Any) -> None:
    text = {"q": "Une phrase pour le cache.", "source": "fr", "target": "en"}
    before = tiny_server.worker.stats
    first = post_json(tiny_server.url + "/translate", text).json()
    second = post_json(tiny_server.url + "/translate", text).json()
    assert first == second
    translator = tiny_server.worker._translator
    assert translator.hits >= 1
    assert tiny_server.worker.stats.calls == before.calls + 2
