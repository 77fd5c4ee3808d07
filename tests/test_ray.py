"""``--executor ray``: the same outputs as a local run, from actors on a real two-node Ray on loopback.

One Ray for the whole module (a head and one more node, one CPU each, every address 127.0.0.1),
the tiny model, a few documents: good ones, an empty one, a Windows-1252 one and a binary one.
Each test is bounded by an alarm, so that a Ray that hangs fails the test instead of the suite.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from typer.testing import CliRunner

from fr2en.cli import app
from fr2en.executors.ray import RayTranslator
from fr2en.translate import Progress
from fr2en.types import Translation

from .conftest import TINY_CONFIG

# Read by Ray when it is imported: Ray 2.60 then gives every node 127.0.0.1 (without it, the
# machine's own address). Usage statistics off.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
try:
    import ray
except ImportError:  # pragma: no cover - CI installs the extra
    ray = None


def needs_ray(test: Any) -> Any:
    """Marks a test that runs Ray and the tiny model; skipped where the ray extra is not installed."""
    marks = (pytest.mark.ray, pytest.mark.model, pytest.mark.skipif(ray is None, reason="no ray extra"))
    for mark in marks:
        test = mark(test)
    return test


LIMIT_SECONDS = 240


@pytest.fixture(autouse=True)
def bounded() -> Iterator[None]:
    """Fail a test that runs past LIMIT_SECONDS (a hung Ray) instead of hanging the suite."""

    def expire(number: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"Ray test ran past {LIMIT_SECONDS} s")

    saved = signal.signal(signal.SIGALRM, expire)
    signal.alarm(LIMIT_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, saved)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A head and one more node, one CPU each, on 127.0.0.1, usage statistics off; the driver joins it."""
    from ray.cluster_utils import Cluster

    loopback = "127.0.0.1"
    made = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "include_dashboard": False, "node_ip_address": loopback},
    )
    try:
        made.add_node(num_cpus=1, node_ip_address=loopback)
        made.wait_for_nodes()
        ray.init(address=made.address, _node_ip_address=loopback, log_to_driver=False, logging_level="error")
        yield made
    finally:
        ray.shutdown()
        made.shutdown()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Good articles, an empty file, a Windows-1252 one and a binary one."""
    root = tmp_path_factory.mktemp("ray-inputs")
    for number in range(3):
        sentences = [f"Le rapport {number} décrit la phrase {s} avec soin." for s in range(5)]
        (root / f"good{number}.txt").write_text(
            " ".join(sentences[:2]) + "\n\n" + " ".join(sentences[2:]) + "\n", encoding="utf-8"
        )
    (root / "empty.txt").write_text("", encoding="utf-8")
    (root / "legacy.txt").write_bytes("L'été à Noël coûte très cher. Ça dépend.\n".encode("cp1252"))
    (root / "binary.txt").write_bytes(bytes(range(256)) * 8)
    return root


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of two sentences, so that a run has several and both actors get some."""
    monkeypatch.setenv("FR2EN_MODEL_MAX_BATCH_SENTENCES", "2")


def translate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["translate", *args, "--config", str(TINY_CONFIG), "--no-cache", "-q"])
    return result.exit_code, result.output


def outputs(out: Path) -> dict[str, bytes]:
    """Every output but the run's report and manifest (timings, nodes)."""
    skip = {"report.json", "report.html", "manifest.jsonl"}
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in skip
    }


@pytest.fixture(scope="module")
def local(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, bytes]]:
    """The local executor's exit code and outputs."""
    out = tmp_path_factory.mktemp("ray-local")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FR2EN_MODEL_MAX_BATCH_SENTENCES", "2")
        code, _ = translate(str(folder), "-o", str(out))
    return code, outputs(out)


def report(out: Path) -> list[dict[str, Any]]:
    import json

    documents: list[dict[str, Any]] = json.loads((out / "report.json").read_text())["documents"]
    return documents


def test_executor_ray_without_the_extra_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    (tmp_path / "a.txt").write_text("Le chat dort.\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["translate", str(tmp_path), "-o", str(tmp_path / "out"), "--executor", "ray"]
    )
    assert result.exit_code == 2
    assert "pip install 'fr2en[ray]'" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_an_unknown_executor_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Le chat dort.\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["translate", str(tmp_path), "-o", str(tmp_path / "out"), "--executor", "dask"]
    )
    assert result.exit_code == 2
    assert "choose local or ray" in result.output


def test_the_ray_settings_come_from_flags_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from fr2en.config import load_settings

    monkeypatch.setenv("FR2EN_RAY_WORKERS", "3")
    monkeypatch.setenv("FR2EN_RAY_CPUS_PER_WORKER", "0.25")
    settings = load_settings()
    assert (settings.ray.workers, settings.ray.cpus_per_worker, settings.ray.address) == (3, 0.25, "")
    assert load_settings(None, {"ray": {"workers": 5, "address": "ray://h:10001"}}).ray.workers == 5


@needs_ray
def test_both_nodes_stay_on_loopback(cluster: Any) -> None:
    nodes = [n for n in ray.nodes() if n["Alive"]]
    assert len(nodes) == 2
    assert {n["NodeManagerAddress"] for n in nodes} == {"127.0.0.1"}


@needs_ray
def test_ray_gives_the_local_bytes_and_exit_code_on_two_nodes_and_resumes(
    cluster: Any, folder: Path, local: tuple[int, dict[str, bytes]], tmp_path: Path
) -> None:
    out = tmp_path / "ray"
    code, output = translate(str(folder), "-o", str(out), "--executor", "ray", "--workers", "2")
    assert (code, outputs(out)) == local, output
    assert code == 1  # the binary file fails, alone
    documents = {Path(d["input"]).name: d for d in report(out)}
    assert documents["binary.txt"]["status"] == "failed"
    translated = [d for d in documents.values() if d["status"] == "done" and d["sentences"]]
    assert translated and all(d["nodes"] for d in translated)
    alive = {n["NodeID"] for n in ray.nodes() if n["Alive"]}
    assert {node for d in translated for node in d["nodes"]} == alive  # both nodes translated

    code, output = translate(str(folder), "-o", str(out), "--executor", "ray", "--workers", "2")
    assert code == 1, output
    statuses = {Path(d["input"]).name: d["status"] for d in report(out)}
    assert statuses == {name: ("failed" if name == "binary.txt" else "skipped") for name in statuses}
    assert outputs(out) == local[1]


class KillsAnActor(RayTranslator):
    """Kills one actor's process (SIGKILL) once the first batch is back."""

    killed: int | None = None

    def translate_batches(
        self, batches: Sequence[Sequence[str]], progress: Progress | None = None
    ) -> Iterator[list[Translation]]:
        for translations in super().translate_batches(batches, progress):
            if self.killed is None:
                victim = self.actors[0]
                self.killed = ray.get(victim.pid.remote())
                ray.get(victim.ready.remote())  # alive now...
                os.kill(self.killed, signal.SIGKILL)  # ...and dead, with batches queued at it
            yield translations


@needs_ray
def test_a_killed_actor_is_restarted_and_every_document_is_done_once(
    cluster: Any, folder: Path, local: tuple[int, dict[str, bytes]], tmp_path: Path
) -> None:
    from fr2en.batch import run_batch
    from fr2en.config import load_settings

    settings = load_settings(TINY_CONFIG, {"ray": {"workers": 2}})
    out = tmp_path / "killed"
    with KillsAnActor(settings) as engine:
        result = run_batch([folder], out, settings, translator=engine, cache=False, show_progress=False)
        assert engine.killed is not None
        deadline = time.monotonic() + 60
        while True:  # Ray restarted the actor: a new process
            try:
                if ray.get(engine.actors[0].pid.remote(), timeout=10) != engine.killed:
                    break
            except ray.exceptions.RayError:
                pass
            assert time.monotonic() < deadline
    assert [d.status for d in result.documents].count("done") == 5
    assert outputs(out) == local[1]
    assert sum(1 for line in (out / "manifest.jsonl").read_text().splitlines() if line.strip()) == 5


@needs_ray
def test_ctrl_c_stops_a_run_on_its_own_local_ray_with_exit_130_and_a_rerun_resumes(
    cluster: Any, folder: Path, tmp_path: Path
) -> None:
    """A real process that starts its own Ray (not the tests' one), stopped by SIGINT mid-run."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for number in range(12):
        text = " ".join(f"Le dossier {number} compte la phrase {s} ici." for s in range(4))
        (inputs / f"d{number:02d}.txt").write_text(text + "\n", encoding="utf-8")
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    env.update(FR2EN_BATCH_WINDOW_SENTENCES="4", FR2EN_RAY_WORKERS="1")
    command = [sys.executable, "-m", "fr2en", "translate", str(inputs), "-o", str(out)]
    command += ["--config", str(TINY_CONFIG), "--no-cache", "-q", "--executor", "ray"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    manifest = out / "manifest.jsonl"
    while not (manifest.exists() and manifest.read_text().strip()):
        assert process.poll() is None, "the run ended before it could be stopped"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("fr2en: interrupted by SIGINT")
    saved = json.loads((out / "report.json").read_text())
    assert saved["interrupted"] is True
    kept = len(manifest.read_text().splitlines())
    assert len(saved["documents"]) == kept < 12
    assert not list(out.rglob("*.part")) and not list(out.rglob(".*tmp*"))
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=200, check=False)
    assert done.returncode == 0, done.stderr
    statuses = [d["status"] for d in json.loads((out / "report.json").read_text())["documents"]]
    assert statuses.count("skipped") == kept and statuses.count("done") == 12 - kept
