"""Substring edits of the channel (Brill and Moore): alignment columns, the rules one
misspelling shows, learning their probabilities, and the error model scoring with them."""

from __future__ import annotations

from nextword.correct.errormodel import ErrorModel, _read_params
from nextword.correct.substrings import columns, count_rules, pair_rules


def test_columns_align_equal_letters_and_edits_in_order():
    cols = columns("acomodate", "accommodate")
    assert "".join(a for a, _ in cols) == "accommodate" and "".join(b for _, b in cols) == "acomodate"
    assert sorted(c for c in cols if c[0] != c[1]) == [("c", ""), ("m", "")]  # two dropped letters
    assert [c for c in columns("wierd", "weird") if c[0] != c[1]] == [("e", "i"), ("i", "e")]


def test_one_misspelling_shows_the_pieces_around_its_edit():
    rules = pair_rules("seperate", "separate")
    assert {("pa", "pe"), ("par", "per"), ("epa", "epe")} <= rules
    assert ("a", "e") not in rules  # single edits are the tables' job
    assert all(len(a) <= 3 and len(b) <= 3 and a != b for a, b in rules)


def test_a_rule_seen_more_often_is_likelier():
    pairs = [("seperate", "separate"), ("desparate", "desperate"), ("comparason", "comparison")] * 4
    pairs += [("parade", "parade"), ("paradise", "parodise")]
    learned = {(a, b): lp for a, b, lp in count_rules(pairs, min_count=3)}
    assert learned[("par", "per")] < 0 and ("par", "per") in learned
    assert ("ara", "aro") not in learned  # seen once: below min_count


def test_the_shipped_rules_make_common_misspellings_likelier():
    params = _read_params(None)
    with_rules, without = ErrorModel(params), ErrorModel({**params, "rules": []})
    assert with_rules.rules and not without.rules
    for typed, meant in [("definately", "definitely"), ("seperate", "separate"),
                         ("goverment", "government"), ("recieve", "receive")]:
        assert with_rules.logp(typed, meant) >= without.logp(typed, meant)
    assert with_rules.logp("definately", "definitely") > without.logp("definately", "definitely")


def test_the_typists_channel_has_no_substring_rules():
    assert not ErrorModel.load_typing().rules and ErrorModel.load().rules
