"""The shipped English word list (Debian wamerican + wbritish) and the script that builds it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from nextword.text.wordlist import english_words

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_list_holds_plain_lower_case_english_words():
    words = english_words()
    assert 60_000 < len(words) < 70_000
    assert {"the", "minuscule", "desiccate", "supersede", "colour", "color", "can't"} <= words
    assert all(w == w.lower() and " " not in w and not w.endswith("'s") for w in words)
    assert not {"teh", "recieve", "seperate", "definately"} & words  # misspellings are not in it


def test_the_licence_notice_ships_beside_the_list():
    notice = (ROOT / "nextword" / "resources" / "english_words.COPYRIGHT").read_text("utf-8")
    assert "SCOWL" in notice and "Kevin Atkinson" in notice


def test_the_build_keeps_typed_words_and_drops_names_possessives_and_accents(tmp_path):
    spec = importlib.util.spec_from_file_location("word_list", ROOT / "scripts" / "build" / "word_list.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    source = tmp_path / "words"
    source.write_text("apple\napple's\nAlbany\ncafé\ncan't\nzebra\napple\n", "utf-8")
    assert module.read_words([source]) == ["apple", "can't", "zebra"]


def test_general_english_frequencies_rank_everyday_words_above_rare_look_alikes():
    from nextword.text.wordlist import word_zipf

    zipf = word_zipf()
    assert 80_000 < len(zipf) < 100_000
    assert zipf["the"] > 7.0 and all(0.0 < z < 8.0 for z in zipf.values())
    for common, rare in [("painting", "patting"), ("genius", "genus"), ("guarantee", "guaranty")]:
        assert zipf[common] > zipf[rare] + 0.5
    assert "teh" not in zipf or zipf["teh"] < zipf["the"] - 3  # misspellings are rare if there
    notice = (ROOT / "nextword" / "resources" / "word_frequencies.COPYRIGHT").read_text("utf-8")
    assert "wordfreq" in notice and "ShareAlike" in notice


def test_listed_completions_start_with_the_prefix_commonest_first():
    from nextword.text.wordlist import listed_completions, word_zipf

    got = listed_completions("unprecedent", 5)
    words = [w for w, _ in got]
    assert words[0] == "unprecedented" and "unprecedent" not in words
    assert all(w.startswith("unprecedent") for w in words)
    zipf = word_zipf()
    assert [zipf.get(w, 0.0) for w in words] == sorted((zipf.get(w, 0.0) for w in words), reverse=True)
    assert got[0][1] < 0.0 and listed_completions("qzxv", 3) == [] and listed_completions("the", 0) == []
