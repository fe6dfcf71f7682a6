"""Looks-alike candidates: words that share most of a far misspelling's letter pairs."""

from __future__ import annotations

from nextword.correct.lookalike import LetterPairIndex, letter_pairs


def test_letter_pairs_mark_the_ends_of_the_word():
    assert letter_pairs("word") == {"^w", "wo", "or", "rd", "d$"}
    assert letter_pairs("aaa") == {"^a", "aa", "a$"}  # a repeated pair counts once


def test_the_word_sharing_most_letter_pairs_comes_first():
    index = LetterPairIndex(["enthusiastic", "enthusiasm", "fantastic", "music", "enthusiast"])
    found = index.alike("imfusiastic", 3)
    assert found[0][0] == "enthusiastic"
    assert [d for _, d in found] == sorted((d for _, d in found), reverse=True)
    assert all(0.5 <= d <= 1.0 for _, d in found)


def test_the_word_itself_far_lengths_and_weak_overlaps_are_left_out():
    index = LetterPairIndex(["satisfaction", "satisfactions", "sat", "fiction"])
    assert "satisfaction" not in dict(index.alike("satisfaction", 5))
    assert "sat" not in dict(index.alike("saticfacon", 5))  # seven letters shorter
    assert "fiction" not in dict(index.alike("saticfacon", 5))  # few pairs in common
    assert index.alike("saticfacon", 5)[0][0] == "satisfaction"
    assert index.alike("saticfacon", 0) == [] and index.alike("", 3) == []


def test_a_far_misspelling_neither_edits_nor_sound_reach_is_corrected_with_the_bundled_model():
    """``imfusiastic``: five edits from ``enthusiastic`` and another phonetic key; before the
    looks-alike candidates ``correct()`` offered nothing."""
    import nextword
    from nextword.correct.corrector import Corrector

    c = Corrector(nextword.load())
    search = c.scorer.search
    assert "enthusiastic" not in dict(search.far.sound_index.sounds_like("imfusiastic"))
    assert c.correct("imfusiastic", "", 3)[0].word == "enthusiastic"
    # a word still being typed: its letter pairs (the end marked) are not its word's
    assert "enthusiastic" not in [s.word for s in c.correct("imfusiastic", "", 3, prefix=True)]
    assert "enthusiastic" not in dict(search.far.sounds_like("imfusiastic"))
    assert "enthusiastic" in dict(search.far.looks_like("imfusiastic"))
