"""The SQLite translation cache: hits and misses, what the key holds, sharing between processes."""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pytest

from fr2en.config import ModelSettings
from fr2en.translate import ModelInfo, Progress
from fr2en.translate.cache import CachedTranslator, TranslationCache, cache_key
from fr2en.types import Translation

from .conftest import REPO, FakeTranslator

SETTINGS = ModelSettings(name="fake")


def test_a_sentence_is_translated_once_across_calls_and_reopenings(tmp_path: Path) -> None:
    inner = FakeTranslator()
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        first = CachedTranslator(inner, cache, SETTINGS).translate(["Un.", "Deux.", "Un."])
    assert inner.asked == ["Un.", "Deux."]
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        cached = CachedTranslator(inner, cache, SETTINGS)
        again = cached.translate(["Deux.", "Trois.", "Un."])
    assert inner.asked == ["Un.", "Deux.", "Trois."]
    assert again[0] == first[1] and again[2] == first[0]
    assert (cached.hits, cached.misses) == (2, 1)


def test_the_whole_record_comes_back_identical(tmp_path: Path) -> None:
    inner = FakeTranslator()
    sentences = ["Une phrase assez longue.", "Court", "é ’ « » œ €", "\udcff lone surrogate", ""]
    fresh = inner.translate(sentences)
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        CachedTranslator(inner, cache, SETTINGS).translate(sentences)
        stored = CachedTranslator(FakeTranslator(), cache, SETTINGS).translate(sentences)
    assert stored == fresh


def test_all_hits_never_ask_the_translator_but_report_progress(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        CachedTranslator(FakeTranslator(), cache, SETTINGS).translate(["Un.", "Deux."])

        class Refuses(FakeTranslator):
            def translate(
                self, sentences: Sequence[str], progress: Progress | None = None
            ) -> list[Translation]:
                raise AssertionError("the model must not be asked")

        result = CachedTranslator(Refuses(), cache, SETTINGS).translate(
            ["Deux.", "Un."], lambda d, t: seen.append((d, t))
        )
    assert [t.text for t in result] == ["DEUX.", "UN."]
    assert seen == [(2, 2)]


@pytest.mark.parametrize(
    ("info", "settings", "shared"),
    [
        (ModelInfo("fake", "r1", "fake", "cpu"), dataclasses.replace(SETTINGS, batch_tokens=64), True),
        (ModelInfo("fake", "r1", "fake", "cpu"), dataclasses.replace(SETTINGS, max_batch_sentences=2), True),
        (ModelInfo("fake", "r2", "fake", "cpu"), SETTINGS, False),
        (ModelInfo("other", "r1", "fake", "cpu"), SETTINGS, False),
        (ModelInfo("fake", "r1", "fake", "cuda"), SETTINGS, False),
        (ModelInfo("fake", "r1", "ct2", "cpu"), SETTINGS, False),
        (ModelInfo("fake", "r1", "fake", "cpu"), dataclasses.replace(SETTINGS, beam=1), False),
        (ModelInfo("fake", "r1", "fake", "cpu"), dataclasses.replace(SETTINGS, max_input_tokens=64), False),
        (
            ModelInfo("fake", "r1", "fake", "cpu"),
            dataclasses.replace(SETTINGS, max_new_tokens_margin=1),
            False,
        ),
    ],
)
def test_the_key_holds_what_changes_the_output(
    tmp_path: Path, info: ModelInfo, settings: ModelSettings, shared: bool
) -> None:
    assert (
        cache_key(info, settings) == cache_key(ModelInfo("fake", "r1", "fake", "cpu"), SETTINGS)
    ) is shared
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        CachedTranslator(FakeTranslator(), cache, SETTINGS).translate(["Un."])
        other = FakeTranslator(info)
        CachedTranslator(other, cache, settings).translate(["Un."])
    assert (other.asked == []) is shared


def test_a_damaged_cache_file_is_switched_off_not_fatal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    inner = FakeTranslator()
    with caplog.at_level(logging.WARNING), TranslationCache(path) as cache:
        result = CachedTranslator(inner, cache, SETTINGS).translate(["Un.", "Un."])
        assert not cache.enabled
    assert [t.text for t in result] == ["UN.", "UN."]
    assert "switched off" in caplog.text


def test_a_cache_that_cannot_be_written_is_switched_off(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        real = cache.connection
        assert real is not None

        class Full:
            def execute(self, sql: str, *args: object) -> object:
                if sql.startswith("BEGIN"):
                    raise sqlite3.OperationalError("database or disk is full")
                return real.execute(sql, *args)

            def close(self) -> None:
                real.close()

        cache.connection = Full()  # type: ignore[assignment]
        with caplog.at_level(logging.WARNING):
            result = CachedTranslator(FakeTranslator(), cache, SETTINGS).translate(["Un."])
    assert result[0].text == "UN." and "disk is full" in caplog.text


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from fr2en.config import ModelSettings
    from fr2en.translate.cache import CachedTranslator, TranslationCache
    from tests.conftest import FakeTranslator

    path, worker = Path(sys.argv[1]), int(sys.argv[2])
    with TranslationCache(path, timeout=10) as cache:
        translator = CachedTranslator(FakeTranslator(), cache, ModelSettings(name="fake"))
        for round in range(60):
            # Overlapping sentences: both processes insert some of the same ones at the same time.
            batch = [f"phrase {round}-{i}" for i in range(10)] + [f"worker {worker} {round}"]
            assert [t.text for t in translator.translate(batch)] == [s.upper() for s in batch]
        assert cache.enabled, "the cache was switched off"
    """
)


def test_two_processes_share_one_cache_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(n)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        assert "switched off" not in err
    with sqlite3.connect(path) as connection:
        (rows,) = connection.execute("SELECT COUNT(*) FROM translations").fetchone()
        (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
    assert rows == 60 * 10 + 2 * 60
    assert mode == "wal"


@pytest.mark.model
def test_tiny_model_records_come_back_identical(tmp_path: Path, tiny_translator, tiny_settings) -> None:  # type: ignore[no-untyped-def]
    sentences = ["Le chat dort.", "Il pleut sur la ville."]
    fresh = tiny_translator.translate(sentences)
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        CachedTranslator(tiny_translator, cache, tiny_settings.model).translate(sentences)
        stored = CachedTranslator(FakeTranslator(tiny_translator.info), cache, tiny_settings.model)
        assert stored.translate(sentences) == fresh
        assert stored.misses == 0


def test_planned_batches_are_looked_up_whole_so_the_cache_never_changes_them(tmp_path: Path) -> None:
    fake = FakeTranslator(hook=lambda sentences: asked.append(tuple(sentences)))
    asked: list[tuple[str, ...]] = []
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        cached = CachedTranslator(fake, cache, SETTINGS)
        first = list(cached.translate_batches([["Un.", "Deux."], ["Trois."]]))
        asked.clear()
        # "Un." is stored, "Quatre." is not: the batch goes to the model whole, as without the cache.
        again = list(cached.translate_batches([["Un.", "Quatre."], ["Trois.", "Deux."]]))
    assert asked == [("Un.", "Quatre.")]
    assert again[1] == [first[1][0], first[0][1]]
    assert again[0][0] == first[0][0]
