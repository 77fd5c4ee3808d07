"""Which backend runs on which device: a choice that never strands a user on a GPU that cannot run.

``--backend auto --device auto`` tries, in this fixed order, the first that can run here:

1. ct2 on CUDA, 2. torch on CUDA, 3. ct2 on the CPU, 4. torch on the CPU

(ct2 only when CTranslate2 is installed; an explicit ``--backend`` or ``--device`` keeps only the
candidates that match it). A CPU always runs. Whether a backend really runs on CUDA is not what its
library says about the GPU (CTranslate2 counts a GPU whose cuBLAS it cannot load, for instance),
so it is *probed*: one tiny translation with the tiny test model, in a child process (a broken GPU
stack can crash a process, and the parent must not import torch for a ct2 run). The answer is kept
in fr2en's cache folder per machine and library versions (:func:`machine_key`), so that a later run
plans its backend, device and precision — hence its run key and signature — without loading a
model or running anything.

CUDA counts as visible when the NVIDIA driver is there (``/proc/driver/nvidia/version`` or a
``/dev/nvidia<N>`` device on Linux; elsewhere, what the installed library says) and
``CUDA_VISIBLE_DEVICES`` is not empty. Without visible CUDA there is nothing to probe: the CPU is
chosen silently. With visible CUDA, the choice is said in one line on stderr, with the reason of
every candidate passed over. An explicit ``--device cuda`` that cannot run is one
:class:`~fr2en.errors.ModelLoadError` naming the remedy, raised when the run is planned.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fr2en.config import ModelSettings, cache_dir
from fr2en.errors import ModelLoadError

# The candidates of an unconstrained choice, best first.
ORDER: tuple[tuple[str, str], ...] = (("ct2", "cuda"), ("torch", "cuda"), ("ct2", "cpu"), ("torch", "cpu"))
# Bump when what a probe checks changes, so that older answers are not trusted.
PROBE_VERSION = "1"
# A probe may have to build the tiny model and convert it once (a few seconds), then load a CUDA
# context; beyond this it is taken as failed.
PROBE_TIMEOUT_S = 300.0
# Packages whose versions decide whether a backend runs on CUDA; any change means a new probe.
_VERSIONED = ("ctranslate2", "torch", "transformers", "fr2en")

CT2_CUDA_REMEDY = (
    "CTranslate2's wheels need CUDA 12's cuBLAS and cuDNN 9 (e.g. pip install nvidia-cublas-cu12 "
    "nvidia-cudnn-cu12, with their lib folders on LD_LIBRARY_PATH), or use --backend torch or --device cpu"
)
TORCH_CUDA_REMEDY = (
    "install a torch build for this machine's CUDA driver (https://pytorch.org/get-started/locally/), "
    "or use --device cpu"
)


@dataclass(frozen=True)
class ProbeResult:
    """Whether a backend ran one tiny translation on CUDA, and if not, why (one line)."""

    ok: bool
    reason: str = ""


@dataclass(frozen=True)
class Runtime:
    """The backend, device and precision a run uses, and the candidates passed over on the way.

    ``passed_over`` holds one ``(backend, device, reason)`` per candidate that was tried and could
    not run; ``cuda_visible`` says whether CUDA was there to try at all.
    """

    backend: str
    device: str
    precision: str
    passed_over: tuple[tuple[str, str, str], ...] = field(default=())
    cuda_visible: bool = False

    def note(self) -> str:
        """The one line said on stderr about this choice ('' when there is nothing worth saying)."""
        if not self.cuda_visible and not self.passed_over:
            return ""
        chosen = f"{self.backend} on {self.device}" + (f" ({self.precision})" if self.precision else "")
        if not self.passed_over:
            return f"fr2en: running {chosen}: it passed its CUDA probe"
        why = "; ".join(f"{b} on {d}: {reason}" for b, d, reason in self.passed_over)
        return f"fr2en: running {chosen}, falling back from {why}"


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def cuda_visible() -> bool:
    """Whether a CUDA GPU is there to try, found without importing torch or running anything."""
    devices = os.environ.get("CUDA_VISIBLE_DEVICES")
    if devices is not None and devices.strip() in ("", "-1"):
        return False
    if sys.platform.startswith("linux"):
        return Path("/proc/driver/nvidia/version").exists() or any(Path("/dev").glob("nvidia[0-9]*"))
    if _installed("ctranslate2"):  # pragma: no cover - not Linux
        import ctranslate2

        return bool(ctranslate2.get_cuda_device_count() > 0)
    import torch  # pragma: no cover - not Linux

    return bool(torch.cuda.is_available())  # pragma: no cover


def library_sees_cuda(backend: str) -> bool:
    """Whether ``backend``'s own library reports a CUDA GPU (it may still fail to run there)."""
    if backend == "ct2":
        import ctranslate2

        return bool(ctranslate2.get_cuda_device_count() > 0)
    import torch

    return bool(torch.cuda.is_available())


def pick_device(requested: str, backend: str) -> str:
    """The device ``backend`` runs on for ``requested`` (auto, cpu or cuda), the one rule for every backend.

    ``auto`` is what :func:`choose_runtime` picks for that backend (CUDA only when it passed its
    probe); ``cuda`` is checked against the library, and its absence is an error naming the remedy.
    """
    if requested == "auto":
        return choose_runtime(ModelSettings(backend=backend, device="auto")).device
    if requested == "cuda" and not library_sees_cuda(backend):
        library = "CTranslate2" if backend == "ct2" else "torch"
        raise ModelLoadError(
            f"--device cuda was asked for but {library} sees no CUDA GPU; use --device cpu or auto"
        )
    return requested


def precision_for(backend: str, device: str) -> str:
    """The arithmetic ``backend`` runs in on ``device``: '' for float32 (torch on a CPU)."""
    if device == "cuda":
        return "float16"
    if backend == "ct2":
        from fr2en.translate.ct2 import pick_compute_type

        return pick_compute_type(device)
    return ""


def machine_key() -> dict[str, str]:
    """What decides whether a backend runs on this machine's GPU: host, driver, visibility, libraries."""
    key = {
        "probe": PROBE_VERSION,
        "host": platform.node(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "cuda_visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES", "<unset>"),
        "ld_library_path": os.environ.get("LD_LIBRARY_PATH", ""),
    }
    try:
        key["driver"] = Path("/proc/driver/nvidia/version").read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError):
        key["driver"] = ""
    for name in _VERSIONED:
        try:
            key[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            key[name] = ""
    # CUDA libraries installed as wheels (nvidia-cublas-cu12, ...) change what CTranslate2 can load.
    nvidia = sorted(
        f"{dist.name}=={dist.version}"
        for dist in importlib.metadata.distributions()
        if (dist.name or "").lower().startswith("nvidia-")
    )
    key["nvidia_wheels"] = ",".join(nvidia)
    return key


def probe_file(cache: Path | None = None) -> Path:
    """Where this machine's probe answers are kept."""
    digest = hashlib.sha256(json.dumps(machine_key(), sort_keys=True).encode()).hexdigest()[:16]
    return (cache or cache_dir()) / "probes" / f"cuda-{digest}.json"


def _read_answers(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    answers = data.get("answers") if isinstance(data, dict) else None
    return answers if isinstance(answers, dict) else {}


def record(backend: str, result: ProbeResult, cache: Path | None = None) -> None:
    """Keep ``result`` as ``backend``'s CUDA answer for this machine (atomically; best effort)."""
    path = probe_file(cache)
    answers = _read_answers(path)
    answers[backend] = {"ok": result.ok, "reason": result.reason}
    text = json.dumps({"key": machine_key(), "answers": answers}, indent=1, sort_keys=True) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temp, path)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
    except OSError:
        pass  # an unwritable cache only means probing again next time


def run_probe(backend: str) -> ProbeResult:
    """Probe ``backend`` on CUDA in a child process (:mod:`fr2en.translate.probe`)."""
    command = [sys.executable, "-m", "fr2en.translate.probe", backend]
    env = dict(os.environ)
    # The child must find this fr2en, whether installed or run from a source tree.
    source_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source_root, env.get("PYTHONPATH", "")) if p)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return ProbeResult(False, f"its probe did not finish within {PROBE_TIMEOUT_S:.0f} s")
    except OSError as exc:
        return ProbeResult(False, f"its probe could not start ({exc})")
    lines = done.stdout.strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else None
    except ValueError:
        answer = None
    if isinstance(answer, dict) and "ok" in answer:
        return ProbeResult(bool(answer["ok"]), str(answer.get("reason", "")))
    errors = [line for line in done.stderr.strip().splitlines() if line.strip()]
    last = errors[-1].strip() if errors else "no output"
    return ProbeResult(False, f"its probe process failed (exit {done.returncode}): {last}")


def probe(backend: str, *, runner: Callable[[str], ProbeResult] | None = None) -> ProbeResult:
    """Whether ``backend`` runs on CUDA here: the cached answer, else a probe whose answer is kept."""
    cached = _read_answers(probe_file()).get(backend)
    if isinstance(cached, dict) and "ok" in cached:
        return ProbeResult(bool(cached["ok"]), str(cached.get("reason", "")))
    result = (runner or run_probe)(backend)
    record(backend, result)
    return result


_announced: set[str] = set()


def announce(runtime: Runtime) -> None:
    """Say ``runtime``'s note on stderr, once per process."""
    line = runtime.note()
    if line and line not in _announced:
        _announced.add(line)
        print(line, file=sys.stderr, flush=True)


def _failure(device: str, passed_over: list[tuple[str, str, str]]) -> ModelLoadError:
    """The one-line error for an explicit request that nothing here can run."""
    if device == "cuda" and all(reason.startswith("no CUDA GPU") for _, _, reason in passed_over):
        return ModelLoadError(
            "--device cuda was asked for but no CUDA GPU is visible; use --device cpu or auto"
        )
    remedies = {"ct2": CT2_CUDA_REMEDY, "torch": TORCH_CUDA_REMEDY}
    if len(passed_over) == 1:
        backend, _, reason = passed_over[0]
        return ModelLoadError(
            f"the {backend} backend cannot run on CUDA here ({reason}); {remedies[backend]}"
        )
    reasons = "; ".join(f"{backend}: {reason}" for backend, _, reason in passed_over)
    fixes = "; ".join(f"for {backend}: {remedies[backend]}" for backend, _, _ in passed_over)
    return ModelLoadError(f"no backend can run on CUDA here ({reasons}); {fixes}")


def choose_runtime(settings: ModelSettings, *, quiet: bool = False) -> Runtime:
    """The first candidate of :data:`ORDER` allowed by ``settings`` that can run here.

    Says the choice on stderr (see the module docstring) unless ``quiet``. Raises ModelLoadError
    when the backend asked for is not installed, or when an explicit ``--device cuda`` cannot run.
    """
    from fr2en.translate.ct2 import require_ctranslate2

    if settings.backend == "ct2":
        require_ctranslate2()
    if settings.backend == "auto":
        backends = ("ct2", "torch") if _installed("ctranslate2") else ("torch",)
    else:
        backends = (settings.backend,)
    devices = ("cuda", "cpu") if settings.device == "auto" else (settings.device,)
    visible = "cuda" in devices and cuda_visible()
    passed_over: list[tuple[str, str, str]] = []
    for backend, device in ORDER:
        if backend not in backends or device not in devices:
            continue
        if device == "cuda":
            if not visible:
                if settings.device == "cuda":
                    passed_over.append((backend, device, "no CUDA GPU is visible"))
                continue
            result = probe(backend)
            if not result.ok:
                passed_over.append((backend, device, result.reason or "its probe failed"))
                continue
        runtime = Runtime(backend, device, precision_for(backend, device), tuple(passed_over), visible)
        if not quiet:
            announce(runtime)
        return runtime
    raise _failure(settings.device, passed_over)
