"""How the typing model's parts are mixed: the word LSTM, the Kneser-Ney n-gram, a cache of the
document's recent words and, in an adapted model, an n-gram of the user's text, interpolated with
weights fitted by EM on validation text.
``TypingModel.mix`` applies the weights; this module fits them.
"""

from __future__ import annotations

import numpy as np
import torch

from nextword.lm.model import LanguageModel
from nextword.lm.ngram import KneserNey

CACHE_WINDOW = 400  # recent tokens the document cache remembers


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
        return (window[:, None] == np.asarray(ids)[None, :]).sum(0) / len(window)
    return np.bincount(window, minlength=vocab_size)[:vocab_size] / len(window)


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


def component_probs(word_lm: LanguageModel | None, ngrams: dict[str, KneserNey], ids: np.ndarray,
                    vocab_size: int, rows: int = 1) -> dict[str, np.ndarray]:
    """p(ids[t+1] | ids[..t]) at every position under each part of a typing model's mixture:
    "lstm" (when there is one), each n-gram by name, and "cache" (the document's recent words)."""
    ids = np.asarray(ids)
    parts = {} if word_lm is None else {"lstm": lstm_target_probs(word_lm, ids, rows)}
    parts.update({name: ngram.stream_probs(ids)[0] for name, ngram in ngrams.items()})
    parts["cache"] = np.array([cache_probs(ids[max(0, t + 1 - CACHE_WINDOW): t + 1], vocab_size, ids[t + 1])
                               for t in range(len(ids) - 1)])
    return parts


def tune_mixture(word_lm: LanguageModel, ngram: KneserNey, val_ids: np.ndarray,
                 user_ngram: KneserNey | None = None) -> tuple[dict, float]:
    """Interpolation weights of LSTM, n-gram, document cache and (an adapted model's) n-gram of
    the user's text, fitted by EM on validation; and the mixture's validation perplexity."""
    ngrams = {"ngram": ngram} if user_ngram is None else {"ngram": ngram, "user_ngram": user_ngram}
    parts = component_probs(word_lm, ngrams, np.asarray(val_ids[:60_000]), ngram.vocab_size, rows=8)
    w = mixture_weights(list(parts.values()))
    mix = sum(wi * p for wi, p in zip(w, parts.values(), strict=True))
    return dict(zip(parts, w, strict=True)), float(np.exp(-np.log(mix).mean()))
