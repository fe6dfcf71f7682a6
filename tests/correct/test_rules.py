"""The token rules: what autocorrect never touches, the typed case, regular forms of known
words and names (no model needed, but for the vocabulary of the tiny one)."""

from __future__ import annotations

import time

import pytest

from nextword.correct.corrector import Corrector
from nextword.correct.params import CorrectorParams
from nextword.correct.rules import (
    chunk_kind,
    is_acronym,
    is_date_abbreviation,
    is_roman_numeral,
    looks_like_name,
    match_case,
    regular_form,
    same_word,
    should_check,
    word_spans,
)


@pytest.mark.parametrize(("chunk", "kind"), [
    ("https://exampel.com/teh", "url"), ("www.teh.org", "url"), ("exampel.com/path", "url"),
    ("(http://x.y/z).", "url"),
    ("teh@exampel.com", "email"), ("<bob.smith@mail.co.uk>", "email"),
    ("snake_case_nmae", "code"), ("camelCaseNmae", "code"), ("os.path.jion", "code"),
    ("--verbsoe", "code"), ("prnt()", "code"), ("/usr/lcoal/bin", "code"), ("$HOEM", "code"),
    ("1234", "number"), ("3rd", "number"), ("v2", "number"), ("12:30", "number"),
    ("teh,", "text"), ("(Teh)", "text"), ("don't", "text"), ("well-known", "text"),
])
def test_chunk_kind_recognises_what_must_not_be_corrected(chunk, kind):
    assert chunk_kind(chunk) == kind


@pytest.mark.parametrize("run", ["a", "a.", "1-", "é"])
def test_chunk_kind_takes_linear_time_on_a_long_chunk(run):
    # the e-mail pattern once rescanned a long run from each of its characters: seconds per chunk
    chunk = run * (100_000 // len(run))
    started = time.perf_counter()
    assert chunk_kind(chunk) != "email"
    assert chunk_kind(chunk + "@example.org") == "email"
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(("word", "acronym"), [
    ("NASA", True), ("TEH", True), ("HTTP", True), ("I", False), ("Teh", False), ("teh", False),
])
def test_is_acronym_means_two_or_more_capitals_and_no_small_letters(word, acronym):
    assert is_acronym(word) is acronym


@pytest.mark.parametrize(("word", "numeral"), [
    ("lxxi", True), ("xlvii", True), ("MCMXC", True), ("xviii", True), ("iii", True),
    ("lxxxx", False), ("iiii", False), ("ic", False), ("civil", False), ("mi", False), ("teh", False),
])
def test_is_roman_numeral_means_a_well_formed_numeral_of_three_or_more_letters(word, numeral):
    assert is_roman_numeral(word) is numeral


def test_roman_numerals_are_never_corrected(corrector):
    assert not should_check("lxxi", set(), 30)
    assert should_check("mi", set(), 30)  # too short to tell from a slip
    assert corrector.autocorrect("chapter lxxi and section xlvii") == "chapter lxxi and section xlvii"


@pytest.mark.parametrize(("word", "abbreviation"), [
    ("Tue", True), ("Thurs", True), ("Sept", True), ("Dec", True), ("tue", False), ("The", False),
])
def test_is_date_abbreviation_means_a_capitalised_day_or_month_abbreviation(word, abbreviation):
    assert is_date_abbreviation(word) is abbreviation


def test_a_date_header_keeps_its_day_but_a_lower_case_slip_is_still_corrected():
    """With the bundled model, which read ``Tue`` as a slip of ``The``. Among the readings the
    abbreviation comes first, and the words it may stand for still follow."""
    import nextword

    c = Corrector(nextword.load())
    assert c.autocorrect("Date: Tue, 1 Dec 2026 05:32:12") == "Date: Tue, 1 Dec 2026 05:32:12"
    assert c.autocorrect("Tue 3 Sep: call Sam") == "Tue 3 Sep: call Sam"
    assert c.autocorrect("on tue we met") == "on the we met"
    readings = [s.word for s in c.correct("Jun")]
    assert readings[0] == "Jun" and "June" in readings


def test_match_case_keeps_a_capital_and_otherwise_the_usual_case(tiny_model):
    assert match_case("Teh", "the") == "The"
    assert match_case("teh", "the") == "the"
    assert match_case("i", "i", tiny_model.tokenizer) == "I"


def test_only_plain_words_of_text_chunks_are_checked():
    text = "Teh (end), www.teh.org tho' 'tis 1234 snake_case don't NASA"
    assert [w for _, _, w in word_spans(text)] == ["Teh", "end", "don't", "NASA"]
    assert all(text[s:e] == w for s, e, w in word_spans(text))
    assert should_check("Teh", set(), 30) and should_check("don't", set(), 30)
    assert not should_check("NASA", set(), 30)       # an acronym
    assert not should_check("teh", {"teh"}, 30)      # the user's word
    assert not should_check("a", set(), 30)          # too short to judge
    assert not should_check("x" * 31, set(), 30)     # too long: pasted junk
    assert not should_check("naïve", set(), 30)      # not plain letters


def test_capitalised_unknown_words_inside_a_sentence_are_taken_for_names(corrector):
    vocab = corrector.tok.ids
    assert looks_like_name("Zorblax", "we met", vocab)
    assert not looks_like_name("Zorblax", "", vocab)             # sentence start
    assert not looks_like_name("Zorblax", "The end. ", vocab)   # sentence start
    assert not looks_like_name("zorblax", "we met", vocab)      # not capitalised
    assert not looks_like_name("The", "we met", vocab)          # a known word
    bold = Corrector(corrector.model, params=CorrectorParams(margin_name=1e9))
    assert bold.autocorrect("this is Teh end") == "this is Teh end"
    assert bold.autocorrect("Teh end") == "The end"


def test_regular_forms_of_known_words_are_recognised():
    vocab = {w: i for i, w in enumerate(
        ["promised", "richard", "bathtub", "work", "place", "stores", "pass", "loved", "the"])}
    assert regular_form("promis'd", vocab) == ("promised", "clitic")
    assert regular_form("lov'd", vocab) == ("loved", "clitic")
    assert regular_form("richard's", vocab) == ("richard", "clitic")
    assert regular_form("bathtubs", vocab) == ("bathtub", "inflection")
    assert regular_form("workplace", vocab) == ("place", "compound")
    assert regular_form("storesd", vocab) is None  # a stray key, not an inflection
    assert regular_form("passs", vocab) is None
    assert regular_form("thes", vocab) is None     # stems shorter than four letters don't count
    assert regular_form("completly", {"complete": 0}) is None  # -ly keeps the e
    assert regular_form("voteing", {"vote": 0}) is None        # -ing drops it
    assert regular_form("debating", {"debate": 0}) == ("debate", "inflection")
    assert regular_form("zzzz", vocab) is None


def test_forms_of_one_known_word_are_told_from_near_misses():
    vocab = {"transcribe": 0, "whether": 1, "beginning": 2}
    assert same_word("transcribed", "transcribes", vocab)
    assert not same_word("whethed", "whether", vocab)  # the shared "wheth" is no word
    assert not same_word("begining", "beginning", vocab)


def test_an_inflection_the_word_list_lacks_of_a_word_it_holds_is_no_regular_form():
    vocab = {"opportunity": 0, "drastic": 1, "bathtub": 2, "convey": 3, "stardate": 4}
    listed = frozenset({"opportunity", "opportunities", "drastic", "drastically", "bathtub",
                        "bathtubs", "convey"})
    assert regular_form("opportunitys", vocab, listed) is None
    assert regular_form("drasticly", vocab, listed) is None
    assert regular_form("opportunitys", vocab) == ("opportunity", "inflection")  # no list given
    # an agent noun may be a word no list holds; a stem no list holds vouches for its forms
    assert regular_form("conveyer", vocab, listed) == ("convey", "inflection")
    assert regular_form("stardates", vocab, listed) == ("stardate", "inflection")
    assert regular_form("bathtubs", vocab, listed) == ("bathtub", "inflection")  # listed itself
