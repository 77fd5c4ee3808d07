"""``fr2en score`` and ``fr2en evaluate`` on the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fr2en.cli import main

pytestmark = pytest.mark.cli

FR = (
    "Le gouvernement a présenté mercredi un nouveau projet de loi sur l'énergie.\n"
    "Environ 12 000 personnes ont manifesté.\n"
)
EN = "The government presented a new energy bill on Wednesday.\nAbout 13,000 people demonstrated.\n"
TINY = Path(__file__).resolve().parents[1] / "configs" / "tiny.toml"


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"fr": tmp_path / "a.fr", "en": tmp_path / "a.en", "short": tmp_path / "short.en"}
    paths["fr"].write_text(FR, encoding="utf-8")
    paths["en"].write_text(EN, encoding="utf-8")
    paths["short"].write_text("Only one line.\n", encoding="utf-8")
    return paths


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "score" in out and "evaluate" in out


def test_score_no_model_prints_jsonl_and_summary(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", "--src", str(files["fr"]), "--hyp", str(files["en"]), "--no-model"]) == 0
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert rows[0]["flags"] == []
    assert "number_mismatch" in rows[1]["flags"] and rows[1]["score"] < 0.5
    assert captured.err.startswith("2 pairs, mean score")


def test_score_with_reference(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "score",
        "--src",
        str(files["fr"]),
        "--hyp",
        str(files["en"]),
        "--ref",
        str(files["en"]),
        "--no-model",
    ]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert (
        "BLEU = 100.00 nrefs:1|case:mixed" in err and "chrF = 100.00 nrefs:1" in err and "TER = 0.00" in err
    )


def test_score_writes_outputs(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = [
        "score",
        "--src",
        str(files["fr"]),
        "--hyp",
        str(files["en"]),
        "--no-model",
        "-o",
        str(out),
        "-f",
        "tsv",
    ]
    assert main(args) == 0
    assert capsys.readouterr().out == ""
    assert sorted(p.name for p in out.iterdir()) == ["a.summary.json", "a.tsv", "report.html", "report.json"]


def test_score_names_its_outputs_after_the_french_and_writes_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "article.fr").write_text(FR, encoding="utf-8")
    (tmp_path / "machine.en").write_text(EN, encoding="utf-8")
    out = tmp_path / "out"
    args = ["score", "--src", str(tmp_path / "article.fr"), "--hyp", str(tmp_path / "machine.en")]
    assert main([*args, "--no-model", "-o", str(out), "-f", "tsv,html"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "article.fr-en.html",
        "article.summary.json",
        "article.tsv",
        "report.html",
        "report.json",
    ]
    saved = json.loads((out / "report.json").read_text(encoding="utf-8"))
    (document,) = saved["documents"]
    assert document["input"] == str(tmp_path / "article.fr") and document["status"] == "done"
    assert document["outputs"] == ["article.tsv", "article.fr-en.html", "article.summary.json"]
    assert document["sentences"] == 2 and saved["totals"]["sentences"] == 2
    assert 'href="report.html"' in (out / "article.fr-en.html").read_text(encoding="utf-8")


def test_line_count_mismatch_is_one_line_exit_1(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", "--src", str(files["fr"]), "--hyp", str(files["short"]), "--no-model"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fr2en: error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_missing_option_is_a_usage_error(files: dict[str, Path]) -> None:
    assert main(["score", "--src", str(files["fr"])]) == 2


def test_missing_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["score", "--src", str(tmp_path / "x.fr"), "--hyp", str(tmp_path / "x.en"), "--no-model"]) == 1
    )
    assert "no such file" in capsys.readouterr().err


def test_no_model_never_imports_torch(files: dict[str, Path]) -> None:
    code = (
        "import sys\n"
        "from fr2en.cli import main\n"
        f"rc = main(['score', '--src', {str(files['fr'])!r}, '--hyp', {str(files['en'])!r}, '--no-model'])\n"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'torch imported'\n"
        "sys.exit(rc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2


@pytest.mark.model
def test_score_with_tiny_model_adds_model_evidence(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", "--src", str(files["fr"]), "--hyp", str(files["en"]), "--config", str(TINY)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all("logprob" in row["signals"] and "min_logprob" in row["signals"] for row in rows)


@pytest.mark.model
def test_evaluate_with_tiny_model(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "eval"
    args = [
        "evaluate",
        "--src",
        str(files["fr"]),
        "--ref",
        str(files["en"]),
        "--config",
        str(TINY),
        "-o",
        str(out),
        "-f",
        "txt,jsonl",
        "--beam",
        "1",
    ]
    assert main(args) == 0
    stdout = capsys.readouterr().out
    assert "BLEU = " in stdout and "nrefs:1|case:mixed|eff:no|tok:13a" in stdout and "chrF = " in stdout
    assert "model:fr2en:tiny" in stdout
    assert len((out / "a.en.txt").read_text(encoding="utf-8").splitlines()) == 2
    assert json.loads((out / "a.summary.json").read_text(encoding="utf-8"))["metrics"]
