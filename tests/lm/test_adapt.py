"""Adapting a base model to a user's corpus: ``nextword.train(..., base=...)`` (lm.adapt)."""

import json
import shutil

import numpy as np
import pytest
import torch

import nextword
from nextword.errors import InputError, ModelFileError
from nextword.lm.adapt import default_minutes, report_lines, resolve_base
from nextword.lm.evaluate import ngram_baseline
from nextword.lm.extend import effective_rows, extend_lm
from nextword.lm.model import LanguageModel, LMConfig
from nextword.paths import bundled_corpus_files
from nextword.text.tokenizer import WordTokenizer
from tests.conftest import TINY_OPTIONS
from tests.helpers.killed_run import kill_and_resume
from tests.helpers.user_corpus import NEW_WORDS, write_user_corpus

FAST = dict(max_minutes=0.05, char_minutes=0.02, progress=False)  # a few seconds of training


@pytest.fixture(scope="module")
def user_corpus(tmp_path_factory):
    return write_user_corpus(tmp_path_factory.mktemp("user"))


@pytest.fixture(scope="module")
def adapted_dir(tiny_model_dir, user_corpus, tmp_path_factory):
    return nextword.train(user_corpus, tmp_path_factory.mktemp("adapted") / "mine", base=tiny_model_dir, **FAST)


@pytest.fixture(scope="module")
def adapted(adapted_dir):
    return nextword.load(adapted_dir)


def test_the_vocabulary_grows_by_the_corpus_new_words_and_base_ids_stay(tiny_model, adapted):
    base, tok = tiny_model.tokenizer, adapted.tokenizer
    assert tok.words[: base.vocab_size] == base.words
    for word in NEW_WORDS:
        assert word.lower() not in base.ids and tok.ids[word.lower()] >= base.vocab_size
    info = adapted.config["adaptation"]
    assert info["new_words"] == tok.vocab_size - base.vocab_size > 0
    assert info["base_vocab_size"] == base.vocab_size and info["replay"] is None
    assert {"Siobhan", "kubectl"} <= set(info["top_new_words"])  # in the user's case


def test_new_words_are_suggested_in_the_users_case(adapted):
    assert "Siobhan" in [s.word for s in adapted.suggest("I met Sio")]
    assert "kubectl" in [s.word for s in adapted.suggest("and we ran kub")]
    assert {"Siobhan", "Zorblax", "frobnicate"} & {s.word for s in adapted.suggest("I met ", k=5)}


def test_the_adapted_model_has_a_user_ngram_refitted_weights_and_a_before_after_table(adapted_dir, adapted):
    cfg = json.loads((adapted_dir / "config.json").read_text())
    assert set(cfg["mixture"]) == {"lstm", "ngram", "cache", "phrase_cache", "user_ngram"}
    assert cfg["mixture"]["user_ngram"] > 0 and adapted.user_ngram is not None
    assert adapted.weights["user_ngram"] == pytest.approx(cfg["mixture"]["user_ngram"])
    report = cfg["adaptation"]["report"]
    assert report["words"] > 100 and not report["same_vocabulary"]
    assert report["adapted"]["oov_rate"] < report["base"]["oov_rate"]
    assert report["adapted"]["ksr"] > report["base"]["ksr"]  # the new words alone see to it
    lines = report_lines(cfg)
    assert "<unk>" in lines[0] and lines[2].startswith("base") and lines[3].startswith("adapted")


def test_the_baseline_of_an_adapted_model_is_the_ngram_of_the_users_text(adapted):
    base = ngram_baseline(adapted)
    assert base.ngram is adapted.user_ngram and base.weights["ngram"] == 1
    assert "kubectl" in [s.word for s in base.suggest("and we ran kub")]


def test_a_model_directory_without_a_user_ngram_still_loads(tiny_model):
    assert tiny_model.user_ngram is None and tiny_model.weights["user_ngram"] == 0


def test_the_time_budget_bounds_the_fine_tuning(adapted_dir):
    m = json.loads((adapted_dir / "config.json").read_text())["metrics"]
    assert 0 < m["word_seconds"] <= FAST["max_minutes"] * 60 + 2
    assert 0 < m["char_seconds"] <= FAST["char_minutes"] * 60 + 2


def test_the_default_budget_grows_with_the_corpus_within_bounds():
    assert default_minutes(0) == 2 and default_minutes(100_000) == 3
    assert default_minutes(300_000) == 6 and default_minutes(400_000) == 6.5 == default_minutes(10**8)


def test_base_names():
    assert resolve_base(None) is None and resolve_base("none") is None
    assert resolve_base("default") == nextword.default_model_path()
    assert str(resolve_base("models/mine")) == "models/mine"


def _vocab() -> WordTokenizer:
    text = ("the cat is running and the dog is jumping while a bird was sitting on a big tree eating "
            "seeds or walking near my old red house by one green lake at noon")
    return WordTokenizer.build([text] * 3, vocab_size=200, min_frequency=1)


def test_new_rows_start_from_unk_and_known_endings_not_from_noise():
    tok = _vocab()
    torch.manual_seed(0)
    lm = LanguageModel(LMConfig(tok.vocab_size, dim=16, hidden_size=32, cutoffs=[8, 20])).eval()
    grown = extend_lm(lm, tok, tok.extended(["qzx", "qzy", "swimming"])).eval()
    V = tok.vocab_size
    assert grown.io.bounds == [0, 8, 20, V + 3]  # the new words join the rarest bucket
    proj = lm.io.projs[-1].detach()
    reachable = torch.linalg.pinv(proj) @ proj  # what the bucket's narrower rows can express
    new = effective_rows(grown, np.arange(V, V + 3))
    unk = effective_rows(lm, np.array([tok.unk_id]))[0]
    assert torch.allclose(new[0], unk @ reachable, atol=1e-5) and torch.allclose(new[0], new[1])
    ing = [i for i, w in enumerate(tok.words) if w.endswith("ing")]
    assert len(ing) >= 3
    near = 0.5 * (unk + effective_rows(lm, np.array(ing)).mean(0))
    assert torch.allclose(new[2], near @ reachable, atol=1e-5)
    assert torch.all(grown.io.bias[V:] == lm.io.bias[20:].median())
    x = torch.tensor([[1, 2, 3, 4, 5]])
    with torch.no_grad():  # the old weights are untouched
        assert torch.equal(grown.hidden(x)[0], lm.hidden(x)[0])
        assert torch.equal(grown.io.tables[0], lm.io.tables[0])


def test_a_corpus_without_new_words_still_adapts(tiny_model_dir, tiny_corpus, tmp_path):
    # the base's own training text; the TINY shape options agree with the base, so they may be given
    opts = dict(TINY_OPTIONS, base=tiny_model_dir, **FAST)
    out = nextword.train(tiny_corpus, tmp_path / "m", **opts)
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["adaptation"]["new_words"] == 0 and cfg["adaptation"]["report"]["same_vocabulary"]
    assert "<unk>" not in report_lines(cfg)[0]
    assert len(nextword.load(out).suggest("the ", 3)) == 3


def test_a_shape_option_that_disagrees_with_the_base_is_refused(tiny_model_dir, user_corpus, tmp_path):
    with pytest.raises(InputError, match="hidden_size=65 does not match the base model"):
        nextword.train(user_corpus, tmp_path / "m", base=tiny_model_dir, hidden_size=65, **FAST)
    assert not (tmp_path / "m").exists()


def test_a_missing_or_corrupt_base_is_refused(tiny_model_dir, user_corpus, tmp_path):
    with pytest.raises(ModelFileError, match="bad base model: model directory not found"):
        nextword.train(user_corpus, tmp_path / "m", base=tmp_path / "nope", **FAST)
    corrupt = tmp_path / "corrupt"
    shutil.copytree(tiny_model_dir, corrupt)
    (corrupt / "weights.safetensors").write_bytes(b"\0" * 100)
    with pytest.raises(ModelFileError, match="bad base model"):
        nextword.train(user_corpus, tmp_path / "m", base=corrupt, **FAST)
    assert not (tmp_path / "m").exists()


def test_adapting_the_bundled_model_mixes_in_its_training_text(user_corpus, tmp_path):
    out = nextword.train(user_corpus, tmp_path / "m", **FAST)  # base="default"
    cfg = json.loads((out / "config.json").read_text())
    info = cfg["adaptation"]
    assert info["replay"] == "bundled" and cfg["word_lm"]["hidden_size"] == 768
    share = info["replay_tokens"] / (info["replay_tokens"] + cfg["corpus"]["train_tokens"])
    assert 0.15 < share < 0.25
    assert cfg["word_lm"]["vocab_size"] == 30_000 + info["new_words"]
    assert "Siobhan" in [s.word for s in nextword.load(out).suggest("I met Sio")]


def test_the_replayed_text_is_the_bundled_corpus_without_its_provenance_notice():
    names = [p.name for p in bundled_corpus_files()]
    assert "gutenberg-books.txt" in names and "SOURCES.md" not in names
    assert all(name.endswith(".txt") for name in names)


def test_a_killed_adaptation_resumes_and_finishes(tiny_model_dir, user_corpus, tmp_path):
    out = tmp_path / "model"
    opts = dict(epochs=3, max_minutes=0.5, char_minutes=0.02, checkpoint_every=1.0, progress=False)
    code = (f"import nextword; nextword.train({str(user_corpus)!r}, {str(out)!r}, "
            f"base={str(tiny_model_dir)!r}, resume=True, **{opts!r})")
    killed_at, cfg = kill_and_resume(code, out)
    assert cfg["metrics"]["word_resumed_from_step"] >= killed_at
    assert cfg["adaptation"]["new_words"] > 0
    assert "kubectl" in [s.word for s in nextword.load(out).suggest("and we ran kub")]
