"""A typing model directory, read and written in one place.

    config.json          shapes, mixture weights, corpus statistics, metrics (``model_header`` first)
    weights.safetensors  word and char LSTM (float16; computed in float32)
    tokenizer.json       the ``tokenizers`` vocabulary; vocab.json: case table and characters
    ngram.safetensors    the training token ids the n-gram is counted from at load, and unigrams;
                         an adapted model adds ``user_ids``, the user's text its own n-gram is
                         counted from (``nextword.lm.adapt``)
    lexicon.json         real words of the training text outside the vocabulary, with counts

Written in one atomic step (``atomic_directory``); read with strict checks, never unpickled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import save as np_save

from nextword.core import checkpoint as ckpt
from nextword.errors import ModelFileError
from nextword.files import atomic_directory, atomic_write_bytes, write_json
from nextword.lm.model import LanguageModel, LMConfig
from nextword.lm.ngram import KneserNey
from nextword.text.tokenizer import WordTokenizer

MODEL_KIND = "typing"
LEXICON_FILE = "lexicon.json"
LEXICON_FORMAT = "nextword-lexicon"


@dataclass
class ModelParts:
    """What a typing model directory holds, loaded."""

    tokenizer: WordTokenizer
    word_lm: LanguageModel
    char_lm: LanguageModel
    ngram: KneserNey
    unigram: np.ndarray  # training count of each vocabulary id
    config: dict
    lexicon: dict[str, int]
    user_ngram: KneserNey | None = None  # an adapted model's n-gram of the user's text


def read_model_dir(path: str | Path) -> ModelParts:
    """Load and check every file of a typing model directory (one clear error if any is off)."""
    path = Path(path)
    cfg = ckpt.read_config(path, kind=MODEL_KIND)
    tok = WordTokenizer.load(path)
    tensors = ckpt.load_tensors(path / "weights.safetensors")
    try:
        word_cfg, char_cfg = LMConfig(**cfg["word_lm"]), LMConfig(**cfg["char_lm"])
    except (KeyError, TypeError) as exc:
        raise ModelFileError(f"{path}/config.json is incomplete ({exc})") from None
    if word_cfg.vocab_size != tok.vocab_size or char_cfg.vocab_size != len(tok.chars):
        raise ModelFileError(f"{path}: tokenizer.json does not match config.json")
    word_lm, char_lm = LanguageModel(word_cfg), LanguageModel(char_cfg)
    for prefix, lm in (("word.", word_lm), ("char.", char_lm)):
        part = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        ckpt.load_state(lm, part, f"{path}/weights.safetensors")
        lm.eval()
    arrays = read_ngram_arrays(path, tok.vocab_size)
    order = int(cfg.get("ngram_order", 4))
    ngrams = {name: KneserNey.build(arrays[name], tok.vocab_size, order)
              for name in ("ids", "user_ids") if name in arrays}
    return ModelParts(tok, word_lm, char_lm, ngrams["ids"], arrays["unigram"].astype(np.float64), cfg,
                      read_lexicon(path), ngrams.get("user_ids"))


def read_ngram_arrays(path: str | Path, vocab_size: int) -> dict[str, np.ndarray]:
    """The arrays of ``ngram.safetensors``, checked against a vocabulary of ``vocab_size``:
    ``ids`` (the training tokens the n-gram is counted from), ``unigram`` and, in an adapted
    model, ``user_ids``."""
    path = Path(path)
    arrays = ckpt.load_tensors(path / "ngram.safetensors", framework="np")
    if "ids" not in arrays or "unigram" not in arrays:
        raise ModelFileError(f"{path}/ngram.safetensors is not a nextword n-gram file")
    too_big = [n for n in ("ids", "user_ids") if n in arrays and arrays[n].size and int(arrays[n].max()) >= vocab_size]
    if too_big or len(arrays["unigram"]) != vocab_size:
        raise ModelFileError(f"{path}/ngram.safetensors does not match tokenizer.json")
    return arrays


def write_model_dir(out: Path, tok: WordTokenizer, word_lm: LanguageModel, char_lm: LanguageModel,
                    train_ids: np.ndarray, unigram: np.ndarray, config: dict,
                    known_words: dict[str, int] | None = None, user_ids: np.ndarray | None = None
                    ) -> None:
    """The whole model directory in one atomic step. Weights are stored as float16 (half the
    size; the loader computes in float32); the n-grams are rebuilt at load from the token ids
    (``user_ids``: an adapted model's second n-gram, of the user's text)."""
    tensors = {f"word.{k}": v.half() for k, v in word_lm.state_dict().items()}
    tensors.update({f"char.{k}": v.half() for k, v in char_lm.state_dict().items()})
    id_dtype = np.uint16 if tok.vocab_size <= 65536 else np.uint32
    with atomic_directory(out) as tmp:
        ckpt.save_tensors(tmp / "weights.safetensors", tensors)
        tok.save(tmp)
        arrays = {"ids": np.asarray(train_ids).astype(id_dtype), "unigram": unigram.astype(np.int64)}
        if user_ids is not None:
            arrays["user_ids"] = np.asarray(user_ids).astype(id_dtype)
        atomic_write_bytes(tmp / "ngram.safetensors", np_save(arrays))
        write_json(tmp / "config.json", config)
        if known_words is not None:  # real words outside the vocabulary, for autocorrect
            write_lexicon(tmp, known_words)


def write_lexicon(directory: str | Path, counts: dict[str, int]) -> None:
    """Write ``counts`` as the lexicon file of a model directory (atomically)."""
    write_json(Path(directory) / LEXICON_FILE, {"format": LEXICON_FORMAT, "version": 1, "words": counts})


def read_lexicon(directory: str | Path) -> dict[str, int]:
    """The lexicon of a model directory; empty for a directory written before lexicons."""
    path = Path(directory) / LEXICON_FILE
    if not path.exists():
        return {}
    obj = ckpt.read_json(path)
    words = obj.get("words")
    if obj.get("format") != LEXICON_FORMAT or not isinstance(words, dict):
        raise ModelFileError(f"{path} is not a nextword lexicon")
    return {w: int(n) for w, n in words.items() if isinstance(w, str) and isinstance(n, int) and n > 0}
