"""Planning a model without loading it: the revision a resumed batch compares, and no torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fr2en.config import TINY_MODEL, ModelSettings
from fr2en.translate import plan_model
from fr2en.translate.source import model_revision, resolve_model
from fr2en.translate.tiny import TINY_VERSION


def test_the_tiny_model_is_planned_without_torch() -> None:
    probe = (
        "import sys\nfrom fr2en.config import ModelSettings\nfrom fr2en.translate import plan_model\n"
        "info = plan_model(ModelSettings(name='fr2en:tiny'))\n"
        "assert (info.revision, info.device) == ('tiny-v1', 'auto'), info\n"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert model_revision(TINY_MODEL) == TINY_VERSION


def test_a_model_folder_is_planned_at_the_revision_it_loads_at(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"weights" * 1000)
    before = model_revision(str(folder))
    assert before == resolve_model(str(folder)).revision
    (folder / "model.safetensors").write_bytes(b"other weights" * 1000)
    assert model_revision(str(folder)) != before


@pytest.mark.parametrize(
    ("name", "revision", "expected"),
    [
        ("Helsinki-NLP/opus-mt-fr-en", "", "unresolved:default"),  # not in this test's empty HF cache
        ("Helsinki-NLP/opus-mt-fr-en", "v2", "unresolved:v2"),
        ("./no/such/folder", "", "unresolved:default"),
    ],
)
def test_a_model_that_cannot_be_found_matches_nothing_recorded(
    name: str, revision: str, expected: str
) -> None:
    assert model_revision(name, revision) == expected
    assert plan_model(ModelSettings(name=name, revision=revision, device="cpu")).revision == expected


def test_a_hub_that_cannot_be_reached_is_a_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # Recent huggingface_hub clients raise their HTTP library's errors (httpx2.ConnectError), which
    # are not OSErrors: without a connection the run must stop with one line, not fail every
    # document as an internal error.
    from huggingface_hub import HfApi, constants

    from fr2en.errors import ModelLoadError

    class ConnectError(Exception):
        """Stands for the client library's own network error class."""

    def unreachable(*args: object, **kwargs: object) -> list[str]:
        raise ConnectError("[Errno -2] Name or service not known")

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(HfApi, "list_repo_files", unreachable)
    with pytest.raises(ModelLoadError, match=r"cannot be downloaded .*Name or service not known"):
        resolve_model("Helsinki-NLP/opus-mt-fr-en")
