"""The backend/device choice: auto's fallback order, the cached CUDA probe, one-line messages and errors.

No GPU is needed: CUDA is made visible, and its backends made to fail, on purpose.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fr2en.config import TINY_MODEL, ModelSettings
from fr2en.errors import ModelLoadError
from fr2en.translate import runtime
from fr2en.translate.runtime import ProbeResult, Runtime, choose_runtime

CUBLAS = "Library libcublas.so.12 is not found or cannot be loaded"
HAS_CT2 = runtime._installed("ctranslate2")
needs_ct2 = pytest.mark.skipif(not HAS_CT2, reason="needs CTranslate2 (the fast extra)")


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A probe-answer folder of each test's own, so that answers never leak between tests.

    Only the answers: the tiny model and its conversions stay in the session's cache.
    """
    cache = tmp_path / "cache"
    monkeypatch.setattr(runtime, "cache_dir", lambda: cache)
    monkeypatch.setattr(runtime, "_announced", set())
    return cache


def simulate(
    monkeypatch: pytest.MonkeyPatch, answers: dict[str, ProbeResult], visible: bool = True
) -> list[str]:
    """CUDA visible (or not), each backend's probe answering as given; returns the backends probed."""
    probed: list[str] = []

    def fake_probe(backend: str) -> ProbeResult:
        probed.append(backend)
        return answers[backend]

    monkeypatch.setattr(runtime, "cuda_visible", lambda: visible)
    monkeypatch.setattr(runtime, "run_probe", fake_probe)
    return probed


OK = ProbeResult(True)
CT2_BROKEN = ProbeResult(False, CUBLAS)
TORCH_BROKEN = ProbeResult(False, "torch sees no CUDA GPU")


@needs_ct2
@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"ct2": OK, "torch": OK}, ("ct2", "cuda", "float16")),
        ({"ct2": CT2_BROKEN, "torch": OK}, ("torch", "cuda", "float16")),
        ({"ct2": CT2_BROKEN, "torch": TORCH_BROKEN}, ("ct2", "cpu", "int8")),
    ],
)
def test_auto_falls_back_in_order_and_says_so_in_one_line(
    answers: dict[str, ProbeResult],
    expected: tuple[str, str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    simulate(monkeypatch, answers)
    chosen = choose_runtime(ModelSettings())
    assert (chosen.backend, chosen.device, chosen.precision) == expected
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"fr2en: running {expected[0]} on {expected[1]}")
    if answers["ct2"].ok:
        assert "passed its CUDA probe" in err
    else:
        assert f"falling back from ct2 on cuda: {CUBLAS}" in err
    # Said once per process, however often the choice is asked for (plan, then load).
    choose_runtime(ModelSettings())
    assert capsys.readouterr().err == ""


def test_without_ctranslate2_torch_on_the_cpu_is_last(monkeypatch: pytest.MonkeyPatch) -> None:
    simulate(monkeypatch, {"torch": TORCH_BROKEN})
    monkeypatch.setattr(runtime, "_installed", lambda name: False)
    chosen = choose_runtime(ModelSettings())
    assert (chosen.backend, chosen.device, chosen.precision) == ("torch", "cpu", "")
    assert chosen.passed_over == (("torch", "cuda", "torch sees no CUDA GPU"),)


@needs_ct2
def test_cpu_only_machines_probe_nothing_and_say_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    probed = simulate(monkeypatch, {}, visible=False)
    assert choose_runtime(ModelSettings()) == Runtime("ct2", "cpu", "int8")
    assert choose_runtime(ModelSettings(backend="torch")) == Runtime("torch", "cpu", "")
    # An explicit CPU never probes, even with a GPU there.
    simulate(monkeypatch, {})
    assert choose_runtime(ModelSettings(device="cpu")).device == "cpu"
    assert probed == [] and capsys.readouterr().err == ""


@needs_ct2
def test_explicit_ct2_on_cuda_that_cannot_run_names_the_remedy(monkeypatch: pytest.MonkeyPatch) -> None:
    simulate(monkeypatch, {"ct2": CT2_BROKEN, "torch": OK})
    with pytest.raises(ModelLoadError) as caught:
        choose_runtime(ModelSettings(backend="ct2", device="cuda"))
    message = str(caught.value)
    assert "\n" not in message and CUBLAS in message
    assert "nvidia-cublas-cu12" in message and "--backend torch" in message
    # --device cuda with either backend: torch runs, so that is the choice, said as a fallback.
    assert choose_runtime(ModelSettings(device="cuda")).backend == "torch"


def test_explicit_torch_on_cuda_that_cannot_run_names_the_remedy(monkeypatch: pytest.MonkeyPatch) -> None:
    simulate(monkeypatch, {"torch": TORCH_BROKEN})
    with pytest.raises(
        ModelLoadError, match=r"^the torch backend cannot run on CUDA here \(torch sees no CUDA"
    ):
        choose_runtime(ModelSettings(backend="torch", device="cuda"))
    monkeypatch.setattr(runtime, "_installed", lambda name: True)
    simulate(monkeypatch, {"ct2": CT2_BROKEN, "torch": TORCH_BROKEN})
    with pytest.raises(ModelLoadError) as caught:
        choose_runtime(ModelSettings(device="cuda"))
    assert str(caught.value).startswith(f"no backend can run on CUDA here (ct2: {CUBLAS}; torch: torch sees")
    assert "for ct2: CTranslate2's wheels" in str(caught.value) and "for torch: install" in str(caught.value)


def test_cuda_asked_for_without_a_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    simulate(monkeypatch, {}, visible=False)
    with pytest.raises(ModelLoadError, match="no CUDA GPU is visible; use --device cpu or auto"):
        choose_runtime(ModelSettings(backend="torch", device="cuda"))


def test_cuda_visible_devices_empty_hides_the_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    for hidden in ("", "-1"):
        monkeypatch.setenv("CUDA_VISIBLE_DEVICES", hidden)
        assert runtime.cuda_visible() is False


def test_the_answer_is_probed_once_per_machine_and_kept_atomically(
    monkeypatch: pytest.MonkeyPatch, private_cache: Path
) -> None:
    probed = simulate(monkeypatch, {"ct2": CT2_BROKEN, "torch": OK})
    monkeypatch.setattr(runtime, "_installed", lambda name: True)
    monkeypatch.setattr(runtime, "precision_for", lambda backend, device: "")
    choose_runtime(ModelSettings())
    choose_runtime(ModelSettings())
    assert probed == ["ct2", "torch"]
    kept = runtime.probe_file()
    assert kept.parent == private_cache / "probes" and os.listdir(kept.parent) == [kept.name]
    data = json.loads(kept.read_text(encoding="utf-8"))
    assert data["answers"] == {"ct2": {"ok": False, "reason": CUBLAS}, "torch": {"ok": True, "reason": ""}}
    assert data["key"]["torch"] and data["key"]["probe"] == runtime.PROBE_VERSION
    # Another library path (say, CUDA 12's cuBLAS wheels added to it) is another machine: probe again.
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/nvidia/cublas/lib")
    assert runtime.probe_file() != kept
    choose_runtime(ModelSettings())
    assert probed == ["ct2", "torch", "ct2", "torch"]


def test_an_unwritable_cache_only_means_probing_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(runtime, "cache_dir", lambda: blocker)
    runtime.record("ct2", CT2_BROKEN)
    probed = simulate(monkeypatch, {"torch": OK})
    assert runtime.probe("torch", runner=runtime.run_probe) == OK
    assert probed == ["torch"]


@needs_ct2
def test_the_real_probe_runs_in_a_child_and_reports_no_gpu_here() -> None:
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("this machine has a GPU")
    assert runtime.run_probe("ct2") == ProbeResult(False, "CTranslate2 sees no CUDA GPU")


def test_a_probe_that_crashes_is_a_failed_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    class Done:
        returncode, stdout, stderr = -11, "", "loading...\nSegmentation fault\n"

    monkeypatch.setattr(subprocess, "run", lambda *a, **k: Done())
    answer = runtime.run_probe("torch")
    assert not answer.ok and answer.reason == "its probe process failed (exit -11): Segmentation fault"


def _fake_ct2_translator(error: str) -> Callable[..., object]:
    """A stand-in for ``ctranslate2.Translator`` that loads, then fails to translate as CUDA 13 machines do."""

    class Broken:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def translate_batch(self, *args: object, **kwargs: object) -> object:
            raise RuntimeError(error)

    return Broken


@needs_ct2
@pytest.mark.model
def test_probe_of_ct2_without_cuda_12_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctranslate2

    from fr2en.translate.probe import probe_here

    monkeypatch.setattr(runtime, "library_sees_cuda", lambda backend: True)
    monkeypatch.setattr(ctranslate2, "Translator", _fake_ct2_translator(CUBLAS))
    assert probe_here("ct2") == ProbeResult(False, CUBLAS)


@needs_ct2
@pytest.mark.model
def test_a_ct2_translation_that_cannot_load_cublas_is_one_error_and_teaches_auto(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ctranslate2

    from fr2en.translate.ct2 import CT2Translator
    from fr2en.translate.locate import resolve_model

    source = resolve_model(TINY_MODEL)
    monkeypatch.setattr(ctranslate2, "Translator", _fake_ct2_translator(CUBLAS))
    monkeypatch.setattr(runtime, "library_sees_cuda", lambda backend: True)
    translator = CT2Translator(source, ModelSettings(name=TINY_MODEL, backend="ct2", device="cuda"))
    with pytest.raises(ModelLoadError, match="nvidia-cublas-cu12") as caught:
        translator.translate(["Le chat dort."])
    assert CUBLAS in str(caught.value) and "\n" not in str(caught.value)
    # The next auto run on this machine falls back without trying ct2 on CUDA again.
    probed = simulate(monkeypatch, {"torch": OK})
    assert choose_runtime(ModelSettings()).backend == "torch" and probed == ["torch"]
    # Other runtime errors are not taken for a missing library.
    monkeypatch.setattr(ctranslate2, "Translator", _fake_ct2_translator("CUDA failed: out of memory"))
    translator = CT2Translator(source, ModelSettings(name=TINY_MODEL, backend="ct2", device="cuda"))
    with pytest.raises(RuntimeError, match="out of memory"):
        translator.translate(["Le chat dort."])


@needs_ct2
def test_planning_ct2_on_a_probed_gpu_imports_no_torch_and_loads_no_model(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from fr2en.config import ModelSettings\n"
        "from fr2en.translate import LazyTranslator, plan_runtime, runtime\n"
        "runtime.cuda_visible = lambda: True\n"
        "runtime.record('ct2', runtime.ProbeResult(True))\n"
        "def refuse(backend): raise SystemExit('probed again')\n"
        "runtime.run_probe = refuse\n"
        "settings = ModelSettings(name='fr2en:tiny')\n"
        "print(plan_runtime(settings), LazyTranslator(settings).info.device)\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    env = {**os.environ, "FR2EN_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.splitlines() == ["('ct2', 'cuda', 'float16') cuda", "[]"]
    assert done.stderr == "fr2en: running ct2 on cuda (float16): it passed its CUDA probe\n"
    # No model was built or converted to plan it.
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["probes"]


def _translate_seeds(out: Path, *flags: str) -> int:
    from fr2en.cli import main

    root = Path(__file__).resolve().parents[1]
    config = str(root / "configs" / "tiny.toml")
    return main(["translate", str(root / "seeds"), "-o", str(out), "-q", "--config", config, *flags])


@needs_ct2
@pytest.mark.cli
@pytest.mark.model
def test_a_gpu_owner_first_command_falls_back_and_records_what_ran(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    simulate(monkeypatch, {"ct2": CT2_BROKEN, "torch": TORCH_BROKEN})
    assert _translate_seeds(tmp_path / "out", "--backend", "auto", "--device", "auto") == 0
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"fr2en: running ct2 on cpu (int8), falling back from ct2 on cuda: {CUBLAS}; "
        "torch on cuda: torch sees no CUDA GPU"
    ]
    signature = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["signature"]
    assert "ct2" in json.dumps(signature) and "int8" in json.dumps(signature)


@needs_ct2
@pytest.mark.cli
def test_explicit_ct2_on_a_cuda_13_machine_is_one_line_before_any_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    simulate(monkeypatch, {"ct2": CT2_BROKEN})
    assert _translate_seeds(tmp_path / "out", "--backend", "ct2", "--device", "cuda") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "internal error" not in err
    assert CUBLAS in err and "nvidia-cublas-cu12" in err and "--backend torch" in err
    # Nothing was done, so nothing is left behind: no output, no report, no manifest.
    assert not (tmp_path / "out").exists()


@needs_ct2
def test_the_plan_names_the_backend_that_will_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from fr2en.translate import plan_model

    simulate(monkeypatch, {"ct2": CT2_BROKEN, "torch": OK})
    # A run given the loaded translator and one that loads it itself key their work alike.
    assert plan_model(ModelSettings(name=TINY_MODEL)).backend == "torch"
    assert plan_model(ModelSettings(name=TINY_MODEL)).device == "auto"
    # What cannot run is said when the model is needed, not while planning.
    assert plan_model(ModelSettings(name=TINY_MODEL, backend="ct2", device="cuda")).backend == "ct2"
