"""The benchmark's model: full-size opus-mt-fr-en with random weights, and its tokenizer.

Speed depends on the architecture and on how many tokens go in and out, not on the weight values,
so a random-weight MarianMTModel built from the published architecture
(``shared/data/opus-mt-fr-en/config.json``) measures what the real model would. Its tokenizer is a
sentencepiece model trained here on the shared French/English text, laid out as Marian's is:
``</s>`` = 0, ``<unk>`` = 1, the pieces, filler pieces up to the model's vocabulary size, and
``<pad>`` = 59513 last. Built once into the cache folder; the CTranslate2 conversion is fr2en's own
(``fr2en.translate.ct2.ensure_converted``), so raw CTranslate2 and fr2en read the same file.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

MODEL_VERSION = "opus-mt-fr-en-random-v1"
SEED = 20250301
# As large as this much text allows; the vocabulary is padded to the model's size with fillers.
SPM_PIECES = 32000


def train_tokenizer(lines: Sequence[str]) -> bytes:
    """A unigram sentencepiece model over ``lines`` with Marian's special-token layout."""
    from fr2en.translate.tiny import train_marian_tokenizer

    return train_marian_tokenizer(lines, pieces=SPM_PIECES, threads=2)


def build_model(folder: Path, architecture: Path, training_lines: Sequence[str]) -> None:
    """Write the random-weight model, its tokenizer files and config into ``folder``."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel
    from transformers.utils import logging as hf_logging

    from fr2en.translate.tiny import write_marian_tokenizer

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    config_values = json.loads((architecture / "config.json").read_text(encoding="utf-8"))
    size = int(config_values["vocab_size"])
    pad_id = int(config_values["pad_token_id"])
    proto = train_tokenizer(training_lines)
    processor = spm.SentencePieceProcessor(model_proto=proto)
    vocab = {processor.id_to_piece(i): i for i in range(processor.get_piece_size())}
    if vocab.get("</s>") != 0 or vocab.get("<unk>") != 1 or len(vocab) > pad_id:
        raise SystemExit("the trained tokenizer does not fit Marian's layout")
    for filler in range(len(vocab), pad_id):
        vocab[f"▁<filler{filler}>"] = filler
    vocab["<pad>"] = pad_id
    assert len(vocab) == size, (len(vocab), size)
    write_marian_tokenizer(folder, proto, vocab)
    config_values.pop("_name_or_path", None)
    config_values.pop("architectures", None)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        model = MarianMTModel(MarianConfig(**config_values))
    model.save_pretrained(folder)
    shutil.copy(architecture / "generation_config.json", folder / "generation_config.json")


def model_dir(cache: Path, architecture: Path, training_lines: Sequence[str]) -> Path:
    """The cached benchmark model folder, built on first use (atomically)."""
    from fr2en.config import cached_folder

    return cached_folder(
        cache / "bench" / MODEL_VERSION,
        "model.safetensors",
        lambda folder: build_model(folder, architecture, training_lines),
    )
