import json
import math
import os

import numpy as np
import pytest
import torch

import nextword
from nextword.errors import InputError
from tests.conftest import TINY_OPTIONS
from tests.helpers.killed_run import kill_and_resume


def test_training_lowers_the_validation_loss(tiny_model_dir):
    cfg = json.loads((tiny_model_dir / "config.json").read_text())
    hist = cfg["metrics"]["word_history"]
    assert hist[-1]["val_loss"] < hist[0]["train_loss"]
    assert cfg["metrics"]["word_val_ppl"] < 0.2 * cfg["corpus"]["vocab_size"]
    assert math.isfinite(cfg["metrics"]["mixture_val_ppl"])


def test_model_directory_holds_config_weights_tokenizer_metadata_and_training_speed(tiny_model_dir):
    names = {p.name for p in tiny_model_dir.iterdir()}
    assert {"config.json", "weights.safetensors", "tokenizer.json", "vocab.json", "ngram.safetensors"} <= names
    cfg = json.loads((tiny_model_dir / "config.json").read_text())
    assert cfg["format_version"] == 1 and cfg["kind"] == "typing"
    assert cfg["corpus"]["train_tokens"] > 0 and "word_val_loss" in cfg["metrics"]
    m = cfg["metrics"]
    assert m["word_tokens_per_s"] > 0 and m["word_steps"] > 0 and m["word_resumed_from_step"] is None
    assert not any(p.suffix in (".pt", ".pkl", ".bin") for p in tiny_model_dir.iterdir())


def test_same_seed_gives_identical_weights(tiny_corpus, tmp_path):
    opts = dict(TINY_OPTIONS, epochs=1, char_minutes=None)  # a time budget would depend on load
    a = nextword.train(tiny_corpus, tmp_path / "a", **opts)
    b = nextword.train(tiny_corpus, tmp_path / "b", **opts)
    assert (a / "weights.safetensors").read_bytes() == (b / "weights.safetensors").read_bytes()


def test_bad_corpus_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(InputError):
        nextword.train(tmp_path / "empty.txt", out, **TINY_OPTIONS)
    with pytest.raises(InputError):
        nextword.train(tmp_path / "missing", out, **TINY_OPTIONS)
    assert not out.exists()


def test_killed_training_resumes_and_finishes(tiny_corpus, tmp_path):
    out = tmp_path / "model"
    opts = dict(TINY_OPTIONS, epochs=4, checkpoint_every=1.0)
    code = (f"import nextword; nextword.train({str(tiny_corpus)!r}, {str(out)!r}, "
            f"resume=True, **{opts!r})")
    _, cfg = kill_and_resume(code, out)
    assert cfg["metrics"]["word_history"][0]["epoch"] == 1
    assert nextword.load(out).suggest("the ", 3)


def test_tokenizing_is_skipped_when_the_corpus_and_options_are_unchanged(tiny_corpus, tmp_path):
    from nextword.lm.train import TypingTrainOptions, prepare
    from nextword.text.corpus import read_corpus

    opts = TypingTrainOptions.from_kwargs(vocab_size=500)
    first = prepare(read_corpus(tiny_corpus), tmp_path, opts)
    written = (tmp_path / "train.tokens").stat().st_mtime_ns
    again = prepare(read_corpus(tiny_corpus), tmp_path, opts)
    assert (tmp_path / "train.tokens").stat().st_mtime_ns == written
    assert np.array_equal(np.asarray(first.train_ids), np.asarray(again.train_ids))
    prepare(read_corpus(tiny_corpus), tmp_path, TypingTrainOptions.from_kwargs(vocab_size=400))
    assert (tmp_path / "train.tokens").stat().st_mtime_ns != written  # another vocabulary
    written = (tmp_path / "train.tokens").stat().st_mtime_ns
    corpus = tmp_path / "changed"
    corpus.mkdir()
    (corpus / "a.txt").write_text((tiny_corpus / "tiny.txt").read_text().rstrip() + "\nOne more line.\n")
    changed = prepare(read_corpus(corpus), tmp_path, TypingTrainOptions.from_kwargs(vocab_size=400))
    assert (tmp_path / "train.tokens").stat().st_mtime_ns != written
    assert changed.counts["train_paragraphs"] + changed.counts["val_paragraphs"] == \
        first.counts["train_paragraphs"] + first.counts["val_paragraphs"] + 1


def test_token_streams_are_read_from_disk_not_held_in_memory(tiny_corpus, tmp_path):
    from nextword.lm.train import TypingTrainOptions, prepare
    from nextword.text.corpus import read_corpus
    from nextword.text.streams import TokenFile, TokenStream

    data = prepare(read_corpus(tiny_corpus), tmp_path, TypingTrainOptions.from_kwargs(vocab_size=500))
    assert isinstance(data.train_ids, TokenFile)
    whole = np.asarray(data.train_ids)
    from_disk = TokenStream(data.train_ids, 4, 10)
    in_memory = TokenStream(whole, 4, 10)
    for i in (0, 1, len(from_disk) - 1):
        for a, b in zip(from_disk.batch(i), in_memory.batch(i), strict=True):
            assert torch.equal(a, b)


def test_a_checkpoint_parked_by_a_kill_between_two_renames_is_resumed_from(tmp_path):
    """A kill between ``atomic_directory``'s two renames leaves the last checkpoint parked in a
    dot-folder; resuming puts it back instead of starting over."""
    from nextword.core.trainer import TrainConfig, Trainer
    from nextword.lm.model import LanguageModel, LMConfig
    from nextword.text.streams import TokenStream

    ids = np.random.default_rng(0).integers(0, 50, 3000).astype(np.int32)

    def trainer() -> Trainer:
        torch.manual_seed(0)
        return Trainer(LanguageModel(LMConfig(50, 8, 16, 1, 0.0, cutoffs=[])), TokenStream(ids, 4, 10),
                       TokenStream(ids[:400], 2, 10), TrainConfig(epochs=1), tmp_path, name="word")

    first = trainer()
    first.fit()
    parked = tmp_path / ".word-state.tmp-old-x"
    parked.mkdir()
    os.replace(first.state_dir, parked / "word-state")
    again = trainer()
    assert again.load_checkpoint()
    assert again.global_step == first.global_step > 0 and again.done
