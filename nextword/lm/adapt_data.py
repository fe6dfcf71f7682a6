"""The data of an adaptation run (``lm.adapt``): the user's corpus tokenized with the base
vocabulary extended by the corpus's new words, a sample of the base model's own training text
mixed into the training stream, and the validation split cut in two (one half tunes, the other
half is only scored, for the before/after table).

Written once into ``<out>.work/`` like training's token streams (``lm.train.prepare``) and reused
by a later run on the same corpus, base and options (``--resume``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

import numpy as np

from nextword.core import checkpoint as ckpt
from nextword.errors import InputError
from nextword.files import atomic_write_text, write_json
from nextword.lm.extend import select_new_words
from nextword.lm.fitting import CHAR_TRAIN_CHARS, CHAR_VAL_CHARS, char_stream
from nextword.lm.modeldir import read_lexicon, write_lexicon
from nextword.lm.options import TypingTrainOptions
from nextword.text.corpus import Corpus, read_corpus
from nextword.text.lexicon import count_unknown_words
from nextword.text.streams import TokenFile
from nextword.text.tokenizer import WordTokenizer, count_case_forms, usual_forms

STATS_CHARS = 20_000_000   # new words and spellings are counted on about this many characters
CASE_MIN_COUNT = 3         # a base word takes the user's usual spelling once seen this often
REPORT_CHARS = 400_000     # the scored half of the validation split keeps at most this much text
BYTES_PER_TOKEN = 4.6      # of English text: estimates a corpus's tokens from its size


@dataclass
class AdaptData:
    """What adapting trains and scores on."""

    tok: WordTokenizer       # the base vocabulary, then the new words
    base_vocab: int          # ids below this are the base's
    train_ids: TokenFile     # the user's training text, then the replay sample (the LSTM's stream)
    user_ids: TokenFile      # the user's training text alone (n-gram, unigram counts)
    val_ids: np.ndarray      # half of the validation split: early stopping, mixture weights
    report_text: str         # the other half: the before/after table
    chars: TokenFile
    val_chars: np.ndarray
    counts: dict[str, int]   # paragraphs, words and replay tokens, for the model's config
    lexicon: dict[str, int]  # real words outside the extended vocabulary, with counts
    fresh: bool              # tokenized in this call (earlier checkpoints do not belong to it)

    @property
    def new_words(self) -> list[str]:
        return self.tok.words[self.base_vocab:]


def _fingerprint(corpus: Corpus, base_digest: str, replay: Corpus | None, opts: TypingTrainOptions,
                 max_new_words: int, replay_share: float) -> str:
    h = hashlib.sha256(f"adapt-v1;{corpus.fingerprint};{base_digest};".encode())
    h.update(f"{replay.fingerprint if replay else None};{replay_share};{max_new_words};".encode())
    h.update(f"{opts.min_frequency};{opts.val_fraction};{opts.max_val_tokens}".encode())
    return h.hexdigest()[:16]


def base_digest(base_dir: Path) -> str:
    """Changes when the base model's vocabulary or config (hence its weights) changes."""
    h = hashlib.sha256()
    for name in ("config.json", "tokenizer.json", "vocab.json"):
        h.update((base_dir / name).read_bytes())
    return h.hexdigest()


def count_tokens(paragraphs: Iterable[str], tok: WordTokenizer) -> tuple[Counter, dict[str, Counter]]:
    """How often each token occurs (as the vocabulary spells it) and how each is written in
    mid-sentence."""
    counts: Counter = Counter()
    forms: dict[str, Counter] = {}
    for para in paragraphs:
        counts.update(tok.vocab_tokens(para))
        count_case_forms(para, forms)
    return counts, forms


def case_updates(forms: dict[str, Counter], new_words: list[str], base: WordTokenizer) -> dict[str, str]:
    """The user's usual spelling of each new word, and of each base word seen often enough."""
    new = set(new_words)
    usual = usual_forms(forms)
    out = {w: usual[w] for w in new_words if w in usual}
    out.update({w: form for w, form in usual_forms(forms, CASE_MIN_COUNT).items()
                if w in base.ids and w not in new and form != base.display(w)})
    return out


def replay_paragraphs(replay: Corpus, want_tokens: int) -> Iterator[str]:
    """About ``want_tokens`` of ``replay``'s text, as paragraphs spread evenly over all of it."""
    every = max(1, int(replay.n_bytes / BYTES_PER_TOKEN / max(1, want_tokens)))
    got = 0
    for para in islice(replay.paragraphs(), 0, None, every):
        if got >= want_tokens:
            return
        got += len(para) / BYTES_PER_TOKEN
        yield para


def tuning_every(n_val: int) -> int:
    """Of ``n_val`` validation paragraphs, every how many-th one is in the tuning half: they
    alternate with the scored half (one paragraph is in both)."""
    return 2 if n_val >= 2 else 1


def _halves(paragraphs: Iterable[str]) -> tuple[list[str], list[str]]:
    """The tuning and the scored half of the validation paragraphs (``tuning_every``)."""
    paras = list(paragraphs)
    every = tuning_every(len(paras))
    return paras[0::every], (paras[1::2] if every == 2 else paras)


def _capped_text(paragraphs: list[str], max_chars: int) -> str:
    out, size = [], 0
    for para in paragraphs:
        if size >= max_chars:
            break
        out.append(para)
        size += len(para) + 1
    return "\n".join(out)


def prepare_adapt(corpus: Corpus, work: Path, base_tok: WordTokenizer, base_dir: Path,
                  base_lexicon: dict[str, int], opts: TypingTrainOptions, replay_files: list[Path],
                  max_new_words: int, replay_share: float) -> AdaptData:
    """Tokenize the corpus for adapting (once; a later call with the same inputs reuses it)."""
    replay = read_corpus(replay_files) if replay_files else None
    fp = _fingerprint(corpus, base_digest(base_dir), replay, opts, max_new_words, replay_share)
    stamp = work / "prepared.json"
    fresh = not (stamp.exists() and ckpt.read_json(stamp).get("fingerprint") == fp)
    if fresh:
        work.mkdir(parents=True, exist_ok=True)
        stamp.unlink(missing_ok=True)
        counts = _tokenize(corpus, work, base_tok, base_lexicon, opts, replay, max_new_words, replay_share)
        write_json(stamp, {"fingerprint": fp, **counts})
    counts = {k: int(v) for k, v in ckpt.read_json(stamp).items() if k != "fingerprint"}
    tok = WordTokenizer.load(work)
    return AdaptData(tok, base_tok.vocab_size, TokenFile(work / "train.tokens"), TokenFile(work / "user.tokens"),
                     TokenFile(work / "val.tokens").read(0, opts.max_val_tokens),
                     (work / "report.txt").read_text("utf-8"), TokenFile(work / "train.chars"),
                     np.asarray(TokenFile(work / "val.chars")), counts, read_lexicon(work), fresh)


def _tokenize(corpus: Corpus, work: Path, base_tok: WordTokenizer, base_lexicon: dict[str, int],
              opts: TypingTrainOptions, replay: Corpus | None, max_new_words: int, replay_share: float
              ) -> dict[str, int]:
    """Write the files ``prepare_adapt`` reads; returns the counts for the model's config."""
    split = corpus.split(opts.val_fraction)
    if not split.n_val:
        raise InputError("the corpus is too small: it needs at least two paragraphs")
    every = max(1, split.n_chars // STATS_CHARS)
    counts, forms = count_tokens(islice(split.train(), 0, None, every), base_tok)
    new_words = select_new_words(counts, base_tok, opts.min_frequency, max_new_words)
    tok = base_tok.extended(new_words, case_updates(forms, new_words, base_tok))
    tok.save(work)
    user = TokenFile.write(work / "user.tokens", tok.encode_chunks(split.train()))
    want = int(len(user) * replay_share / (1 - replay_share)) if replay is not None else 0
    sample = list(replay_paragraphs(replay, want)) if want else []
    TokenFile.write(work / "train.tokens", chain(user.chunks(), tok.encode_chunks(sample)))
    tune, report = _halves(split.val())
    TokenFile.write(work / "val.tokens", tok.encode_chunks(tune))
    atomic_write_text(work / "report.txt", _capped_text(report, REPORT_CHARS))
    char_every = max(1, split.n_chars // CHAR_TRAIN_CHARS)
    TokenFile.write(work / "train.chars", char_stream(tok, chain(split.train(), sample), char_every,
                                                      CHAR_TRAIN_CHARS))
    TokenFile.write(work / "val.chars", char_stream(tok, tune, 1, CHAR_VAL_CHARS))
    lexicon = Counter({w: n for w, n in base_lexicon.items() if w not in tok.ids})
    lexicon.update(count_unknown_words(islice(split.train(), 0, None, every), tok))
    write_lexicon(work, dict(sorted(lexicon.items())))
    return {"train_paragraphs": split.n_train, "val_paragraphs": len(tune), "report_paragraphs": len(report),
            "train_words": sum(int(np.count_nonzero(tok.word_mask[chunk])) for chunk in user.chunks()),
            "replay_tokens": len(TokenFile(work / "train.tokens")) - len(user)}
