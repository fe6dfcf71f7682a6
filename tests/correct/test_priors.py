"""What the corrector asks of a language model: the typing model and the test-only frequency
model both answer it, and the views read the same numbers as the full distribution."""

from __future__ import annotations

import numpy as np

from nextword.correct.corrector import Corrector
from nextword.correct.priors import LogView, ScoreView, ScoringModel


def test_tiny_model_implements_the_scoring_model_protocol(tiny_model):
    assert isinstance(tiny_model, ScoringModel)


def test_frequency_model_is_a_working_stand_in_for_a_typing_model(tiny_corpus):
    from tests.helpers.frequency_model import FrequencyModel

    fm = FrequencyModel.from_corpus([tiny_corpus / "tiny.txt"], vocab_size=3000)
    assert isinstance(fm, ScoringModel)
    assert abs(float(fm.next_word_probs("any context").sum()) - 1.0) < 1e-9
    assert fm.char_logprob("the") > fm.char_logprob("xqzj")
    assert Corrector(fm).correct("teh", "", 1)[0].word == "the"


def test_the_views_read_the_log_probabilities_of_the_full_distribution(tiny_model):
    context = "the package manager installs the"
    full = np.log(np.maximum(np.asarray(tiny_model.next_word_probs(context), dtype=np.float64), 1e-12))
    ids = np.array([tiny_model.tokenizer.token_id(w) for w in ("the", "files", "system", "zzzq")])
    assert np.allclose(LogView(np.exp(full))[ids], full[ids])
    view = ScoreView(tiny_model.candidate_scorer().at(context))
    view.fetch(ids[:2])
    assert np.allclose(view[ids], full[ids], atol=1e-4)
    assert abs(view[int(ids[0])] - full[ids[0]]) < 1e-4  # one id: a number, not an array
