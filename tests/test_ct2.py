"""The CTranslate2 backend on the tiny model: conversion cache, parity with torch, no torch at run time."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fr2en.config import TINY_MODEL, Settings
from fr2en.errors import ModelLoadError
from fr2en.translate import load_translator, resolve_backend
from fr2en.translate.source import resolve_model
from fr2en.types import Translation

ct2 = pytest.importorskip("ctranslate2")

from fr2en.translate import ct2 as backend  # noqa: E402 - only once CTranslate2 is known to be there

pytestmark = pytest.mark.model
TINY_TOML = Path(__file__).resolve().parents[1] / "configs" / "tiny.toml"
Make = Callable[..., Settings]
SENTENCES = ["Le chat dort.", "Il pleut sur Paris depuis ce matin.", "", "Le chat dort.", "Oui, merci."]


def test_auto_picks_ct2_when_installed() -> None:
    assert resolve_backend("auto") == "ct2"
    assert resolve_backend("torch") == "torch"


def test_conversion_is_cached_per_revision_and_compute_type(monkeypatch: pytest.MonkeyPatch) -> None:
    source = resolve_model(TINY_MODEL)
    first = backend.ensure_converted(source, "int8")
    assert (first / "model.bin").is_file()

    def refuse(*_: object) -> None:
        raise AssertionError("converted twice")

    monkeypatch.setattr(backend, "_convert", refuse)
    assert backend.ensure_converted(source, "int8") == first
    cache = first.parent.parent
    other = backend.converted_model_dir(source, "float16", cache)
    assert other != first and other.name.endswith("float16")
    moved = type(source)(source.name, source.path, "another-revision")
    assert backend.converted_model_dir(moved, "int8", cache) != first


@pytest.fixture(scope="module")
def ending_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The tiny model with end-of-sentence made likely, so that outputs end on their own."""
    import shutil

    import torch
    from transformers import MarianMTModel

    folder = tmp_path_factory.mktemp("ending") / "model"
    shutil.copytree(resolve_model(TINY_MODEL).path, folder)
    model = MarianMTModel.from_pretrained(str(folder))
    with torch.no_grad():
        model.final_logits_bias[0, model.config.eos_token_id] += 4.0
    model.save_pretrained(folder)
    return str(folder)


def _assert_same(got: list[Translation], expected: list[Translation], beam: int) -> None:
    assert [t.text for t in got] == [t.text for t in expected]
    for a, b in zip(got, expected, strict=True):
        assert a.parts == b.parts and a.hit_limit == b.hit_limit
        if b.hit_limit or b.logprob is None:
            continue  # transformers counts the end-of-sentence it forces at the cap; CTranslate2 has none
        assert a.tokens == b.tokens
        # transformers renormalises after banning <pad>, which CTranslate2's vocabulary lacks.
        assert a.logprob == pytest.approx(b.logprob, abs=0.01)
        if beam == 1:
            assert a.min_logprob == pytest.approx(b.min_logprob, abs=0.01)
        else:
            assert a.min_logprob is None  # beam search gives only the total


@pytest.mark.parametrize("beam", [1, 2])
def test_same_outputs_and_scores_as_torch_in_float32(
    beam: int, make_settings: Make, monkeypatch: pytest.MonkeyPatch, ending_model: str
) -> None:
    # int8 changes the numbers a little; in float32 the two backends must agree.
    monkeypatch.setattr(backend, "pick_compute_type", lambda device: "float32")
    many = [*SENTENCES, *(f"Phrase numéro {i} de la liste." for i in range(30))]
    for name in (TINY_MODEL, ending_model):
        fast = load_translator(make_settings(name=name, backend="ct2", beam=beam).model)
        slow = load_translator(make_settings(name=name, backend="torch", beam=beam).model)
        assert fast.info.backend == "ct2" and fast.info.precision == "float32"
        got, expected = fast.translate(many), slow.translate(many)
        _assert_same(got, expected, beam)
        ended = [t for t in expected if t.logprob is not None and not t.hit_limit]
        assert (name == TINY_MODEL) == (not ended)  # the tiny model never stops; the other does


def test_int8_by_default_with_progress_and_order(make_settings: Make) -> None:
    translator = load_translator(make_settings(backend="ct2", beam=2, threads=2).model)
    assert translator.info.precision == "int8" and translator.info.device == "cpu"
    calls: list[tuple[int, int]] = []
    out = translator.translate(SENTENCES * 10, lambda done, total: calls.append((done, total)))
    assert [t.source for t in out] == SENTENCES * 10
    assert out[0] == out[3] == out[5]
    assert calls[-1] == (50, 50)


def test_forced_output_length_for_benchmarks(make_settings: Make) -> None:
    for beam in (1, 3):
        translator = load_translator(make_settings(backend="ct2", beam=beam).model, forced_output_tokens=9)
        assert [t.tokens for t in translator.translate(["Oui.", "Il pleut sur Paris."])] == [9, 9]


def test_long_sentence_is_split(make_settings: Make) -> None:
    translator = load_translator(make_settings(backend="ct2", max_input_tokens=12).model)
    long = "Le chat dort sur le canapé. Il pleut sur Paris depuis ce matin, et le vent souffle fort."
    assert translator.translate([long])[0].parts > 1


def test_translating_imports_neither_torch_nor_transformers(make_settings: Make, tmp_path: Path) -> None:
    load_translator(make_settings(backend="ct2").model)  # converts (with torch) in this process, once
    script = (
        "import json, sys\n"
        "from fr2en.pipeline import translate_text\n"
        "from fr2en.config import load_settings\n"
        "from pathlib import Path\n"
        f"s = load_settings(Path({str(TINY_TOML)!r}), {{'model': {{'backend': 'ct2'}}}})\n"
        "r = translate_text('Le chat dort. Il pleut.', settings=s)\n"
        "print(json.dumps([r.english, 'torch' in sys.modules, 'transformers' in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=True,
        cwd=tmp_path,
    )
    english, torch_loaded, transformers_loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert english and not torch_loaded and not transformers_loaded


def test_missing_ctranslate2_says_how_to_install(
    make_settings: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ctranslate2" else real(name, *a)
    )
    assert resolve_backend("auto") == "torch"
    with pytest.raises(ModelLoadError, match=r"pip install 'fr2en\[fast\]'"):
        load_translator(make_settings(backend="ct2").model)


def test_split_threads() -> None:
    assert backend.split_threads(1) == (1, 1)
    assert backend.split_threads(2) == (2, 1)
    assert backend.split_threads(4) == (2, 2)
    assert backend.split_threads(16) == (4, 4)


def test_missing_gpu_is_a_clear_error(make_settings: Make) -> None:
    if ct2.get_cuda_device_count() > 0:
        pytest.skip("this machine has a GPU")
    with pytest.raises(ModelLoadError, match="--device cpu"):
        load_translator(make_settings(backend="ct2", device="cuda").model)


@pytest.mark.skipif(ct2.get_cuda_device_count() == 0, reason="needs a CUDA GPU")
@pytest.mark.parametrize("name", ["ct2", "torch"])
def test_gpu_path_in_half_precision(name: str, make_settings: Make) -> None:
    translator = load_translator(make_settings(backend=name, device="cuda", beam=2).model)
    assert translator.info.device == "cuda" and translator.info.precision == "float16"
    out = translator.translate(SENTENCES)
    assert [t.source for t in out] == SENTENCES and out[0].text and out[0].logprob is not None
