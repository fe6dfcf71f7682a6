"""The channel model: alignment, learning from pairs, and the shipped tables' behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nextword.correct.errormodel import (
    ALPHABET,
    NEIGHBOURS,
    Edit,
    ErrorModel,
    align,
    count_edits,
    learn,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped() -> ErrorModel:
    return ErrorModel.load()


def test_keyboard_neighbours_are_qwerty_adjacent_keys():
    assert {"q", "w", "s", "z"} <= NEIGHBOURS["a"]
    assert "p" not in NEIGHBOURS["a"]
    assert all(a in NEIGHBOURS[b] for a in NEIGHBOURS for b in NEIGHBOURS[a])  # symmetric


@pytest.mark.parametrize(("typed", "intended", "edits"), [
    ("teh", "the", [Edit("trans", "h", "e")]),
    ("thw", "the", [Edit("sub", "e", "w")]),
    ("begining", "beginning", [Edit("del", "n", "n")]),  # a dropped doubled letter
    ("thhe", "the", [Edit("ins", "h", "h")]),          # a doubled key
    ("dont", "don't", [Edit("del", "n", "'")]),        # the missing apostrophe
    ("he", "the", [Edit("del", "^", "t")]),
])
def test_align_names_the_edit(typed, intended, edits):
    assert align(typed, intended) == edits


def test_align_of_equal_words_is_none():
    assert align("word", "word") is None


def test_learned_tables_favour_the_edits_seen_in_training():
    pairs = [("teh", "the"), ("adn", "and"), ("thw", "the"), ("yhe", "the"), ("tge", "the")] * 5
    params = learn(count_edits(pairs))
    em = ErrorModel(params)
    assert em.logp("teh", "the") > em.logp("tbe", "the")
    assert em.logp("tge", "the") > em.logp("tme", "the")  # seen beats unseen


def test_keyboard_prior_ranks_unseen_adjacent_slips_above_far_ones():
    em = ErrorModel(learn(count_edits([("teh", "the")])))
    assert em.logp("cat", "car") > em.logp("caz", "car")  # t is next to r, z is not
    assert em.logp("rhe", "the") > em.logp("mhe", "the")  # r is next to t, m is not


def test_shipped_model_scores_common_slips_above_rare_ones(shipped):
    assert shipped.logp("teh", "the") > shipped.logp("teh", "tea")
    assert shipped.logp("begining", "beginning") > shipped.logp("begining", "begging")
    assert shipped.logp("dont", "don't") > shipped.logp("dont", "done")
    assert shipped.logp("recieve", "receive") > -4


def test_two_edits_cost_more_than_one(shipped):
    assert shipped.logp("acress", "actress") > shipped.logp("acress", "access")


def test_logp_is_zero_for_the_word_itself_and_finite_for_odd_characters(shipped):
    assert shipped.logp("word", "word") == 0.0
    for typed in ("wörd", "w0rd", "w😀rd", "wo-rd"):
        v = shipped.logp(typed, "word")
        assert v < 0 and v > -100


def test_shipped_json_is_small_and_trained_on_dev_files_only():
    path = ROOT / "nextword" / "resources" / "error_model.json"
    params = json.loads(path.read_text("utf-8"))
    assert path.stat().st_size < 200_000  # two table sets (~48 kB) and a few thousand rules
    assert params["alphabet"] == ALPHABET
    assert params["trained_on"] == ["birkbeck-dev.tsv", "codespell-dev.tsv"]
    assert 1_000 < len(params["rules"]) < 10_000


def test_model_from_a_different_alphabet_is_refused():
    with pytest.raises(ValueError):
        ErrorModel({"alphabet": "abc", "tables": {}})


def test_slip_mixture_raises_adjacent_key_slips_the_learned_tables_rarely_saw():
    counts = count_edits([("teh", "the"), ("recieve", "receive")] * 5)
    plain, mixed = ErrorModel(learn(counts)), ErrorModel(learn(counts, slips=0.6))
    assert mixed.logp("qar", "war") > plain.logp("qar", "war")  # q is next to w
    assert mixed.logp("xar", "war") < plain.logp("xar", "war")  # x is not


def test_typing_channel_falls_back_to_the_learned_tables_in_an_older_file(tmp_path):
    import json

    from nextword.correct.errormodel import ErrorModel

    shipped = ErrorModel.load()
    params = {"alphabet": shipped.tables and "^abcdefghijklmnopqrstuvwxyz'-", "tables": shipped.tables}
    (tmp_path / "old.json").write_text(json.dumps(params), "utf-8")
    assert ErrorModel.load_typing(tmp_path / "old.json").tables == shipped.tables


def test_letter_bounds_are_never_below_an_edit_of_the_tables():
    from nextword.correct.errormodel import ALPHABET, ErrorModel

    e = ErrorModel.load_typing()
    typed_in, lost = e.letter_bounds()
    letters = ALPHABET[1:27] + "'"
    for i, ch in enumerate(letters):
        j = ALPHABET.index(ch)
        assert typed_in[i] >= max(row[j] for row in e.tables["ins"]) - 1e-12
        assert lost[i] >= max(e.tables["sub"][j]) - 1e-12


def test_a_typists_extra_key_may_neighbour_the_key_after_it():
    """A finger hitting two keys at once may register either first: ``spoftware`` (p beside the
    o after it) is as likely a slip as ``sdoftware`` (d beside the s before it) for the typist's
    channel, and far likelier than an extra key beside neither (``sqoftware``)."""
    typing = ErrorModel.load_typing()
    assert typing.fat_finger and not ErrorModel.load().fat_finger
    after, before, neither = (typing.logp(t, "software") for t in ("spoftware", "sdoftware", "sqoftware"))
    assert abs(after - before) < 1.0 and min(after, before) > neither + 5
    # in the middle of a word too (``mongth``: g beside the t after it), and at its start
    assert typing.logp("mongth", "month") > typing.logp("monqth", "month") + 5
    assert typing.logp("jhome", "home") > typing.logp("qhome", "home") + 5


def test_autocorrect_fixes_an_extra_key_beside_the_next_one_with_the_bundled_model():
    import nextword

    model = nextword.load()
    assert model.autocorrect("It took a mongth to finish.") == "It took a month to finish."
    assert model.autocorrect("That is not very prqactical for us.") == "That is not very practical for us."
