"""The language model: embedding -> the shared ``LSTMCore`` -> tied adaptive softmax.

Used for words and for characters. Like every model the trainer fits, it has the contract
``forward(batch, state) -> (mean loss, state, n_items)`` plus ``init_state``.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from nextword.core.derived import derived, single_row
from nextword.core.lstm import LSTMCore, State


class AdaptiveIO(nn.Module):
    """Tied adaptive input embedding and output softmax (Baevski & Auli; Grave et al.).

    The vocabulary is split into frequency buckets at ``cutoffs``: frequent words get ``dim``
    dimensions, bucket i gets ``dim / div**i`` projected up. The same tables score the output: a
    head over the frequent words plus one logit per rare bucket, and a rare word costs
    log p(bucket) + log p(word | bucket). Training only scores the buckets its targets fall in, so
    a 30k vocabulary costs little more than a 2k one, and tying halves the model's size.
    """

    def __init__(self, vocab_size: int, dim: int, cutoffs: list[int], div: int = 2):
        super().__init__()
        self.bounds = [0, *[c for c in cutoffs if 0 < c < vocab_size], vocab_size]
        self.dim = dim
        n = len(self.bounds) - 1
        self.tables = nn.ParameterList()
        self.projs = nn.ParameterList()  # projs[i - 1] maps bucket i's width to dim
        for i in range(n):
            d = max(8, dim // (div**i))
            self.tables.append(nn.Parameter(torch.randn(self.bounds[i + 1] - self.bounds[i], d) * d**-0.5))
            if i:
                self.projs.append(nn.Parameter(torch.randn(d, dim) * d**-0.5))
        self.cluster = nn.Linear(dim, n - 1) if n > 1 else None
        self.bias = nn.Parameter(torch.zeros(vocab_size))

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (...) -> vectors (..., dim)."""
        if len(self.tables) == 1:
            return F.embedding(ids, self.tables[0])
        if ids.numel() == 1:  # typing: one word at a time, no masks
            i = int(ids.reshape(-1)[0])
            b = bisect.bisect_right(self.bounds, i) - 1
            vec = self.tables[b][i - self.bounds[b]]
            return (vec @ self.projs[b - 1] if b else vec).expand(*ids.shape, self.dim)
        out = torch.zeros(*ids.shape, self.dim, device=ids.device, dtype=self.tables[0].dtype)
        for i, table in enumerate(self.tables):
            lo, hi = self.bounds[i], self.bounds[i + 1]
            mask = (ids >= lo) & (ids < hi)
            if mask.any():
                vec = F.embedding(ids[mask] - lo, table)
                out[mask] = vec @ self.projs[i - 1] if i else vec
        return out

    def _logits(self, h: torch.Tensor, i: int) -> torch.Tensor:
        lo, hi = self.bounds[i], self.bounds[i + 1]
        if single_row(h):  # typing: the tables in the layout one row reads fastest
            proj, table = self._transposed()[i]
            return (h @ proj if i else h) @ table + self.bias[lo:hi]
        if i:
            h = h @ self.projs[i - 1].t()
        return h @ self.tables[i].t() + self.bias[lo:hi]

    def _transposed(self) -> list[tuple[torch.Tensor | None, torch.Tensor]]:
        """Per bucket: its projection and table transposed (``nextword.core.derived``)."""
        def build():
            return [(self.projs[i - 1].t().contiguous() if i else None, table.t().contiguous())
                    for i, table in enumerate(self.tables)]
        return derived(self, "transposed", [*self.tables, *self.projs], build)

    def _head(self, h: torch.Tensor) -> torch.Tensor:
        head = self._logits(h, 0)
        if self.cluster is not None:
            head = torch.cat([head, self.cluster(h)], dim=-1)
        return F.log_softmax(head, dim=-1)

    def log_probs(self, h: torch.Tensor) -> torch.Tensor:
        """Full log-distribution over the vocabulary: (..., dim) -> (..., vocab)."""
        head = self._head(h)
        n0 = self.bounds[1]
        parts = [head[..., :n0]]
        for i in range(1, len(self.tables)):
            parts.append(head[..., n0 + i - 1 : n0 + i] + F.log_softmax(self._logits(h, i), dim=-1))
        return torch.cat(parts, dim=-1)

    def log_prob_bounds(self, h: torch.Tensor) -> torch.Tensor:
        """``log_probs(h)`` with each rare bucket's words all given the bucket's log-probability:
        exact for the frequent words, an upper bound on every rare one, for the price of the
        head alone (a search that needs only the likely words, like the phrase search, makes a
        bucket exact with ``bucket_log_probs`` only when one of its words may matter)."""
        head = self._head(h)
        n0 = self.bounds[1]
        parts = [head[..., :n0]]
        for i in range(1, len(self.tables)):
            size = self.bounds[i + 1] - self.bounds[i]
            parts.append(head[..., n0 + i - 1 : n0 + i].expand(*head.shape[:-1], size))
        return torch.cat(parts, dim=-1)

    def bucket_log_probs(self, h: torch.Tensor, i: int) -> torch.Tensor:
        """The exact log-probabilities of rare bucket ``i``'s words (ids ``bounds[i]`` to
        ``bounds[i + 1]``), as ``log_probs(h)`` has them."""
        n0 = self.bounds[1]
        return self._head(h)[..., n0 + i - 1 : n0 + i] + F.log_softmax(self._logits(h, i), dim=-1)

    def softmax_pieces(self, h: torch.Tensor) -> dict:
        """The normalised pieces ``log_probs_of`` keeps in its cache, for a batch of states
        ``h`` (n, dim) at once: one product per bucket for all n (row i is state i's)."""
        pieces = {"head": self._head(h)}
        for i in range(1, len(self.tables)):
            pieces[i] = F.log_softmax(self._logits(h, i), dim=-1)
        return pieces

    def log_probs_of(self, h: torch.Tensor, ids: torch.Tensor, cache: dict | None = None
                     ) -> torch.Tensor:
        """Log-probabilities of the words ``ids`` (k,) after one state ``h`` (dim,): the same
        values as ``log_probs(h)[ids]``, but a rare bucket is normalised only when one of the
        ids falls in it (a correction asks about a few dozen words, not 30,000). ``cache``
        (a dict, empty for a new ``h``) keeps the normalised pieces for the next call."""
        cache = {} if cache is None else cache
        if "head" not in cache:
            cache["head"] = self._head(h)
        head = cache["head"]
        n0 = self.bounds[1]
        out = torch.empty(len(ids), dtype=head.dtype)
        in_head = ids < n0
        out[in_head] = head[ids[in_head]]
        for i in range(1, len(self.tables)):
            lo, hi = self.bounds[i], self.bounds[i + 1]
            mask = (ids >= lo) & (ids < hi)
            if mask.any():
                if i not in cache:
                    cache[i] = F.log_softmax(self._logits(h, i), dim=-1)
                out[mask] = head[n0 + i - 1] + cache[i][ids[mask] - lo]
        return out

    def target_log_probs(self, h: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """log p(target[j] | h[j]) for each row: (N, dim), (N,) -> (N,). Each rare bucket is
        normalised only for the rows whose target falls in it, so nothing of size N x vocab is
        ever made."""
        head = self._head(h)
        n0 = self.bounds[1]
        out = head.new_empty(target.shape)
        in_head = target < n0
        out[in_head] = head[in_head].gather(1, target[in_head].unsqueeze(1)).squeeze(1)
        for i in range(1, len(self.tables)):
            lo, hi = self.bounds[i], self.bounds[i + 1]
            mask = (target >= lo) & (target < hi)
            if mask.any():
                lp = F.log_softmax(self._logits(h[mask], i), dim=-1)
                out[mask] = head[mask, n0 + i - 1] + lp.gather(1, (target[mask] - lo).unsqueeze(1)).squeeze(1)
        return out

    def nll(self, h: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Summed negative log-likelihood of ``target`` (N,) given ``h`` (N, dim)."""
        return -self.target_log_probs(h, target).sum()


@dataclass
class LMConfig:
    """Shape of a word- or character-level language model."""

    vocab_size: int
    dim: int = 256                 # embedding width = LSTM projection width (tied in/out)
    hidden_size: int = 768         # LSTM cell width
    num_layers: int = 1
    dropout: float = 0.1
    cutoffs: list[int] = field(default_factory=lambda: [2000, 10000])  # adaptive buckets
    div: int = 2                   # each rarer bucket's embedding is div times narrower

    def to_dict(self) -> dict:
        return asdict(self)


class LanguageModel(nn.Module):
    """Embedding -> LSTMCore -> tied adaptive softmax. Used for words and for characters."""

    def __init__(self, config: LMConfig):
        super().__init__()
        self.config = config
        self.io = AdaptiveIO(config.vocab_size, config.dim, config.cutoffs, config.div)
        proj = config.dim if config.dim < config.hidden_size else 0
        self.core = LSTMCore(config.dim, config.hidden_size, config.num_layers, proj, config.dropout)
        self.out_proj = None if self.core.out_size == config.dim else nn.Linear(self.core.out_size, config.dim)

    def init_state(self, batch: int, device: torch.device | str = "cpu") -> State:
        return self.core.init_state(batch, device)

    def hidden(self, ids: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        """ids (batch, time) -> features (batch, time, dim) for the output layer."""
        out, state = self.core(self.io.embed(ids), state)
        if self.out_proj is not None:
            out = self.out_proj(out)
        return out, state

    def hidden_last(self, ids: torch.Tensor, lengths: torch.Tensor, state: State | None = None
                    ) -> tuple[torch.Tensor, State]:
        """For a batch of sequences of different ``lengths`` (padded after their ends): the
        features after each one's last token (batch, dim) and each one's own final state
        (the padding is packed away, so it reaches neither). Inference only: no dropout."""
        x = nn.utils.rnn.pack_padded_sequence(self.io.embed(ids), lengths, batch_first=True,
                                              enforce_sorted=False)
        out, state = self.core.lstm(x, state)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        last = out[torch.arange(len(lengths)), lengths - 1]
        return (last if self.out_proj is None else self.out_proj(last)), state

    def loss(self, batch: tuple[torch.Tensor, torch.Tensor], state: State | None = None
             ) -> tuple[torch.Tensor, State, int]:
        """Mean token NLL of a (inputs, targets) batch; returns (loss, new state, n_tokens)."""
        x, y = batch
        h, state = self.hidden(x, state)
        n = y.numel()
        return self.io.nll(h.reshape(n, -1), y.reshape(n)) / n, state, n

    forward = loss  # the trainer (and DDP) call the model itself

    def log_probs(self, ids: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        """Next-token log-probabilities after each position: (batch, time, vocab)."""
        h, state = self.hidden(ids, state)
        return self.io.log_probs(h), state
