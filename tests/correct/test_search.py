"""A typed word's candidates and the branch-and-bound search: the same best candidate as
scoring every word, bounds that never cut a real candidate, regular forms, lexicon words."""

from __future__ import annotations

import pytest

from nextword.correct.candidates import osa_distance, single_edits
from nextword.correct.corrector import Corrector
from nextword.correct.rules import same_word
from nextword.correct.search import CandidateSearch
from nextword.text.wordlist import english_words


@pytest.fixture(scope="module")
def search(corrector) -> CandidateSearch:
    return corrector.scorer.search


def test_an_unknown_form_of_a_known_word_stays_though_a_sibling_form_is_a_slip_away(fresh_model):
    tok = fresh_model.tokenizer
    # e.g. "closed" outside the vocabulary (a word of the word list), "close" and "closes" in it
    known = [w for w in tok.words if len(w) >= 4 and w.endswith("e") and w.isalpha()
             and w + "s" in tok.ids and w + "d" not in tok.ids and w + "d" in english_words()
             and all(same_word(x, w, tok.ids) for x in single_edits(w + "d") if x in tok.ids)]
    assert known
    search = Corrector(fresh_model).scorer.search
    for w in known[:5]:
        assert search.candidates(w + "d").regular == tok.ids[w]


def test_a_form_one_slip_from_a_listed_word_outside_the_vocabulary_is_that_word_mistyped(fresh_model):
    """``masssacred`` is ``mass`` + ``sacred`` run together only by accident: one slip from the
    listed ``massacred``, it is that word mistyped, as a slip of a vocabulary word would be."""
    from nextword.correct.rules import regular_form

    tok = fresh_model.tokenizer
    listed = english_words()
    # listed words outside the vocabulary whose letters, one doubled, make a compound of known words
    cases = []
    for word in sorted(listed):
        if word in tok.ids or not word.isalpha() or len(word) < 9:
            continue
        for i in range(4, len(word) - 4):
            typed = word[:i] + word[i] + word[i:]
            form = regular_form(typed, tok.ids, listed)
            if typed not in listed and form is not None and form[1] == "compound":
                cases.append((typed, word))
                break
        if len(cases) == 3:
            break
    assert cases
    search = Corrector(fresh_model).scorer.search
    for typed, word in cases:
        assert search.candidates(typed).regular == -1, (typed, word)


def test_pruned_search_finds_the_same_best_candidate_as_scoring_every_word(search):
    p = search.params
    prior = search.log_unigram
    for typed in ["teh", "systme", "pakcage", "nad", "instal", "configuraton", "thw", "debain"]:
        c = search.candidates(typed)
        brute = []
        for w, i in zip(search.index.words, search.index.ids.tolist(), strict=True):
            d = osa_distance(typed, w, c.limit)
            if 0 < d <= c.limit:
                ch = search.errors.logp(typed, w)
                brute.append((prior[i] + p.channel_weight * ch + p.edit_cost * d, w))
        got = search.search(typed, c, prior, 1)
        assert got and got[0][0] == max(brute)[1], typed


def test_two_edit_channel_ceiling_is_never_below_the_real_channel_score(corrector, search):
    p = search.params
    for typed in ["systme", "pakcage", "configuraton", "debain", "recieve", "xyzzyq", "mountd"]:
        c = search.candidates(typed)
        for i, word in enumerate(c.words):
            if search.pair(typed, word, 2, search.errors)[0] < 2:
                continue
            for channel in (corrector.errors, corrector.typing_errors):  # it bounds both
                assert c.two_edit_ceiling[i] >= channel.logp(typed, word) - 1e-9, (typed, word)
    assert p.channel_weight > 0  # the bound is used scaled by it


def test_a_real_word_outside_the_vocabulary_is_offered_for_a_slip_of_it(fresh_model):
    fresh_model.known_words = {"frobnicates": 3}
    c = Corrector(fresh_model)
    assert "frobnicates" in [s.word for s in c.correct("frobnicaes", "the tool", k=3)]
    assert c.scorer.search.candidates("frobnicaes").lexicon == ["frobnicates"]
    assert c.scorer.search.candidates("frobnicates").lexicon == []  # a lexicon word is itself a real word


def test_new_parameters_clear_the_cached_candidates(fresh_model):
    from dataclasses import replace

    search = Corrector(fresh_model).scorer.search
    assert search.candidates("systme").limit == 2
    search.params = replace(search.params, short_word=6)  # six letters: one-edit candidates only
    assert search.candidates("systme").limit == 1


def test_correctors_over_one_vocabulary_look_up_one_word_list_index(tiny_model):
    """A second corrector's word sets are the first one's objects, so the shared index of the
    word list is found by identity, not by comparing tens of thousands of words per lookup."""
    from nextword.correct.far import listed_index

    first, second = Corrector(tiny_model).scorer.search, Corrector(tiny_model).scorer.search
    assert second.listed is first.listed and second.rare is first.rare
    assert listed_index(second.listed) is listed_index(first.listed)
