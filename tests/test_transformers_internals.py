"""The transformers internals the torch backend relies on, checked so that an upgrade fails here, loudly.

fr2en.translate.marian passes its own decoder cache to ``generate`` (:class:`_BeamCache`, which
skips reordering the cross-attention part at every beam step) under the name the model's
``forward`` takes. pyproject bounds transformers to the versions these tests have passed on; before
raising the bound, run this file on the new version.
"""

from __future__ import annotations

import inspect
from dataclasses import replace

import pytest

from fr2en.config import Settings

pytestmark = pytest.mark.model


def test_the_cache_classes_have_the_shape_the_beam_cache_overrides() -> None:
    from transformers.cache_utils import DynamicCache, EncoderDecoderCache

    from fr2en.translate.marian import _BeamCache

    # _BeamCache builds its parent from two caches, positionally (4.x names them, 5.x takes *caches),
    # and overrides the parent's reorder_cache(beam_idx).
    for cls in (EncoderDecoderCache, DynamicCache):
        assert list(inspect.signature(cls.reorder_cache).parameters) == ["self", "beam_idx"], cls
    cache = _BeamCache()
    assert isinstance(cache.self_attention_cache, DynamicCache)
    assert isinstance(cache.cross_attention_cache, DynamicCache)
    assert cache.self_attention_cache is not cache.cross_attention_cache


def test_the_model_forward_takes_the_cache_argument_fr2en_passes() -> None:
    from transformers import MarianMTModel

    from fr2en.translate.marian import _CACHE_ARGUMENT

    assert _CACHE_ARGUMENT in inspect.signature(MarianMTModel.forward).parameters


def test_beam_search_reorders_through_the_beam_cache(
    tiny_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If generate stopped calling the cache's reorder_cache (or dropped the cache fr2en gives it),
    the optimisation would silently vanish, or beams would read each other's states."""
    from fr2en.translate import load_translator
    from fr2en.translate.marian import _BeamCache

    calls: list[int] = []
    original = _BeamCache.reorder_cache

    def spy(self: _BeamCache, beam_idx):  # type: ignore[no-untyped-def]
        calls.append(int(beam_idx.numel()))
        original(self, beam_idx)

    monkeypatch.setattr(_BeamCache, "reorder_cache", spy)
    translator = load_translator(replace(tiny_settings.model, beam=2, threads=1, backend="torch"))
    out = translator.translate(["Il pleut sur Paris depuis ce matin.", "Le chat dort."])
    assert all(t.text for t in out)
    # Two sentences × two beams, reordered at every step but the last.
    assert calls and set(calls) == {4}
