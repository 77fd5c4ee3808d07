"""Batch runs translate documents in groups: one translator call per group, failures still isolated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fr2en import batch
from fr2en.batch import discover, groups, run_batch
from fr2en.config import load_settings


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_groups_by_bytes(tmp_path: Path) -> None:
    for i in range(5):
        _write(tmp_path, f"{i}.txt", "x" * 100)
    files = discover([tmp_path], tmp_path / "out")
    assert [len(g) for g in groups(files, 250)] == [3, 2]
    assert [len(g) for g in groups(files, 1)] == [1] * 5
    assert list(groups([], 10)) == []


def test_small_documents_share_one_call_and_a_bad_one_fails_alone(
    tmp_path: Path, fake_translator: Any
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    _write(inputs, "a.txt", "Le chat dort.")
    (inputs / "b.txt").write_bytes(b"\x00\x01\x02binary\x00")
    _write(inputs, "c.txt", "Il pleut. Le chat dort.")
    _write(inputs, "d.txt", "")
    fake = fake_translator
    settings = load_settings(overrides={"output": {"formats": "txt"}}, environ={})
    report = run_batch([inputs], tmp_path / "out", settings, translator=fake, show_progress=False)
    assert len(fake.calls) == 1
    assert fake.calls[0] == ["Le chat dort.", "Il pleut.", "Le chat dort."]
    assert [d.status for d in report.documents] == ["done", "failed", "done", "done"]
    assert [d.sentences for d in report.documents] == [1, 0, 2, 0]
    assert (tmp_path / "out" / "c.en.txt").read_text(encoding="utf-8").strip() == "IL PLEUT. LE CHAT DORT."


def test_big_runs_are_split_into_several_calls(
    tmp_path: Path, fake_translator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "GROUP_BYTES", 10)
    for i in range(4):
        _write(tmp_path, f"{i}.txt", f"Phrase numéro {i}.")
    fake = fake_translator
    settings = load_settings(overrides={"output": {"formats": "txt"}}, environ={})
    report = run_batch([tmp_path], tmp_path / "out", settings, translator=fake, show_progress=False)
    assert len(fake.calls) == 4
    assert all(d.status == "done" for d in report.documents)
