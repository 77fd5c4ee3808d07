"""``fr2en align`` and ``fr2en translate --unit``: exit codes, one-line errors, outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fr2en.cli import main

ROOT = Path(__file__).resolve().parents[1]
FRENCH = "Le président a parlé mardi à Paris. Il a promis 3 réformes.\n\nLa séance a été levée à 18 h.\n"
ENGLISH = "The president spoke in Paris on Tuesday. He promised 3 reforms.\n\nThe session closed at 6 pm.\n"


@pytest.fixture
def texts(tmp_path: Path) -> tuple[Path, Path]:
    fr, en = tmp_path / "speech.txt", tmp_path / "speech.en.txt"
    fr.write_text(FRENCH, encoding="utf-8")
    en.write_text(ENGLISH, encoding="utf-8")
    return fr, en


@pytest.mark.cli
def test_align_writes_the_chosen_formats(
    texts: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fr, en = texts
    out = tmp_path / "out"
    assert main(["align", str(fr), str(en), "-o", str(out), "--format", "tsv,jsonl"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "report.html",
        "report.json",
        "speech.jsonl",
        "speech.tsv",
    ]
    saved = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [(d["input"], d["outputs"], d["sentences"]) for d in saved["documents"]] == [
        (str(fr), ["speech.tsv", "speech.jsonl"], 3)
    ]
    assert saved["signature"]["aligner"] == "fr2en-align/1"
    rows = (out / "speech.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0].split("\t")[-1] == "alignment" and len(rows) == 4
    err = capsys.readouterr().err
    assert "3 French and 3 English sentences, 3 links" in err


@pytest.mark.cli
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["missing.txt", "{en}"], 1, "missing.txt: no such file"),
        (["{fr}", "{en}", "--format", "pdf"], 2, "unknown output format pdf"),
        (["{fr}", "{en}", "-o", "{dir}", "--format", "txt"], 1, "would overwrite an input"),
    ],
)
def test_align_failures_are_one_line(
    texts: tuple[Path, Path],
    args: list[str],
    code: int,
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fr, en = texts
    filled = [a.format(fr=fr, en=en, dir=fr.parent) for a in args]
    monkeypatch.chdir(fr.parent)
    assert main(["align", *filled]) == code
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.cli
def test_translate_refuses_an_unknown_unit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", "seeds", "--unit", "chapter"]) == 2
    assert "model.unit must be one of sentence, paragraph" in capsys.readouterr().err


@pytest.mark.cli
def test_align_runs_as_a_real_command(texts: tuple[Path, Path], tmp_path: Path) -> None:
    fr, en = texts
    out = tmp_path / "real"
    done = subprocess.run(
        [sys.executable, "-m", "fr2en", "align", str(fr), str(en), "-o", str(out), "-f", "jsonl"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in (out / "speech.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["src_ids"], r["tgt_ids"]) for r in rows] == [([0], [0]), ([1], [1]), ([2], [2])]


@pytest.mark.model
def test_translate_by_paragraph_with_the_tiny_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FR2EN_CACHE_DIR", os.environ.get("FR2EN_CACHE_DIR", str(tmp_path / "cache")))
    source = tmp_path / "in" / "article.txt"
    source.parent.mkdir()
    source.write_text(FRENCH, encoding="utf-8")
    out = tmp_path / "out"
    argv = ["translate", str(source.parent), "-c", str(ROOT / "configs/tiny.toml"), "--unit", "paragraph"]
    assert main([*argv, "-o", str(out), "-q", "-f", "jsonl"]) == 0
    rows = [json.loads(line) for line in (out / "article.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(i for r in rows for i in r["src_ids"]) == [0, 1, 2]  # every French sentence, once
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["signature"]["aligner"] == "fr2en-align/1"
    assert report["signature"]["settings"]["unit"] == "paragraph"
