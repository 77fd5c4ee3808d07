"""Batch runs: discovery, the mirrored tree, failure isolation, the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fr2en.batch import REPORT_NAME, discover, run_batch
from fr2en.errors import InputError, UsageError


def make_tree(root: Path) -> None:
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_text("Une phrase.\n", encoding="utf-8")
    (root / "sub" / "b.md").write_text("# Titre\n\nDu texte.\n", encoding="utf-8")
    (root / "sub" / "deeper" / "c.txt").write_text("Encore.\n", encoding="utf-8")
    (root / "sub" / "notes.csv").write_text("x,y\n", encoding="utf-8")
    (root / ".hidden.txt").write_text("Caché.\n", encoding="utf-8")


def test_discover_mirrors_the_tree_below_the_folder(tmp_path: Path) -> None:
    make_tree(tmp_path / "in")
    found = discover([tmp_path / "in"], tmp_path / "out")
    assert [str(f.base) for f in found] == ["a", "sub/b", "sub/deeper/c"]


def test_a_single_file_goes_to_the_top_of_the_output(tmp_path: Path) -> None:
    make_tree(tmp_path / "in")
    found = discover([tmp_path / "in" / "sub" / "deeper" / "c.txt"], tmp_path / "out")
    assert [str(f.base) for f in found] == ["c"]


def test_shared_stems_keep_their_full_names(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "a.md", "b.txt"):
        (tmp_path / "in" / name).write_text("Texte.\n")
    bases = sorted(str(f.base) for f in discover([tmp_path / "in"], tmp_path / "out"))
    assert bases == ["a.md", "a.txt", "b"]


def test_the_output_folder_and_english_outputs_are_never_inputs(tmp_path: Path) -> None:
    make_tree(tmp_path / "in")
    (tmp_path / "in" / "out").mkdir()
    (tmp_path / "in" / "out" / "a.en.txt").write_text("An output.\n")
    (tmp_path / "in" / "x.en.txt").write_text("Another output.\n")
    found = discover([tmp_path / "in"], tmp_path / "in" / "out")
    assert [str(f.base) for f in found] == ["a", "sub/b", "sub/deeper/c"]


def test_symlink_loops_do_not_hang_the_walk(tmp_path: Path) -> None:
    make_tree(tmp_path / "in")
    (tmp_path / "in" / "sub" / "loop").symlink_to(tmp_path / "in", target_is_directory=True)
    found = discover([tmp_path / "in"], tmp_path / "out")
    assert len(found) == len({f.path.resolve() for f in found}) == 3


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or folder"):
        discover([tmp_path / "missing"], tmp_path / "out")


def test_a_folder_without_text_files_is_an_input_error(tmp_path: Path, tiny_settings) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "data.csv").write_text("x\n")
    with pytest.raises(InputError, match=r"no \.txt or \.md files"):
        run_batch([tmp_path / "in"], tmp_path / "out", tiny_settings)


@pytest.mark.model
def test_bad_files_are_reported_and_the_rest_is_done(tmp_path: Path, tiny_settings, tiny_translator) -> None:  # type: ignore[no-untyped-def]
    make_tree(tmp_path / "in")
    (tmp_path / "in" / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    report = run_batch(
        [tmp_path / "in"], tmp_path / "out", tiny_settings, translator=tiny_translator, show_progress=False
    )
    statuses = {Path(d.input).name: d.status for d in report.documents}
    assert statuses == {
        "a.txt": "done",
        "b.md": "done",
        "c.txt": "done",
        "broken.txt": "failed",
        "empty.txt": "done",
    }
    saved = json.loads((tmp_path / "out" / REPORT_NAME).read_text())
    assert saved["totals"]["failed"] == 1
    by_name = {Path(d["input"]).name: d for d in saved["documents"]}
    assert "not a text file" in by_name["broken.txt"]["error"]
    assert by_name["empty.txt"]["sentences"] == 0 and by_name["empty.txt"]["notes"]
    assert (tmp_path / "out" / "empty.en.txt").read_text() == ""
    assert (tmp_path / "out" / "sub" / "deeper" / "c.tsv").exists()
    assert saved["signature"]["model"] == "fr2en:tiny"
