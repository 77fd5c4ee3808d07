"""The manifest of a batch output folder: which documents' outputs are complete, and made from what.

``<out>/manifest.jsonl`` holds one JSON object per finished document: its output base, the size and
SHA-256 of the input it was made from, the run key (the run signature and the output formats), the
size and SHA-256 of every output file, and the numbers of its report. A line is appended, flushed and
fsync'ed as soon as a document's outputs are in place, so a run killed at any moment loses at most
the document in flight. When a run opens the folder the manifest is rewritten atomically (temporary
file + rename) with the latest entry of each document, which also drops a line torn by a crash.

A document is skipped when its entry has the same input hash and run key and every output it lists
is still there, byte for byte (size and SHA-256).

While a run works in a folder it holds an advisory lock on the folder itself (where the system has
``flock``), so a second run into the same folder stops at once instead of racing the first; the
lock also makes it safe to remove the temporary files a killed run left behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import TracebackType
from typing import IO

from fr2en.errors import OutputError
from fr2en.types import DocumentReport
from fr2en.write import atomic_write_text

MANIFEST_NAME = "manifest.jsonl"
FORMAT = 1
# The temporary files of fr2en's atomic writes: ".<name>.<8 random characters>.part".
_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.part$")
_REPORT_FIELDS = {f.name for f in fields(DocumentReport)}


def file_digest(path: Path) -> tuple[int, str]:
    """``(size, SHA-256 hex)`` of a file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


@dataclass(frozen=True)
class OutputRecord:
    """One output file as written: its path relative to the output folder, size and SHA-256."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Entry:
    """A finished document: what it was made from, what it made, and its report (status ``done``)."""

    base: str
    input_size: int
    input_sha256: str
    run: str
    outputs: tuple[OutputRecord, ...]
    report: DocumentReport
    # The units (sentences, or paragraphs) the model was given: a resumed run plans its batches
    # around the document without reading it again. None in manifests written before it was kept.
    units: int | None = None

    def to_json(self) -> str:
        """One manifest line."""
        # vars() rather than asdict(): the fields are plain values, tuples and flat dataclasses, and
        # asdict's deep copies were a visible part of a one-sentence document's cost.
        data = {**vars(self), "outputs": [vars(o) for o in self.outputs], "report": vars(self.report)}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> Entry:
        """Parse one manifest line; ValueError, KeyError or TypeError when it is not one."""
        data = json.loads(line)
        report = {k: v for k, v in data["report"].items() if k in _REPORT_FIELDS}
        for name in ("outputs", "notes", "nodes"):
            report[name] = tuple(report.get(name, ()))
        return cls(
            base=str(data["base"]),
            input_size=int(data["input_size"]),
            input_sha256=str(data["input_sha256"]),
            run=str(data["run"]),
            outputs=tuple(OutputRecord(**o) for o in data["outputs"]),
            report=DocumentReport(**report),
            units=int(data["units"]) if data.get("units") is not None else None,
        )

    def matches(self, input_size: int, input_sha256: str, run: str) -> bool:
        """Whether this entry was made from these input bytes by a run with this key."""
        return (self.input_size, self.input_sha256, self.run) == (input_size, input_sha256, run)

    def outputs_intact(self, folder: Path) -> bool:
        """Whether every output listed is still in ``folder`` exactly as written."""
        try:
            for output in self.outputs:
                path = folder / output.path
                # The size first: it settles most changes without reading the file.
                if path.stat().st_size != output.size or file_digest(path) != (output.size, output.sha256):
                    return False
        except OSError:
            return False
        return True


def _lock(folder: Path) -> int | None:
    """Hold the folder's advisory lock (a descriptor of the folder); OutputError when another run holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks, no protection
        return None
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise OutputError(f"cannot open output folder {folder}: {exc.strerror or exc}") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise OutputError(
            f"another fr2en run is writing into {folder}; wait for it to finish or choose another -o folder"
        ) from None
    except OSError:  # pragma: no cover - a file system without locks (some network mounts): go on
        os.close(descriptor)
        return None
    return descriptor


def _remove_temporaries(folder: Path) -> None:
    """Remove the temporary files of atomic writes that a killed run left in ``folder``'s tree."""
    for root, _, files in os.walk(folder):
        for name in files:
            if _TEMPORARY.match(name):
                with contextlib.suppress(OSError):
                    (Path(root) / name).unlink()


class Manifest:
    """An output folder's manifest, open for a run (see the module docstring); a context manager."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / MANIFEST_NAME
        # Made by this run (no folder or no manifest before): see :meth:`discard`.
        self.created_folder = not folder.exists()
        self.created = not self.path.exists()
        self.recorded = 0
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create output folder {folder}: {exc.strerror or exc}") from None
        self._lock = _lock(folder)
        self._journal: IO[str] | None = None
        try:
            _remove_temporaries(folder)
            self.entries = dict(self._load())
            atomic_write_text(self.path, "".join(e.to_json() + "\n" for e in self.entries.values()))
            self._journal = self.path.open("a", encoding="utf-8")
        except OSError as exc:
            self.close()
            raise OutputError(f"cannot write {self.path}: {exc.strerror or exc}") from None
        except BaseException:
            self.close()
            raise

    def _load(self) -> Iterator[tuple[str, Entry]]:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return
        for line in text.splitlines():
            # A line torn by a crash, or written by an incompatible fr2en: its document is redone.
            with contextlib.suppress(ValueError, KeyError, TypeError):
                entry = Entry.from_json(line)
                yield entry.base, entry

    def get(self, base: str) -> Entry | None:
        """The entry of the document with this output base, if it finished in an earlier run."""
        return self.entries.get(base)

    def record(
        self,
        base: str,
        input_size: int,
        input_sha256: str,
        run: str,
        report: DocumentReport,
        units: int | None = None,
        *,
        sync: bool = True,
        digests: Mapping[str, tuple[int, str]] | None = None,
    ) -> None:
        """Append the entry of a document whose outputs were just written; OutputError if impossible.

        ``digests`` gives outputs' ``(size, SHA-256 hex)`` by relative path, as their writer counted
        them; any other output is read back to hash it.

        The line is flushed at once (a killed process loses nothing); with ``sync`` it is also on
        disk before this returns, else at the next :meth:`sync` (a power cut loses only lines not yet
        synced: those documents are redone).
        """
        try:
            outputs = []
            for relative in report.outputs:
                known = digests.get(relative) if digests is not None else None
                size, digest = known if known is not None else file_digest(self.folder / relative)
                outputs.append(OutputRecord(relative, size, digest))
            entry = Entry(
                base, input_size, input_sha256, run, tuple(outputs), replace(report, seconds=0.0), units
            )
            assert self._journal is not None
            self._journal.write(entry.to_json() + "\n")
            self._journal.flush()
            if sync:
                os.fsync(self._journal.fileno())
        except OSError as exc:
            raise OutputError(
                f"{report.input}: outputs written but not recorded in {self.path} ({exc.strerror or exc}); "
                "a rerun will redo it"
            ) from None
        # A run looks each document up once, before doing it: what it records is for the next run
        # (on disk), and keeping it here would grow memory with the folder.
        self.entries.pop(base, None)
        self.recorded += 1

    def sync(self) -> None:
        """Put the lines recorded so far on disk; OutputError if impossible."""
        if self._journal is not None:
            try:
                os.fsync(self._journal.fileno())
            except OSError as exc:
                raise OutputError(f"cannot write {self.path}: {exc.strerror or exc}") from None

    def discard(self) -> None:
        """Once closed: remove what this run made and left empty (the manifest, the output folder)."""
        if self.created and not self.entries and not self.recorded:
            with contextlib.suppress(OSError):
                self.path.unlink()
            if self.created_folder:
                with contextlib.suppress(OSError):
                    self.folder.rmdir()

    def close(self) -> None:
        """Put the journal on disk, close it and release the folder's lock."""
        if self._journal is not None:
            with contextlib.suppress(OSError):
                os.fsync(self._journal.fileno())
            with contextlib.suppress(OSError):
                self._journal.close()
        if self._lock is not None:
            os.close(self._lock)
        self._journal, self._lock = None, None

    def __enter__(self) -> Manifest:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
