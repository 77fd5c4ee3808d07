"""fr2en.fsutil: the one set of atomic-file helpers."""

from __future__ import annotations

import errno
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from fr2en import config, fsutil, write
from fr2en.errors import OutputError


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


def test_a_small_file_touches_the_disk_only_at_commit_and_knows_its_digest(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "doc.tsv"
    output = fsutil.AtomicFile(target, sync=False)
    output.write("pair\tfr\n")
    output.write(b"1\t\xc3\xa9\n")
    assert not (tmp_path / "sub").exists()  # nothing created yet: no folder, no temporary file
    size, digest = output.commit()
    data = "pair\tfr\n1\té\n".encode()
    assert target.read_bytes() == data
    assert (size, digest) == (len(data), hashlib.sha256(data).hexdigest())
    assert [p.name for p in target.parent.iterdir()] == ["doc.tsv"]


def test_a_large_file_streams_to_its_temporary_file_and_abort_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fsutil, "SPILL_BYTES", 64)
    target = tmp_path / "doc.txt"
    target.write_text("the previous run's\n")
    output = fsutil.AtomicFile(target)
    output.write("x" * 100)
    (temporary,) = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert temporary.name.startswith(".doc.txt.") and temporary.stat().st_size == 100
    output.write("y" * 10)  # below the threshold: kept in memory
    assert temporary.stat().st_size == 100
    output.abort()
    assert [p.name for p in tmp_path.iterdir()] == ["doc.txt"]
    assert target.read_text() == "the previous run's\n"


def test_a_temporary_name_already_taken_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = iter(["a" * 8, "a" * 8, "b" * 8])
    monkeypatch.setattr(fsutil._names, "choices", lambda *args, **kwargs: next(taken))
    (tmp_path / ".doc.txt.aaaaaaaa.part").write_text("another writer's")
    fsutil.atomic_write_text(tmp_path / "doc.txt", "mine")
    assert (tmp_path / "doc.txt").read_text() == "mine"
    assert (tmp_path / ".doc.txt.aaaaaaaa.part").read_text() == "another writer's"


def test_a_file_that_cannot_be_created_is_one_output_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(OutputError, match=r"cannot write .*doc\.txt"):
        fsutil.atomic_write_text(tmp_path / "file" / "doc.txt", "text")


def test_a_write_that_fails_on_the_disk_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fsutil, "SPILL_BYTES", 64)
    target = tmp_path / "page.en.docx"
    target.write_bytes(b"the previous run's")

    def full(handle: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fsutil.os, "write", full)
    with pytest.raises(OutputError, match="No space left on device"):
        fsutil.atomic_write_bytes(target, b"x" * 1000)
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["page.en.docx"]
    assert target.read_bytes() == b"the previous run's"


def test_chunks_that_fail_half_way_leave_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fsutil, "SPILL_BYTES", 64)
    target = tmp_path / "report.json"
    target.write_text("old")

    def chunks() -> Iterator[str]:
        yield "x" * 100  # already in the temporary file
        raise ValueError("a renderer's bug")

    with pytest.raises(ValueError, match="a renderer's bug"):
        fsutil.atomic_write_chunks(target, chunks())
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert target.read_text() == "old"
