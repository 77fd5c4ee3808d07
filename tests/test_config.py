from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

from fr2en.config import ALL_FORMATS, Settings, load_settings, settings_as_dict
from fr2en.errors import ConfigError, UsageError

from .conftest import REPO


def test_default_toml_matches_the_code_defaults() -> None:
    with (REPO / "configs" / "default.toml").open("rb") as handle:
        assert tomllib.load(handle) == settings_as_dict(Settings())


def test_tiny_toml_selects_the_tiny_model() -> None:
    settings = load_settings(REPO / "configs" / "tiny.toml", environ={})
    assert settings.model.name == "fr2en:tiny"


def test_precedence_flag_over_env_over_file_over_default(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[model]\nbeam = 3\ndevice = "cpu"\n[score]\nthreshold = 0.2\n')
    settings = load_settings(config, environ={})
    assert (settings.model.beam, settings.model.device, settings.score.threshold) == (3, "cpu", 0.2)
    env = {"FR2EN_MODEL_BEAM": "5", "FR2EN_SCORE_THRESHOLD": "0.3"}
    settings = load_settings(config, environ=env)
    assert (settings.model.beam, settings.score.threshold) == (5, 0.3)
    settings = load_settings(config, {"model": {"beam": 1, "device": None}}, environ=env)
    assert (settings.model.beam, settings.model.device) == (1, "cpu")
    assert load_settings(environ={}).model.beam == Settings().model.beam


def test_formats_take_a_comma_list_and_all() -> None:
    assert load_settings(overrides={"output": {"formats": "tsv, html"}}, environ={}).output.formats == (
        "tsv",
        "html",
    )
    assert (
        load_settings(overrides={"output": {"formats": "all"}}, environ={}).output.formats
        == Settings().output.formats
    )
    assert (
        load_settings(overrides={"output": {"formats": "md,all"}}, environ={}).output.formats == ALL_FORMATS
    )
    assert Settings().output.formats == ALL_FORMATS  # the default is every format


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[model]\nbeam = 0\n", "beam"),
        ("[model]\nbeam = 'four'\n", "expected int"),
        ("[model]\nbeem = 4\n", "unknown setting model.beem"),
        ("[modle]\nbeam = 4\n", "unknown section"),
        ("[model]\ndevice = 'tpu'\n", "device"),
        ("[score]\nthreshold = 2\n", "threshold"),
        ("[output]\nformats = ['pdf']\n", "unknown output format"),
        ("[model\n", "not valid TOML"),
    ],
)
def test_bad_config_is_one_clear_usage_error(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(config, environ={})
    assert isinstance(caught.value, UsageError)
    assert "\n" not in str(caught.value).strip()


def test_missing_config_file_and_bad_env_value(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml", environ={})
    with pytest.raises(ConfigError, match=r"environment: model\.beam"):
        load_settings(environ={"FR2EN_MODEL_BEAM": "x"})
