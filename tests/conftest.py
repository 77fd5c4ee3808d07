"""Shared fixtures: an isolated cache for the tiny model, settings for the tiny test mode."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from fr2en.config import Settings, load_settings
from fr2en.translate import ModelInfo, Progress
from fr2en.types import Translation

# One torch thread in the tests and every process they start: on a shared, busy machine a second
# intra-op thread makes the tiny model many times slower (benchmarks/threads.py measures it), and the
# tests do not depend on it. It must be set before torch is imported.
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
# The TMX DTD, kept with the tests (tests/data/README.md) so that TMX validation never skips.
TMX_DTD = Path(__file__).parent / "data" / "tmx14.dtd"
SEED = REPO / "seeds" / "000_d8b578da4eb6d4de.txt"
TINY_CONFIG = REPO / "configs" / "tiny.toml"


@pytest.fixture(scope="session", autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test (and every subprocess it starts) uses a private cache and never reaches the hub."""
    cache = tmp_path_factory.mktemp("fr2en-cache")
    saved = {key: os.environ.get(key) for key in ("FR2EN_CACHE_DIR", "HF_HUB_OFFLINE", "HF_HOME", "NO_COLOR")}
    os.environ["FR2EN_CACHE_DIR"] = str(cache)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_HOME"] = str(cache / "hf-home")
    os.environ["NO_COLOR"] = "1"
    for key in [k for k in os.environ if k.startswith("FR2EN_") and k != "FR2EN_CACHE_DIR"]:
        del os.environ[key]
    yield cache
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def tiny_settings() -> Settings:
    """The settings of the tiny CPU test mode (configs/tiny.toml)."""
    return load_settings(TINY_CONFIG, environ={})


@pytest.fixture(scope="session")
def tiny_translator(tiny_settings: Settings):  # type: ignore[no-untyped-def]
    """One tiny-model translator for the whole session (built through the real loading code)."""
    from fr2en.translate import load_translator

    return load_translator(tiny_settings.model)


@pytest.fixture(scope="session")
def seed_result(tiny_settings: Settings, tiny_translator):  # type: ignore[no-untyped-def]
    """The seed article translated once in tiny mode, for the tests that check its outputs."""
    from fr2en.pipeline import translate_document
    from fr2en.read import read_file

    return translate_document(read_file(SEED, SEED.name), tiny_translator, tiny_settings)


class FakeTranslator:
    """A fast stand-in for a model (no torch): records what it is asked, can run a hook on each call.

    Its English is the French upper-cased; its evidence uses floats with every bit significant, so a
    record that does not come back exactly would show.
    """

    def __init__(
        self, info: ModelInfo | None = None, hook: Callable[[Sequence[str]], None] | None = None
    ) -> None:
        self.info = info or ModelInfo("fake", "r1", "fake", "cpu")
        self.hook = hook
        self.asked: list[str] = []

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        self.asked.extend(sentences)
        if self.hook is not None:
            self.hook(sentences)
        if progress is not None:
            progress(len(sentences), len(sentences))
        return [
            Translation(s, s.upper(), -1 / 3 - len(s) / 100, -2 / 7, len(s), 1 + len(s) % 3, len(s) % 2 == 1)
            for s in sentences
        ]
