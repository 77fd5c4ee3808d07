"""Shared fixtures: one fr2en cache per test session, and the tiny model's settings."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from fr2en.config import ModelSettings, Settings, load_settings
from fr2en.translate import ModelInfo, Progress
from fr2en.types import Translation

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def _fr2en_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Build the tiny model (and its conversions) once per session, or reuse FR2EN_CACHE_DIR when set."""
    if os.environ.get("FR2EN_CACHE_DIR"):
        yield
        return
    os.environ["FR2EN_CACHE_DIR"] = str(tmp_path_factory.mktemp("fr2en-cache"))
    try:
        yield
    finally:
        os.environ.pop("FR2EN_CACHE_DIR", None)


def tiny_settings(**model: object) -> Settings:
    """The tiny test configuration (configs/tiny.toml), with ``model`` settings overridden."""
    return load_settings(ROOT / "configs" / "tiny.toml", {"model": dict(model)}, environ={})


@pytest.fixture(scope="session")
def make_settings() -> Callable[..., Settings]:
    """Build the tiny test configuration with some model settings overridden."""
    return tiny_settings


@pytest.fixture()
def tiny() -> ModelSettings:
    """The tiny model's settings, greedy."""
    return tiny_settings(beam=1).model


class FakeTranslator:
    """Translates by upper-casing; ``calls`` keeps the sentences of every call."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    @property
    def info(self) -> ModelInfo:
        """A made-up model."""
        return ModelInfo("fake", "0", "fake", "cpu")

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        """Upper-case every sentence, reporting progress half-way and at the end."""
        self.calls.append(list(sentences))
        if progress is not None:
            progress(len(sentences) // 2, len(sentences))
            progress(len(sentences), len(sentences))
        return [Translation(source=s, text=s.upper(), logprob=-0.1, tokens=len(s.split())) for s in sentences]


@pytest.fixture()
def fake_translator() -> FakeTranslator:
    """A translator that needs no model (it upper-cases) and records its calls."""
    return FakeTranslator()
