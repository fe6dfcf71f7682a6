"""Keeping the word LSTM in step with a text as it is typed, without re-reading it.

``LSTMCursor`` holds the LSTM state after a token sequence, with snapshots every ``SNAPSHOT``
tokens, so a finished word costs one LSTM step and an edit further back replays at most
``SNAPSHOT`` tokens. After a change further back than ``MAX_REPLAY`` tokens (opening a long
document, an edit near its top) it reads only the last ``MAX_REPLAY`` tokens from a fresh state:
an LSTM has forgotten what lies beyond, and a keystroke never waits for a whole document.
``ContextTokens`` re-tokenizes a growing text only after its last whitespace.
"""

from __future__ import annotations

import numpy as np
import torch

from nextword.core.lstm import State
from nextword.lm.model import LanguageModel

SNAPSHOT = 32       # LSTM state snapshot interval, in tokens
MAX_REPLAY = 1024   # tokens read at most after a change (a multiple of SNAPSHOT; ~0.8 s on CPU)


def padded(seqs: list[list[int]]) -> torch.Tensor:
    """Id lists as one (rows, longest) tensor, each zero-padded after its end (the LSTM never
    looks ahead, so padding changes no output before it)."""
    ids = torch.zeros(len(seqs), max(map(len, seqs)), dtype=torch.long)
    for row, seq in enumerate(seqs):
        ids[row, : len(seq)] = torch.tensor(seq)
    return ids


def stacked_state(lm: LanguageModel, states: list[State | None]) -> State:
    """One batch state from the states of single rows (a fresh state where there is none)."""
    zero = lm.init_state(1)
    return (torch.cat([(s or zero)[0] for s in states], dim=1),
            torch.cat([(s or zero)[1] for s in states], dim=1))


class LSTMCursor:
    """The word LSTM run over a token sequence, kept in step with it incrementally."""

    def __init__(self, lm: LanguageModel):
        self.lm = lm
        self.tokens: list[int] = []
        self.snapshots: dict[int, tuple[State | None, torch.Tensor | None]] = {0: (None, None)}
        self.state: State | None = None
        self.out: torch.Tensor | None = None  # LSTM output after the last token
        self.version = 0                       # bumps whenever ``tokens`` changes

    def sync(self, tokens: list[int], stable: int = 0) -> None:
        """Make the cursor's sequence equal ``tokens``; the first ``stable`` tokens are known to be
        unchanged since the last call (saves the comparison on long documents)."""
        old = self.tokens
        common = min(stable, len(old), len(tokens))
        limit = min(len(old), len(tokens))
        if common < limit and old[common:limit] == tokens[common:limit]:  # at C speed
            common = limit
        while common < limit and old[common] == tokens[common]:
            common += 1
        if common == len(old) == len(tokens):
            return
        if common < len(old):  # roll back to the last snapshot at or before the divergence
            base = max(p for p in self.snapshots if p <= common)
            for pos in [p for p in self.snapshots if p > base]:
                del self.snapshots[pos]
            self.state, self.out = self.snapshots[base]
            self.tokens = old[:base]
        fresh = (len(tokens) - MAX_REPLAY) // SNAPSHOT * SNAPSHOT
        if fresh > len(self.tokens):  # far back: read the last MAX_REPLAY tokens from a fresh state
            self.snapshots[fresh] = (None, None)
            self.state, self.out = None, None
            self.tokens = tokens[:fresh]
        with torch.inference_mode():
            pos = len(self.tokens)
            while pos < len(tokens):
                end = min(len(tokens), (pos // SNAPSHOT + 1) * SNAPSHOT)
                seg = torch.tensor([tokens[pos:end]], dtype=torch.long)
                h, self.state = self.lm.hidden(seg, self.state)
                self.out = h[0, -1]
                pos = end
                if pos % SNAPSHOT == 0:
                    self.snapshots[pos] = (self.state, self.out)
        self.tokens = list(tokens)
        self.version += 1

    def log_probs(self) -> np.ndarray:
        with torch.inference_mode():
            return self.lm.io.log_probs(self.out).double().numpy()


class ContextTokens:
    """Token ids of a text that mostly grows at the end: re-tokenized only after the part
    (up to the last whitespace) that was seen before."""

    def __init__(self, encode, bos: int):
        self.encode, self.bos = encode, bos
        self.head, self.head_tokens = "", [bos]

    def update(self, text: str) -> tuple[list[int], int]:
        """Token ids of ``text`` (all tokens complete), and how many leading ids are unchanged
        since the previous call."""
        last_ws = max(text.rfind(" "), text.rfind("\n"), text.rfind("\t"))
        head = text[: last_ws + 1]
        stable = len(self.head_tokens)
        if not head.startswith(self.head):
            self.head, self.head_tokens, stable = "", [self.bos], 0
        if len(head) > len(self.head):
            self.head_tokens = self.head_tokens + self.encode(head[len(self.head):], self.head_tokens[-1])
            self.head = head
        tail = self.encode(text[last_ws + 1:], self.head_tokens[-1])
        return (self.head_tokens + tail if tail else self.head_tokens), stable
