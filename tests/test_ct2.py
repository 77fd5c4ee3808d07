"""The CTranslate2 backend on the tiny model: conversion cache, parity with torch, no torch at run time."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from fr2en.config import TINY_MODEL, ModelSettings, Settings
from fr2en.errors import ModelLoadError
from fr2en.translate import Translator, load_translator, resolve_backend
from fr2en.translate.locate import resolve_model
from fr2en.types import Translation

ct2 = pytest.importorskip("ctranslate2")

from fr2en.translate import ct2 as backend  # noqa: E402 - only once CTranslate2 is known to be there

pytestmark = pytest.mark.model
TINY_TOML = Path(__file__).resolve().parents[1] / "configs" / "tiny.toml"
SENTENCES = ["Le chat dort.", "Il pleut sur Paris depuis ce matin.", "", "Le chat dort.", "Oui, merci."]
VARIED = [
    "Oui.",
    "Le ministre espère que cette rencontre montrera des progrès.",
    "Les diplomates russes et américains se rencontreront à nouveau jeudi à Genève.",
    "Bonjour.",
    "La réunion aura lieu demain.",
]


def tiny_model(settings: Settings, **changes: Any) -> ModelSettings:
    """The tiny test model's settings with ``changes``; one thread (its matrices are too small to share).

    On the CPU unless ``changes`` says otherwise: these tests are about CPU behaviour (int8, thread
    split) and must not depend on whether the machine has a GPU.
    """
    return replace(settings.model, **{"threads": 1, "device": "cpu", **changes})


@pytest.fixture(scope="module")
def ending_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The tiny model with end-of-sentence made likely, so that some outputs end on their own."""
    import torch
    from transformers import MarianMTModel

    folder = tmp_path_factory.mktemp("ending") / "model"
    shutil.copytree(resolve_model(TINY_MODEL).path, folder)
    model = MarianMTModel.from_pretrained(str(folder))
    with torch.no_grad():
        model.final_logits_bias[0, model.config.eos_token_id] += 4.0
    model.save_pretrained(folder)
    return str(folder)


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
    moved = replace(source, revision="another-revision")
    assert backend.converted_model_dir(moved, "int8", cache) != first


def _one_by_one(translator: Translator, sentences: list[str]) -> list[Translation]:
    return [translator.translate([sentence])[0] for sentence in sentences]


@pytest.mark.parametrize("beam", [1, 2])
def test_same_outputs_and_scores_as_torch_in_float32(
    beam: int, tiny_settings: Settings, monkeypatch: pytest.MonkeyPatch, ending_model: str
) -> None:
    # int8 changes the numbers a little; in float32 the two backends must agree. One sentence at a
    # time, so that how each backend caps a batch's rows cannot make a difference.
    monkeypatch.setattr(backend, "pick_compute_type", lambda device: "float32")
    for name in (TINY_MODEL, ending_model):
        fast = load_translator(tiny_model(tiny_settings, name=name, backend="ct2", beam=beam))
        slow = load_translator(tiny_model(tiny_settings, name=name, backend="torch", beam=beam))
        assert fast.info.backend == "ct2" and fast.info.precision == "float32"
        got, expected = _one_by_one(fast, VARIED), _one_by_one(slow, VARIED)
        assert [t.text for t in got] == [t.text for t in expected]
        ended = 0
        for a, b in zip(got, expected, strict=True):
            assert a.parts == b.parts and a.hit_limit == b.hit_limit
            if b.hit_limit:
                continue  # transformers counts the end-of-sentence it forces at the cap; CTranslate2 has none
            ended += 1
            assert a.tokens == b.tokens
            # transformers renormalises after banning <pad>, which CTranslate2's vocabulary lacks.
            assert a.logprob == pytest.approx(b.logprob, abs=0.01)
            assert a.min_logprob is None  # CTranslate2 gives only each output's total
        assert (name == TINY_MODEL) == (ended == 0)  # the tiny model never stops; the other does


def test_a_sentence_gets_the_same_whatever_its_batch(tiny_settings: Settings) -> None:
    # Greedy search only: CTranslate2 has one length cap per batch, and a beam-search output cut
    # back to its own, smaller cap is not always what a search under that cap would have kept.
    translator = load_translator(tiny_model(tiny_settings, backend="ct2", beam=1))
    together = translator.translate(VARIED)
    alone = _one_by_one(translator, VARIED)
    assert [t.text for t in together] == [t.text for t in alone]
    # The evidence too: a row cut back to its own cap is scored exactly, by itself.
    assert [(t.logprob, t.tokens) for t in together] == [(t.logprob, t.tokens) for t in alone]
    assert all(t.hit_limit for t in together)  # the tiny model runs to every row's own cap


def test_int8_by_default_with_progress_and_order(tiny_settings: Settings) -> None:
    translator = load_translator(tiny_model(tiny_settings, backend="ct2", beam=2, threads=2))
    assert translator.info.precision == "int8" and translator.info.device == "cpu"
    calls: list[tuple[int, int]] = []
    out = translator.translate(SENTENCES * 10, lambda done, total: calls.append((done, total)))
    assert [t.source for t in out] == SENTENCES * 10
    assert out[0] == out[3] == out[5]
    assert out[2].text == "" and out[2].logprob is None
    assert calls[-1] == (50, 50)


def test_forced_output_length_for_benchmarks(tiny_settings: Settings) -> None:
    for beam in (1, 3):
        translator = load_translator(
            tiny_model(tiny_settings, backend="ct2", beam=beam), forced_output_tokens=9
        )
        assert [t.tokens for t in translator.translate(["Oui.", "Il pleut sur Paris."])] == [9, 9]


def test_long_sentence_is_split(tiny_settings: Settings) -> None:
    translator = load_translator(tiny_model(tiny_settings, backend="ct2", max_input_tokens=12))
    long = "Le chat dort sur le canapé. Il pleut sur Paris depuis ce matin, et le vent souffle fort."
    assert translator.translate([long])[0].parts > 1


def test_forced_decoding_matches_teacher_forcing_in_torch(
    tiny_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    monkeypatch.setattr(backend, "pick_compute_type", lambda device: "float32")
    fast = load_translator(tiny_model(tiny_settings, backend="ct2"))
    assert isinstance(fast, backend.CT2Translator)
    slow = load_translator(tiny_model(tiny_settings, backend="torch"))
    sources = ["Le chat dort.", "", "Il pleut sur Paris."]
    targets = ["The cat sleeps.", "Nothing.", "It rains on Paris, again."]
    got = fast.score_translations(sources, targets)
    assert got[1].logprob is None and got[1].text == "Nothing."
    vocab = fast.vocab
    for index in (0, 2):
        source = torch.tensor([vocab.ids(vocab.pieces(sources[index]))])
        target = vocab.ids(vocab.target_pieces(targets[index]))
        start = slow.model.config.decoder_start_token_id
        with torch.inference_mode():
            logits = slow.model(
                input_ids=source, decoder_input_ids=torch.tensor([[start, *target[:-1]]])
            ).logits
        forced = (
            torch.log_softmax(logits[0].float(), -1).gather(-1, torch.tensor(target)[:, None]).squeeze(-1)
        )
        assert got[index].tokens == len(target)
        # The raw distribution includes <pad>, which CTranslate2's vocabulary lacks.
        assert got[index].logprob == pytest.approx(float(forced.mean()), abs=0.01)
        assert got[index].min_logprob == pytest.approx(float(forced.min()), abs=0.01)


def test_translating_imports_neither_torch_nor_transformers(tiny_settings: Settings, tmp_path: Path) -> None:
    load_translator(tiny_model(tiny_settings, backend="ct2"))  # converts (with torch) here, once
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from fr2en.pipeline import translate_text\n"
        "from fr2en.config import load_settings\n"
        f"s = load_settings(Path({str(TINY_TOML)!r}), {{'model': {{'backend': 'ct2', 'beam': 1}}}})\n"
        "from fr2en.translate import load_translator\n"
        "kept = load_translator(s.model)\n"
        "r = translate_text('Le chat dort. Il pleut.', settings=s, translator=kept)\n"
        "print(json.dumps([r.english, 'torch' in sys.modules, 'transformers' in sys.modules]))\n"
    )
    # The translator is still alive at exit: the process must exit cleanly all the same.
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
    tiny_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ctranslate2" else real(name, *a)
    )
    assert resolve_backend("auto") == "torch"
    with pytest.raises(ModelLoadError, match=r"pip install 'fr2en\[fast\]'"):
        load_translator(tiny_model(tiny_settings, backend="ct2"))


def test_split_threads() -> None:
    assert backend.split_threads(1) == (1, 1)
    assert backend.split_threads(2) == (2, 1)
    assert backend.split_threads(4) == (2, 2)
    assert backend.split_threads(16) == (4, 4)


def test_missing_gpu_is_a_clear_error(tiny_settings: Settings) -> None:
    if ct2.get_cuda_device_count() > 0:
        pytest.skip("this machine has a GPU")
    with pytest.raises(ModelLoadError, match="--device cpu"):
        load_translator(tiny_model(tiny_settings, backend="ct2", device="cuda"))


@pytest.mark.parametrize("name", ["ct2", "torch"])
def test_gpu_path_in_half_precision(name: str, tiny_settings: Settings) -> None:
    from fr2en.translate import runtime

    if not runtime.cuda_visible():
        pytest.skip("needs a CUDA GPU")
    answer = runtime.probe(name)
    if not answer.ok:
        pytest.skip(f"{name} cannot run on this machine's GPU: {answer.reason}")
    translator = load_translator(tiny_model(tiny_settings, backend=name, device="cuda", beam=2))
    assert translator.info.device == "cuda" and translator.info.precision == "float16"
    out = translator.translate(SENTENCES)
    assert [t.source for t in out] == SENTENCES and out[0].text and out[0].logprob is not None


@pytest.mark.parametrize("name", ["ct2", "torch"])
def test_plan_runtime_agrees_with_the_loaded_translator(name: str, tiny_settings: Settings) -> None:
    from fr2en.translate import plan_runtime

    model = tiny_model(tiny_settings, backend=name, device="auto")
    info = load_translator(model).info
    # What auto picked here (the GPU when one passed its probe), planned without a model.
    assert plan_runtime(model) == (info.backend, info.device, info.precision)
