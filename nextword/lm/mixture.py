"""How the typing model's parts are mixed: the word LSTM, the Kneser-Ney n-gram and a cache of
the document's recent words, interpolated with weights fitted by EM on validation text.
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
def lstm_target_probs(lm: LanguageModel, ids: np.ndarray, chunk: int = 256) -> np.ndarray:
    """p(ids[t+1] | ids[..t]) under ``lm``, run over the stream in one pass (state carried)."""
    lm.eval()
    x = torch.from_numpy(np.asarray(ids, dtype=np.int64))
    out, state = [], None
    for s in range(0, len(x) - 1, chunk):
        inp = x[s : min(s + chunk, len(x) - 1)].unsqueeze(0)
        tgt = x[s + 1 : s + 1 + inp.shape[1]]
        h, state = lm.hidden(inp, state)
        out.append(lm.io.target_log_probs(h[0], tgt).exp())  # never a (chunk x vocab) array
    return torch.cat(out).numpy().astype(np.float64)


def tune_mixture(word_lm: LanguageModel, ngram: KneserNey, val_ids: np.ndarray) -> tuple[dict, float]:
    """Interpolation weights of LSTM, n-gram and document cache, fitted by EM on validation."""
    ids = np.asarray(val_ids[:60_000])
    p_lstm = lstm_target_probs(word_lm, ids)
    p_kn = np.array([ngram.probs(ids[max(0, t - 3) : t + 1])[ids[t + 1]] for t in range(len(ids) - 1)])
    p_cache = np.array([cache_probs(ids[: t + 1], ngram.vocab_size, ids[t + 1]) for t in range(len(ids) - 1)])
    w = mixture_weights([p_lstm, p_kn, p_cache])
    mix = w[0] * p_lstm + w[1] * p_kn + w[2] * p_cache
    return {"lstm": w[0], "ngram": w[1], "cache": w[2]}, float(np.exp(-np.log(mix).mean()))
