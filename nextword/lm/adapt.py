"""Adapting a trained typing model to a user's corpus instead of training from scratch
(``nextword train --base``; the bundled model is the default base).

1. The base vocabulary grows by the corpus's frequent new words (``lm.extend``: appended ids,
   rows started from the base's ``<unk>`` vector and words sharing their ending).
2. The word LSTM is fine-tuned from the base weights at a third of the base's learning rate,
   with early stopping on half of the corpus's own validation split. A sample of the base's
   training text (``corpus/``, when the base is the bundled model or was adapted from it) makes
   up ``REPLAY_SHARE`` of the training stream, so the model does not forget general English.
   The char LSTM is fine-tuned briefly on the corpus's characters.
3. A Kneser-Ney n-gram of the user's text joins the base n-gram, and the mixture weights (LSTM,
   both n-grams, the document caches) are refitted by EM on the corpus's validation half, each
   paragraph read after the text before it (``mixture.tuning_stream``).
4. The base and the adapted model are scored by the same code (``evaluate_text``) on the other
   validation half: the before/after table, stored in config.json under ``adaptation``.

The word LSTM's default budget grows with the corpus (``default_minutes``), so adapting a
400k-word corpus ends within 10 minutes on a 2-core CPU; ``--minutes`` sets it.
"""

from __future__ import annotations

import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

from nextword.core import checkpoint as ckpt
from nextword.errors import InputError, ModelFileError
from nextword.lm.adapt_data import AdaptData, prepare_adapt, tuning_every
from nextword.lm.evaluate import evaluate_text
from nextword.lm.extend import extend_lm, with_config
from nextword.lm.fitting import (
    clear_checkpoints,
    fit_lm,
    fit_metrics,
    ngram_sample,
    token_counts,
    train_batch_size,
)
from nextword.lm.mixture import tune_mixture, tuning_stream
from nextword.lm.model import LanguageModel
from nextword.lm.modeldir import (
    MODEL_KIND,
    ModelParts,
    read_model_dir,
    read_ngram_arrays,
    write_model_dir,
)
from nextword.lm.ngram import KneserNey
from nextword.lm.options import SHAPE_OPTIONS, TypingTrainOptions
from nextword.lm.typing_model import TypingModel
from nextword.paths import bundled_corpus_files, default_model_path
from nextword.progress import training_progress
from nextword.text.corpus import Corpus

MAX_NEW_WORDS = 5_000   # new words added at most (the most frequent)
REPLAY_SHARE = 0.2      # of the training stream: the base's own training text
LR_FACTOR = 1 / 3       # of the base's learning rate
VAL_FRACTION = 0.06     # of the corpus held out: half tunes, half is scored
CHAR_MINUTES = 0.5      # the char LSTM's default budget
REPORT_WORDS = 5_000    # words of the scored half in the before/after table
BUDGET_RULE = "clamp(1.5 + 1.5 x training words / 100,000, 2, 6.5) minutes"
REPORT_METRICS = ("perplexity", "top1", "top3", "ksr", "oov_rate")


def resolve_base(base: str | Path | None) -> Path | None:
    """The base model directory ``base`` names: "default" the bundled model, None or "none"
    none (train from scratch), anything else a model directory."""
    if base is None or str(base) == "none":
        return None
    return default_model_path() if str(base) == "default" else Path(base)


def default_minutes(train_words: int) -> float:
    """The word LSTM's budget when none is given: ``BUDGET_RULE``."""
    return min(6.5, max(2.0, 1.5 + 1.5 * train_words / 100_000))


def _base_option(cfg: dict, name: str, part: str | None = None) -> Any:
    """An option the base was trained with (config.json keeps them flat, or under ``part``)."""
    options = cfg.get("options", {})
    if name in options:
        return options[name]
    return options.get(part, {}).get(name) if part else None


def _base_shapes(cfg: dict) -> dict[str, set]:
    """The values of ``SHAPE_OPTIONS`` that agree with the base (vocab_size: its vocabulary's
    size, or the cap it was trained with)."""
    w, c = cfg["word_lm"], cfg["char_lm"]
    return {"vocab_size": {w["vocab_size"], _base_option(cfg, "vocab_size", "word")}, "dim": {w["dim"]},
            "hidden_size": {w["hidden_size"]}, "num_layers": {w["num_layers"]}, "char_dim": {c["dim"]},
            "char_hidden": {c["hidden_size"]}, "ngram_order": {int(cfg.get("ngram_order", 4))}}


def adapt_options(options: dict[str, Any], base_cfg: dict) -> TypingTrainOptions:
    """The options of an adaptation run: shapes from the base (an explicit one that disagrees is
    an error); learning rate, batch shape, validation share and char budget default to the
    adaptation's own unless given."""
    shapes = _base_shapes(base_cfg)
    for name in SHAPE_OPTIONS:
        if name in options and options[name] not in shapes[name]:
            raise InputError(f"{name}={options[name]} does not match the base model ({min(shapes[name] - {None})}): "
                             f"an adapted model keeps the base's shape; leave it out, or train from scratch "
                             f"with base none")
    opts = TypingTrainOptions.from_kwargs(**{k: v for k, v in options.items() if k not in SHAPE_OPTIONS})
    base_lr = _base_option(base_cfg, "lr", "loop") or opts.loop.lr
    opts.loop.lr = options.get("lr", base_lr * LR_FACTOR)
    for name, default in (("batch_size", _base_option(base_cfg, "batch_size")),
                          ("bptt", _base_option(base_cfg, "bptt")),
                          ("val_fraction", VAL_FRACTION), ("char_minutes", CHAR_MINUTES)):
        if name not in options and default:
            setattr(opts, name, default)
    opts.ngram_order = min(shapes["ngram_order"])
    for part, key in (("word", "word_lm"), ("char", "char_lm")):
        lm = dict(base_cfg[key], dropout=options.get("dropout", base_cfg[key].get("dropout", 0.1)))
        setattr(opts, part, replace(getattr(opts, part), **lm))
    return opts


def replays_bundled_text(base_dir: Path, cfg: dict) -> bool:
    """Whether ``corpus/`` is the base's training text: the bundled model, or one adapted
    from it."""
    bundled = base_dir.resolve() == default_model_path().resolve()
    return bundled or cfg.get("adaptation", {}).get("replay") == "bundled"


def adapt(corpus: Corpus, out: Path, base_dir: Path, resume: bool, options: dict[str, Any]) -> Path:
    """Adapt the model in ``base_dir`` to ``corpus`` and write the model directory ``out``
    (atomically; ``resume`` continues a killed run from its checkpoints in ``<out>.work``)."""
    started = time.time()
    try:
        base = read_model_dir(base_dir)
    except ModelFileError as exc:
        raise ModelFileError(f"bad base model: {exc}") from None
    opts = adapt_options(options, base.config)
    work = out.parent / f"{out.name}.work"
    if not resume:
        clear_checkpoints(work)
    replay = replays_bundled_text(base_dir, base.config)
    data = prepare_adapt(corpus, work, base.tokenizer, base_dir, base.lexicon, opts,
                         bundled_corpus_files() if replay else [], MAX_NEW_WORDS, REPLAY_SHARE)
    if data.fresh:  # checkpoints of another corpus, base or vocabulary do not apply
        clear_checkpoints(work)
    if len(data.user_ids) < 4 * opts.bptt or len(data.val_ids) < 3:
        raise InputError(f"the corpus is too small to adapt to ({len(data.user_ids)} tokens)")
    minutes = opts.max_minutes or default_minutes(data.counts["train_words"])
    progress = training_progress(opts.progress)
    if progress is not None:
        progress.start()
    try:
        word_lm, word_summary, char_lm, char_summary = _fine_tune(base, data, work, opts, minutes, resume,
                                                                 progress)
        ngram, user_ngram, ngram_ids, user_ids = _ngrams(base_dir, data, opts)
        split = corpus.split(opts.val_fraction)
        tune_ids, scored = tuning_stream(split, data.tok, every=tuning_every(split.n_val))
        weights, mixture_ppl = tune_mixture(word_lm, ngram, tune_ids, scored, user_ngram)
        unigram = _unigram(base, data)
        adapted = TypingModel(data.tok, word_lm, char_lm, ngram, unigram, weights, user_ngram=user_ngram)
        report = before_after(_base_model(base, base_dir), adapted, data.report_text, progress)
    finally:
        if progress is not None:
            progress.stop()
    config = {
        **ckpt.model_header(MODEL_KIND),
        "word_lm": word_lm.config.to_dict(), "char_lm": char_lm.config.to_dict(),
        "ngram_order": opts.ngram_order, "mixture": weights,
        "options": {k: v for k, v in asdict(opts).items() if k != "progress"},
        "corpus": _corpus_stats(corpus, data),
        "metrics": fit_metrics(word_summary, char_summary, mixture_ppl),
        "adaptation": {"base": str(base_dir), "base_vocab_size": data.base_vocab,
                       "new_words": len(data.new_words), "top_new_words": _top_words(data, 20),
                       "replay": "bundled" if replay else None, "replay_tokens": data.counts["replay_tokens"],
                       "lr": opts.loop.lr, "word_minutes": round(minutes, 2), "char_minutes": opts.char_minutes,
                       "report": report},
        "train_seconds": round(time.time() - started, 1),
        "seed": opts.loop.seed,
    }
    write_model_dir(out, data.tok, word_lm, char_lm, ngram_ids, unigram, config, data.lexicon, user_ids)
    return out


def _corpus_stats(corpus: Corpus, data: AdaptData) -> dict:
    """The ``corpus`` entry of the adapted model's config.json."""
    return {"files": len(corpus.files), "skipped": corpus.skipped[:20], **data.counts,
            "train_tokens": len(data.user_ids), "val_tokens": len(data.val_ids),
            "vocab_size": data.tok.vocab_size, "oov_rate_val": float(np.mean(data.val_ids == data.tok.unk_id))}


def _fine_tune(base: ModelParts, data: AdaptData, work: Path, opts: TypingTrainOptions, minutes: float,
               resume: bool, progress: Any) -> tuple[LanguageModel, dict, LanguageModel, dict]:
    """The word LSTM (vocabulary extended) and the char LSTM, trained on from the base's
    weights: (word LM, its summary, char LM, its summary)."""
    word_init = with_config(extend_lm(base.word_lm, base.tokenizer, data.tok), dropout=opts.word.dropout)
    batch = train_batch_size(len(data.train_ids), opts.batch_size, opts.bptt)
    word = fit_lm("word", word_init.config, data.train_ids, data.val_ids, work, opts, minutes, resume,
                  progress, batch, opts.bptt, init=word_init)
    char_init = with_config(base.char_lm, dropout=opts.char.dropout)
    char_batch = max(1, min(64, (len(data.chars) - 1) // 101))
    char = fit_lm("char", char_init.config, data.chars, data.val_chars, work, opts, opts.char_minutes, resume,
                  progress, char_batch, 100, init=char_init)
    return (*word, *char)


def _ngrams(base_dir: Path, data: AdaptData, opts: TypingTrainOptions
            ) -> tuple[KneserNey, KneserNey, np.ndarray, np.ndarray]:
    """The base n-gram recounted over the extended vocabulary (with the text of the base's own
    user n-gram, if it was adapted) and the n-gram of the user's text; and their token ids."""
    arrays = read_ngram_arrays(base_dir, data.base_vocab)
    ids = arrays["ids"].astype(np.int32)
    if "user_ids" in arrays:
        ids = np.concatenate([ids, [data.tok.bos_id], arrays["user_ids"].astype(np.int32)])
    ids = ngram_sample(ids, opts.ngram_max_tokens, data.tok.bos_id)
    user_ids = ngram_sample(data.user_ids, opts.ngram_max_tokens, data.tok.bos_id)
    V, order = data.tok.vocab_size, opts.ngram_order
    return KneserNey.build(ids, V, order), KneserNey.build(user_ids, V, order), ids, user_ids


def _top_words(data: AdaptData, n: int) -> list[str]:
    """The ``n`` most frequent new words (not punctuation), as the user writes them."""
    ids = np.flatnonzero(data.tok.word_mask[data.base_vocab:])[:n] + data.base_vocab
    return [data.tok.display(data.tok.words[i]) for i in ids]


def _unigram(base: ModelParts, data: AdaptData) -> np.ndarray:
    """Counts of each id: the base's training counts plus the user's."""
    counts = token_counts(data.user_ids, data.tok.vocab_size)
    counts[: data.base_vocab] += base.unigram.astype(np.int64)
    return counts


def _base_model(base: ModelParts, base_dir: Path) -> TypingModel:
    """The base as a typing model (for the before/after table; its parts are not trained)."""
    return TypingModel(base.tokenizer, base.word_lm, base.char_lm, base.ngram, base.unigram,
                       base.config.get("mixture", {"lstm": 1.0}), base.config, base_dir,
                       user_ngram=base.user_ngram)


def before_after(base: TypingModel, adapted: TypingModel, text: str, progress: Any = None,
                 max_words: int = REPORT_WORDS) -> dict:
    """Both models scored by ``evaluate_text`` on the same held-out text (at most ``max_words``)."""
    task = progress.add_task("held-out table", total=2, info="") if progress is not None else None
    rows = {}
    for name, model in (("base", base), ("adapted", adapted)):
        r = evaluate_text(model, text, max_words)
        rows[name] = {k: r[k] for k in REPORT_METRICS}
        words = r["words"]
        if task is not None:
            progress.update(task, advance=1)
    return {"words": words, "same_vocabulary": base.tokenizer.vocab_size == adapted.tokenizer.vocab_size,
            **rows}


def report_lines(config: dict) -> list[str]:
    """The before/after table of an adapted model's config.json, as printed lines."""
    report = config["adaptation"]["report"]
    note = "" if report["same_vocabulary"] else (
        "; perplexity over each model's own vocabulary: the base counts the new words as <unk>")
    lines = [f"held-out part of the corpus ({report['words']:,} words){note}",
             f"{'':10}{'perplexity':>12}{'top-1':>9}{'top-3':>9}{'keystroke savings':>20}{'OOV':>9}"]
    for name in ("base", "adapted"):
        r = report[name]
        lines.append(f"{name:10}{r['perplexity']:>12.1f}{r['top1']:>9.1%}{r['top3']:>9.1%}"
                     f"{r['ksr']:>20.1%}{r['oov_rate']:>9.1%}")
    return lines
