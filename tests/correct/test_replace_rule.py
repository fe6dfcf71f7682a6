"""Fitting autocorrect's replacement rule: the logistic fit recovers a known rule, and the
decisions it learns from are recorded from a real corrector."""

import math

import numpy as np
import pytest

from nextword.correct.corrector import Corrector
from nextword.correct.replace_rule import PARTS, TERMS, fit, record


def _synthetic(n: int, seed: int = 0) -> list[tuple[dict[str, float], int]]:
    """Examples labelled by a known rule: replace with probability sigmoid(2 * (context +
    2 channel - 1.5 edits + 0.5 follow - margin)), margin = 1 + 3 vocab - 0.5 letters."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        x = {k: 0.0 for k in PARTS} | {"m_" + t: 0.0 for t in TERMS}
        x |= {"context": rng.normal(0, 4), "channel": rng.normal(-3, 1.5), "edits": float(rng.integers(1, 3)),
              "follow": rng.normal(0, 3), "m_vocab": float(rng.integers(0, 2)), "m_letters": float(rng.integers(2, 12))}
        x["m_base"] = 1.0
        margin = 1 + 3 * x["m_vocab"] - 0.5 * x["m_letters"]
        score = x["context"] + 2 * x["channel"] - 1.5 * x["edits"] + 0.5 * x["follow"] - margin
        out.append((x, int(rng.random() < 1 / (1 + math.exp(-2 * score)))))
    return out


def test_fit_recovers_the_weights_of_a_known_rule():
    got = fit(_synthetic(20_000), l2=0.1)
    assert got["channel_weight"] == pytest.approx(2.0, abs=0.2)
    assert got["edit_cost"] == pytest.approx(-1.5, abs=0.3)
    assert got["right_weight"] == pytest.approx(0.5, abs=0.1)
    assert got["margin_vocab"] == pytest.approx(3.0, abs=0.4)
    assert got["margin_letters"] == pytest.approx(-0.5, abs=0.1)
    assert got["margin_base"] == pytest.approx(1.0, abs=0.6)
    assert abs(got["unigram_weight"]) < 0.2  # no weight where the rule has none


def test_a_higher_threshold_asks_for_a_wider_margin():
    rows = _synthetic(5_000)
    assert fit(rows, threshold=1.0)["margin_base"] > fit(rows, threshold=0.0)["margin_base"]


def test_fit_refuses_examples_where_context_never_favours_replacing():
    rows = [(x, int(x["context"] < 0)) for x, _ in _synthetic(2_000)]
    with pytest.raises(ValueError, match="context score"):
        fit(rows)


def test_record_labels_the_close_calls_of_real_sentences(tiny_model):
    c = Corrector(tiny_model)
    data = [(["this", "is", "the", "end"], ["this", "is", "teh", "end"]),
            (["the", "cat", "sat", "on", "the", "mat"], ["the", "cat", "sat", "on", "the", "mat"])]
    rows = record(c, data)
    assert rows, "a typo is a close call when the model is always asked"
    for x, label in rows:
        assert label in (0, 1)
        assert set(PARTS) | {"context"} | {"m_" + t for t in TERMS} <= set(x)
    fixes = [x for x, label in rows if label == 1]
    assert fixes and all(x["m_vocab"] == 0.0 for x in fixes)  # "teh" is no vocabulary word
    assert c.params.context_range != math.inf  # recording leaves the corrector as it was
