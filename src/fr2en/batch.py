"""Batch runs: find the inputs, translate each, isolate failures, write outputs and a report.

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
from fr2en.pipeline import assemble, run_signature, translate_document
from fr2en.progress import ProgressDisplay
from fr2en.translate import ModelInfo, Translator, load_translator, resolve_backend
from fr2en.types import BatchReport, DocumentReport, RunSignature
from fr2en.write import atomic_write_text, output_paths, report, write_outputs

INPUT_SUFFIXES = (".txt", ".md")
REPORT_NAME = "report.json"


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
            if (
                name.lower().endswith(INPUT_SUFFIXES)
                and not name.startswith(".")
                and not _is_output_name(name)
            ):
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
        return ModelInfo(model.name, model.revision or "unresolved", resolve_backend(model.backend), model.device)

    def signature(self) -> RunSignature:
        return run_signature(self.info(), self.settings)


def _translate_one(
    item: InputFile, out_dir: Path, settings: Settings, model: _LazyTranslator, display: ProgressDisplay
) -> DocumentReport:
    started = time.perf_counter()
    document = read.read_file(item.path, item.label)
    inputs = {item.path.resolve()}
    targets = output_paths(out_dir / item.base, settings.output.formats)
    if any(target.resolve() in inputs for target in targets):
        raise OutputError(f"{item.label}: an output would overwrite the input; choose another -o folder")
    if document.paragraphs:
        result = translate_document(document, model.get(), settings, display.sentences)
    else:
        result = assemble(document, (), (), model.info(), settings)
    written = write_outputs(result, out_dir / item.base, settings.output.formats)
    return DocumentReport(
        input=item.label,
        status="done",
        outputs=tuple(str(p.relative_to(out_dir)) for p in written),
        sentences=len(result.source_sentences),
        mean_score=round(result.mean_score, 4) if result.mean_score is not None else None,
        flagged=result.flagged,
        seconds=time.perf_counter() - started,
        encoding=document.encoding,
        notes=result.notes,
    )


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
        display.start_documents(len(files))
        for item in files:
            try:
                reports.append(_translate_one(item, out, settings, model, display))
            except (InputError, OutputError) as exc:
                reports.append(DocumentReport(input=item.label, status="failed", error=str(exc)))
            except KeyboardInterrupt:
                interrupted = True
                break
            except Fr2EnError as exc:
                fatal = exc
                break
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
