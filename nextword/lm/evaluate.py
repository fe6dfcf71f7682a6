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
from nextword.lm.ngram import KneserNey
from nextword.lm.typing_model import TypingModel
from nextword.text.corpus import decode_text
from nextword.text.tokenizer import BOS, WordTokenizer, is_word
from nextword.text.words import TOKEN_RE, count_words, normalize, split_words


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


def read_text_file(path: str | Path) -> str:
    """The text of a file to evaluate on (an InputError when it cannot be read as UTF-8 or has
    no word to score: an empty file gave a table of made-up figures)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    text = decode_text(data)
    if text is None:
        raise InputError(f"{path} is not UTF-8 text")
    if not count_words(text):
        raise InputError(f"{path} has no words to score")
    return text


def evaluate_files(model: TypingModel, paths: list[str], max_words: int | None = None,
                   use_char: bool = True) -> dict:
    """Evaluate on several files; figures pooled over all of them (weighted by size)."""
    totals: dict[str, float] = {}
    per_file = {}
    for p in paths:
        r = evaluate_text(model, read_text_file(p), max_words, use_char=use_char)
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
    with the n-gram as the only source of word probabilities. For an adapted model that is its
    n-gram of the user's text (the text it was trained on; its base n-gram saw the base's)."""
    ngram = model.ngram if model.user_ngram is None else model.user_ngram
    return TypingModel(model.tokenizer, None, model.char_lm, ngram, model.unigram,
                       {"lstm": 0.0, "ngram": 1.0, "cache": 0.0}, model.config, model.path,
                       corrector_factory=model.corrector_factory)


def evaluate_typing(model, text: str, max_words: int | None = None, k: int = 3,
                    known: set[str] | None = None) -> dict:
    """A typist on ``text`` using only ``model.suggest`` (any object with it: a typing model
    with or without what it learned, a plain n-gram), so every kind of model is scored by the
    same code. Figures as ``evaluate_text`` defines them (top-1, top-k, keystroke savings and
    the strict variant), plus ``new_word_recall``: of the words outside ``known`` (e.g. the
    bundled vocabulary), the share offered among the k suggestions before fully typed."""
    return _Typist(model, k, known).run(text, max_words)


def evaluate_phrases(model, text: str, max_words: int | None = None, k: int = 3,
                     phrase_words: int = 6) -> dict:
    """The ``evaluate_typing`` typist (same code, same figures) who also sees the phrase
    ``model.complete_phrase`` shows and accepts it with one key (which types the space after it,
    as accepting a word does) whenever it is exactly what they are about to type (case aside; it
    must end where a token of the text ends). Adds
    (docs/API.md): ``trigger_rate`` (word boundaries where a phrase of >= 2 words is shown),
    ``exact_match`` {N: share} for N = 2..5 with ``shown`` {N: count}, ``accepted`` phrases and
    their ``accepted_words`` on average, and ``ksr_phrases`` (keystroke savings with phrases;
    ``ksr`` is the same typist with single words only)."""
    return _Typist(model, k, None, phrase_words).run(text, max_words)


def evaluate_phrase_files(model, paths: list[str], max_words: int | None = None,
                          phrase_words: int = 6) -> dict:
    """``evaluate_phrases`` on several files (at most ``max_words`` words of each); figures
    pooled over all of them (counts added, rates taken from the counts)."""
    per_file = {p: evaluate_phrases(model, read_text_file(p), max_words, phrase_words=phrase_words)
                for p in paths}
    rows = list(per_file.values())
    shown = {n: sum(r["shown"][n] for r in rows) for n in PhraseTally.SIZES}
    hits = {n: sum((r["exact_match"][n] or 0) * r["shown"][n] for r in rows) for n in PhraseTally.SIZES}
    total = {key: sum(r[key] for r in rows) for key in ("words", "boundaries", "triggered", "accepted", "chars")}
    chars = max(1, total["chars"])
    pooled = {**total, "trigger_rate": total["triggered"] / max(1, total["boundaries"]), "shown": shown,
              "exact_match": {n: hits[n] / shown[n] if shown[n] else None for n in shown},
              "accepted_words": sum(r["accepted_words"] * r["accepted"] for r in rows) / max(1, total["accepted"]),
              "ksr": sum(r["ksr"] * r["chars"] for r in rows) / chars,
              "ksr_phrases": sum(r["ksr_phrases"] * r["chars"] for r in rows) / chars,
              "inside_shown": sum(r["inside_shown"] for r in rows)}
    right = sum((r["inside_exact_match"] or 0) * r["inside_shown"] for r in rows)
    pooled["inside_exact_match"] = right / pooled["inside_shown"] if pooled["inside_shown"] else None
    return {"pooled": pooled, "files": per_file}


class _Typist:
    """One typist going through a text letter by letter: accepts a word as soon as it is among
    the ``k`` suggestions (one key, which types the space after it too) and, with
    ``phrase_words``, a phrase that matches what comes next (one key, which also types the space
    after it). Both typists, with and without phrases, are simulated in the same pass."""

    def __init__(self, model, k: int, known: set[str] | None, phrase_words: int | None = None):
        self.model, self.k, self.known, self.phrase_words = model, k, known, phrase_words

    def run(self, text: str, max_words: int | None) -> dict:
        text = normalize(text)
        model, k, known = self.model, self.k, self.known
        ends = {m.end() for m in TOKEN_RE.finditer(text)} if self.phrase_words else set()
        words = top1 = topk = chars = keys = spared = new = new_hit = 0
        keys_p = spared_p = covered = 0  # the phrase typist; text before ``covered`` was accepted
        self.tally = PhraseTally()
        for m in re.finditer(r"\S+|[ \t]+|\n\s*", text):
            piece = m.group(0)
            if piece.isspace():
                chars, keys, keys_p = chars + 1, keys + 1, keys_p + (m.start() >= covered)
                continue
            at = m.start()
            for token in split_words(piece):
                at = text.index(token, at)
                if not is_word(token):
                    typed = len(token) if at >= covered else 0
                    chars, keys, keys_p, at = chars + len(token), keys + len(token), keys_p + typed, at + len(token)
                    continue
                low, before = token.lower(), text[:at]
                is_new = known is not None and low not in known
                cost, cost_p = len(low), (None if at >= covered else 0)
                shown = self._boundary(text, at) if self.phrase_words else ""
                asked = {}  # key -> the phrase shown there, for the inside-a-word figures below
                for j in range(len(low)):
                    if cost_p is None and self.phrase_words:
                        phrase = shown if j == 0 else model.complete_phrase(before + token[:j], self.phrase_words)
                        asked[j] = phrase
                        end = at + j + len(phrase)
                        if phrase and end in ends and text[at + j:end].lower() == phrase.lower():
                            # one key, which types the space after it too (as for a word)
                            cost_p, covered = j + 1, end
                            spared_p += text[end:end + 1] == " "
                            self.tally.accept(phrase)
                    offered = [s.word.lower() for s in model.suggest(before + token[:j], k)]
                    if j == 0:
                        top1 += offered[:1] == [low]
                        topk += low in offered
                    if low in offered:
                        cost = j + 1
                        space = text[at + len(token):at + len(token) + 1] == " "
                        spared += space
                        new_hit += is_new
                        if cost_p is None:
                            cost_p, spared_p = j + 1, spared_p + space
                        break
                if self.phrase_words:  # every key inside the word, as a typist who takes no word
                    for j in range(1, len(low)):  # the phrase already shown at a key is the one scored
                        phrase = asked[j] if j in asked else model.complete_phrase(before + token[:j], self.phrase_words)
                        self.tally.inside(phrase, self._rest(text, at + j))
                words, new = words + 1, new + is_new
                chars, keys, at = chars + len(low), keys + cost, at + len(token)
                keys_p += cost if cost_p is None else cost_p
                if max_words and words >= max_words:
                    break
            if max_words and words >= max_words:
                break
        out = {"words": words, "top1": top1 / max(1, words), f"top{k}": topk / max(1, words),
               "ksr": 1 - (keys - spared) / max(1, chars), "ksr_strict": 1 - keys / max(1, chars),
               "new_words": new, "new_word_recall": new_hit / max(1, new)}
        if self.phrase_words:
            out.update(self.tally.figures(words), chars=chars,
                       ksr_phrases=1 - (keys_p - spared_p) / max(1, chars))
        return out

    def _boundary(self, text: str, at: int) -> str:
        """The phrase shown at the start of the word at ``at``, counted in the tally."""
        phrase = self.model.complete_phrase(text[:at], self.phrase_words)
        self.tally.shown(phrase, self._rest(text, at))
        return phrase

    @staticmethod
    def _rest(text: str, at: int) -> str:
        """What follows ``at`` to the end of its line."""
        line_end = text.find("\n", at)
        return text[at:] if line_end < 0 else text[at:line_end]


class PhraseTally:
    """Trigger rate, ExactMatch@N and accepted phrases, as docs/API.md defines them."""

    SIZES = (2, 3, 4, 5)

    def __init__(self):
        self.boundaries = self.triggered = self.accepted = self.accepted_words = 0
        self.n_shown = dict.fromkeys(self.SIZES, 0)
        self.n_match = dict.fromkeys(self.SIZES, 0)
        self.inside_shown = self.inside_match = 0  # phrases shown inside a word, right to their 2nd word

    def shown(self, phrase: str, rest: str) -> None:
        """A word boundary where ``phrase`` was shown ("": none) and the text ``rest`` followed."""
        self.boundaries += 1
        said = split_words(phrase)
        if sum(map(is_word, said)) < 2:
            return
        self.triggered += 1
        came = [t.lower() for t in split_words(rest[: 4 * len(phrase) + 64])]
        seen = 0
        for i, token in enumerate(said):
            seen += is_word(token)
            if is_word(token) and seen in self.n_shown:
                self.n_shown[seen] += 1
                self.n_match[seen] += [t.lower() for t in said[: i + 1]] == came[: i + 1]

    def inside(self, phrase: str, rest: str) -> None:
        """A keystroke inside a word after which ``phrase`` was shown and ``rest`` (the rest of
        that word and what follows) was typed: right when the phrase's first two words are
        (the word being typed and the next)."""
        said = split_words(phrase)
        if sum(map(is_word, said)) < 2:
            return
        second = [i for i, t in enumerate(said) if is_word(t)][1]
        came = split_words(rest[: 4 * len(phrase) + 64])
        self.inside_shown += 1
        self.inside_match += [t.lower() for t in said[: second + 1]] == [t.lower() for t in came[: second + 1]]

    def accept(self, phrase: str) -> None:
        self.accepted += 1
        self.accepted_words += sum(map(is_word, split_words(phrase)))

    def figures(self, words: int) -> dict:
        return {"boundaries": self.boundaries, "triggered": self.triggered,
                "trigger_rate": self.triggered / max(1, self.boundaries),
                "shown": dict(self.n_shown),
                "exact_match": {n: self.n_match[n] / self.n_shown[n] if self.n_shown[n] else None
                                for n in self.SIZES},
                "accepted": self.accepted,
                "accepted_words": self.accepted_words / max(1, self.accepted),
                "inside_shown": self.inside_shown,
                "inside_exact_match": self.inside_match / self.inside_shown if self.inside_shown else None}


def user_ngram_model(text: str, order: int = 4, vocab_size: int = 50_000) -> TypingModel:
    """A plain Kneser-Ney n-gram counted from ``text`` alone, every word of it in the vocabulary
    (what an n-gram keyboard builds from a user's files): the baseline personal models must beat."""
    paragraphs = [p for p in text.splitlines() if p.strip()]
    tok = WordTokenizer.build(paragraphs, vocab_size, min_frequency=1)
    ids = tok.encode_paragraphs(paragraphs)
    unigram = np.bincount(ids, minlength=tok.vocab_size).astype(np.float64)
    return TypingModel(tok, None, None, KneserNey.build(ids, tok.vocab_size, order), unigram,
                       {"lstm": 0.0, "ngram": 1.0, "cache": 0.0})
