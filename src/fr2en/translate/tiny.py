"""The tiny test model: a real MarianMT model and tokenizer that fr2en builds itself, offline.

Its weights are random, so its English is gibberish; what it gives is every code path of the real
model (sentencepiece tokenizer, ``MarianMTModel.generate``, beam search, scores) on a CPU in seconds.
The build is deterministic: the same fr2en version writes byte-identical files.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

from fr2en.config import cached_folder

TINY_VERSION = "tiny-v1"
# Small enough to build and run in well under a second, large enough to exercise batching and beams.
_ARCHITECTURE = {
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 64,
    "max_position_embeddings": 512,
    "activation_function": "swish",
    "scale_embedding": True,
    "static_position_embeddings": True,
    "share_encoder_decoder_embeddings": True,
    "num_beams": 4,
    "max_length": 512,
    # Larger than the usual 0.02 so that the random model's output depends on its input.
    "init_std": 0.2,
}


def train_marian_tokenizer(lines: Iterable[str], pieces: int, threads: int = 1) -> bytes:
    """A unigram sentencepiece model over ``lines`` with Marian's special-token layout.

    ``</s>`` = 0, ``<unk>`` = 1, no BOS; the caller appends ``<pad>`` after the pieces. One thread
    keeps the result byte-identical from run to run.
    """
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=pieces,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        eos_id=0,
        unk_id=1,
        bos_id=-1,
        pad_id=-1,
        num_threads=threads,
        minloglevel=2,
    )
    return model.getvalue()


def write_marian_tokenizer(folder: Path, proto: bytes, vocab: dict[str, int]) -> None:
    """Write the files ``MarianTokenizer`` reads: one sentencepiece model for both sides, the vocabulary."""
    for name in ("source.spm", "target.spm"):
        (folder / name).write_bytes(proto)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")
    tokenizer_config = {
        "tokenizer_class": "MarianTokenizer",
        "source_lang": "fr",
        "target_lang": "en",
        "model_max_length": 512,
        "separate_vocabs": False,
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=1), encoding="utf-8")


def _train_tokenizer() -> bytes:
    """Train a small sentencepiece model on the bundled French/English corpus."""
    corpus = files("fr2en.translate").joinpath("tiny_corpus.txt").read_text(encoding="utf-8")
    return train_marian_tokenizer(corpus.splitlines(), pieces=400)


def build_tiny_model(directory: Path) -> Path:
    """Write the tiny model into ``directory`` (created) as an ordinary Marian model folder."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel

    directory.mkdir(parents=True, exist_ok=True)
    proto = _train_tokenizer()
    processor = spm.SentencePieceProcessor(model_proto=proto)
    vocab = {processor.id_to_piece(i): i for i in range(processor.get_piece_size())}
    pad_id = len(vocab)
    vocab["<pad>"] = pad_id
    write_marian_tokenizer(directory, proto, vocab)
    config = MarianConfig(
        vocab_size=pad_id + 1,
        decoder_vocab_size=pad_id + 1,
        pad_token_id=pad_id,
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        bos_token_id=0,
        bad_words_ids=[[pad_id]],
        **_ARCHITECTURE,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(20250218)
        model = MarianMTModel(config)
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model.save_pretrained(directory)
    return directory


def tiny_model_dir(cache: Path) -> Path:
    """The cached tiny model folder, built on first use (atomically, so a crash never leaves half)."""
    return cached_folder(cache / "models" / TINY_VERSION, "config.json", build_tiny_model)
