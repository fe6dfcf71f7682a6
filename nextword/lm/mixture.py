"""How the typing model's parts are mixed: the word LSTM, the Kneser-Ney n-gram, two caches of the
document (its recent words, and the phrases it repeats) and, in an adapted model, an n-gram of the
user's text, interpolated with weights fitted by EM on validation text.
``TypingModel.mix`` applies the weights; this module fits them.

The caches are only worth what the text just before a word says, so the weights are fitted on
validation paragraphs read after the corpus text that precedes each of them (``tuning_stream``),
as the user will type after what they wrote before, not on the validation paragraphs strung
together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

import numpy as np
import torch

from nextword.lm.model import LanguageModel
from nextword.lm.ngram import KneserNey
from nextword.text.corpus import CorpusSplit
from nextword.text.tokenizer import WordTokenizer

CACHE_WINDOW = 400      # recent tokens the document caches remember
PHRASE_PRIOR = 1.0      # pseudo-count of the shorter context in the phrase cache's back-off
MAX_TUNE_TOKENS = 150_000  # of the tuning stream (context included): enough for a few weights
CHARS_PER_TOKEN = 5     # of English text, about (how much text fills the caches' window)


def cache_probs(context: np.ndarray | list[int], vocab_size: int, target: int | None = None,
                ids: np.ndarray | None = None):
    """Unigram distribution of the last ``CACHE_WINDOW`` tokens (uniform when empty). With
    ``target`` only that word's probability is computed (cheap, used to fit the weights), with
    ``ids`` only those words' (no vocabulary-sized count is made)."""
    window = np.asarray(context[-CACHE_WINDOW:])
    if target is not None:
        return float(np.count_nonzero(window == target)) / len(window) if len(window) else 1.0 / vocab_size
    if len(window) == 0:
        return np.full(vocab_size if ids is None else len(ids), 1.0 / vocab_size)
    if ids is not None:
        words, slot = _id_slots(window, np.asarray(ids))
        return _slot_counts(slot, len(words))[np.searchsorted(words, ids)] / len(window)
    return np.bincount(window, minlength=vocab_size)[:vocab_size] / len(window)


def phrase_cache_probs(context: np.ndarray | list[int], vocab_size: int, target: int | None = None,
                       ids: np.ndarray | None = None):
    """The document's own n-grams: what followed the last two tokens (and the last one) earlier
    in the last ``CACHE_WINDOW`` tokens, backed off (a Dirichlet prior of ``PHRASE_PRIOR``) to
    the shorter context and in the end to ``cache_probs``. It keeps the order of the phrases a
    document repeats (an option's name and its argument, a character's full name), which the
    word cache cannot. ``target`` and ``ids`` as in ``cache_probs``."""
    window = np.asarray(context[-CACHE_WINDOW:])
    if len(window) == 0:
        return cache_probs(window, vocab_size, target, ids)
    if target is not None:  # one word's probability (fitting weights, at every position): its slot alone
        return float(_backed_off(window, (window != target).astype(np.int64), 1)[0])
    if ids is not None:  # the corrector's question on every word: count those ids alone
        words, slot = _id_slots(window, np.asarray(ids))
        return _backed_off(window, slot, len(words))[np.searchsorted(words, ids)]
    # only the window's own tokens can have a probability: work on those
    words, index = np.unique(window, return_inverse=True)
    p = _backed_off(window, index, len(words))
    out = np.zeros(vocab_size)
    out[words[words < vocab_size]] = p[words < vocab_size]
    return out


def _id_slots(window: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``ids`` sorted, and each window token's place among them (``len(ids)``: not one of
    them); a repeated id counts at its first place. Cheaper than comparing every token with
    every id, or than np.unique, for the few dozen ids the corrector asks about on every word."""
    words = np.sort(ids)
    at = np.minimum(np.searchsorted(words, window), len(words) - 1)
    return words, np.where(words[at] == window, at, len(words))


def _slot_counts(slot: np.ndarray, n: int) -> np.ndarray:
    """How often each of the ``n`` slots occurs (slot ``n`` collects what is not counted)."""
    return np.bincount(slot, minlength=n + 1)[:n]


def _backed_off(window: np.ndarray, slot: np.ndarray, n: int) -> np.ndarray:
    """The phrase cache's back-off over ``n`` slots (``slot``: each window token's, ``n`` for a
    token not counted): the window's unigram, then what followed the last token, then the last
    two, each backed off to the one before."""
    p = _slot_counts(slot, n) / len(window)
    for k in (1, 2):  # the last token, then the last two
        if len(window) <= k:
            break
        same = window[: len(window) - k] == window[len(window) - k]
        for j in range(1, k):
            same &= window[j: len(window) - k + j] == window[len(window) - k + j]
        seen = int(np.count_nonzero(same))
        if not seen:
            break  # a context never seen has no seen extension either
        p = (_slot_counts(slot[k:][same], n) + PHRASE_PRIOR * p) / (seen + PHRASE_PRIOR)
    return p


def mixture_weights(components: list[np.ndarray]) -> list[float]:
    """EM for the interpolation weights of several models, given each one's probability of the
    true next token at every validation position (rows = models)."""
    p = np.stack(components)  # (models, positions)
    w = np.full(len(components), 1 / len(components))
    for _ in range(50):
        mix = (w[:, None] * p).sum(0)
        w = (w[:, None] * p / np.maximum(mix, 1e-300)).mean(1)
    return [float(x) for x in w]


@torch.no_grad()
def lstm_target_probs(lm: LanguageModel, ids: np.ndarray, rows: int = 1, chunk: int = 256) -> np.ndarray:
    """p(ids[t+1] | ids[..t]) under ``lm``, run over the stream with the state carried. With
    ``rows`` > 1 the stream is cut into that many pieces read side by side (each from a fresh
    state): several times faster on a CPU, and a few fresh starts change little."""
    lm.eval()
    n = len(ids) - 1
    size = -(-n // rows)
    x = np.zeros((rows, size + 1), dtype=np.int64)
    for r in range(rows):
        piece = np.asarray(ids[r * size:min(n, (r + 1) * size) + 1])
        x[r, :len(piece)] = piece
    x = torch.from_numpy(x)
    out, state = [], None
    for s in range(0, size, chunk):
        inp, tgt = x[:, s:min(s + chunk, size)], x[:, s + 1:min(s + chunk, size) + 1]
        h, state = lm.hidden(inp, state)
        # never a (chunk x vocab) array: only the true words' probabilities
        out.append(lm.io.target_log_probs(h.reshape(-1, h.shape[-1]), tgt.reshape(-1)).exp().view(rows, -1))
    return torch.cat(out, dim=1).reshape(-1).numpy().astype(np.float64)[:n]


CACHES = {"cache": cache_probs, "phrase_cache": phrase_cache_probs}


def component_probs(word_lm: LanguageModel | None, ngrams: dict[str, KneserNey], ids: np.ndarray,
                    vocab_size: int, rows: int = 1, scored: np.ndarray | None = None,
                    caches: tuple[str, ...] = tuple(CACHES)) -> dict[str, np.ndarray]:
    """p(ids[t+1] | ids[..t]) under each part of a typing model's mixture: "lstm" (when there is
    one), each n-gram by name, "cache" (the document's recent words) and "phrase_cache" (its
    repeated phrases), of those named in ``caches``; at every position, or only where ``scored``
    (one flag per token of ``ids``) marks the next token as scored."""
    ids = np.asarray(ids)
    at = np.arange(len(ids) - 1) if scored is None else np.flatnonzero(np.asarray(scored)[1:])
    parts = {} if word_lm is None else {"lstm": lstm_target_probs(word_lm, ids, rows)[at]}
    parts.update({name: ngram.stream_probs(ids)[0][at] for name, ngram in ngrams.items()})
    for name in caches:
        parts[name] = np.array([CACHES[name](ids[max(0, t + 1 - CACHE_WINDOW): t + 1], vocab_size, int(ids[t + 1]))
                                for t in at])
    return parts


def tuning_stream(split: CorpusSplit, tok: WordTokenizer, every: int = 1, max_tokens: int = MAX_TUNE_TOKENS
                  ) -> tuple[np.ndarray, np.ndarray]:
    """What the mixture weights are fitted on: every ``every``-th validation paragraph of
    ``split`` after the text that precedes it in the corpus (``CorpusSplit.val_in_context``),
    as token ids (at most ``max_tokens``), and one flag per token: whether it is scored (a
    token of a validation paragraph; not its boundary token, not the text before it)."""
    paragraphs = split.val_in_context(CACHE_WINDOW * CHARS_PER_TOKEN, every)
    ids, flags, size = [], [], 0
    for chunk, scored in _encoded(paragraphs, tok):
        ids.append(chunk)
        flags.append(np.full(len(chunk), scored))
        flags[-1][0] = False
        size += len(chunk)
        if size >= max_tokens:
            break
    if not ids:
        return np.zeros(0, np.int32), np.zeros(0, bool)
    return np.concatenate(ids)[:max_tokens], np.concatenate(flags)[:max_tokens]


def _encoded(paragraphs: Iterable[tuple[str, bool]], tok: WordTokenizer, batch: int = 512
             ) -> Iterator[tuple[np.ndarray, bool]]:
    """Each paragraph's token ids (boundary first) with its flag, encoded ``batch`` at a time."""
    pairs = iter(paragraphs)
    while chunk := list(islice(pairs, batch)):
        yield from zip(tok.encode_each([p for p, _ in chunk]), [s for _, s in chunk], strict=True)


def tune_mixture(word_lm: LanguageModel | None, ngram: KneserNey, ids: np.ndarray, scored: np.ndarray | None = None,
                 user_ngram: KneserNey | None = None) -> tuple[dict, float]:
    """Interpolation weights of LSTM, n-gram, the document caches and (an adapted model's) n-gram
    of the user's text, fitted by EM on the tokens of ``ids`` that ``scored`` marks (all when
    None; see ``tuning_stream``); and the mixture's perplexity there."""
    ngrams = {"ngram": ngram} if user_ngram is None else {"ngram": ngram, "user_ngram": user_ngram}
    ids = np.asarray(ids[:MAX_TUNE_TOKENS])
    scored = None if scored is None else np.asarray(scored[:MAX_TUNE_TOKENS])
    parts = component_probs(word_lm, ngrams, ids, ngram.vocab_size, rows=8, scored=scored)
    w = mixture_weights(list(parts.values()))
    mix = sum(wi * p for wi, p in zip(w, parts.values(), strict=True))
    return dict(zip(parts, w, strict=True)), float(np.exp(-np.log(mix).mean()))
