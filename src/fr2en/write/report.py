"""``report.json``: the machine-readable record of a batch run (``report.html`` shows the same data)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from fr2en.types import BatchReport


def totals(report: BatchReport) -> dict[str, Any]:
    """The run's totals (shared by report.json and report.html): documents by status, sentences,
    flagged pairs, the mean score over the done documents' sentences, seconds."""
    done = [d for d in report.documents if d.status == "done"]
    scored = [d for d in done if d.mean_score is not None]
    sentences = sum(d.sentences for d in done)
    return {
        "documents": len(report.documents),
        "done": len(done),
        "skipped": sum(1 for d in report.documents if d.status == "skipped"),
        "failed": len(report.failed),
        "sentences": sentences,
        "flagged": sum(d.flagged for d in done),
        "mean_score": (
            round(sum(d.mean_score * d.sentences for d in scored if d.mean_score is not None) / sentences, 4)
            if sentences
            else None
        ),
        "seconds": round(report.seconds, 3),
    }


def render(report: BatchReport) -> str:
    """The batch report as indented JSON: documents, totals and the run signature."""
    payload = {
        "fr2en_report": 1,
        "output_dir": report.output_dir,
        "started": report.started,
        "finished": report.finished,
        "interrupted": report.interrupted,
        "signature": report.signature.as_dict() if report.signature else None,
        "signature_text": report.signature.as_text() if report.signature else None,
        "totals": totals(report),
        "documents": [
            {**asdict(d), "seconds": round(d.seconds, 3), "outputs": list(d.outputs), "notes": list(d.notes)}
            for d in report.documents
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
