"""Batch runs: discovery, the mirrored tree, failure isolation, the report."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from fr2en import fsutil, translate
from fr2en.batch import REPORT_NAME, discover, run_batch
from fr2en.cli import main
from fr2en.config import BatchSettings, ScoreSettings, Settings, load_settings
from fr2en.errors import InputError, Interrupted, ModelLoadError, UsageError
from fr2en.manifest import MANIFEST_NAME, Manifest
from fr2en.types import BatchReport

from .conftest import REPO, TINY_CONFIG, FakeTranslator


def make_tree(root: Path) -> None:
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_text("Une phrase.\n", encoding="utf-8")
    (root / "sub" / "b.md").write_text("# Titre\n\nDu texte.\n", encoding="utf-8")
    (root / "sub" / "deeper" / "c.txt").write_text("Encore.\n", encoding="utf-8")
    (root / "sub" / "notes.csv").write_text("x,y\n", encoding="utf-8")
    (root / ".hidden.txt").write_text("Caché.\n", encoding="utf-8")


def test_discover_mirrors_the_tree_below_the_folder(tmp_path: Path) -> None:
    make_tree(tmp_path / "in")
    found = discover([tmp_path / "in"], tmp_path / "out")
    assert [str(f.base) for f in found] == ["a", "sub/b", "sub/deeper/c"]


def test_a_single_file_goes_to_the_top_of_the_output(tmp_path: Path) -> None:
    make_tree(tmp_path / "in")
    found = discover([tmp_path / "in" / "sub" / "deeper" / "c.txt"], tmp_path / "out")
    assert [str(f.base) for f in found] == ["c"]


def test_shared_stems_keep_their_full_names(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "a.md", "b.txt"):
        (tmp_path / "in" / name).write_text("Texte.\n")
    bases = sorted(str(f.base) for f in discover([tmp_path / "in"], tmp_path / "out"))
    assert bases == ["a.md", "a.txt", "b"]


def test_the_output_folder_and_english_outputs_are_never_inputs(tmp_path: Path) -> None:
    make_tree(tmp_path / "in")
    (tmp_path / "in" / "out").mkdir()
    (tmp_path / "in" / "out" / "a.en.txt").write_text("An output.\n")
    (tmp_path / "in" / "x.en.txt").write_text("Another output.\n")
    found = discover([tmp_path / "in"], tmp_path / "in" / "out")
    assert [str(f.base) for f in found] == ["a", "sub/b", "sub/deeper/c"]


def test_symlink_loops_do_not_hang_the_walk(tmp_path: Path) -> None:
    make_tree(tmp_path / "in")
    (tmp_path / "in" / "sub" / "loop").symlink_to(tmp_path / "in", target_is_directory=True)
    found = discover([tmp_path / "in"], tmp_path / "out")
    assert len(found) == len({f.path.resolve() for f in found}) == 3


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or folder"):
        discover([tmp_path / "missing"], tmp_path / "out")


def test_a_folder_without_text_files_is_an_input_error(tmp_path: Path, tiny_settings) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "data.csv").write_text("x\n")
    with pytest.raises(InputError, match=r"no input files found"):
        run_batch([tmp_path / "in"], tmp_path / "out", tiny_settings)


@pytest.mark.model
def test_bad_files_are_reported_and_the_rest_is_done(tmp_path: Path, tiny_settings, tiny_translator) -> None:  # type: ignore[no-untyped-def]
    make_tree(tmp_path / "in")
    (tmp_path / "in" / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    report = run_batch(
        [tmp_path / "in"], tmp_path / "out", tiny_settings, translator=tiny_translator, show_progress=False
    )
    statuses = {Path(d.input).name: d.status for d in report.documents}
    assert statuses == {
        "a.txt": "done",
        "b.md": "done",
        "c.txt": "done",
        "broken.txt": "failed",
        "empty.txt": "done",
    }
    saved = json.loads((tmp_path / "out" / REPORT_NAME).read_text())
    assert saved["totals"]["failed"] == 1
    by_name = {Path(d["input"]).name: d for d in saved["documents"]}
    assert "not a text file" in by_name["broken.txt"]["error"]
    assert by_name["empty.txt"]["sentences"] == 0 and by_name["empty.txt"]["notes"]
    assert (tmp_path / "out" / "empty.en.txt").read_text() == ""
    assert (tmp_path / "out" / "sub" / "deeper" / "c.tsv").exists()
    assert saved["signature"]["model"] == "fr2en:tiny"


# --- Resume, failure isolation and stopping, with a fast stand-in for the model -----------------------


def make_articles(root: Path, count: int = 3, sentences: int = 2) -> list[Path]:
    """``count`` small French articles whose sentences are all different."""
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        lines = [f"Article {number}"] + [
            f"Le texte numéro {number} dit la phrase {s} à Paris." for s in range(sentences)
        ]
        path = root / f"doc{number:02d}.txt"
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def outputs_of(folder: Path) -> dict[str, bytes]:
    """Every output file below ``folder`` (run records excluded), by relative path."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        # report.html is a run record too, once the bilingual-outputs work is in.
        if p.is_file() and p.name not in (REPORT_NAME, "report.html", MANIFEST_NAME)
    }


def statuses(report: BatchReport) -> dict[str, str]:
    return {Path(d.input).name: d.status for d in report.documents}


@pytest.fixture
def settings() -> Settings:
    return load_settings(environ={})


def test_a_rerun_skips_what_is_done_with_its_previous_numbers(tmp_path: Path, settings: Settings) -> None:
    make_articles(tmp_path / "in")
    fake = FakeTranslator()
    first = run_batch([tmp_path / "in"], tmp_path / "out", settings, translator=fake, cache=False)
    assert set(statuses(first).values()) == {"done"}
    asked = len(fake.asked)
    second = run_batch([tmp_path / "in"], tmp_path / "out", settings, translator=fake, cache=False)
    assert set(statuses(second).values()) == {"skipped"}
    assert len(fake.asked) == asked
    for before, after in zip(first.documents, second.documents, strict=True):
        assert (after.sentences, after.mean_score, after.flagged, after.encoding, after.outputs) == (
            before.sentences,
            before.mean_score,
            before.flagged,
            before.encoding,
            before.outputs,
        )
    saved = json.loads((tmp_path / "out" / REPORT_NAME).read_text())
    assert saved["totals"]["skipped"] == 3
    # The resumed run's report describes the whole folder, not only what this run translated.
    assert saved["totals"]["sentences"] == sum(d.sentences for d in first.documents) > 0
    assert saved["totals"]["this_run"]["sentences"] == 0
    forced = run_batch(
        [tmp_path / "in"], tmp_path / "out", settings, translator=fake, cache=False, force=True
    )
    assert set(statuses(forced).values()) == {"done"} and len(fake.asked) == 2 * asked


def test_changed_inputs_outputs_and_settings_are_redone(tmp_path: Path, settings: Settings) -> None:
    paths = make_articles(tmp_path / "in", count=4)
    out = tmp_path / "out"

    def run(with_settings: Settings = settings) -> dict[str, str]:
        return statuses(
            run_batch([tmp_path / "in"], out, with_settings, translator=FakeTranslator(), cache=False)
        )

    run()
    paths[0].write_text("Un texte changé.\n", encoding="utf-8")
    (out / "doc01.tsv").unlink()
    (out / "doc02.en.txt").write_text("Edited by hand.\n", encoding="utf-8")
    assert run() == {"doc00.txt": "done", "doc01.txt": "done", "doc02.txt": "done", "doc03.txt": "skipped"}
    assert set(run(dataclasses.replace(settings, score=ScoreSettings(threshold=0.9))).values()) == {"done"}
    fewer = dataclasses.replace(settings, output=dataclasses.replace(settings.output, formats=("txt", "tsv")))
    assert set(run(fewer).values()) == {"done"}
    assert set(run(fewer).values()) == {"skipped"}


def test_a_full_disk_fails_one_document_and_leaves_no_partial_output(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_articles(tmp_path / "in")
    out = tmp_path / "out"
    real_create, real_write, real_close = fsutil._create_beside, os.write, os.close
    full: set[int] = set()  # the open descriptors of doc01's outputs: their disk is full

    def create_beside(path: Path) -> tuple[int, Path]:
        handle, temporary = real_create(path)
        if path.name.startswith("doc01."):
            full.add(handle)
        return handle, temporary

    def write(handle: int, data: Any) -> int:
        if handle in full:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(handle, data)

    def close(handle: int) -> None:
        full.discard(handle)
        real_close(handle)

    monkeypatch.setattr(fsutil, "_create_beside", create_beside)
    monkeypatch.setattr(fsutil.os, "write", write)
    monkeypatch.setattr(fsutil.os, "close", close)
    report = run_batch([tmp_path / "in"], out, settings, translator=FakeTranslator(), cache=False)
    assert statuses(report) == {"doc00.txt": "done", "doc01.txt": "failed", "doc02.txt": "done"}
    assert "No space left on device" in (report.failed[0].error or "")
    assert not [
        p for p in out.rglob("*") if p.name.startswith(("doc01", ".doc01")) or p.name.endswith(".part")
    ]
    monkeypatch.undo()
    rerun = run_batch([tmp_path / "in"], out, settings, translator=FakeTranslator(), cache=False)
    assert statuses(rerun) == {"doc00.txt": "skipped", "doc01.txt": "done", "doc02.txt": "skipped"}


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_an_output_name_that_links_to_the_input_fails_that_document_alone(
    tmp_path: Path, settings: Settings
) -> None:
    make_articles(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    (out / "doc01.tsv").symlink_to(tmp_path / "in" / "doc01.txt")
    before = (tmp_path / "in" / "doc01.txt").read_bytes()
    report = run_batch([tmp_path / "in"], out, settings, translator=FakeTranslator(), cache=False)
    assert statuses(report) == {"doc00.txt": "done", "doc01.txt": "failed", "doc02.txt": "done"}
    assert "would overwrite the input" in (report.failed[0].error or "")
    assert (tmp_path / "in" / "doc01.txt").read_bytes() == before


def test_unreadable_files_and_folders_are_reported_and_the_rest_is_done(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_articles(tmp_path / "in")
    make_articles(tmp_path / "in" / "locked")
    secret = tmp_path / "in" / "doc01.txt"
    opened, scandir = Path.open, os.scandir

    def refuse_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == secret:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return opened(self, *args, **kwargs)

    def refuse_scandir(path: Any = ".") -> Any:
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(Path, "open", refuse_open)
    monkeypatch.setattr(os, "scandir", refuse_scandir)
    report = run_batch(
        [tmp_path / "in"], tmp_path / "out", settings, translator=FakeTranslator(), cache=False
    )
    assert statuses(report) == {
        "doc00.txt": "done",
        "doc01.txt": "failed",
        "doc02.txt": "done",
        "locked": "failed",
    }
    errors = sorted(d.error or "" for d in report.failed)
    assert "doc01.txt: permission denied" in errors[0] and "locked: cannot list folder" in errors[1]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_among_the_inputs_does_not_hang_the_run(tmp_path: Path, settings: Settings) -> None:
    make_articles(tmp_path / "in", count=1)
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    report = run_batch(
        [tmp_path / "in"], tmp_path / "out", settings, translator=FakeTranslator(), cache=False
    )
    assert statuses(report) == {"doc00.txt": "done", "pipe.txt": "failed"}
    assert "not a regular file" in (report.failed[0].error or "")


def test_a_file_that_changes_while_it_is_translated_is_failed_then_redone(
    tmp_path: Path, settings: Settings
) -> None:
    [path] = make_articles(tmp_path / "in", count=1)

    def edit(sentences: Sequence[str]) -> None:
        with path.open("a", encoding="utf-8") as handle:
            handle.write("Une phrase ajoutée pendant la traduction.\n")

    report = run_batch([path], tmp_path / "out", settings, translator=FakeTranslator(hook=edit), cache=False)
    assert "changed while it was being translated" in (report.failed[0].error or "")
    assert not (tmp_path / "out" / "doc00.tsv").exists()
    rerun = run_batch([path], tmp_path / "out", settings, translator=FakeTranslator(), cache=False)
    assert statuses(rerun) == {"doc00.txt": "done"}
    assert "ajoutée pendant" in (tmp_path / "out" / "doc00.tsv").read_text(encoding="utf-8")


def test_an_unexpected_error_in_one_document_does_not_end_the_run(tmp_path: Path, settings: Settings) -> None:
    make_articles(tmp_path / "in")

    def crash(sentences: Sequence[str]) -> None:
        if any("numéro 1" in s for s in sentences):
            raise RuntimeError("CUDA out of memory")

    report = run_batch([tmp_path / "in"], tmp_path / "out", settings, translator=FakeTranslator(hook=crash))
    assert statuses(report) == {"doc00.txt": "done", "doc01.txt": "failed", "doc02.txt": "done"}
    assert "internal error (RuntimeError: CUDA out of memory)" in (report.failed[0].error or "")


def test_a_model_that_cannot_load_stops_the_run_and_leaves_nothing_behind(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_articles(tmp_path / "in")

    def cannot_load(model: Any) -> Any:
        raise ModelLoadError("model X cannot be loaded")

    monkeypatch.setattr(translate, "load_translator", cannot_load)
    tiny = dataclasses.replace(settings, model=dataclasses.replace(settings.model, name="fr2en:tiny"))
    with pytest.raises(ModelLoadError):
        run_batch([tmp_path / "in"], tmp_path / "out", tiny, cache=False)
    # Found, then failing to load (a broken model folder): no report, no manifest, no output folder.
    assert not (tmp_path / "out").exists()


def test_a_model_that_cannot_load_keeps_an_earlier_runs_work(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_articles(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([tmp_path / "in"], out, settings, translator=FakeTranslator(), cache=False)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (tmp_path / "in" / "new.txt").write_text("Une phrase de plus.", encoding="utf-8")

    def cannot_load(model: Any) -> Any:
        raise ModelLoadError("model X cannot be loaded")

    monkeypatch.setattr(translate, "load_translator", cannot_load)
    tiny = dataclasses.replace(settings, model=dataclasses.replace(settings.model, name="fr2en:tiny"))
    with pytest.raises(ModelLoadError):
        run_batch([tmp_path / "in"], out, tiny, cache=False)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_a_model_that_cannot_be_fetched_stops_the_run_before_any_file(
    tmp_path: Path, settings: Settings
) -> None:
    make_articles(tmp_path / "in")
    # The default hub model, absent from the tests' empty cache, with the hub off (HF_HUB_OFFLINE).
    with pytest.raises(ModelLoadError, match="not in the local cache"):
        run_batch([tmp_path / "in"], tmp_path / "out", settings, cache=False)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("signals", "code"),
    [((signal.SIGINT,), 130), ((signal.SIGTERM,), 143), ((signal.SIGINT, signal.SIGINT), 130)],
)
def test_a_signal_stops_after_the_current_batch_and_keeps_what_is_done(
    tmp_path: Path, settings: Settings, signals: tuple[int, ...], code: int
) -> None:
    make_articles(tmp_path / "in", count=4)
    out = tmp_path / "out"
    # Windows of 3 units: one document each (the documents of a window share batches).
    settings = dataclasses.replace(settings, batch=BatchSettings(window_sentences=3))

    def interrupt(sentences: Sequence[str]) -> None:
        if any("numéro 1" in s for s in sentences):
            for number in signals:
                os.kill(os.getpid(), number)

    previous = signal.getsignal(signal.SIGINT)
    with pytest.raises(Interrupted) as stopped:
        run_batch([tmp_path / "in"], out, settings, translator=FakeTranslator(hook=interrupt), cache=False)
    assert signal.getsignal(signal.SIGINT) is previous  # the handlers are put back
    assert stopped.value.exit_code == code
    assert signal.Signals(signals[0]).name in str(stopped.value)
    saved = json.loads((out / REPORT_NAME).read_text())
    assert saved["interrupted"] is True
    # The batch that was running when the signal came is finished, and its document kept; a second
    # Ctrl-C stops at once.
    kept = ["doc00.txt"] if len(signals) > 1 else ["doc00.txt", "doc01.txt"]
    assert [Path(d["input"]).name for d in saved["documents"]] == kept
    assert len((out / MANIFEST_NAME).read_text().splitlines()) == len(kept)
    assert not [p for p in out.rglob("*") if p.name.startswith("doc02") or p.name.endswith(".part")]
    rerun = run_batch([tmp_path / "in"], out, settings, translator=FakeTranslator(), cache=False)
    assert statuses(rerun) == {
        "doc00.txt": "skipped",
        "doc01.txt": "skipped" if len(signals) == 1 else "done",
        "doc02.txt": "done",
        "doc03.txt": "done",
    }


# --- The targets, on the tiny model ---------------------------------------------------------

NOT_LOADED = """
import sys
from pathlib import Path
from fr2en import load_settings, run_batch
report = run_batch([sys.argv[1]], sys.argv[2], load_settings(Path(sys.argv[3]), environ={}))
assert {d.status for d in report.documents} == {"skipped"}, report.documents
assert "torch" not in sys.modules and "transformers" not in sys.modules, "the model was loaded"
"""


@pytest.mark.model
def test_a_second_run_over_an_unchanged_folder_does_not_load_the_model(
    tmp_path: Path, tiny_settings: Settings, tiny_translator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_articles(tmp_path / "in", count=2)
    out = tmp_path / "out"
    run_batch([tmp_path / "in"], out, tiny_settings, translator=tiny_translator)
    first = outputs_of(out)
    # In another process: nothing to do, so neither torch nor transformers is even imported.
    done = subprocess.run(
        [sys.executable, "-c", NOT_LOADED, str(tmp_path / "in"), str(out), str(TINY_CONFIG)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr

    def must_not_load(model: Any) -> Any:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(translate, "load_translator", must_not_load)
    again = run_batch([tmp_path / "in"], out, tiny_settings)
    assert set(statuses(again).values()) == {"skipped"}
    # Forced, every sentence comes from the cache, still without the model, to the same bytes.
    forced = run_batch([tmp_path / "in"], out, tiny_settings, force=True)
    assert set(statuses(forced).values()) == {"done"}
    assert outputs_of(out) == first


@pytest.mark.model
@pytest.mark.cli
def test_binary_windows1252_and_empty_files_among_good_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    make_articles(folder, count=2, sentences=1)
    french = "Élève « déjà » reçu : œuvre à 12 € — l’été, çà et là."
    (folder / "legacy.txt").write_bytes(french.encode("cp1252") + b"\r\n")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    code = main(["translate", str(folder), "--config", str(TINY_CONFIG), "-o", str(out), "-q"])
    assert code == 1
    assert "image.txt: not a text file" in capsys.readouterr().err
    saved = json.loads((out / REPORT_NAME).read_text())
    by_name = {Path(d["input"]).name: d for d in saved["documents"]}
    assert {name: d["status"] for name, d in by_name.items()} == {
        "doc00.txt": "done",
        "doc01.txt": "done",
        "empty.txt": "done",
        "image.txt": "failed",
        "legacy.txt": "done",
    }
    assert by_name["legacy.txt"]["encoding"] == "cp1252"
    rows = (out / "legacy.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert " ".join(row.split("\t")[2] for row in rows) == french
    assert by_name["empty.txt"]["notes"] == ["empty input: no sentences to translate"]


def _watch_manifest(process: subprocess.Popen[str], manifest: Path, entries: int) -> int:
    """Wait until ``manifest`` lists ``entries`` documents; the number listed then."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        listed = len(manifest.read_text().splitlines()) if manifest.exists() else 0
        if listed >= entries:
            return listed
        assert process.poll() is None, "the run ended before it could be stopped"
        time.sleep(0.01)
    raise AssertionError("the run made no progress")


def _cli(out: Path, folder: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fr2en",
            "translate",
            str(folder),
            "--config",
            str(TINY_CONFIG),
            "-o",
            str(out),
            "-q",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


WINDOW = 4


@pytest.fixture
def fresh_cache_env(tmp_path: Path, isolated_environment: Path, tiny_translator: Any) -> dict[str, str]:
    """An environment with an empty translation cache but the session's tiny model (no rebuild)."""
    cache = tmp_path / "cache"
    (cache / "models").mkdir(parents=True)
    (cache / "models" / "tiny-v1").symlink_to(isolated_environment / "models" / "tiny-v1")
    # Windows of 4 units: documents of 3 units share batches and finish one window after another.
    return {**os.environ, "FR2EN_CACHE_DIR": str(cache), "FR2EN_BATCH_WINDOW_SENTENCES": str(WINDOW)}


@pytest.mark.model
@pytest.mark.cli
def test_kill_9_mid_batch_then_rerun_gives_the_bytes_of_an_uninterrupted_run(
    tmp_path: Path, tiny_settings: Settings, tiny_translator: Any, fresh_cache_env: dict[str, str]
) -> None:
    """The reference runs without a cache, the killed run and its rerun with a fresh one.

    Windows of 4 units over documents of 3: the kill falls inside a window that straddles
    documents, so the rerun must rebuild the plan around the finished ones (beam 2, torch).
    """
    folder = tmp_path / "in"
    make_articles(folder, count=10)
    reference = tmp_path / "reference"
    tiny_settings = dataclasses.replace(tiny_settings, batch=BatchSettings(window_sentences=WINDOW))
    run_batch([folder], reference, tiny_settings, translator=tiny_translator, cache=False)

    out = tmp_path / "out"
    killed = _cli(out, folder, fresh_cache_env)
    listed = _watch_manifest(killed, out / MANIFEST_NAME, 2)
    killed.kill()  # SIGKILL: no handler, no cleanup
    killed.communicate(timeout=60)
    with Manifest(out) as manifest:
        completed = {Path(e.report.input).name for e in manifest.entries.values()}
    assert listed <= len(completed) < 10

    # The rerun, in this process to spare a second start of torch, with the killed run's cache.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FR2EN_CACHE_DIR", fresh_cache_env["FR2EN_CACHE_DIR"])
        run_batch([folder], out, tiny_settings, translator=tiny_translator)
    documents = json.loads((out / REPORT_NAME).read_text())["documents"]
    assert {Path(d["input"]).name for d in documents if d["status"] == "skipped"} == completed
    assert {d["status"] for d in documents if Path(d["input"]).name not in completed} == {"done"}
    assert outputs_of(out) == outputs_of(reference)
    assert not list(out.rglob("*.part"))


@pytest.mark.model
@pytest.mark.cli
def test_ctrl_c_stops_the_command_cleanly_with_exit_130(
    tmp_path: Path, fresh_cache_env: dict[str, str]
) -> None:
    folder = tmp_path / "in"
    make_articles(folder, count=6)
    out = tmp_path / "out"
    process = _cli(out, folder, fresh_cache_env)
    _watch_manifest(process, out / MANIFEST_NAME, 1)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert len(err.strip().splitlines()) == 1 and err.startswith("fr2en: interrupted by SIGINT")
    saved = json.loads((out / REPORT_NAME).read_text())
    assert saved["interrupted"] is True
    assert len(saved["documents"]) == len((out / MANIFEST_NAME).read_text().splitlines()) < 6
    assert not list(out.rglob("*.part"))
