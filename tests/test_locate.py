"""Planning a model without loading it: the revision a resumed batch compares, and no torch."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from fr2en.config import TINY_MODEL, ModelSettings
from fr2en.translate import plan_model
from fr2en.translate.locate import model_revision, resolve_model
from fr2en.translate.tiny import TINY_VERSION
from tests.conftest import SEED


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
    monkeypatch.setattr("fr2en.translate.locate.unreachable_hub", lambda endpoint: None)
    monkeypatch.setattr(HfApi, "list_repo_files", unreachable)
    with pytest.raises(ModelLoadError, match=r"cannot be downloaded .*Name or service not known"):
        resolve_model("Helsinki-NLP/opus-mt-fr-en")


def _closed_port() -> int:
    """A loopback port where nothing listens (bound, then released): connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_connection_is_final_without_a_single_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import HfApi, constants

    from fr2en.errors import ModelLoadError
    from fr2en.translate import locate

    requests: list[object] = []
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setattr(HfApi, "list_repo_files", lambda *a, **k: requests.append(a) or [])
    with pytest.raises(ModelLoadError, match=r"cannot be downloaded \(127\.0\.0\.1:\d+: .*refused"):
        resolve_model("Helsinki-NLP/opus-mt-fr-en")
    assert requests == []  # the hub client (and its retries) never ran
    assert locate.unreachable_hub("http://127.0.0.1:1/") is not None


def test_offline_translate_fails_in_one_line_and_leaves_no_report(tmp_path: Path) -> None:
    """`fr2en translate` with the hub unreachable: one line at once, no retries, no files written."""
    out = tmp_path / "out"
    environ = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    environ["HF_ENDPOINT"] = f"http://127.0.0.1:{_closed_port()}"
    environ["HF_HOME"] = str(tmp_path / "hf-home")
    done = subprocess.run(
        [sys.executable, "-m", "fr2en", "translate", str(SEED), "-o", str(out), "--backend", "torch"],
        capture_output=True,
        text=True,
        timeout=120,
        env=environ,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("fr2en: error: model Helsinki-NLP/opus-mt-fr-en is not in the local cache")
    assert "refused" in lines[0] and "Retry" not in done.stderr
    assert done.stdout == ""
    assert not any((out / name).exists() for name in ("report.json", "report.html", "manifest.jsonl"))
