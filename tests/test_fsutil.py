"""fr2en.fsutil: the one set of atomic-file helpers."""

from __future__ import annotations

from pathlib import Path

from fr2en import config, fsutil, write


def test_atomic_bytes_replace_the_file_whole_and_leave_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "page.en.docx"
    fsutil.atomic_write_bytes(str(target), b"\x00first")
    fsutil.atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["page.en.docx"]


def test_atomic_text_is_utf8_with_newlines_kept(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    fsutil.atomic_write_text(target, "é\nb\n")
    assert target.read_bytes() == "é\nb\n".encode()


def test_the_old_homes_of_the_helpers_are_the_same_functions() -> None:
    assert write.atomic_write_text is fsutil.atomic_write_text
    assert config.cached_folder is fsutil.cached_folder
