"""The readings of one typed word scored in context, and the margin a correction must beat.

For a typed word ``t`` after the text ``context`` every candidate ``c`` (``search``) is scored

    log P(c | context) + channel_weight * log P(t | c) + edit_cost * edits(t, c)
        + unigram_weight * log P(c)

with P(c | context) from the typing model (word LSTM + Kneser-Ney; the plain unigram when there
is no context) and P(t | c) from the learned keyboard error model. Keeping the word as typed is
one more hypothesis: a vocabulary word scores its own language-model probability; a word outside
the vocabulary scores P(<unk> | context) times its spelling probability under the character LSTM
(a real word seen in training, or a regular form of a known word, scores higher).

The margin a correction must beat keeping the typed word by is a linear function of what the
typed word is (``HypothesisScorer.margin_terms``: a vocabulary word and how common, a regular
form, a word seen in training, how English an unknown spelling looks, its length). These
weights and the ones above are one logistic regression (``replace_rule``).
"""

from __future__ import annotations

import math

import numpy as np

from nextword.correct.confusions import confusables
from nextword.correct.errormodel import ErrorModel
from nextword.correct.params import CorrectorParams
from nextword.correct.priors import LogView, Prior, ScoreView, ScoringModel
from nextword.correct.rules import looks_like_name
from nextword.correct.search import CandidateSearch, WordCandidates
from nextword.text.tokenizer import WordTokenizer
from nextword.text.wordlist import english_words, rare_english_words, word_zipf
from nextword.text.words import PLAIN_WORD_RE

_SPELLING_CACHE = 200_000  # spellings kept (a few MB)
# a word of the English word list that the training text never showed counts as seen at least this
# often (more when general English has it more often, ``HypothesisScorer``):
# real (kept, and offered as a correction) and about as rare as the rarest words training showed.
# Set on the four fifths of the dev pairs the error model learns from (Birkbeck + codespell
# top-1 49.1 + 77.5 % at 1, 49.1 + 78.6 at 3, 48.9 + 79.6 at 10), the dev sentences a check
# (broken words 0.18 / 0.28 % at 1, 0.20 / 0.28 at 3, 0.21 / 0.32 at 10)
LISTED_COUNT = 3
# a rarer real word (``rare_english_words``) that training never showed: a third of that, as if
# seen once in a corpus three times the size (they are offered by ``correct()`` only)
RARE_COUNT = 1


def listed_words(tok: WordTokenizer) -> list[str]:
    """The words of the English word list (``nextword.text.wordlist``) outside ``tok``'s
    vocabulary."""
    return [w for w in english_words() if w not in tok.ids]


class HypothesisScorer:
    """Scores the readings of typed words against a typing model: ``hypotheses`` (the readings
    of one word in context, best first, and its margin), ``margin_terms``, ``log_prior``."""

    def __init__(self, model: ScoringModel, errors: ErrorModel, typing_errors: ErrorModel,
                 params: CorrectorParams):
        self.model = model
        self.tok = model.tokenizer
        self.errors = errors
        words = self.tok.words
        uni = np.asarray(model.unigram, dtype=np.float64)[: len(words)] * self.tok.word_mask
        self.unigram = uni
        self.log_unigram = np.log((uni + 0.5) / (uni + 0.5).sum())
        # the same with the share of unknown words kept: a context-free stand-in for the model
        raw = np.asarray(model.unigram, dtype=np.float64)[: len(words)]
        self.free_prior = self.log_unigram.copy()
        self.free_prior[self.tok.unk_id] = math.log((raw[self.tok.unk_id] + 0.5) / (raw.sum() + 1.0))
        # a model that scores chosen words only (TypingModel) is asked for those alone
        make_scorer = getattr(model, "candidate_scorer", None)
        self.lm_scorer = make_scorer() if make_scorer is not None else None
        self._spelled: dict[str, float] = {}  # char-model log P of unknown spellings
        # real words outside the vocabulary (seen in the training text) and how often ...
        seen: dict[str, int] = dict(getattr(model, "known_words", None) or {})
        unknown = float(np.asarray(model.unigram, dtype=np.float64)[self.tok.unk_id])
        self._log_unknown = math.log(max(unknown, sum(seen.values()), 1.0))
        # ... and the English word list's: as often as general English has it in a text the
        # training text's size (``word_zipf``), and at least ``LISTED_COUNT`` if training never
        # showed it (the training text, old books and manuals, knows everyday words less well)
        listed = listed_words(self.tok)
        zipf, total = word_zipf(), float(raw.sum())
        expected = {w: round(10.0 ** (zipf[w] - 9.0) * total) for w in listed if w in zipf}
        self.lexicon = {w: max(LISTED_COUNT, expected.get(w, 0)) for w in listed}
        self.lexicon |= {w: max(n, expected.get(w, 0)) for w, n in seen.items()}
        self.search = CandidateSearch(model, errors, typing_errors, self.log_unigram, self.lexicon,
                                      listed, params, rare_english_words())

    @property
    def params(self) -> CorrectorParams:
        """The search's parameters (set them there: its caches depend on them)."""
        return self.search.params

    def log_prior(self, context: str) -> Prior:
        """log P(next word | context) over the vocabulary (the unigram without context)."""
        if not context.strip():
            return self.log_unigram
        if self.lm_scorer is not None:
            return ScoreView(self.lm_scorer.at(context))
        return LogView(np.asarray(self.model.next_word_probs(context), dtype=np.float64))

    def hypotheses(self, typed: str, context: str = "", need: int = 3,
                   above: float | None = None, prior: Prior | None = None,
                   name: bool | None = None, errors: ErrorModel | None = None,
                   sounds: bool = False, looks: bool | None = None
                   ) -> tuple[list[tuple[str, float, str]], float]:
        """The best ``need`` readings of ``typed`` (and keeping it as typed) with their scores,
        best first, and the margin a correction needs to replace it. Entries are
        ``(lower-cased word, score, kind)`` with kind ``typed`` or ``correction``. With
        ``above`` only corrections scoring over keep + margin + ``above`` are searched for
        (autocorrect needs no others). ``name``: whether the word stands where a name would
        (by default read off the end of ``context``). ``errors``: the channel (by default the
        spelling-error one). ``sounds``: also the words that sound like an unknown ``typed``
        however many edits away (``FarReadings.sounds_like``); ``looks`` (by default as
        ``sounds``): and those that look like it (``FarReadings.looks_like``)."""
        low = typed.lower()
        c = self.search.candidates(low)
        errors = errors or self.errors
        user = self.search.user_candidates(low, errors)
        alike = self.search.far.sounds_like(low) if sounds else []
        if sounds if looks is None else looks:
            alike = alike + self.search.far.looks_like(low)
        confused = [self.tok.ids[w] for w in confusables(low) if w in self.tok.ids] if c.typed_id >= 0 else []
        margin = self._margin(c, low)
        if looks_like_name(typed, context, self.tok.ids) if name is None else name:
            margin += self.params.margin_name
        if not (len(c.ids) or c.splits or user or c.lexicon or alike or confused):
            return [(low, 0.0, "typed")], margin
        if prior is None:
            prior = self.log_prior(context)
        if isinstance(prior, ScoreView):  # everything this decision may look up, at once
            ids = np.array([*c.ids.tolist(), c.typed_id, self.tok.unk_id, c.regular,
                            *(self.tok.ids[left] for left, _ in c.splits),
                            *(self.tok.ids.get(w, -1) for w, _ in alike), *confused])
            prior.fetch(ids[ids >= 0])
        if c.typed_id >= 0:
            keep = float(prior[c.typed_id])
        elif low in self.model.user_words:
            keep = float(prior[self.tok.unk_id] + self.params.oov_offset)
        else:
            keep = self._keep_oov(low, prior)
            if c.regular >= 0:  # at least as likely as the known word it is a form of
                keep = max(keep, float(prior[c.regular]) + self.params.regular_cost)
        out = [(low, keep, "typed")]
        floor = -math.inf if above is None else keep + margin + above
        out += [(w, s, "correction") for w, s in self._searched(low, c, prior, need, floor, errors)]
        for w, ch in user:
            out.append((w, float(prior[self.tok.unk_id]) + self.params.oov_offset + ch, "correction"))
        for w in c.lexicon:
            out.append((w, self._reading_score(low, w, 1, prior, errors), "correction"))
        out += self._confusions(confused, prior)
        found = {w for w, _, _ in out}  # the search may reach a word beyond two edits too
        sounding = [(self._reading_score(low, w, edits, prior, errors.plain), w) for w, edits in alike
                    if w not in found]
        # the rules rescore the best few by single edits, as ``_searched`` does
        out += [(w, s + self._rule_gain(low, w, errors), "correction")
                for s, w in sorted(sounding, reverse=True)[:need]]
        for left, right in c.splits:
            s = (prior[self.tok.ids[left]] + self.log_unigram[self.tok.ids[right]] + self.params.split_cost)
            out.append((f"{left} {right}", float(s), "correction"))
        # a word found several ways (a slip and a common confusion; one of the user's words that
        # a word list also holds) is one reading, at its best score
        best: dict[str, float] = {}
        for w, s, kind in out:
            if kind == "correction" and s > best.get(w, -math.inf):
                best[w] = s
        out = [h for h in out if h[2] != "correction"] + [(w, s, "correction") for w, s in best.items()]
        out.sort(key=lambda h: -h[1])
        return out, margin

    def _searched(self, low: str, c: WordCandidates, prior: Prior, need: int, floor: float,
                  errors: ErrorModel) -> list[tuple[str, float]]:
        """``CandidateSearch.search`` under ``errors``; a channel with substring rules searches
        by its single edits (aligning with the rules costs several times more) for twice
        ``need`` candidates, which the rules then rescore."""
        if errors.plain is errors:
            return self.search.search(low, c, prior, need, floor, errors)
        found = self.search.search(low, c, prior, 2 * need, floor, errors.plain)
        return [(w, s + self._rule_gain(low, w, errors)) for w, s in found]

    def _rule_gain(self, low: str, word: str, errors: ErrorModel) -> float:
        """What ``errors``'s substring rules add to the score of reading ``low`` as ``word``
        over its single edits alone (``ErrorModel.plain``)."""
        return self.params.channel_weight * (errors.logp(low, word) - errors.plain.logp(low, word))

    def _confusions(self, confused: list[int], prior: Prior) -> list[tuple[str, float, str]]:
        """The words the typed one is commonly confused with (``confusions``, ids ``confused``),
        each scored as one edit of probability ``confusion_logp`` (where its score as a slip is
        better, the merge of the readings keeps that one)."""
        p = self.params
        return [(self.tok.words[wid], float(prior[wid]) + p.unigram_weight * float(self.log_unigram[wid])
                 + p.channel_weight * p.confusion_logp + p.edit_cost, "correction") for wid in confused]

    def _reading_score(self, low: str, word: str, edits: int, prior: Prior, errors: ErrorModel) -> float:
        """The score of reading ``low`` as ``word`` (``edits`` edits away) outside the delete
        index's search: in context, by unigram (a lexicon word's share of the unknown words)
        and by channel, as ``CandidateSearch.search`` scores the vocabulary's candidates."""
        p = self.params
        wid = self.tok.ids.get(word, -1)
        if wid >= 0:
            base = float(prior[wid]) + p.unigram_weight * float(self.log_unigram[wid])
        else:
            base = self._lexicon_score(word, prior) + p.unigram_weight * self.lexicon_unigram(word)
        return base + p.channel_weight * errors.logp(low, word) + p.edit_cost * edits

    def _keep_oov(self, typed: str, prior: Prior) -> float:
        """Score of keeping a word that is not in the vocabulary: P(<unk> | context) times its
        spelling's probability, less a cost per letter below ``oov_short``. Short words are
        nearly all in the vocabulary, so a short unknown string is far more often a slip."""
        p = self.params
        if len(typed) > p.max_word:
            return 0.0
        spelling = self._spelling(typed)
        if not math.isfinite(spelling):  # a model without a character LM
            spelling = -3.0 * len(typed)
        short = max(0, p.oov_short - len(typed)) * p.oov_short_cost
        keep = float(prior[self.tok.unk_id] + spelling + p.oov_offset - short)
        if typed in self.lexicon:
            keep = max(keep, self._lexicon_score(typed, prior))
        return keep

    def _lexicon_share(self, word: str) -> float:
        """log of a lexicon word's share of the unknown words in the training text (a rare
        listed word's: ``RARE_COUNT``)."""
        return math.log(self.lexicon.get(word, RARE_COUNT)) - self._log_unknown

    def _lexicon_score(self, word: str, prior: Prior) -> float:
        """log P(``word``, a real word outside the vocabulary | context): P(unknown word |
        context) times its share of the unknown words."""
        return float(prior[self.tok.unk_id]) + self._lexicon_share(word) + self.params.lexicon_offset

    def lexicon_unigram(self, word: str) -> float:
        """The log unigram of a word outside the vocabulary seen in training: the unknown
        words' share, split by its share among them."""
        return float(self.free_prior[self.tok.unk_id]) + self._lexicon_share(word)

    def _margin(self, c: WordCandidates, low: str) -> float:
        """How far a correction must out-score the typed word to replace it: a linear function
        (``margin_*`` weights) of what the typed word is (``margin_terms``). Breaking a right
        word is the worse mistake, so common words need far more."""
        p = self.params
        return sum(getattr(p, f"margin_{name}") * value for name, value in self.margin_terms(c, low).items())

    def margin_terms(self, c: WordCandidates, low: str) -> dict[str, float]:
        """What the replacement margin of a typed word weighs: whether it is in the vocabulary
        and how common; for an unknown word, whether it is a regular form of a known one or
        was seen in training (and how often), and how English its spelling looks; its length.
        The user's words count as common vocabulary words."""
        p = self.params
        terms = {"base": 1.0, "letters": float(len(low)), "short": float(max(0, p.oov_short - len(low)))}
        if low in self.model.user_words or c.typed_id >= 0:
            i = c.typed_id if c.typed_id >= 0 else self.tok.unk_id
            known = c.typed_id < 0 or self.unigram[i] >= p.known_count
            return terms | {"vocab": 1.0, "known": float(known), "unigram": float(self.free_prior[i])}
        if c.regular >= 0:
            terms["regular"] = 1.0
        elif low in self.lexicon:
            terms |= {"lexicon": 1.0, "lexicon_count": math.log1p(self.lexicon[low])}
        spelling = self._spelling(low) if len(low) <= p.max_word else math.nan
        terms["spelling"] = spelling / len(low) if math.isfinite(spelling) else 0.0
        return terms

    def prefetch_spellings(self, text: str) -> None:
        """Score the spellings of the text's unknown words in one batch (one char-LSTM call per
        word is most of the time of an unknown word) into the spelling cache."""
        batch = getattr(self.model, "char_logprobs", None)
        if batch is None:
            return
        words = sorted({w for w in map(str.lower, PLAIN_WORD_RE.findall(text))
                        if len(w) <= self.params.max_word and w not in self.tok.ids
                        and w not in self._spelled})
        if len(self._spelled) + len(words) > _SPELLING_CACHE:
            self._spelled.clear()
        for word, logp in zip(words, batch(words), strict=True):
            self._spelled[word] = logp

    def _spelling(self, low: str) -> float:
        """log P(``low``) under the character model, cached (a word is often scored twice)."""
        logp = self._spelled.get(low)
        if logp is None:
            if len(self._spelled) >= _SPELLING_CACHE:
                self._spelled.clear()
            logp = self._spelled[low] = self.model.char_logprob(low)
        return logp
