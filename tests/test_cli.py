"""The command line: exit codes, one-line errors, the tiny test mode end to end."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fr2en.cli import main
from fr2en.config import ALL_FORMATS
from fr2en.write import FORMATS

from .conftest import REPO, SEED, TINY_CONFIG

pytestmark = pytest.mark.cli


def run_cli(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fr2en", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_help_does_not_import_torch() -> None:
    probe = (
        "import sys\nfrom fr2en.cli import main\ncode = main(['--help'])\n"
        "assert code == 0, code\nassert 'torch' not in sys.modules and 'transformers' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "translate" in done.stdout


def test_python_m_fr2en_help_and_version() -> None:
    done = run_cli("--help")
    assert done.returncode == 0 and "translate" in done.stdout
    assert run_cli("--version").stdout.startswith("fr2en ")


@pytest.mark.model
def test_tiny_mode_translates_the_seed_article(tmp_path: Path) -> None:
    out = tmp_path / "OUT"
    done = run_cli("translate", "seeds/", "--config", str(TINY_CONFIG), "-o", str(out))
    assert done.returncode == 0, done.stderr
    stem = SEED.stem
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{stem}{FORMATS[f].suffix}" for f in ALL_FORMATS] + ["manifest.jsonl", "report.json", "report.html"]
    )
    with (out / f"{stem}.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    article = SEED.read_text(encoding="utf-8")
    assert "".join("".join(row["fr"] for row in rows).split()) == "".join(article.split())
    assert all(row["score"] for row in rows)
    report = json.loads((out / "report.json").read_text())
    document = report["documents"][0]
    assert document["sentences"] == len(rows)
    assert {"mean_score", "flagged", "seconds"} <= document.keys()
    assert report["signature"]["model"] == "fr2en:tiny" and report["signature"]["fr2en"]


def test_offline_without_the_model_is_one_line_and_exit_1(tmp_path: Path) -> None:
    done = run_cli("translate", "seeds/", "-o", str(tmp_path / "OUT"), env={"HF_HUB_OFFLINE": "1"})
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "fr2en models download" in done.stderr and "--model PATH" in done.stderr and "tiny" in done.stderr


def test_stdin_to_stdout(tmp_path: Path) -> None:
    done = run_cli("translate", "-", "--config", str(TINY_CONFIG), stdin=b"Bonjour.\n\nAu revoir.\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n\n") == 1


def test_empty_file_gives_empty_outputs_and_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code = main(["translate", str(empty), "--config", str(TINY_CONFIG), "-o", str(tmp_path / "out"), "-q"])
    assert code == 0
    assert (tmp_path / "out" / "empty.en.txt").read_text() == ""
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["documents"][0]["notes"]


def test_folder_without_text_files_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    assert main(["translate", str(tmp_path / "in"), "-o", str(tmp_path / "out")]) == 1
    assert "no input files found" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ["translate", "no/such/folder"],
        ["translate", "seeds/", "--beam", "0"],
        ["translate", "seeds/", "--format", "pdf"],
        ["translate", "seeds/", "--device", "tpu"],
        ["translate", "seeds/", "--beam", "many"],
        ["translate", "seeds/", "--config", "no-such.toml"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from fr2en.errors import UsageError

    monkeypatch.setenv("FR2EN_DEBUG", "1")
    with pytest.raises(UsageError):
        main(["translate", "no/such/folder"])


def test_models_tiny_writes_a_loadable_model_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "tiny", str(tmp_path / "tiny")]) == 0
    assert (tmp_path / "tiny" / "config.json").exists() and (tmp_path / "tiny" / "source.spm").exists()
    out = tmp_path / "out"
    code = main(
        [
            "translate",
            str(SEED),
            "--model",
            str(tmp_path / "tiny"),
            "--beam",
            "1",
            "-o",
            str(out),
            "-q",
            "-f",
            "txt,jsonl",
        ]
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        f"{SEED.stem}.en.txt",
        f"{SEED.stem}.jsonl",
        "manifest.jsonl",
        "report.html",
        "report.json",
    ]
