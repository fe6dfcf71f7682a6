"""Candidate generation: the symmetric-delete index finds every word within the edit distance."""

from __future__ import annotations

import random

import numpy as np
import pytest

from nextword.correct.candidates import (
    DeleteIndex,
    _bag,
    _bags,
    _key,
    delete_keys,
    deletes,
    is_single_edit,
    osa_distance,
    single_edits,
    split_candidates,
)

WORDS = ["the", "then", "they", "there", "three", "ten", "beginning", "begging", "don't", "done",
         "contented", "contended", "internationalization", "a", "lot", "in", "accommodate"]


@pytest.fixture(scope="module")
def index() -> DeleteIndex:
    return DeleteIndex(WORDS, ids=range(100, 100 + len(WORDS)))


def brute_force(typed: str, limit: int) -> set[str]:
    return {w for w in WORDS if osa_distance(typed, w, limit) <= limit}


@pytest.mark.parametrize(("a", "b", "d"), [
    ("teh", "the", 1),            # transposition
    ("thw", "the", 1),            # adjacent-key substitution
    ("begining", "beginning", 1),  # dropped doubled letter
    ("tthe", "the", 1),           # doubled key
    ("dont", "don't", 1),         # missing apostrophe
    ("accomodate", "accommodate", 1),
    ("contenpted", "contented", 1),
    ("abc", "abc", 0),
    ("ab", "ba", 1),
    ("kitten", "sitting", 3),
])
def test_osa_distance_counts_keyboard_slips_as_single_edits(a, b, d):
    assert osa_distance(a, b, limit=3) == d


def test_osa_distance_caps_at_limit_plus_one():
    assert osa_distance("internationalization", "the", limit=2) == 3
    assert osa_distance("abcdef", "ghijkl", limit=2) == 3


def test_deletes_include_the_word_and_all_shorter_variants():
    assert deletes("abc", 1) == {"abc", "ab", "ac", "bc"}
    assert "" in deletes("ab", 2)


def test_delete_keys_are_the_keys_of_the_deleted_strings():
    """The index's keys, made with numpy a length at a time, are those of each prefix's deletes
    (repeated letters, digits, apostrophes, capitals and accents included); equal strings get
    equal keys and different strings of letters, digits and apostrophes different ones."""
    prefixes = ["", "a", "aab", "don't", "x9-yz", "Naïve", "été", "abcdefg", "zzzz"]
    keys, owners = delete_keys(prefixes, 2, 7)
    for n, prefix in enumerate(prefixes):
        assert set(keys[owners == n].tolist()) == {_key(d, 7) for d in deletes(prefix, 2)}, prefix
    words = sorted({"".join(random.Random(s).choices("ab'1", k=random.Random(s).randint(0, 7))) for s in range(400)})
    assert len({_key(w, 7) for w in words}) == len(words)
    with pytest.raises(ValueError):
        delete_keys(["abc"], 1, 8)


@pytest.mark.parametrize("typed", ["teh", "thre", "begining", "dont", "contenpted", "lto",
                                   "internationalisation", "accomodate", "th", "xyzzy", "an"])
def test_lookup_matches_brute_force_search(index, typed):
    got = {w for w, _, _ in index.lookup(typed)}
    assert got == brute_force(typed, 2)


def test_lookup_matches_brute_force_on_random_slips(index):
    rng = random.Random(3)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(300):
        w = list(rng.choice(WORDS))
        for _ in range(rng.randint(1, 2)):
            i = rng.randrange(len(w))
            op = rng.choice("sdi")
            if op == "s":
                w[i] = rng.choice(letters)
            elif op == "d" and len(w) > 1:
                del w[i]
            else:
                w.insert(i, rng.choice(letters))
        typed = "".join(w)
        assert {x for x, _, _ in index.lookup(typed)} == brute_force(typed, 2), typed


def test_lookup_returns_ids_and_distances_nearest_first(index):
    found = index.lookup("teh")
    assert found[0][2] <= found[-1][2]
    by_word = {w: (i, d) for w, i, d in found}
    assert by_word["the"] == (100 + WORDS.index("the"), 1)


def test_lookup_respects_a_smaller_distance(index):
    assert {w for w, _, _ in index.lookup("thre", max_distance=1)} == brute_force("thre", 1)


def test_missing_apostrophe_is_found(index):
    assert "don't" in {w for w, _, _ in index.lookup("dont", 1)}


def test_the_letter_bags_of_many_words_at_once_equal_each_words_own():
    words = ["teh", "don't", "", "naïve", "zzz", "a-b", "aaaa"]
    want = np.stack([_bag(w) for w in words])
    assert np.array_equal(_bags(words), want) and _bags(words).dtype == want.dtype
    assert _bags([]).shape == (0, want.shape[1])


def test_empty_index_and_odd_input_return_nothing():
    empty = DeleteIndex([])
    assert empty.lookup("word") == []
    idx = DeleteIndex(WORDS)
    assert idx.lookup("😀😀😀") == []
    assert idx.lookup("x" * 10_000) == []


def test_split_candidates_read_run_together_words():
    known = {"a", "lot", "in", "the", "of"}.__contains__
    assert ("a", "lot") in set(split_candidates("alot", known))
    assert ("in", "the") in set(split_candidates("inthe", known))
    assert list(split_candidates("xyz", known)) == []


def test_single_edits_cover_every_kind_of_slip():
    edits = single_edits("form")
    assert {"from", "frm", "forms", "fork", "for'm", "fotm"} <= edits and "form" not in edits
    assert all(len(e) in (3, 4, 5) for e in edits)


def _reference_osa(a: str, b: str) -> int:
    """The optimal-string-alignment distance by its textbook table, for checking."""
    d = [[i + j if not i or not j else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_edit_distance_and_single_edits_agree_with_the_textbook_table():
    rng = random.Random(3)
    words = WORDS + ["teh", "thw", "tthe", "dont", "begining", "accomodate", "form", "from", ""]
    pairs = [(a, b) for a in words for b in words]
    pairs += [(w, e) for w in ("form", "teh", "don't") for e in sorted(single_edits(w))]
    pairs += [(w, w[:i] + w[i + 1:]) for w in words for i in range(len(w)) if rng.random() < 0.5]
    pairs += [("".join(rng.choice("abc'") for _ in range(rng.randint(0, 7))),
               "".join(rng.choice("abc'") for _ in range(rng.randint(0, 7)))) for _ in range(3000)]
    for a, b in pairs:
        true = _reference_osa(a, b)
        for limit in (1, 2, 3):
            assert osa_distance(a, b, limit) == min(true, limit + 1), (a, b, limit)
        assert is_single_edit(a, b) == (true == 1), (a, b)
    assert is_single_edit("teh", "the") and not is_single_edit("the", "the")


def test_probe_keys_made_on_the_key_are_those_of_the_deleted_strings():
    from nextword.correct.candidates import _probes

    for prefix in ["", "a", "aab", "don't", "x9-yz", "Naïve", "abcdefg", "zzzz"]:
        for d in (0, 1, 2):
            assert sorted(_probes(prefix, d, 7).tolist()) == sorted({_key(s, 7) for s in deletes(prefix, d)})
