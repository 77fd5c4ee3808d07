"""The progress display: a whole-run sentences bar with an estimated total."""

from __future__ import annotations

from fr2en.progress import ProgressDisplay, estimate_total


def test_estimate_total_extrapolates_by_bytes() -> None:
    assert estimate_total(10, 1000, 4000) == 40
    assert estimate_total(10, 0, 4000) == 10
    assert estimate_total(10, 5000, 4000) == 10


def test_sentences_bar_counts_across_groups() -> None:
    with ProgressDisplay(enabled=True) as display:
        display.start(documents=3, total_bytes=300)
        display.start_group(100)
        display.sentences(5, 10)
        task = display._progress.tasks[-1]
        assert (task.completed, task.total) == (5, 30)
        display.sentences(10, 10)
        display.end_group()
        display.document_done()
        display.start_group(200)
        display.sentences(4, 8)
        task = display._progress.tasks[-1]
        assert (task.completed, task.total) == (14, 18)


def test_disabled_display_draws_nothing(capsys) -> None:  # type: ignore[no-untyped-def]
    with ProgressDisplay(enabled=False) as display:
        display.start(1, 10)
        display.start_group(10)
        display.sentences(1, 1)
        display.end_group()
        display.document_done()
    assert capsys.readouterr().err == ""
