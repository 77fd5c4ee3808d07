"""Batch runs: find the inputs, translate each, isolate failures, write outputs and a report.

Documents are translated in groups of about :data:`GROUP_BYTES` of text with one translator call
per group, so that many short articles fill batches as well as one long one does; a failure to
read or write a document still affects that document alone.

For an input folder ``F`` the file ``F/sub/name.txt`` gives ``<out>/sub/name.*`` (the tree below
``F`` is mirrored); a file given by itself gives ``<out>/name.*``. Two inputs that would share
output names in one folder (``a.txt`` and ``a.md``) keep their full file names instead
(``a.txt.*``, ``a.md.*``).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from fr2en import read
from fr2en.config import Settings
from fr2en.errors import Fr2EnError, InputError, OutputError, UsageError
from fr2en.pipeline import assemble, run_signature, translate_documents
from fr2en.progress import ProgressDisplay
from fr2en.translate import ModelInfo, Translator, load_translator, resolve_backend
from fr2en.types import BatchReport, Document, DocumentReport, DocumentResult, RunSignature
from fr2en.write import atomic_write_text, output_paths, report, write_outputs

INPUT_SUFFIXES = (".txt", ".md")
REPORT_NAME = "report.json"
# Text translated per translator call: a few hundred sentences, enough for full batches on every
# worker, little enough that an interrupted run loses under a minute of work.
GROUP_BYTES = 32 * 1024


@dataclass(frozen=True)
class InputFile:
    """One discovered input: where it is, how to name it, and its output base relative to ``<out>``."""

    path: Path
    label: str
    base: Path


def _is_output_name(name: str) -> bool:
    """fr2en's own English output, never an input."""
    return name.endswith(".en.txt")


def _walk(folder: Path, skip: Path | None) -> Iterator[Path]:
    """Text files below ``folder``, sorted, following links but never entering a folder twice."""
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        here = Path(root)
        stat = here.stat()
        if (stat.st_dev, stat.st_ino) in seen or (skip is not None and here.resolve() == skip):
            dirs[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            wanted = name.lower().endswith(INPUT_SUFFIXES) and not name.startswith(".")
            if wanted and not _is_output_name(name):
                yield here / name


def discover(inputs: Sequence[str | Path], out_dir: Path) -> list[InputFile]:
    """Expand files and folders into the inputs to translate; UsageError for a path that does not exist."""
    resolved_out = out_dir.resolve()
    found: list[InputFile] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            for file in _walk(path, resolved_out):
                relative = file.relative_to(path)
                found.append(InputFile(file, str(file), relative.parent / relative.stem))
        elif path.is_file():
            found.append(InputFile(path, str(path), Path(path.stem)))
        elif path.exists():
            raise UsageError(f"{given}: not a regular file or folder")
        else:
            raise UsageError(f"{given}: no such file or folder")
    # Keep the first of any duplicate (the same file reached twice), then disambiguate shared stems.
    unique = list({f.path.resolve(): f for f in reversed(found)}.values())[::-1]
    shared = Counter(f.base for f in unique)
    return [
        InputFile(f.path, f.label, f.base.with_name(f.path.name)) if shared[f.base] > 1 else f for f in unique
    ]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class _LazyTranslator:
    """Loads the model on first need, so a run with nothing to translate never loads it."""

    def __init__(self, settings: Settings, translator: Translator | None) -> None:
        self.settings = settings
        self.loaded = translator

    def get(self) -> Translator:
        if self.loaded is None:
            self.loaded = load_translator(self.settings.model)
        return self.loaded

    def info(self) -> ModelInfo:
        """The loaded model's info, or what the settings name when nothing was loaded."""
        if self.loaded is not None:
            return self.loaded.info
        model = self.settings.model
        backend = resolve_backend(model.backend)
        return ModelInfo(model.name, model.revision or "unresolved", backend, model.device)

    def signature(self) -> RunSignature:
        return run_signature(self.info(), self.settings)


def _size(item: InputFile) -> int:
    try:
        return item.path.stat().st_size
    except OSError:
        return 0  # reading it will fail and say why


def groups(files: Sequence[InputFile], group_bytes: int) -> Iterator[list[InputFile]]:
    """Consecutive runs of ``files`` holding about ``group_bytes`` bytes each (at least one file)."""
    group: list[InputFile] = []
    size = 0
    for item in files:
        group.append(item)
        size += _size(item)
        if size >= group_bytes:
            yield group
            group, size = [], 0
    if group:
        yield group


def _failed(item: InputFile, error: Exception) -> DocumentReport:
    return DocumentReport(input=item.label, status="failed", error=str(error))


def _translate_group(
    items: Sequence[InputFile],
    out_dir: Path,
    settings: Settings,
    model: _LazyTranslator,
    display: ProgressDisplay,
) -> list[DocumentReport]:
    """Read, translate (in one call) and write a group of documents; one report each, in order."""
    reports: dict[int, DocumentReport] = {}
    readable: list[tuple[int, Document]] = []
    for index, item in enumerate(items):
        try:
            document = read.read_file(item.path, item.label)
            targets = output_paths(out_dir / item.base, settings.output.formats)
            if any(target.resolve() == item.path.resolve() for target in targets):
                raise OutputError(
                    f"{item.label}: an output would overwrite the input; choose another -o folder"
                )
        except (InputError, OutputError) as exc:
            reports[index] = _failed(item, exc)
            continue
        readable.append((index, document))
    with_text = [document for _, document in readable if document.paragraphs]
    display.start_group(sum(_size(item) for item in items))
    results = translate_documents(with_text, model.get(), settings, display.sentences) if with_text else []
    display.end_group()
    translated = iter(results)
    for index, document in readable:
        item = items[index]
        result: DocumentResult = (
            next(translated) if document.paragraphs else assemble(document, (), (), model.info(), settings)
        )
        try:
            written = write_outputs(result, out_dir / item.base, settings.output.formats)
        except OutputError as exc:
            reports[index] = _failed(item, exc)
            continue
        reports[index] = DocumentReport(
            input=item.label,
            status="done",
            outputs=tuple(str(p.relative_to(out_dir)) for p in written),
            sentences=len(result.source_sentences),
            mean_score=round(result.mean_score, 4) if result.mean_score is not None else None,
            flagged=result.flagged,
            seconds=result.seconds,
            encoding=document.encoding,
            notes=result.notes,
        )
    return [reports[index] for index in range(len(items))]


def run_batch(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    settings: Settings,
    *,
    translator: Translator | None = None,
    show_progress: bool | None = None,
) -> BatchReport:
    """Translate every input into ``out_dir`` and write ``report.json`` there.

    A document that cannot be read or written is reported as failed and the run goes on; a model
    that cannot be loaded stops the run (nothing else could succeed) after writing the report.
    Raises InputError when the inputs hold no text file at all.
    """
    out = Path(out_dir)
    files = discover(inputs, out)
    if not files:
        given = ", ".join(str(i) for i in inputs)
        raise InputError(f"no .txt or .md files found in {given}; give a file or a folder that holds some")
    started_at, started = _now(), time.perf_counter()
    model = _LazyTranslator(settings, translator)
    reports: list[DocumentReport] = []
    interrupted = False
    fatal: Fr2EnError | None = None
    with ProgressDisplay(show_progress) as display:
        display.start(len(files), sum(_size(item) for item in files))
        for group in groups(files, GROUP_BYTES):
            try:
                reports.extend(_translate_group(group, out, settings, model, display))
            except KeyboardInterrupt:
                interrupted = True
                break
            except Fr2EnError as exc:
                fatal = exc
                break
            for _ in group:
                display.document_done()
    batch = BatchReport(
        documents=tuple(reports),
        output_dir=str(out),
        signature=model.signature(),
        seconds=time.perf_counter() - started,
        started=started_at,
        finished=_now(),
        interrupted=interrupted,
    )
    atomic_write_text(out / REPORT_NAME, report.render(batch))
    if fatal is not None:
        raise fatal
    if interrupted:
        raise KeyboardInterrupt
    return batch
