"""The output folder's manifest: what it records, what a crash leaves, when outputs count as intact."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from fr2en.errors import OutputError
from fr2en.manifest import MANIFEST_NAME, Manifest
from fr2en.types import DocumentReport


def finish(folder: Path, base: str, text: str = "English.\n") -> DocumentReport:
    """Write a document's outputs as a run would, and the report it would give."""
    (folder / f"{base}.en.txt").parent.mkdir(parents=True, exist_ok=True)
    (folder / f"{base}.en.txt").write_text(text, encoding="utf-8")
    (folder / f"{base}.tsv").write_text("pair\n", encoding="utf-8")
    return DocumentReport(
        input=f"in/{base}.txt",
        status="done",
        outputs=(f"{base}.en.txt", f"{base}.tsv"),
        sentences=3,
        mean_score=0.4321,
        flagged=2,
        seconds=1.5,
        encoding="cp1252",
        notes=("a note",),
    )


def test_an_entry_survives_reopening_with_its_report(tmp_path: Path) -> None:
    with Manifest(tmp_path) as manifest:
        report = finish(tmp_path, "sub/a")
        manifest.record("sub/a", 10, "abc", "run-1", report)
    with Manifest(tmp_path) as manifest:
        entry = manifest.get("sub/a")
    assert entry is not None
    assert entry.matches(10, "abc", "run-1")
    assert not entry.matches(10, "abd", "run-1") and not entry.matches(10, "abc", "run-2")
    assert entry.report == dataclasses.replace(report, seconds=0.0)
    assert entry.outputs_intact(tmp_path)


@pytest.mark.parametrize("damage", ["delete", "edit", "same-size edit"])
def test_outputs_changed_after_the_run_are_not_intact(tmp_path: Path, damage: str) -> None:
    with Manifest(tmp_path) as manifest:
        manifest.record("a", 10, "abc", "run", finish(tmp_path, "a", "English.\n"))
    with Manifest(tmp_path) as manifest:
        entry = manifest.get("a")
    assert entry is not None
    output = tmp_path / "a.en.txt"
    if damage == "delete":
        output.unlink()
    elif damage == "edit":
        output.write_text("English, edited.\n", encoding="utf-8")
    else:
        output.write_text("Anglais.\n", encoding="utf-8")
    assert not entry.outputs_intact(tmp_path)


def test_what_a_run_records_is_for_the_next_run_not_kept_in_memory(tmp_path: Path) -> None:
    with Manifest(tmp_path) as manifest:
        manifest.record("old", 1, "x", "run", finish(tmp_path, "old"))
    with Manifest(tmp_path) as manifest:
        assert sorted(manifest.entries) == ["old"]
        for index in range(50):
            manifest.record(f"d{index}", 1, "y", "run", finish(tmp_path, f"d{index}"))
        manifest.record("old", 2, "z", "run", finish(tmp_path, "old"))
        # Memory does not grow with the documents done (a run looks each one up once, before).
        assert manifest.entries == {}
    with Manifest(tmp_path) as manifest:
        assert len(manifest.entries) == 51
        entry = manifest.get("old")
        assert entry is not None and entry.input_sha256 == "z"


def test_a_torn_last_line_is_dropped_and_the_file_rewritten(tmp_path: Path) -> None:
    with Manifest(tmp_path) as manifest:
        manifest.record("a", 1, "x", "run", finish(tmp_path, "a"))
        manifest.record("b", 1, "y", "run", finish(tmp_path, "b"))
        manifest.record("a", 2, "z", "run", finish(tmp_path, "a"))
    path = tmp_path / MANIFEST_NAME
    whole = path.read_text(encoding="utf-8")
    path.write_text(whole + whole.splitlines()[1][:40], encoding="utf-8")  # a crash mid-write
    with Manifest(tmp_path) as manifest:
        assert sorted(manifest.entries) == ["a", "b"]
        entry = manifest.get("a")
        assert entry is not None and entry.input_sha256 == "z"
    # Compacted: the latest entry of each document, no torn line.
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def test_lines_that_are_not_entries_are_ignored(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_text('not json\n{"base": "a"}\n[]\n', encoding="utf-8")
    with Manifest(tmp_path) as manifest:
        assert manifest.entries == {}


def test_a_second_run_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    with Manifest(tmp_path), pytest.raises(OutputError, match="another fr2en run is writing"):
        Manifest(tmp_path)
    with Manifest(tmp_path):  # released once the first run ends
        pass


def test_temporary_files_left_by_a_killed_run_are_removed(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    stale = tmp_path / "sub" / ".a.en.txt.k2j4_x9q.part"
    stale.write_text("half", encoding="utf-8")
    kept = [tmp_path / "sub" / "a.en.txt", tmp_path / "sub" / ".notes.part", tmp_path / "x.part"]
    for path in kept:
        path.write_text("keep", encoding="utf-8")
    with Manifest(tmp_path):
        pass
    assert not stale.exists() and all(path.exists() for path in kept)


def test_an_output_folder_that_cannot_be_created_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot create output folder"):
        Manifest(tmp_path / "file" / "out")
