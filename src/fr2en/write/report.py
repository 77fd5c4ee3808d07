"""``report.json``: the machine-readable record of a batch run (``report.html`` shows the same data).

The report of a resumed run describes the whole output folder: a document skipped because an earlier
run made its outputs keeps the numbers recorded then (in the manifest), the totals cover every
document, and each document's ``this_run`` says whether it was translated in this run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fr2en.types import BatchReport, DocumentReport, DocumentResult

NAME = "report.json"

# A document's numbers are counted when its outputs are in the folder: made now, or kept from before.
_COUNTED = ("done", "skipped")


def this_run(document: DocumentReport) -> bool:
    """Whether the document was translated in this run (a skipped one kept an earlier run's outputs)."""
    return document.status == "done"


def totals(report: BatchReport) -> dict[str, Any]:
    """The run's totals (shared by report.json and report.html), over the whole output folder.

    Documents by status; ``sentences``, ``flagged`` and ``mean_score`` (weighted by sentences) over
    every document whose outputs are there, those skipped because an earlier run made them included
    (with the numbers it recorded); ``this_run`` the same numbers for the documents translated now.
    """
    counted = [d for d in report.documents if d.status in _COUNTED]
    return {
        "documents": len(report.documents),
        "done": sum(1 for d in counted if this_run(d)),
        "skipped": sum(1 for d in counted if not this_run(d)),
        "failed": len(report.failed),
        **_numbers(counted),
        "this_run": {
            "documents": sum(1 for d in counted if this_run(d)),
            **_numbers(filter(this_run, counted)),
        },
        "seconds": round(report.seconds, 3),
    }


def _numbers(documents: Iterable[DocumentReport]) -> dict[str, Any]:
    """Sentences, flagged pairs and the mean score weighted by sentences, over ``documents``."""
    chosen = list(documents)
    sentences = sum(d.sentences for d in chosen)
    weighted = sum(d.mean_score * d.sentences for d in chosen if d.mean_score is not None)
    return {
        "sentences": sentences,
        "flagged": sum(d.flagged for d in chosen),
        "mean_score": round(weighted / sentences, 4) if sentences else None,
    }


def _document(document: DocumentReport) -> dict[str, object]:
    return {
        **asdict(document),
        "this_run": this_run(document),
        "seconds": round(document.seconds, 3),
        "outputs": list(document.outputs),
        "notes": list(document.notes),
    }


def render_chunks(report: BatchReport) -> Iterator[str]:
    """The batch report as indented JSON (documents, totals, the run signature), a document at a
    time: the text of ``json.dumps(..., indent=2)`` without a folder's worth of it in memory."""
    head = {
        "fr2en_report": 1,
        "output_dir": report.output_dir,
        "started": report.started,
        "finished": report.finished,
        "interrupted": report.interrupted,
        "signature": report.signature.as_dict() if report.signature else None,
        "signature_text": report.signature.as_text() if report.signature else None,
        "totals": totals(report),
        "documents": [],
    }
    # "documents" comes last: the head's text ends with its empty list, which the documents fill.
    text = json.dumps(head, ensure_ascii=False, indent=2)
    cut = text.rindex("[]")
    yield text[: cut + 1]
    separator = "\n    "
    for document in report.documents:
        yield separator + json.dumps(_document(document), ensure_ascii=False, indent=2).replace(
            "\n", "\n    "
        )
        separator = ",\n    "
    yield ("\n  " if report.documents else "") + text[cut + 1 :] + "\n"


def render(report: BatchReport) -> str:
    """The batch report as indented JSON: documents, totals and the run signature."""
    return "".join(render_chunks(report))


def now() -> str:
    """The current time as the reports give it: ISO 8601, UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def of_document(
    result: DocumentResult, label: str, folder: Path, written: Sequence[Path], started: str, seconds: float
) -> BatchReport:
    """The report of a run that made one document's outputs (``fr2en align``, ``fr2en score``): the
    same ``report.json`` as a batch's, with that one document, done in this run."""
    document = DocumentReport(
        input=label,
        status="done",
        outputs=tuple(path.relative_to(folder).as_posix() for path in written),
        sentences=len(result.source_sentences),
        mean_score=round(result.mean_score, 4) if result.mean_score is not None else None,
        flagged=result.flagged,
        seconds=seconds,
        notes=result.notes,
    )
    return BatchReport((document,), str(folder), result.signature, seconds, started, now())
