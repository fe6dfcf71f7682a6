"""The order ``correct`` offers a misspelling's readings in (``ranking``): the features of a
reading, and the ranker on the bundled model and the shipped error model."""

from __future__ import annotations

import pytest

from nextword.correct.errormodel import ErrorModel
from nextword.correct.phonetic import sound_key
from nextword.correct.ranking import (
    FEATURES,
    Ranker,
    Reading,
    feature_rows,
    rank_features,
    rank_scores,
)


@pytest.fixture(scope="module")
def errors() -> ErrorModel:
    return ErrorModel.load()


def _reading(word: str, log_unigram: float = -10.0, in_vocab: bool = True, listed: bool = True) -> Reading:
    return Reading(word, log_unigram, log_unigram, in_vocab, listed)


def test_features_of_a_reading(errors):
    typed, reading = "definately", _reading("definitely")
    f = rank_features(typed, reading, errors, 0.5, sound_key(typed), sound_key("definitely"))
    assert f["sounds_alike"] == 1.0 and f["first_letter"] == 0.0 and f["edits"] == 1.0
    assert f["channel"] == errors.logp(typed, "definitely") >= f["plain_channel"]
    assert f["outside_vocab"] == f["unlisted"] == f["split"] == 0.0
    split = rank_features("alot", _reading("a lot"), errors, 0.5, "", "")
    assert split["split"] == 1.0 and split["channel"] == 0.0
    seen_only = rank_features("recieve", _reading("recieved", in_vocab=False, listed=False), errors, 0.5, "", "")
    assert seen_only["outside_vocab"] == seen_only["unlisted"] == 1.0


def test_shape_features_say_how_alike_two_spellings_look(errors):
    same = rank_features("house", _reading("house"), errors, 0.5, "", "")
    assert same["shared_pairs"] == 1.0 and same["shared_start"] == 1.0 and same["length_gap"] == 0.0
    far = rank_features("bisskets", _reading("biscuits"), errors, 0.5, "", "")
    assert far["edits"] >= 3 and far["far_lm"] == far["lm"] and far["far_channel"] == far["channel"]
    assert 0.0 < far["shared_pairs"] < 1.0 and far["shared_start"] == 3 / 8 and far["last_letter"] == 0.0
    near = rank_features("recieve", _reading("receive"), errors, 0.5, "", "")
    assert near["far_lm"] == near["far_channel"] == near["far_sounds_alike"] == 0.0
    rows = feature_rows("recieve", [_reading("receive"), _reading("a lot")], errors, 0.5)
    assert rows.shape == (2, len(FEATURES)) and feature_rows("x", [], errors, 0.5).shape == (0, len(FEATURES))


def test_a_ranker_written_to_a_file_scores_as_it_did(errors, tmp_path):
    import json

    ranker = Ranker.load()
    path = tmp_path / "ranker.json"
    path.write_text(json.dumps(ranker.to_dict()), "utf-8")
    readings = [_reading("defiantly"), _reading("definitely"), _reading("definite", -9.0)]
    assert rank_scores("definately", readings, errors, 0.5, Ranker.load(path)) == \
        rank_scores("definately", readings, errors, 0.5, ranker)
    stale = ranker.to_dict() | {"features": list(FEATURES[:-1])}
    path.write_text(json.dumps(stale), "utf-8")
    with pytest.raises(ValueError, match="other features"):
        Ranker.load(path)


def test_context_moves_a_reading_by_its_share_of_the_shift_from_the_unigram(errors):
    moved = Reading("there", -8.0, -2.0, True, True)
    f = rank_features("thier", moved, errors, 0.25, "", "")
    assert f["lm"] == pytest.approx(-8.0 + 0.25 * 6.0)


def test_a_reading_that_sounds_alike_and_starts_alike_ranks_above_an_equally_common_one(errors):
    # equally common readings: the one spelled the way the misspelling sounds wins
    scores = rank_scores("nolege", [_reading("knowledge"), _reading("college"), _reading("noble")],
                         errors, 0.5, Ranker.load())
    assert scores[0] == max(scores)
    scores = rank_scores("definately", [_reading("defiantly"), _reading("definitely")], errors, 0.5,
                         Ranker.load())
    assert scores[1] > scores[0]


def test_correct_ranks_real_misspellings_with_the_bundled_model():
    """Misspellings whose intended word a plain noisy-channel score ranked second or third."""
    import nextword
    from nextword.correct.corrector import Corrector

    c = Corrector(nextword.load())
    for typed, meant in [("tiolets", "toilets"), ("kage", "cage"), ("sparcely", "sparsely"),
                         ("definately", "definitely"), ("recieve", "receive"), ("seperate", "separate"),
                         ("goverment", "government"), ("accomodate", "accommodate")]:
        assert c.correct(typed, "", 3)[0].word == meant, typed
    # one edit from two words, the intended one the rarer: offered, if not first
    for typed, meant in [("ceese", "cease"), ("innensely", "immensely")]:
        assert meant in [s.word for s in c.correct(typed, "", 3)[:2]], typed
    # a word autocorrect keeps still comes back first, its neighbours after it
    got = [s.word for s in c.correct("house", "", 3)]
    assert got[0] == "house" and len(got) == 3


def test_a_word_of_the_word_list_two_edits_away_is_offered():
    """``deliquant``: ``delinquent`` is outside the vocabulary, two edits away and sounds unlike."""
    import nextword
    from nextword.correct.corrector import Corrector

    c = Corrector(nextword.load())
    assert ("delinquent", 2) in c.scorer.search.far.sounds_like("deliquant")
    assert c.correct("deliquant", "", 3)[0].word == "delinquent"


def test_an_unlisted_inflection_of_a_listed_word_is_no_word_but_one_of_jargon_is():
    """The English word list holds a listed word's own inflections, so ``opportunitys`` is a
    misspelling (its real words come first); ``stardates`` (``stardate``: in the vocabulary,
    in no word list) may be a word and stays first, as does a name's clitic."""
    import nextword
    from nextword.correct.corrector import Corrector

    c = Corrector(nextword.load())
    for typed, meant in [("opportunitys", "opportunities"), ("drasticly", "drastically"),
                         ("everying", "everything")]:
        assert c.correct(typed, "", 3)[0].word == meant, typed
    for typed in ("stardates", "bathtubs"):
        assert c.correct(typed, "", 3)[0].word == typed
    assert c.word.no_word("opportunitys", "") and not c.word.no_word("stardates", "")


def test_how_common_a_reading_is_in_general_english_is_a_feature():
    """``zipf``: the word's general frequency (``wordfreq``); a split scores its rarer part,
    a word outside the frequency list gets 0 and the ``no_zipf`` flag."""
    from nextword.correct.errormodel import ErrorModel
    from nextword.correct.ranking import FEATURES, Reading, feature_rows

    errors = ErrorModel.load()
    readings = [Reading("painting", -9.0, -9.0, True, True), Reading("patting", -9.0, -9.0, True, True),
                Reading("a lot", -6.0, -6.0, True, True), Reading("zzqxj", -20.0, -20.0, False, False)]
    rows = feature_rows("paitting", readings, errors, 0.5)
    zipf, missing = FEATURES.index("zipf"), FEATURES.index("no_zipf")
    assert rows[0, zipf] > rows[1, zipf] > 0.0
    assert rows[2, zipf] < 7.0 and rows[2, missing] == 0.0  # "lot" is rarer than "a"
    assert rows[3, zipf] == 0.0 and rows[3, missing] == 1.0
