"""The command line's --backend option and its errors; fr2en --help stays light."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from fr2en.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_ct2_without_ctranslate2_is_one_line_naming_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ctranslate2" else real(name, *a)
    )
    source = tmp_path / "a.txt"
    source.write_text("Le chat dort.", encoding="utf-8")
    code = main(
        [
            "translate",
            str(source),
            "-o",
            str(tmp_path / "out"),
            "--backend",
            "ct2",
            "-q",
            "--config",
            str(ROOT / "configs" / "tiny.toml"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "pip install 'fr2en[fast]'" in err and "Traceback" not in err


def test_unknown_backend_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", "x.txt", "--backend", "onnx"]) == 2
    assert "model.backend must be one of auto, torch, ct2" in capsys.readouterr().err


def test_help_imports_no_model_library() -> None:
    script = (
        "import sys\nfrom fr2en.cli import main\n"
        "main(['translate', '--help'])\n"
        "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "--backend" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"
