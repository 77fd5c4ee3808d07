"""Shared fixtures: an isolated cache for the tiny model, settings for the tiny test mode."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fr2en.config import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
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
