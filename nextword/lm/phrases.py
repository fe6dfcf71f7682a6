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
* confidence is a length-normalised log-probability: the mean log P per token, averaged over
  two readings of the same model: the whole mixture, and its counts
  alone (the same model without its LSTM: n-gram, cache and personal model, renormalised). The
  LSTM generalises freely, which is what a next-word list wants; a multi-word bet also needs the
  counts to agree (on development text, at the same trigger rate, the share of phrases exactly
  right rose from about 30 % to 43 % on general prose; README, "Phrase completion"). With no
  LSTM or no n-gram there is one reading only. Inside a word, the word being typed is in the
  sum but not in the length: given its typed prefix it is nearly certain, and counted as a
  token it let doubtful words after it through (README, "Phrase completion");
* a phrase is shown only while that confidence stays at or above ``THRESHOLD`` after every token
  from its second word on, so it is cut where the model stops being sure, and a beam that can no
  longer reach the threshold is dropped (most positions cost no LSTM step at all);
* among the phrases that qualify, the one with the most expected keys saved (confidence-weighted
  probability x length) is shown;
* the threshold is the user's: ``THRESHOLD`` moved by ``Steer``, a precision controller that
  settles each phrase shown at a word boundary by what the user typed next (were its first two
  words right?) and lowers the threshold where more than ``TARGET`` of them were, raises it
  where fewer. One fixed threshold has to suit the least predictable text; steered, a user whose
  phrases prove right (formulaic text, a well-learned personal model) is shown more, one whose
  phrases prove wrong fewer. (A logistic-regression confidence over the beam's other features -- each reading's log P
  of the first two words, the first token's margin over the next best, the n-gram's and the
  personal model's context order, the phrase length -- was tried first and did no better than
  the mean log P on development text it was not fitted on; README, "Phrase completion".)

Searched nodes (LSTM state and next-token candidates after a token sequence) are kept by their
last tokens, so typing through a phrase, letter by letter or word by word, costs no new LSTM
step: the node after "... know if" searched at "know" is the root's child when "if" is typed.
A node computes the adaptive softmax's rare-word buckets only when one of their words could
matter (``AdaptiveIO.log_prob_bounds``).

``THRESHOLD`` and ``TARGET`` were chosen on development text (``scripts/bench/phrases.py
--calibrate``; README, "Phrase completion"), never on the text the figures are reported on.
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
from nextword.text.words import WORD_RE, partial_word, space_before_next_word

if TYPE_CHECKING:
    from nextword.lm.typing_model import TypingModel

# the confidence a shown phrase keeps: the highest trigger rate at which every development set
# kept ExactMatch@2 >= 50 % (scripts/bench/phrases.py --calibrate; README, "Phrase completion");
# where the user's threshold starts (chosen again when the bundled model's mixture was refitted)
THRESHOLD = -0.80
MIN_WORDS = 2       # a phrase has at least two words (one word is what the ghost shows anyway)
MAX_WORDS = 12      # complete_phrase never searches further, whatever max_words asks
BEAM = 3            # beams kept per step
FLOOR = 0.02        # a node keeps its next tokens at least this probable
KEY_TOKENS = 64     # a node is known by its last tokens (an LSTM forgets what lies further back)
MAX_NODES = 512     # nodes kept between calls (~5 KB each)
# the user's threshold is steered by the phrases they were shown (``Steer``): towards showing
# phrases whose first two words are right this often; a right one lowers it by STEP * (1 - TARGET),
# a wrong one raises it by STEP * TARGET; it stays within THRESHOLD + SHIFT (scripts/bench/phrases.py
# --calibrate; README, "Phrase completion")
TARGET = 0.55
STEP = 0.01
SHIFT = (-0.20, 0.40)   # -1.00 .. -0.40, the calibration grid's range
MID_PUNCT = (",", ";", ":")   # typed between the words of a phrase
END_PUNCT = (".", "!", "?")   # end a phrase (included)


@dataclass
class Node:
    """What follows a token sequence: the LSTM state after it, and its likely next tokens."""

    state: State | None
    cands: list[tuple[int, float, float]]  # (personal id, log P mix, log P counts), best first
    floor: float = 1.0  # the confidence (a probability) down to which ``cands`` is complete


@dataclass
class Beam:
    path: list[int] = field(default_factory=list)  # personal ids after the context
    mix: float = 0.0      # log P of the path under the mixture ...
    counts: float = 0.0   # ... and under its counts alone
    logp: float = 0.0     # the confidence's log P: the mean of the two (or the mixture's alone)
    words: int = 0        # words the phrase completes or adds
    count: int = 0        # tokens the mean is over (not the word being typed)
    node: Node | None = None  # what follows the path (None until computed)

    def need(self, theta: float, logp: float | None = None) -> float:
        """The least log P a next token may have for a phrase through it to still qualify: the
        mean must reach ``theta`` by the second word, and stay there after every token. (With
        ``logp`` 0: the least for any path of this length, which a node keeps its tokens down
        to, so it serves every path that reaches it with as many tokens counted; a node made
        inside a word, where the word being typed is not counted, keeps fewer.)"""
        more = max(0, MIN_WORDS - self.words - 1)  # a word next: tokens still needed after it
        return (self.count + 1 + more) * theta - (self.logp if logp is None else logp)

    def child(self, idx: int, mix: float, counts: float, pair: bool, word: bool) -> Beam:
        m, c = self.mix + mix, self.counts + counts
        return Beam([*self.path, idx], m, c, (m + c) / 2 if pair else m, self.words + word, self.count + 1)


@dataclass
class Steer:
    """The user's threshold, steered by the phrases they were shown: a precision controller.

    The phrase shown is a bet on its first two words; what the user types next settles it (right
    when those words are typed as shown, then a character that ends a word; wrong at the first
    character that differs), whether they took it with Tab or typed it; no verdict when the text
    stops extending the text it was shown after (an edit, the cursor moved elsewhere). One bet is
    open at a time: the phrases shown while it is open (typing through it) are not new bets, nor
    are those shown inside a word (``bet``). Each verdict moves ``shift`` (stochastic
    approximation): where more than ``target`` of the user's phrases are right, the threshold
    falls and more are shown; where fewer, it rises. Kept for the model's lifetime (a session),
    not saved."""

    target: float = TARGET
    shift: float = 0.0
    shown: int = 0   # bets settled ...
    right: int = 0   # ... and those that were right
    open: tuple[str, str] | None = None  # (the text a phrase was shown after, its first two words)

    def bet(self, text: str, phrase: str) -> None:
        """``phrase`` was shown after ``text``: a bet on its first two words, unless one is open
        or ``text`` ends inside a word. (A phrase shown inside a word is not steered by: when the
        word being typed still counted in the confidence's length, their settled bets on
        development text were right 12-30 % of the time against 50-72 % for the word-boundary
        phrases the target was chosen on, and steering by them shut those out; README.)"""
        if self.open is not None or partial_word(text):
            return
        words = list(WORD_RE.finditer(phrase))
        if len(words) >= MIN_WORDS:
            self.open = (text, phrase[: words[MIN_WORDS - 1].end()].lower())

    def observe(self, text: str) -> None:
        """Settle the open bet if ``text`` (the text now) decides it."""
        if self.open is None:
            return
        at, words = self.open
        if not text.startswith(at):
            self.open = None  # an edit, or elsewhere: no verdict
            return
        typed = text[len(at): len(at) + len(words) + 1].lower()
        if not words.startswith(typed[: len(words)]):
            self.settle(False)
        elif len(typed) > len(words):  # the two words typed: right unless the word goes on
            self.settle(not (typed[-1] == "'" or WORD_RE.match(typed[-1])))

    def settle(self, right: bool) -> None:
        self.open = None
        self.shown += 1
        self.right += right
        self.shift = min(max(self.shift + STEP * (self.target - right), SHIFT[0]), SHIFT[1])


@dataclass(frozen=True)
class Phrase:
    """A phrase that passed the threshold: the text to insert, its words and its confidence."""

    text: str
    words: int
    score: float        # the confidence: mean log P per token
    logp: float         # its log P (the mean of the two readings, or the mixture's)
    mix: float          # log P of the phrase under the mixture (what suggest draws from)
    counts: float       # log P under the counts alone


class PhraseSearch:
    """``TypingModel.complete_phrase``: the beam search, holding a reference to the model."""

    def __init__(self, model: TypingModel, threshold: float = THRESHOLD):
        self.model = model
        self.threshold = threshold
        self.steer = Steer()  # the user's shift of the threshold (guarded by the model's lock)
        self._nodes: OrderedDict[tuple, Node] = OrderedDict()  # guarded by the model's lock
        self._generation: tuple = ()
        self._root_counts: tuple[tuple, np.ndarray] | None = None
        tok = model.tokenizer
        self._mid = {tok.ids[p] for p in MID_PUNCT if p in tok.ids}
        self._end = {tok.ids[p] for p in END_PUNCT if p in tok.ids}

    # -- public ---------------------------------------------------------------------------------
    def complete(self, text: str, max_words: int = 6) -> str:
        """The confident continuation of ``text`` as the user would type it, or ""."""
        phrase = self.search(text, max_words)
        return phrase.text if phrase is not None else ""

    def search(self, text: str, max_words: int = 6, threshold: float | None = None) -> Phrase | None:
        """The phrase to show after ``text`` (None when nothing is confident enough). Without
        ``threshold``, at the user's threshold (``THRESHOLD`` moved by ``steer``), which this call
        also teaches: what was typed since the last phrase was shown settles it."""
        if not isinstance(text, str) or isinstance(max_words, bool) or not isinstance(max_words, int):
            return None
        max_words = min(max_words, MAX_WORDS)
        if max_words < MIN_WORDS:
            return None
        with self.model._lock, torch.inference_mode():
            if threshold is not None:
                return self._search(text, max_words, float(threshold))
            self.steer.observe(text)
            phrase = self._search(text, max_words, self.threshold + self.steer.shift)
            if phrase is not None:
                self.steer.bet(text, phrase.text)
            return phrase

    def _search(self, text: str, max_words: int, theta: float) -> Phrase | None:
        model, partial = self.model, partial_word(text)
        context, low = text[: len(text) - len(partial)], partial.lower()
        if partial and not model.knows_prefix(low):
            return None
        tokens, stable = model._context(context)
        dist = model._distribution(tokens, stable, context)
        self._check_generation()
        pctx = model.personal_context(context)
        beams = self._first_step(dist, tokens, pctx, low, theta)
        best = self._expand(beams, Node(self._root_state(), []), tokens, pctx, theta, max_words) if beams else None
        return self._render(best, context, partial, tokens[-1] in model._sentence_end_ids) if best else None

    # -- the search -----------------------------------------------------------------------------
    def _paired(self) -> bool:
        """Whether the confidence has two readings: an LSTM to check, and counts to check it by."""
        w = self.model.weights
        return bool(w["lstm"] and (w["ngram"] or w["user_ngram"]))

    def _first_step(self, dist: np.ndarray, tokens: list[int], pctx: list[int], low: str,
                    theta: float) -> list[Beam]:
        """Beams of one token: the words with the typed prefix (renormalised), or the next
        words; only those from which a phrase can still reach the threshold."""
        model, pair = self.model, self._paired()
        least = MIN_WORDS * theta  # the first token's least log P, whatever it adds
        if low:
            ids = model.prefix_range(low)
            ids = ids[model._suggestable[ids]]
            new = model.new_words_with_prefix(low)
            ids = np.concatenate([ids, new[new < len(dist)]]) if len(new) else ids
        else:  # the counts' log P is at most 0: the mixture's alone bounds the mean
            ids = np.flatnonzero(dist >= np.exp(2 * least if pair else least))
            ids = np.array([i for i in ids if self._kind(int(i)) == "word"], dtype=np.int64)
        if not len(ids) or dist[ids].sum() <= 0:
            return []
        mix = np.log(np.maximum(dist[ids] / (dist[ids].sum() if low else 1.0), 1e-300))
        counts = mix
        if pair:
            pc = self._counts_at_root(tokens, pctx)[ids]
            if pc.sum() <= 0:
                return []
            counts = np.log(np.maximum(pc / (pc.sum() if low else 1.0), 1e-300))
        conf = (mix + counts) / 2 if pair else mix
        out = []
        for r in np.argsort(-conf, kind="stable")[:BEAM]:
            if conf[r] < least:
                break
            i = int(ids[r])
            adds = int(len(model.personal.vocab.word(i)) > len(low))  # typed in full: adds nothing
            # the word being typed is in the sum, not in the length: its probability given the
            # typed prefix is high, and counted as a token it would vouch for the words after it
            out.append(Beam([i], float(mix[r]), float(counts[r]), float(conf[r]), adds, 0 if low else adds))
        return out

    def _expand(self, beams: list[Beam], root: Node, tokens: list[int], pctx: list[int],
                theta: float, max_words: int) -> Beam | None:
        """Grow the beams token by token; the phrase that qualified on the way with the most
        expected keys saved."""
        best, best_gain = None, 0.0
        max_tokens, pair = max_words + 4, self._paired()
        while beams:
            self._attach_nodes(beams, root, tokens, pctx, theta)
            grown: list[Beam] = []
            for beam in beams:
                if beam.node is None:
                    continue
                need = beam.need(theta)
                for idx, mix, counts in beam.node.cands:
                    lp = (mix + counts) / 2 if pair else mix
                    if lp < need:
                        break  # candidates are sorted: none after this one can qualify
                    kind = self._kind(idx)
                    if kind is None:
                        continue
                    child = beam.child(idx, mix, counts, pair, kind == "word")
                    # tokens still needed: to the second word, or one more word after a comma
                    more = 1 if kind == "mid" else max(0, MIN_WORDS - child.words)
                    if child.words > max_words or child.logp < (child.count + more) * theta:
                        continue
                    if kind != "mid" and child.words >= MIN_WORDS:
                        gain = float(np.exp(child.logp)) * self._chars(child)
                        if gain > best_gain:
                            best, best_gain = child, gain
                    if kind != "end" and len(child.path) < max_tokens and child.words < max_words:
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

    # -- distributions --------------------------------------------------------------------------
    def _counts(self, context: list[int], pers: list[int]) -> np.ndarray:
        """The model's counts alone after ``context``: its mixture without the LSTM (n-gram,
        cache, an adapted model's n-gram of the user's text), renormalised, then extended."""
        model = self.model
        return model.personal.extend(model.mix(None, context) / (1.0 - model.weights["lstm"]), pers)

    def _counts_at_root(self, tokens: list[int], pctx: list[int]) -> np.ndarray:
        """``_counts`` after the context, kept while the context stays (keystrokes in a word)."""
        key = (len(tokens), *tokens[-KEY_TOKENS:], *pctx[-KEY_TOKENS:], self._generation)
        if self._root_counts is None or self._root_counts[0] != key:
            self._root_counts = (key, self._counts(tokens[-CACHE_WINDOW:], pctx[-KEY_TOKENS:]))
        return self._root_counts[1]

    # -- nodes ----------------------------------------------------------------------------------
    def _check_generation(self) -> None:
        """Forget every node when what they were computed from changed (a word learned, the
        personal weights fitted, another word LSTM, other weights)."""
        model = self.model
        gen = (model.personal.version, id(model.personal.weights), id(model.word_lm),
               tuple(model.weights.values()))
        if gen != self._generation:
            self._nodes.clear()
            self._root_counts = None
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
        model, pair = self.model, self._paired()
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
            counts = self._counts(context, pers) if pair else None
            p = model.personal.extend(model.mix(None if bounds is None else bounds[r], context), pers)
            conf = np.sqrt(p * counts) if pair else p  # exp of the mean of the two log P
            if lm is not None:  # make exact the rare buckets that may hold a candidate
                io, exact = lm.io, False
                for i in range(1, len(io.bounds) - 1):
                    lo, hi = io.bounds[i], io.bounds[i + 1]
                    if conf[lo:hi].max(initial=0.0) >= floor:
                        bounds[r, lo:hi] = io.bucket_log_probs(h[r], i).double().numpy()
                        exact = True
                if exact:
                    p = model.personal.extend(model.mix(bounds[r], context), pers)
                    conf = np.sqrt(p * counts) if pair else p
            ids = np.flatnonzero(conf >= floor)
            ids = ids[np.argsort(-conf[ids], kind="stable")]
            c = counts if pair else p
            node = Node(states[r], [(int(i), float(np.log(p[i])), float(np.log(c[i]))) for i in ids], floor)
            self._nodes[key] = beam.node = node
            self._nodes.move_to_end(key)
        while len(self._nodes) > MAX_NODES:
            self._nodes.popitem(last=False)

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
        return Phrase("".join(out), beam.words, beam.logp / max(1, beam.count), beam.logp,
                      beam.mix, beam.counts)
