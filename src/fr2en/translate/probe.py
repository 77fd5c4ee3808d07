"""The CUDA probe's child process: one tiny translation with one backend on CUDA, then a JSON line.

    python -m fr2en.translate.probe ct2|torch

Prints ``{"ok": true}`` or ``{"ok": false, "reason": "..."}`` as its last stdout line and exits 0
either way; :func:`fr2en.translate.runtime.run_probe` reads it. It runs apart from the process that
plans the run because a broken GPU stack may crash the process that tries it, and because probing
torch imports torch, which a ct2 run never does.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from fr2en.translate.runtime import ProbeResult

PROBE_SENTENCE = "Bonjour."


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def probe_here(backend: str) -> ProbeResult:
    """Translate :data:`PROBE_SENTENCE` with the tiny model and ``backend`` on CUDA, in this process."""
    from fr2en.config import TINY_MODEL, ModelSettings
    from fr2en.translate.runtime import library_sees_cuda

    try:
        if backend == "ct2":
            from fr2en.translate.ct2 import require_ctranslate2

            require_ctranslate2()
        if not library_sees_cuda(backend):
            library = "CTranslate2" if backend == "ct2" else "torch"
            return ProbeResult(False, f"{library} sees no CUDA GPU")
        from fr2en.translate.locate import resolve_model

        settings = ModelSettings(name=TINY_MODEL, backend=backend, device="cuda", beam=1, threads=1)
        source = resolve_model(TINY_MODEL)
        if backend == "ct2":
            from fr2en.translate.ct2 import CT2Translator

            translator: object = CT2Translator(source, settings)
        else:
            from fr2en.translate.marian import MarianTranslator

            translator = MarianTranslator(source, settings)
        out = translator.translate([PROBE_SENTENCE])  # type: ignore[attr-defined]
        if len(out) != 1 or not out[0].text:
            return ProbeResult(False, "its test translation came back empty")
    except Exception as exc:
        detail = getattr(exc, "detail", None)  # ct2's CudaLibraryError: the library's own words
        return ProbeResult(False, detail if isinstance(detail, str) else _first_line(exc))
    return ProbeResult(True)


def main(argv: Sequence[str] | None = None) -> int:
    """Probe the backend named in ``argv`` and print the answer as one JSON line."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or args[0] not in ("ct2", "torch"):
        print("usage: python -m fr2en.translate.probe ct2|torch", file=sys.stderr)
        return 2
    result = probe_here(args[0])
    print(json.dumps({"ok": result.ok, "reason": result.reason}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
