"""Phrase completion (Smart Compose in the terminal): the confident continuation of the text,
several words long, or nothing.

A beam search over the very distribution ``suggest`` draws from (word LSTM + n-gram + document
cache, extended by the personal model), token by token:

* the first step is the distribution ``suggest`` already computed for the text (the model's
  cached ``_distribution``); inside a word it is restricted to the words with the typed prefix
  and renormalised, so the first word's probability is P(word | context, prefix);
* each later step runs the LSTM one token further from its parent's state, all open beams as
  one batch, and mixes exactly as ``TypingModel.mix`` / ``PersonalModel.extend`` do;
* a phrase is words and the punctuation a typist puts between them (``, ; :``); it ends with a
  sentence-ending ``. ! ?`` (included), before a paragraph end or any other symbol, or at
  ``max_words``;
* confidence is the length-normalised log-probability (mean log P per token, the first word's
  included). A phrase is shown only while that mean stays at or above ``THRESHOLD`` after every
  token from its second word on, so it is cut where the model stops being sure, and a beam that
  can no longer reach the threshold is dropped (most positions cost no LSTM step at all: a first
  word below exp(2 x THRESHOLD) ends the search);
* among the phrases that qualify, the one with the most expected keys saved
  (probability x length) is shown.

Searched nodes (LSTM state and next-token candidates after a token sequence) are kept by their
last tokens, so typing through a phrase, letter by letter or word by word, costs no new LSTM
step: the node after "... know if" searched at "know" is the root's child when "if" is typed.

``THRESHOLD`` was chosen on development text (``scripts/bench/phrases.py --calibrate``; README,
"Phrase completion"), never on the text the figures are reported on.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import torch

from nextword.core.lstm import State
from nextword.lm.incremental import stacked_state
from nextword.lm.mixture import CACHE_WINDOW
from nextword.text.words import partial_word, space_before_next_word

if TYPE_CHECKING:
    from nextword.lm.typing_model import TypingModel

THRESHOLD = -0.75   # mean log P per token a shown phrase keeps (calibrated: see the docstring)
MIN_WORDS = 2       # a phrase has at least two words (one word is what the ghost shows anyway)
MAX_WORDS = 12      # complete_phrase never searches further, whatever max_words asks
BEAM = 3            # beams kept per step
FLOOR = 0.02        # a node keeps its next tokens at least this probable
KEY_TOKENS = 64     # a node is known by its last tokens (an LSTM forgets what lies further back)
MAX_NODES = 512     # nodes kept between calls (~5 KB each)
MID_PUNCT = (",", ";", ":")   # typed between the words of a phrase
END_PUNCT = (".", "!", "?")   # end a phrase (included)


@dataclass
class Node:
    """What follows a token sequence: the LSTM state after it, and its likely next tokens."""

    state: State | None
    cands: list[tuple[int, float]]  # (personal id, log P), best first, every one P >= floor
    floor: float = 1.0              # the probability down to which ``cands`` is complete


@dataclass
class Beam:
    path: list[int] = field(default_factory=list)  # personal ids after the context
    logp: float = 0.0                              # log P of the path
    words: int = 0                                 # words the phrase completes or adds
    count: int = 0          # tokens the mean is over (not a first word the user typed in full)
    node: Node | None = None                       # what follows the path (None until computed)

    def need(self, theta: float, logp: float | None = None) -> float:
        """The least log P a next token may have for a phrase through it to still qualify: the
        mean must reach ``theta`` by the second word, and stay there after every token. (With
        ``logp`` 0: the least for any path of this length, which a node keeps its tokens down
        to, so it serves every path that reaches it.)"""
        more = max(0, MIN_WORDS - self.words - 1)  # a word next: tokens still needed after it
        return (self.count + 1 + more) * theta - (self.logp if logp is None else logp)


@dataclass(frozen=True)
class Phrase:
    """A phrase that passed the threshold: the text to insert, its words and its confidence."""

    text: str
    words: int
    score: float        # mean log P per token
    logp: float         # log P of the whole phrase


class PhraseSearch:
    """``TypingModel.complete_phrase``: the beam search, holding a reference to the model."""

    def __init__(self, model: TypingModel, threshold: float = THRESHOLD):
        self.model = model
        self.threshold = threshold
        self._nodes: OrderedDict[tuple, Node] = OrderedDict()  # guarded by the model's lock
        self._generation: tuple = ()
        tok = model.tokenizer
        self._mid = {tok.ids[p] for p in MID_PUNCT if p in tok.ids}
        self._end = {tok.ids[p] for p in END_PUNCT if p in tok.ids}

    # -- public ---------------------------------------------------------------------------------
    def complete(self, text: str, max_words: int = 6) -> str:
        """The confident continuation of ``text`` as the user would type it, or ""."""
        phrase = self.search(text, max_words)
        return phrase.text if phrase is not None else ""

    def search(self, text: str, max_words: int = 6, threshold: float | None = None) -> Phrase | None:
        """The phrase to show after ``text`` (None when nothing is confident enough)."""
        if not isinstance(text, str) or isinstance(max_words, bool) or not isinstance(max_words, int):
            return None
        max_words = min(max_words, MAX_WORDS)
        if max_words < MIN_WORDS:
            return None
        theta = self.threshold if threshold is None else float(threshold)
        model = self.model
        with model._lock, torch.inference_mode():
            partial = partial_word(text)
            context = text[: len(text) - len(partial)]
            low = partial.lower()
            if partial and not model.knows_prefix(low):
                return None
            tokens, stable = model._context(context)
            dist = model._distribution(tokens, stable, context)
            beams = self._first_step(dist, low, theta)
            if not beams:
                return None
            self._check_generation()
            root = Node(self._root_state(), [])
            best = self._expand(beams, root, tokens, model.personal_context(context), theta, max_words)
            if best is None:
                return None
            return self._render(best, context, partial, tokens[-1] in model._sentence_end_ids)

    # -- the search -----------------------------------------------------------------------------
    def _first_step(self, dist: np.ndarray, low: str, theta: float) -> list[Beam]:
        """Beams of one token: the words with the typed prefix (renormalised), or the next
        words; only those from which a phrase can still reach the threshold."""
        model = self.model
        least = np.exp(MIN_WORDS * theta)  # the first token's least P, whatever it adds
        if low:
            ids = model.prefix_range(low)
            ids = ids[model._suggestable[ids]]
            new = model.new_words_with_prefix(low)
            new = new[new < len(dist)]
            ids = np.concatenate([ids, new]) if len(new) else ids
            mass = float(dist[ids].sum()) if len(ids) else 0.0
            if mass <= 0:
                return []
            probs = dist[ids] / mass
        else:
            ids = np.flatnonzero(dist >= least)
            ids = np.array([i for i in ids if self._kind(int(i)) == "word"], dtype=np.int64)
            probs = dist[ids] if len(ids) else np.zeros(0)
        out = []
        for r in np.argsort(-probs, kind="stable"):
            if probs[r] < least:
                break
            i = int(ids[r])
            adds = int(len(model.personal.vocab.word(i)) > len(low))  # typed in full: adds nothing
            out.append(Beam([i], float(np.log(probs[r])), adds, adds))
            if len(out) == BEAM:
                break
        return out

    def _expand(self, beams: list[Beam], root: Node, tokens: list[int], pctx: list[int],
                theta: float, max_words: int) -> Beam | None:
        """Grow the beams token by token; the phrase that qualified on the way with the most
        expected keys saved."""
        best, best_gain = None, 0.0
        max_tokens = max_words + 4
        while beams:
            self._attach_nodes(beams, root, tokens, pctx, theta)
            grown: list[Beam] = []
            for beam in beams:
                if beam.node is None:
                    continue
                need = beam.need(theta)
                for idx, lp in beam.node.cands:
                    if lp < need:
                        break  # candidates are sorted: none after this one can qualify
                    kind = self._kind(idx)
                    if kind is None:
                        continue
                    w, count = beam.words + (kind == "word"), beam.count + 1
                    # tokens still needed: to the second word, or one more word after a comma
                    more = 1 if kind == "mid" else max(0, MIN_WORDS - w)
                    total = beam.logp + lp
                    if w > max_words or total < (count + more) * theta:
                        continue
                    child = Beam([*beam.path, idx], total, w, count)
                    if kind != "mid" and w >= MIN_WORDS:
                        gain = float(np.exp(total)) * self._chars(child)
                        if gain > best_gain:
                            best, best_gain = child, gain
                    if kind != "end" and len(child.path) < max_tokens and w < max_words:
                        grown.append(child)
            grown.sort(key=lambda b: -b.logp)
            beams = grown[:BEAM]
        return best

    def _kind(self, idx: int) -> str | None:
        """"word", "mid" (a comma or the like), "end" (. ! ?) or None: a token a phrase does not
        take (a paragraph end, a quote, the unknown word, a blocked word...)."""
        if idx in self._mid:
            return "mid"
        if idx in self._end:
            return "end"
        model = self.model
        if idx < len(model._suggestable):
            return "word" if model._suggestable[idx] else None
        offered = model.personal.offered(np.array([idx], dtype=np.int64))[0]
        return "word" if offered and model.personal.vocab.word(idx) not in model.blocked else None

    def _chars(self, beam: Beam) -> int:
        return sum(len(self.model.personal.vocab.word(i)) + 1 for i in beam.path)

    # -- nodes ----------------------------------------------------------------------------------
    def _check_generation(self) -> None:
        """Forget every node when what they were computed from changed (a word learned, another
        word LSTM, other weights)."""
        model = self.model
        gen = (model.personal.version, id(model.word_lm), tuple(model.weights.values()))
        if gen != self._generation:
            self._nodes.clear()
            self._generation = gen

    def _root_state(self) -> State | None:
        """The LSTM state after the context (the model's cursor was just synced to it)."""
        cursor = self.model._cursor
        return cursor.state if cursor is not None and self.model.weights["lstm"] else None

    @staticmethod
    def _key(tokens: list[int], pctx: list[int], path: list[int]) -> tuple:
        return (len(tokens) + len(path), *(pctx + path)[-KEY_TOKENS:])

    def _attach_nodes(self, beams: list[Beam], root: Node, tokens: list[int], pctx: list[int],
                      theta: float) -> None:
        """Give every beam the node after its path: from the cache, or computed (one LSTM step
        from the parent's state for all the missing ones at once)."""
        missing: list[tuple[Beam, tuple, State | None, float]] = []
        for beam in beams:
            key = self._key(tokens, pctx, beam.path)
            floor = max(FLOOR, float(np.exp(beam.need(theta, logp=0.0))))
            node = self._nodes.get(key)
            if node is not None and node.floor <= floor:
                self._nodes.move_to_end(key)
                beam.node = node
                continue
            parent = root if len(beam.path) == 1 else self._nodes.get(self._key(tokens, pctx, beam.path[:-1]))
            if parent is not None:  # (None: evicted meanwhile; that beam ends here)
                missing.append((beam, key, parent.state, floor))
        if not missing:
            return
        model = self.model
        V, unk = model.tokenizer.vocab_size, model.tokenizer.unk_id
        states: list[State | None] = [None] * len(missing)
        lm = model.word_lm if model.weights["lstm"] else None
        h = bounds = None
        if lm is not None:
            ids = torch.tensor([[b.path[-1] if b.path[-1] < V else unk] for b, _, _, _ in missing])
            out, (hs, cs) = lm.hidden(ids, stacked_state(lm, [s for _, _, s, _ in missing]))
            h = out[:, 0]
            bounds = lm.io.log_prob_bounds(h).double().numpy()
            states = [(hs[:, r:r + 1], cs[:, r:r + 1]) for r in range(len(missing))]
        for r, (beam, key, _, floor) in enumerate(missing):
            context = [*tokens[-CACHE_WINDOW:], *[i if i < V else unk for i in beam.path]]
            pers = (pctx + beam.path)[-KEY_TOKENS:]
            p = self._mix(None if bounds is None else bounds[r], context, pers)
            if lm is not None:  # make exact the rare buckets that may hold a candidate
                io, exact = lm.io, False
                for i in range(1, len(io.bounds) - 1):
                    lo, hi = io.bounds[i], io.bounds[i + 1]
                    if p[lo:hi].max(initial=0.0) >= floor:
                        bounds[r, lo:hi] = io.bucket_log_probs(h[r], i).double().numpy()
                        exact = True
                if exact:
                    p = self._mix(bounds[r], context, pers)
            ids = np.flatnonzero(p >= floor)
            ids = ids[np.argsort(-p[ids], kind="stable")]
            node = Node(states[r], [(int(i), float(np.log(p[i]))) for i in ids], floor)
            self._nodes[key] = beam.node = node
            self._nodes.move_to_end(key)
        while len(self._nodes) > MAX_NODES:
            self._nodes.popitem(last=False)

    def _mix(self, lstm: np.ndarray | None, context: list[int], pers: list[int]) -> np.ndarray:
        """The suggestion distribution after a context, as ``TypingModel._distribution``
        makes it: the model's mixture, extended by the personal model."""
        p = self.model.mix(lstm, context)
        return self.model.personal.extend(p, pers) if self.model.personal.version else p

    # -- the text -------------------------------------------------------------------------------
    def _render(self, beam: Beam, context: str, partial: str, start: bool) -> Phrase:
        """The path as the user would type it: the rest of the word being typed, then words
        with a space before each, punctuation attached; each word in the user's case."""
        model = self.model
        out: list[str] = []
        for n, idx in enumerate(beam.path):
            word = model.personal.vocab.word(idx)
            if idx in self._mid or idx in self._end:
                out.append(word)
            elif n == 0 and partial:
                shown = model.shown(word, partial, start)
                ok = shown.lower().startswith(partial.lower())
                out.append(shown[len(partial):] if ok else word[len(partial):])
            elif n == 0:
                out.append(space_before_next_word(context) + model.shown(word, "", start))
            else:
                out.append(" " + model.shown(word, "", False))
        return Phrase("".join(out), beam.words, beam.logp / max(1, beam.count), beam.logp)
