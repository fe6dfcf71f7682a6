"""Sounds-like candidates: the phonetic key and its index."""

from __future__ import annotations

from nextword.correct.phonetic import SoundIndex, sound_key, sound_keys


def test_misspellings_that_keep_the_sound_keep_the_key():
    for typed, meant in [("definately", "definitely"), ("accomodate", "accommodate"),
                         ("recieve", "receive"), ("seperate", "separate"), ("fisiks", "physics"),
                         ("nite", "night"), ("nolege", "knowledge")]:
        assert sound_key(typed) == sound_key(meant), (typed, meant)
    assert sound_key("seperate") != sound_key("desperate")


def test_keys_of_many_words_at_once_match_one_at_a_time():
    words = ["thought", "church", "science", "xylophone", "wrist", "ox", "aardvark", ""]
    assert sound_keys(words) == [sound_key(w) for w in words]
    assert sound_keys([]) == []


def test_the_index_finds_words_whose_key_is_one_edit_away():
    index = SoundIndex(["government", "governments", "garment", "physics", "cat"])
    assert "government" in index.sounds_like("goverment")  # one sound short
    assert index.sounds_like("goverment")["government"] == 1
    assert index.sounds_like("fisiks") == {"physics": 0}  # the same key
    assert index.sounds_like("physics") == {}  # the word itself is left out
    assert index.sounds_like("kat") == {}  # keys this short say too little


def test_spelling_misspellings_rank_their_word_first_with_the_bundled_model():
    """Cognitive misspellings (one edit each, but not keyboard slips) and phonetic ones beyond
    the two edits the delete index reaches."""
    import nextword
    from nextword.correct.corrector import Corrector

    c = Corrector(nextword.load())
    for typed, meant in [("definately", "definitely"), ("accomodate", "accommodate"),
                         ("recieve", "receive"), ("seperate", "separate"), ("goverment", "government"),
                         ("nolege", "knowledge"), ("sikology", "psychology"), ("suffishant", "sufficient")]:
        assert c.correct(typed, "", 3)[0].word == meant, typed
    assert "psychology" in dict(c.scorer.search.far.sounds_like("sikology"))  # 4 edits: by sound only
