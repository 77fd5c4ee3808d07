"""Batch runs: find the inputs, skip what is done, translate the rest, isolate failures, report.

For an input folder ``F`` the file ``F/sub/name.txt`` gives ``<out>/sub/name.*`` (the tree below
``F`` is mirrored); a file given by itself gives ``<out>/name.*``. Two inputs that would share
output names in one folder (``a.txt`` and ``a.md``) keep their full file names instead
(``a.txt.*``, ``a.md.*``).

A run survives being stopped, at any moment, and resumes:

- every document's outputs appear atomically, and a line in ``<out>/manifest.jsonl`` records them
  (see :mod:`fr2en.manifest`); a rerun skips a document whose input bytes, run key (the run
  signature, planned without loading the model, and the output formats) and outputs are unchanged,
  and redoes the rest (all of them with ``force``);
- sentences are looked up in the translation cache first (:mod:`fr2en.translate.cache`), so even a
  document cut short by a kill costs little to redo;
- an input that cannot be read, is binary or undecodable, changes while it is translated, or whose
  outputs cannot be written is reported as failed, and the run goes on;
- SIGINT (Ctrl-C) or SIGTERM stops the run after the model's current batch: the document in flight
  is left as it was, the report is written, and :class:`~fr2en.errors.Interrupted` is raised. A
  second Ctrl-C stops at once (KeyboardInterrupt), still leaving no half-written output.

Documents are read, translated and written one part at a time (see
:func:`~fr2en.pipeline.translate_scanned`) and only small per-document reports are kept, so memory
does not grow with the size of a document or of the folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType
from typing import Any

from fr2en import read
from fr2en.config import Settings
from fr2en.errors import (
    Fr2EnError,
    InputError,
    Interrupted,
    ModelLoadError,
    OutputError,
    UsageError,
    debugging,
)
from fr2en.executors import Stop
from fr2en.executors.local import WindowExecutor
from fr2en.formats import READERS, document_key
from fr2en.manifest import Entry, Manifest
from fr2en.pipeline import PreparedUnits, ScannedDocument, prepare_units, run_signature
from fr2en.progress import ProgressDisplay
from fr2en.translate import LazyTranslator, Translator, plan_model
from fr2en.types import BatchReport, DocumentPart, DocumentReport, FileScan, RunSignature, Translation
from fr2en.write import output_paths, report_html

# Plain text, and every format fr2en.formats reads (web pages, Markdown…).
INPUT_SUFFIXES = (".txt", *READERS)
REPORT_NAME = "report.json"
REPORT_PAGE_NAME = report_html.NAME


@dataclass(frozen=True)
class InputFile:
    """One discovered input: where it is, how to name it, and its output base relative to ``<out>``."""

    path: Path
    label: str
    base: Path
    # Set for a folder that could not be listed: reported as a failed input.
    error: str | None = None


# fr2en's own outputs: name.en.txt, name.fr-en.md, name.fr-en.html, name.en.html, name.en.md…
_OUTPUT_NAME = re.compile(r"\.(en|fr-en)\.[^.]+$", re.IGNORECASE)
# fr2en's HTML pages (a document's bilingual page under any name, report.html) say so in their head.
_FR2EN_PAGE = b'<meta name="generator" content="fr2en'


def _is_output_name(name: str) -> bool:
    """fr2en's own outputs (the English, the bilingual views, pages translated in place), never inputs."""
    return bool(_OUTPUT_NAME.search(name)) or name in (REPORT_PAGE_NAME, REPORT_NAME)


def _is_fr2en_page(path: Path) -> bool:
    """An HTML page that fr2en wrote (``report.html``, a bilingual page named ``name.html`` by older
    versions), recognised by its generator tag, never an input."""
    if not path.name.lower().endswith((".html", ".htm")):
        return False
    try:
        with path.open("rb") as handle:
            return _FR2EN_PAGE in handle.read(4096)
    except OSError:
        return False  # reported when it is read


def _walk(folder: Path, skip: Path | None, errors: list[OSError]) -> Iterator[Path]:
    """Text files below ``folder``, sorted, following links but never entering a folder twice.

    Folders that cannot be listed are added to ``errors`` rather than silently left out.
    """
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True, onerror=errors.append):
        here = Path(root)
        try:
            stat = here.stat()
        except OSError as exc:
            errors.append(exc)
            dirs[:] = []
            continue
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
                and not _is_fr2en_page(here / name)
            ):
                yield here / name


def discover(inputs: Sequence[str | Path], out_dir: Path) -> list[InputFile]:
    """Expand files and folders into the inputs to translate; UsageError for a path that does not exist."""
    resolved_out = out_dir.resolve()
    found: list[InputFile] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            errors: list[OSError] = []
            for file in _walk(path, resolved_out, errors):
                relative = file.relative_to(path)
                found.append(InputFile(file, str(file), relative.parent / relative.stem))
            for error in errors:
                where = Path(error.filename or path)
                reason = f"{where}: cannot list folder ({error.strerror or error})"
                found.append(InputFile(where, str(where), Path(where.name), reason))
        elif path.is_file():
            found.append(InputFile(path, str(path), Path(path.stem)))
        elif path.exists():
            raise UsageError(f"{given}: not a regular file or folder")
        else:
            raise UsageError(f"{given}: no such file or folder")
    # Keep the first of any duplicate (the same file reached twice), then disambiguate shared stems.
    unique = list({f.path.resolve(): f for f in reversed(found)}.values())[::-1]
    shared = Counter(f.base for f in unique)
    return [replace(f, base=f.base.with_name(f.path.name)) if shared[f.base] > 1 else f for f in unique]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def run_key(signature: RunSignature, formats: Sequence[str]) -> str:
    """What a resumed run compares with the manifest: the run signature and the output formats."""
    return f"{signature.as_text()}|formats:{','.join(formats)}"


# A stop asked for: raised by the progress callback after the model's current batch.
_Stop = Stop


class _StopSignals:
    """While a batch runs, SIGINT and SIGTERM ask it to stop after the model's current batch.

    A second SIGINT raises KeyboardInterrupt at once. Handlers can only be installed in the main
    thread; elsewhere Ctrl-C keeps Python's default behaviour (KeyboardInterrupt).
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self._saved: dict[int, Any] = {}

    def __enter__(self) -> _StopSignals:
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGINT, signal.SIGTERM):
                self._saved[number] = signal.signal(number, self._handle)
        return self

    def _handle(self, number: int, frame: FrameType | None) -> None:
        if self.received == signal.SIGINT and number == signal.SIGINT:
            raise KeyboardInterrupt
        self.received = self.received or number

    def check(self) -> None:
        """Raise _Stop if a stop was asked for."""
        if self.received is not None:
            raise _Stop

    def __exit__(self, *exc: object) -> None:
        for number, handler in self._saved.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


@dataclass(frozen=True)
class _Job:
    """What every document of a run shares."""

    out: Path
    settings: Settings
    translator: Translator
    manifest: Manifest
    key: str
    force: bool
    display: ProgressDisplay
    reports: dict[int, DocumentReport]
    debug: bool
    # Raises Stop when a stop was asked for.
    check_stop: Callable[[], None]
    # The nodes that translated some translations (the Ray executor's; none locally).
    nodes_of: Callable[[Sequence[Translation]], tuple[str, ...]] = lambda _: ()


def _failed(item: InputFile, error: str) -> DocumentReport:
    return DocumentReport(input=item.label, status="failed", error=error)


def _error_text(item: InputFile, error: BaseException) -> str:
    """A document's failure as its report says it: the error's line, or what to send us."""
    if isinstance(error, Fr2EnError):
        return str(error)
    # One document must not end an overnight run; the report says what to send us.
    return f"{item.label}: internal error ({type(error).__name__}: {error})"


class _Document:
    """One input in the executor's stream (a :class:`~fr2en.executors.DocumentJob`)."""

    def __init__(
        self,
        index: int,
        item: InputFile,
        scan: FileScan,
        job: _Job,
        key: str,
        entry: Entry | None,
        done: bool,
    ) -> None:
        self.index, self.item, self.scan, self.job, self.entry = index, item, scan, job, entry
        # The run's key and how this document's format is read (web pages: article or page).
        self.key = key
        self._done = done
        self.started = time.perf_counter()
        self.units = 0
        self.nodes: set[str] = set()
        self._writer: ScannedDocument | None = None

    @property
    def writer(self) -> ScannedDocument:
        """The outputs being written (made on first need: a skipped document never asks for the model)."""
        if self._writer is None:
            job = self.job
            # Not synced file by file: the manifest records every output's SHA-256 and a rerun checks
            # it, so after a power cut an output that did not reach the disk is simply redone.
            self._writer = ScannedDocument(
                self.item.path,
                self.scan,
                job.out / self.item.base,
                job.translator.info,
                job.settings,
                sync=False,
                report_link=report_html.link_from(self.item.base),
            )
        return self._writer

    @property
    def done(self) -> bool:
        """Finished by an earlier run (skipped)."""
        return self._done

    def count(self) -> int | None:
        """The units the manifest recorded for a done document."""
        return self.entry.units if self.entry is not None else None

    def parts(self) -> Iterator[tuple[DocumentPart, PreparedUnits]]:
        """The input read again and segmented, part by part."""
        for part in read.read_parts(self.item.path, self.scan, settings=self.job.settings):
            yield part, prepare_units(part.document, self.job.settings)

    def add(self, part: DocumentPart, prepared: PreparedUnits, translations: Sequence[Translation]) -> None:
        """Write one part whose units are translated."""
        self.units += len(prepared.units)
        self.nodes.update(self.job.nodes_of(translations))
        self.writer.add(part, prepared, translations)

    def finish(self) -> None:
        """Commit the outputs (if the input is unchanged), record them in the manifest and the report."""
        job = self.job
        summary, written = self.writer.commit(check=True)
        done = DocumentReport(
            input=self.item.label,
            status="done",
            outputs=tuple(str(p.relative_to(job.out)) for p in written),
            sentences=summary.sentences,
            mean_score=round(summary.mean_score, 4) if summary.mean_score is not None else None,
            flagged=summary.flagged,
            seconds=time.perf_counter() - self.started,
            encoding=self.scan.encoding,
            notes=summary.notes,
            nodes=tuple(sorted(self.nodes)),
        )
        # On disk after the model's current batch (see run_batch's progress), not line by line.
        job.manifest.record(
            self.item.base.as_posix(),
            self.scan.size,
            self.scan.sha256,
            self.key,
            done,
            self.units,
            sync=False,
            digests={str(p.relative_to(job.out)): d for p, d in self.writer.digests.items()},
        )
        job.reports[self.index] = done
        job.display.document_done()

    def fail(self, error: BaseException) -> None:
        """Record the failure; no output of this run is kept."""
        self.abandon()
        self.job.reports[self.index] = _failed(self.item, _error_text(self.item, error))
        self.job.display.document_done()

    def abandon(self) -> None:
        """The run stops: remove the temporary outputs."""
        if self._writer is not None:
            self._writer.abort()


def _overwrites(source: Path, targets: Sequence[Path]) -> bool:
    """Whether one of ``targets`` is the file ``source``, through any link (one ``stat`` per target)."""
    try:
        found = os.stat(source)
    except OSError:
        return False
    for target in targets:
        try:
            other = os.stat(target)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (found.st_dev, found.st_ino):
            return True
    return False


def _documents(files: Sequence[InputFile], job: _Job) -> Iterator[_Document]:
    """The stream of documents for the executor: scanned, those already done marked so (and reported
    skipped); an input that cannot be scanned is reported failed and stays out of the plan."""
    for index, item in enumerate(files):
        job.check_stop()
        started = time.perf_counter()
        try:
            if item.error is not None:
                raise InputError(item.error)
            scan = read.scan_file(item.path, item.label)
            key = job.key + document_key(item.path, job.settings)
            entry = job.manifest.get(item.base.as_posix())
            if (
                not job.force
                and entry is not None
                and entry.matches(scan.size, scan.sha256, key)
                and entry.outputs_intact(job.out)
            ):
                job.reports[index] = replace(
                    entry.report, input=item.label, status="skipped", seconds=time.perf_counter() - started
                )
                job.display.document_done()
                yield _Document(index, item, scan, job, key, entry, done=True)
                continue
            if _overwrites(item.path, output_paths(job.out / item.base, job.settings.output.formats)):
                raise OutputError(
                    f"{item.label}: an output would overwrite the input; choose another -o folder"
                )
        except (ModelLoadError, UsageError, Stop):
            raise
        except Exception as exc:
            if job.debug and not isinstance(exc, Fr2EnError):
                raise
            job.reports[index] = _failed(item, _error_text(item, exc))
            job.display.document_done()
            continue
        yield _Document(index, item, scan, job, key, None, done=False)


def run_batch(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    settings: Settings,
    *,
    translator: Translator | None = None,
    show_progress: bool | None = None,
    force: bool = False,
    cache: bool = True,
    executor: str = "local",
) -> BatchReport:
    """Translate every input into ``out_dir``, resuming where a run stopped; write ``report.json``/``.html``.

    A document already done with the same input and settings is skipped (``force`` redoes it);
    with ``cache``, sentences translated before by the same model and settings are not translated
    again. A document that cannot be read or written is reported as failed and the run goes on; a
    model that cannot be loaded stops the run (nothing else could succeed): after writing the report
    if something was done, else leaving no report and no new manifest behind.
    Raises InputError when the inputs hold no text file at all, and Interrupted after writing the
    report when SIGINT or SIGTERM stopped the run. The model is loaded only if something needs it.
    ``executor="ray"`` translates on Ray actors (:mod:`fr2en.executors.ray`), with the same outputs
    (a ``translator`` given is used as it is: a :class:`~fr2en.executors.ray.RayTranslator` is one).
    """
    from fr2en.translate.cache import CachedTranslator, TranslationCache

    if executor not in ("local", "ray"):
        raise UsageError(f"unknown executor {executor!r}; choose local or ray")
    if executor == "ray":
        from fr2en.executors.ray import require_ray

        require_ray()
    out = Path(out_dir)
    files = discover(inputs, out)
    if not files:
        given = ", ".join(str(i) for i in inputs)
        raise InputError(
            f"no input files found in {given} (fr2en reads {', '.join(INPUT_SUFFIXES)}); "
            "give a file or a folder that holds some"
        )
    started_at, started = _now(), time.perf_counter()
    # The device as asked (auto included) in both cases, so that a run given a translator and one
    # that loads the same model itself agree on what is done.
    if translator is not None:
        planned = replace(translator.info, device=settings.model.device)
    else:
        # A model that is not here yet is fetched now, or the run stops before writing any file.
        planned = plan_model(settings.model, fetch=True)
    engine: Translator = translator if translator is not None else LazyTranslator(settings.model)
    fatal: Fr2EnError | None = None
    debug = debugging()
    with contextlib.ExitStack() as stack:
        manifest = stack.enter_context(Manifest(out))
        if executor == "ray" and translator is None:
            from fr2en.executors.ray import RayTranslator

            engine = stack.enter_context(RayTranslator(settings))
        nodes_of: Callable[[Sequence[Translation]], tuple[str, ...]] = getattr(
            engine, "nodes_of", lambda _: ()
        )
        if cache:
            engine = CachedTranslator(engine, stack.enter_context(TranslationCache()), settings.model)
        stop = stack.enter_context(_StopSignals())
        display = stack.enter_context(ProgressDisplay(show_progress))

        def progress(done: int, total: int) -> None:
            # After each of the model's batches: the documents it finished are recorded on disk (a
            # disk that fails here fails the next document's record, which says so).
            with contextlib.suppress(OutputError):
                manifest.sync()
            stop.check()
            display.sentences(done, total)

        key = run_key(run_signature(planned, settings), settings.output.formats)
        by_index: dict[int, DocumentReport] = {}
        job = _Job(
            out, settings, engine, manifest, key, force, display, by_index, debug, stop.check, nodes_of
        )
        display.start_documents(len(files))
        try:
            WindowExecutor(engine, settings, progress=progress, debug=debug).run(_documents(files, job))
        except _Stop:
            pass
        except KeyboardInterrupt:
            stop.received = signal.SIGINT
        except (ModelLoadError, UsageError) as exc:
            fatal = exc
        reports = [by_index[i] for i in sorted(by_index)]
        translated = any(r.status == "done" for r in reports)
        batch = BatchReport(
            documents=tuple(reports),
            output_dir=str(out),
            # Resolved (the device, say) once something was translated; as planned otherwise.
            signature=run_signature(engine.info if translated else planned, settings),
            seconds=time.perf_counter() - started,
            started=started_at,
            finished=_now(),
            interrupted=stop.received is not None,
        )
        # A model that cannot be loaded leaves nothing behind when nothing was done (no report of a
        # run that never started); otherwise the report says what was finished before it failed.
        stillborn = isinstance(fatal, ModelLoadError) and not translated
        if not stillborn:
            report_html.write_reports(batch, out)
    if stillborn:
        manifest.discard()
    if fatal is not None:
        raise fatal
    if stop.received is not None:
        name = signal.Signals(stop.received).name
        kept = sum(1 for r in reports if r.status in ("done", "skipped"))
        raise Interrupted(
            f"interrupted by {name}: {kept} document(s) finished and kept in {out} (see {REPORT_NAME}); "
            "rerun the same command to continue",
            stop.received,
        )
    return batch
