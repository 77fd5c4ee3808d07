"""Marian tokenisation with sentencepiece alone, shared by every backend.

A Marian model folder holds ``source.spm``/``target.spm`` (sentencepiece models that cut text into
pieces) and ``vocab.json`` (piece → model id). This module reproduces ``MarianTokenizer``'s encoding
and decoding without importing transformers, so that the CTranslate2 backend never pays for it and
both backends see exactly the same tokens. A test keeps it equal to ``MarianTokenizer``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fr2en.errors import ModelLoadError

_SPIECE_UNDERLINE = "▁"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"cannot read {path}: {exc}; is it a Marian model folder?") from None


class MarianVocab:
    """A Marian model folder's tokenizer: text → pieces → ids and back."""

    def __init__(self, folder: Path) -> None:
        import sentencepiece as spm

        config_path = folder / "tokenizer_config.json"
        config: dict[str, Any] = _read_json(config_path) if config_path.is_file() else {}
        self.eos: str = str(config.get("eos_token", "</s>"))
        self.unk: str = str(config.get("unk_token", "<unk>"))
        self.pad: str = str(config.get("pad_token", "<pad>"))
        self.encoder: dict[str, int] = _read_json(folder / "vocab.json")
        separate = bool(config.get("separate_vocabs", False))
        target = _read_json(folder / "target_vocab.json") if separate else self.encoder
        self.decoder: dict[int, str] = {index: piece for piece, index in target.items()}
        try:
            self._source = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
            # MarianTokenizer decodes a shared vocabulary with the source model (the two are one).
            spm_for_output = "target.spm" if separate else "source.spm"
            self._target = spm.SentencePieceProcessor(model_file=str(folder / spm_for_output))
            self._target_encoder = spm.SentencePieceProcessor(model_file=str(folder / "target.spm"))
        except (OSError, RuntimeError) as exc:
            raise ModelLoadError(f"cannot load the sentencepiece models in {folder}: {exc}") from None
        if self.unk not in self.encoder or self.eos not in self.encoder:
            raise ModelLoadError(f"{folder}/vocab.json lacks {self.unk} or {self.eos}; is it a Marian model?")
        self.unk_id = self.encoder[self.unk]
        self.eos_id = self.encoder[self.eos]
        self.pad_id = self.encoder.get(self.pad, len(self.encoder))
        self._special = {self.eos, self.unk, self.pad}

    def pieces(self, text: str) -> list[str]:
        """The source pieces of ``text``, end-of-sentence included (what the model reads)."""
        pieces: list[str] = self._source.encode(text, out_type=str)
        return [*pieces, self.eos]

    def target_pieces(self, text: str) -> list[str]:
        """The target pieces of English ``text``, end-of-sentence included (for forced decoding)."""
        pieces: list[str] = self._target_encoder.encode(text, out_type=str)
        return [*pieces, self.eos]

    def count(self, text: str) -> int:
        """How many source tokens ``text`` costs, end-of-sentence included."""
        return len(self._source.encode(text)) + 1

    def ids(self, pieces: Sequence[str]) -> list[int]:
        """Model ids of source ``pieces``; a piece missing from the vocabulary is ``<unk>``."""
        get, unk = self.encoder.get, self.unk_id
        return [get(piece, unk) for piece in pieces]

    def output_pieces(self, ids: Sequence[int]) -> list[str]:
        """Target pieces of model ``ids``."""
        return [self.decoder.get(int(index), self.unk) for index in ids]

    def detokenize(self, pieces: Sequence[str]) -> str:
        """The text of target ``pieces``, special tokens dropped (as ``skip_special_tokens=True``)."""
        kept = [piece for piece in pieces if piece not in self._special]
        text: str = self._target.decode_pieces(kept)
        return text.replace(_SPIECE_UNDERLINE, " ").strip()
