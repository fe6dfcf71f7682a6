"""The character LSTM as the typing model uses it: how English a spelling looks (autocorrect's
score for a word outside the vocabulary) and whole-word completions of a prefix the vocabulary
does not know."""

from __future__ import annotations

from functools import cached_property

import numpy as np
import torch

from nextword.core.derived import derived
from nextword.lm.incremental import padded
from nextword.lm.model import LanguageModel
from nextword.text.tokenizer import WordTokenizer

MEMO = 20_000  # completions remembered (a few MB); forgotten all at once when full


class CharModel:
    """Spelling scores and completions from a character LSTM (``lm``; None: none available)."""

    def __init__(self, lm: LanguageModel | None, tokenizer: WordTokenizer):
        self.lm, self.tokenizer = lm, tokenizer

    def _ids(self, text: str) -> list[int]:
        return self.tokenizer.encode_chars(text)

    @torch.inference_mode()
    def logprob(self, word: str) -> float:
        """Log-probability of ``word`` (lower-cased) as a whole word under the char LSTM."""
        if self.lm is None or not word:
            return float("-inf")
        ids = self._ids(" " + word.lower() + " ")
        x = torch.tensor([ids[:-1]])
        lp, _ = self.lm.log_probs(x)
        return float(lp[0].gather(1, torch.tensor(ids[1:]).unsqueeze(1)).sum())

    @torch.inference_mode()
    def logprobs(self, words: list[str], batch: int = 256) -> list[float]:
        """``logprob`` of many words at once: the words run through the char LSTM side by
        side (grouped by length, so padding is short; the padding comes after each word and
        the LSTM never looks ahead, so it changes nothing)."""
        if self.lm is None:
            return [float("-inf")] * len(words)
        out = [float("-inf")] * len(words)
        seqs = [self._ids(" " + w.lower() + " ") if w else [] for w in words]
        order = sorted((i for i, s in enumerate(seqs) if s), key=lambda i: len(seqs[i]))
        for b in range(0, len(order), batch):
            group = order[b:b + batch]
            ids = padded([seqs[i] for i in group])
            lp, _ = self.lm.log_probs(ids[:, :-1])
            picked = lp.gather(2, ids[:, 1:].unsqueeze(2)).squeeze(2)
            for row, i in enumerate(group):
                out[i] = float(picked[row, : len(seqs[i]) - 1].sum())
        return out

    @torch.inference_mode()
    def complete(self, prefix: str, n: int = 3, beam: int = 8, max_len: int = 24
                      ) -> list[tuple[str, float]]:
        """Up to n whole words that ``prefix`` may become, by beam search over the char LSTM."""
        if self.lm is None or not prefix or len(prefix) > 64:
            return []
        return list(self._remember((prefix, n, beam, max_len), lambda: self._complete(prefix, n, beam, max_len)))

    @torch.inference_mode()
    def end_logprob(self, prefix: str) -> float:
        """Log-probability that the word ends right after ``prefix`` (lower-cased), on the
        scale of ``complete``'s scores: a completion scoring below it is a worse guess than
        the word as typed (``Xiaoming`` -> ``Xiaomings``). Free after ``complete(prefix)``,
        whose first step is the same."""
        if self.lm is None or not prefix or len(prefix) > 64:
            return float("-inf")
        return self._remember(("end", prefix), lambda: self._end_of(self._first_step(prefix)[0]))

    def _remember(self, key: tuple, make):
        """``make()``, remembered under ``key`` until the char model's weights change: the same
        prefixes come back as the same words are typed again."""
        memo = derived(self.lm, "completions", list(self.lm.parameters()), dict)
        if key not in memo:
            if len(memo) >= MEMO:
                memo.clear()
            memo[key] = make()
        return memo[key]

    @cached_property
    def _ends(self) -> np.ndarray:
        """Which characters end a word (the unknown character never does)."""
        ends = np.array([not (c.isalnum() or c == "'") for c in self.tokenizer.chars])
        ends[0] = False
        return ends

    def _first_step(self, prefix: str):
        """The char LSTM over " " + ``prefix``: log-probabilities of the next character (1, vocab)
        and the state after it."""
        lp, state = self.lm.log_probs(torch.tensor([self._ids(" " + prefix)]))
        return lp[:, -1], state

    def _end_of(self, last: torch.Tensor) -> float:
        """The best log-probability among the characters that end a word, in ``last`` (1, vocab)."""
        return float(last[0].double().numpy()[self._ends].max())

    def _complete(self, prefix: str, n: int, beam: int, max_len: int) -> list[tuple[str, float]]:
        chars = self.tokenizer.chars
        ends = self._ends
        last, state = self._first_step(prefix)  # (beams, vocab)
        self._remember(("end", prefix), lambda: self._end_of(last))  # end_logprob's answer, for free
        beams = [(prefix, 0.0)]
        finished: list[tuple[str, float]] = []
        for _ in range(max_len - len(prefix)):
            scores = last.double().numpy() + np.array([s for _, s in beams])[:, None]
            end_scores = np.where(ends, scores, -np.inf).max(1)
            for (word, _), es in zip(beams, end_scores, strict=True):
                if word != prefix:
                    finished.append((word, float(es)))
            cont = np.where(ends | (np.arange(len(chars)) == 0), -np.inf, scores)
            flat = np.argsort(-cont, axis=None)[:beam]
            flat = [f for f in flat if np.isfinite(cont.flat[f])]
            if not flat:
                break
            rows = [int(f // len(chars)) for f in flat]
            cols = [int(f % len(chars)) for f in flat]
            beams = [(beams[r][0] + chars[c], float(cont[r, c])) for r, c in zip(rows, cols, strict=True)]
            if len(finished) >= n and max(s for _, s in beams) < sorted(s for _, s in finished)[-n]:
                break
            idx = torch.tensor(rows)
            state = (state[0][:, idx], state[1][:, idx])
            lp, state = self.lm.log_probs(torch.tensor(cols).unsqueeze(1), state)
            last = lp[:, -1]
        finished.sort(key=lambda x: -x[1])
        seen, out = set(), []
        for word, score in finished:
            if word not in seen:
                seen.add(word)
                out.append((word, score))
        return out[:n]
