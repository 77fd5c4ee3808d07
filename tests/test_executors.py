"""The streaming executor: documents share planned batches in a bounded window, and the plan is a
pure function of the inputs (a resumed run forms the batches of an uninterrupted one)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import pytest

from fr2en.batch import run_batch
from fr2en.config import BatchSettings, Settings, load_settings
from fr2en.translate.batching import BatchLimits, plan_window

from .conftest import FakeTranslator
from .test_batch import outputs_of, statuses


def write_folder(root: Path, sizes: Sequence[int]) -> list[Path]:
    """Articles of ``sizes[i]`` sentences of varied lengths, all different."""
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, size in enumerate(sizes):
        sentences = [
            f"Le texte {number} dit {'très ' * ((number + s) % 5)}longuement la phrase {s}."
            for s in range(size)
        ]
        path = root / f"doc{number:02d}.txt"
        path.write_text(" ".join(sentences[:2]) + "\n\n" + " ".join(sentences[2:]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def with_window(settings: Settings, size: int, **model: object) -> Settings:
    changed = dataclasses.replace(settings.model, **model) if model else settings.model
    return dataclasses.replace(settings, model=changed, batch=BatchSettings(window_sentences=size))


class Recorder(FakeTranslator):
    """A fake model that records every planned batch it is asked for, and plans with small batches."""

    def __init__(self) -> None:
        super().__init__(hook=self._record)
        self.batches: list[tuple[str, ...]] = []

    def _record(self, sentences: Sequence[str]) -> None:
        self.batches.append(tuple(sentences))

    def batch_limits(self) -> BatchLimits:
        return BatchLimits(budget_tokens=40, max_sentences=3, workers=2)


@pytest.fixture
def settings() -> Settings:
    return load_settings(environ={})


def test_the_plan_is_pure_and_plain_data() -> None:
    limits = BatchLimits(budget_tokens=40, max_sentences=3, workers=2)
    lengths = [5, 12, 3, 9, 9, 1, 30]
    plan = plan_window(lengths, limits)
    assert plan == plan_window(list(lengths), limits)
    assert sorted(i for batch in plan for i in batch) == list(range(len(lengths)))
    assert all(isinstance(batch, tuple) for batch in plan)


def test_documents_share_batches_across_a_window(tmp_path: Path, settings: Settings) -> None:
    write_folder(tmp_path / "in", [2, 1, 3, 1])
    fake = Recorder()
    run_batch([tmp_path / "in"], tmp_path / "out", with_window(settings, 64), translator=fake, cache=False)
    documents_per_batch = [len({s.split()[2] for s in batch}) for batch in fake.batches]
    assert max(documents_per_batch) > 1
    assert sorted(s for batch in fake.batches for s in batch) == sorted(fake.asked)


def test_a_resumed_run_recomputes_exactly_the_planned_batches_it_needs(
    tmp_path: Path, settings: Settings
) -> None:
    write_folder(tmp_path / "in", [3, 1, 4, 2, 5, 1, 3])
    small = with_window(settings, 5)
    first = Recorder()
    run_batch([tmp_path / "in"], tmp_path / "out", small, translator=first, cache=False)
    reference = outputs_of(tmp_path / "out")
    # Two documents to do again (their outputs were lost), the rest done.
    for gone in (tmp_path / "out").glob("doc0[25].*"):
        gone.unlink()
    again = Recorder()
    report = run_batch([tmp_path / "in"], tmp_path / "out", small, translator=again, cache=False)
    assert {n for n, s in statuses(report).items() if s == "done"} == {"doc02.txt", "doc05.txt"}
    todo = {f"{n}" for n in (2, 5)}
    needed = [b for b in first.batches if any(s.split()[2] in todo for s in b)]
    assert again.batches == needed  # the same batches, in full, and no other
    assert any(any(s.split()[2] not in todo for s in b) for b in needed)  # some mix done sentences in
    assert outputs_of(tmp_path / "out") == reference


@pytest.mark.parametrize("unit", ["sentence", "paragraph"])
def test_windows_of_any_size_give_the_same_outputs(tmp_path: Path, settings: Settings, unit: str) -> None:
    write_folder(tmp_path / "in", [6, 1, 9, 2])
    outputs = []
    for size in (1, 3, 2048):
        out = tmp_path / f"out{size}"
        run_batch(
            [tmp_path / "in"],
            out,
            with_window(settings, size, unit=unit),
            translator=FakeTranslator(),
            cache=False,
        )
        outputs.append(outputs_of(out))
    assert outputs[0] == outputs[1] == outputs[2]


def test_a_bad_file_inside_a_window_fails_alone(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "in"
    write_folder(folder, [2, 2, 2])
    (folder / "doc01b.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    report = run_batch(
        [folder], tmp_path / "out", with_window(settings, 64), translator=Recorder(), cache=False
    )
    got = statuses(report)
    assert got["doc01b.txt"] == "failed"
    assert {got[f"doc0{n}.txt"] for n in range(3)} == {"done"}
    assert [Path(d.input).name for d in report.documents] == sorted(got)  # in discovery order
    assert (tmp_path / "out" / "doc02.tsv").exists() and not (tmp_path / "out" / "doc01b.tsv").exists()


@pytest.mark.model
def test_ct2_greedy_gives_a_document_in_a_folder_its_outputs_alone(
    tmp_path: Path, tiny_settings: Settings
) -> None:
    """CTranslate2's greedy search is batch-invariant and each row's cap and evidence are its own,
    so sharing batches with other documents changes nothing (cache off)."""
    pytest.importorskip("ctranslate2")
    from fr2en.translate import load_translator

    settings = with_window(tiny_settings, 2048, backend="ct2", beam=1, threads=1)
    translator = load_translator(settings.model)
    paths = write_folder(tmp_path / "in", [3, 1, 6, 2])
    run_batch([tmp_path / "in"], tmp_path / "folder", settings, translator=translator, cache=False)
    together = outputs_of(tmp_path / "folder")
    for path in paths:
        alone = tmp_path / f"alone-{path.stem}"
        run_batch([path], alone, settings, translator=translator, cache=False)
        mine = outputs_of(alone)
        assert mine and all(together[name] == data for name, data in mine.items())


@pytest.mark.model
def test_a_planned_batch_splits_and_rejoins_a_long_sentence_as_translate_does(
    tiny_settings: Settings,
) -> None:
    pytest.importorskip("ctranslate2")
    from fr2en.translate import load_translator, translate_batches

    translator = load_translator(dataclasses.replace(tiny_settings.model, backend="ct2", beam=1, threads=1))
    long = " ".join(f"la phrase numéro {n} continue, et encore" for n in range(120)) + "."
    batches = [["Oui.", long, "Le chat dort."], ["Non."]]
    planned = list(translate_batches(translator, batches))
    assert planned[0][1].parts > 1
    assert planned == [translator.translate(batch) for batch in batches]
