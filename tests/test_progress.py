"""The progress display: one sentences bar for the whole run, its total estimated as documents come."""

from __future__ import annotations

import pytest

from fr2en.progress import ProgressDisplay, estimate_total


def test_estimate_total_extrapolates_by_documents() -> None:
    assert estimate_total(10, 1, 4) == 40
    assert estimate_total(30, 3, 4) == 40
    assert estimate_total(10, 0, 4) == 10
    assert estimate_total(10, 5, 4) == 10


def _bar(display: ProgressDisplay) -> tuple[float, float | None]:
    task = display._progress.tasks[-1]
    return task.completed, task.total


def test_sentences_add_up_across_documents_and_calls() -> None:
    with ProgressDisplay(enabled=True) as display:
        display.start_documents(4)
        display.sentences(5, 10)
        assert _bar(display) == (5, 40)
        display.sentences(10, 10)
        display.document_done()
        # The second document comes in two calls (a long document translated part by part).
        display.sentences(3, 6)
        assert _bar(display) == (13, 32)  # 16 known in 2 documents: 8 a document
        display.sentences(6, 6)
        display.sentences(2, 4)
        assert _bar(display) == (18, 40)  # 20 known in 2 documents
        display.sentences(4, 4)
        display.document_done()
        assert display._progress.tasks[0].completed == 2


def test_disabled_display_draws_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with ProgressDisplay(enabled=False) as display:
        display.start_documents(1)
        display.sentences(1, 1)
        display.document_done()
    assert capsys.readouterr().err == ""
