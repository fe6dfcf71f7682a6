"""Evaluation of typing models on held-out text: perplexity, top-k accuracy, keystroke savings.

Definitions (docs/API.md): top-k accuracy is the share of word positions where the true next word
is among the first k suggestions made from the text before it; keystroke savings (KSR) simulates
a typist who types each word letter by letter and accepts it as soon as it is among the 3
suggestions for the current prefix, with one key that inserts the word and the space after it
(as keyboards do): KSR = 1 - keys pressed / characters in the text (spaces included). A word
never offered costs its letters; spaces the acceptance did not insert and punctuation are typed
(one key each); words are matched case-insensitively. ``ksr_strict`` is the stricter variant in
which the space after an accepted word is typed too.

The distributions come from ``TypingModel.mix`` and the candidates from ``TypingModel.rank`` and
``char_complete`` — the very code ``suggest`` uses — with the LSTM run over the text in one
batched pass instead of word by word (same numbers, much faster).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch

from nextword.errors import InputError
from nextword.lm.typing_model import TypingModel
from nextword.text.corpus import decode_text
from nextword.text.tokenizer import BOS, is_word
from nextword.text.words import TOKEN_RE, normalize, split_words


def tokens_of(model: TypingModel, text: str) -> tuple[list[int], list[str]]:
    """(ids, surface tokens) of ``text`` the way ``suggest`` sees it, boundary token first."""
    bos = model.tokenizer.bos_id
    ids, surface = model.tokenizer.encode_lines(text, bos)
    return [bos, *ids], [BOS, *surface]


def _lstm_rows(model: TypingModel, ids: list[int], chunk: int = 128) -> Iterator[np.ndarray | None]:
    """LSTM next-token log-probabilities after each position of ``ids`` (None without an LSTM)."""
    if model.word_lm is None or not model.weights["lstm"]:
        for _ in range(len(ids) - 1):
            yield None
        return
    x = torch.tensor(ids, dtype=torch.long)
    state = None
    with torch.inference_mode():
        for s in range(0, len(ids) - 1, chunk):
            h, state = model.word_lm.hidden(x[s : min(s + chunk, len(ids) - 1)].unsqueeze(0), state)
            yield from model.word_lm.io.log_probs(h[0]).double().numpy()


def evaluate_text(model: TypingModel, text: str, max_words: int | None = None, k: int = 3,
                  use_char: bool = True) -> dict:
    """Score ``model`` on ``text``: perplexity over all tokens, top-1/top-k and KSR over words."""
    ids, surf = tokens_of(model, text)
    space_after = _space_after_words(text)
    n_tok = nll = 0.0
    words = top1 = topk = 0
    chars = keys = spared = 0  # spared: spaces inserted by accepting a word
    oov = 0
    for t, row in enumerate(_lstm_rows(model, ids)):
        target, token = ids[t + 1], surf[t + 1]
        if token == "<s>":
            continue
        probs = model.mix(row, ids[: t + 1])
        nll -= math.log(max(probs[target], 1e-300))
        n_tok += 1
        if not is_word(token):
            chars += len(token)
            keys += len(token)
            continue
        words += 1
        oov += target == model.tokenizer.unk_id
        low = token.lower()
        ranked = [model.tokenizer.words[i] for i, _ in model.rank(probs, "", k)]
        top1 += bool(ranked) and ranked[0] == low
        topk += low in ranked
        cost = len(low)
        for j in range(len(low)):
            cands = ranked if j == 0 else [model.tokenizer.words[i] for i, _ in model.rank(probs, low[:j], k)]
            if j and use_char and len(cands) < k:
                cands += [w for w, _ in model.char_complete(low[:j], k - len(cands))]
            if low in cands:
                cost = j + 1
                spared += space_after[words - 1] if words <= len(space_after) else 0
                break
        chars += len(low)
        keys += cost
        if max_words and words >= max_words:
            break
    spaces = _spaces_within(text, surf, words, max_words)
    chars += spaces
    keys += spaces
    return {
        "tokens": int(n_tok), "words": words,
        "perplexity": math.exp(nll / max(1, n_tok)),
        "top1": top1 / max(1, words), f"top{k}": topk / max(1, words),
        "ksr": 1 - (keys - spared) / max(1, chars), "ksr_strict": 1 - keys / max(1, chars),
        "oov_rate": oov / max(1, words), "keys": keys - spared, "keys_strict": keys, "chars": chars,
    }


def _space_after_words(text: str) -> list[bool]:
    """For each word of ``text`` in order (as the tokenizer splits it): whether a space follows
    it, which accepting the word types too."""
    text = normalize(text)
    return [text[m.end():m.end() + 1] == " " for m in TOKEN_RE.finditer(text) if is_word(m.group(0))]


def _spaces_within(text: str, surf: list[str], words: int, max_words: int | None) -> int:
    """Whitespace characters typed in the evaluated part of ``text`` (line breaks count once)."""
    if not max_words or words < max_words:
        return sum(1 for _ in re.finditer(r"[ \t]+|\n\s*", text))
    # evaluated a prefix: count the separators among the tokens we went through
    n, seen = 0, 0
    for m in re.finditer(r"\S+|[ \t]+|\n\s*", text):
        piece = m.group(0)
        if piece.isspace():
            n += 1
        else:
            seen += sum(1 for t in split_words(piece) if is_word(t))
            if seen >= words:
                break
    return n


def evaluate_files(model: TypingModel, paths: list[str], max_words: int | None = None,
                   use_char: bool = True) -> dict:
    """Evaluate on several files; figures pooled over all of them (weighted by size)."""
    totals: dict[str, float] = {}
    per_file = {}
    for p in paths:
        try:
            data = Path(p).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {p}: {exc.strerror}") from None
        text = decode_text(data)
        if text is None:
            raise InputError(f"{p} is not UTF-8 text")
        r = evaluate_text(model, text, max_words, use_char=use_char)
        per_file[p] = r
        for key in ("tokens", "words", "keys", "keys_strict", "chars"):
            totals[key] = totals.get(key, 0) + r[key]
        totals["nll"] = totals.get("nll", 0) + math.log(r["perplexity"]) * r["tokens"]
        for key in ("top1", "top3", "oov_rate"):
            totals[key] = totals.get(key, 0) + r[key] * r["words"]
    w = max(1, totals.get("words", 0))
    pooled = {"tokens": int(totals.get("tokens", 0)), "words": int(w),
              "perplexity": math.exp(totals.get("nll", 0) / max(1, totals.get("tokens", 0))),
              "top1": totals.get("top1", 0) / w, "top3": totals.get("top3", 0) / w,
              "ksr": 1 - totals.get("keys", 0) / max(1, totals.get("chars", 0)),
              "ksr_strict": 1 - totals.get("keys_strict", 0) / max(1, totals.get("chars", 0)),
              "oov_rate": totals.get("oov_rate", 0) / w}
    return {"pooled": pooled, "files": per_file}


def ngram_baseline(model: TypingModel) -> TypingModel:
    """The Kneser-Ney baseline: same tokenizer, training text, char model and evaluation code,
    with the n-gram as the only source of word probabilities."""
    return TypingModel(model.tokenizer, None, model.char_lm, model.ngram, model.unigram,
                       {"lstm": 0.0, "ngram": 1.0, "cache": 0.0}, model.config, model.path,
                       corrector_factory=model.corrector_factory)
