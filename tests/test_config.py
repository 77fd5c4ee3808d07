"""configs/default.toml spells out the code's defaults; new model settings are checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from fr2en.config import Settings, load_settings, read_toml, settings_as_dict
from fr2en.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_default_toml_matches_the_code() -> None:
    assert read_toml(ROOT / "configs" / "default.toml") == settings_as_dict(Settings())


def test_backend_and_threads() -> None:
    assert load_settings(environ={}).model.backend == "auto"
    assert load_settings(overrides={"model": {"backend": "ct2"}}, environ={}).model.backend == "ct2"
    assert load_settings(environ={"FR2EN_MODEL_THREADS": "3"}).model.threads == 3
    with pytest.raises(ConfigError, match="backend"):
        load_settings(overrides={"model": {"backend": "onnx"}}, environ={})
    with pytest.raises(ConfigError, match="threads"):
        load_settings(overrides={"model": {"threads": -1}}, environ={})
