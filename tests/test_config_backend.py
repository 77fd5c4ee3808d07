"""The backend and threads settings: defaults, layering and bad values."""

from __future__ import annotations

import pytest

from fr2en.config import load_settings
from fr2en.errors import ConfigError


def test_backend_and_threads() -> None:
    assert load_settings(environ={}).model.backend == "auto"
    assert load_settings(overrides={"model": {"backend": "ct2"}}, environ={}).model.backend == "ct2"
    assert load_settings(environ={"FR2EN_MODEL_THREADS": "3"}).model.threads == 3
    with pytest.raises(ConfigError, match="backend"):
        load_settings(overrides={"model": {"backend": "onnx"}}, environ={})
    with pytest.raises(ConfigError, match="threads"):
        load_settings(overrides={"model": {"threads": -1}}, environ={})
