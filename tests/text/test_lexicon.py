"""The lexicon: real words outside the vocabulary, counted from the training text."""

from __future__ import annotations

import pytest

from nextword.errors import ModelFileError
from nextword.lm.modeldir import read_lexicon, write_lexicon
from nextword.text.lexicon import count_unknown_words


def test_counts_plain_words_outside_the_vocabulary_lower_cased(tiny_model):
    tok = tiny_model.tokenizer
    counts = count_unknown_words(["Zorblax met zorblax and the Frobnicator's cat 42 x_y",
                                  "zorblax"], tok)
    assert counts["zorblax"] == 3 and counts["frobnicator's"] == 1
    assert "the" not in counts and "42" not in counts and "x_y" not in counts


def test_round_trip_and_a_directory_without_one(tmp_path):
    assert read_lexicon(tmp_path) == {}
    write_lexicon(tmp_path, {"zorblax": 3, "frob": 1})
    assert read_lexicon(tmp_path) == {"zorblax": 3, "frob": 1}


def test_a_file_that_is_not_a_lexicon_is_refused(tmp_path):
    (tmp_path / "lexicon.json").write_text('{"words": [1, 2]}', "utf-8")
    with pytest.raises(ModelFileError):
        read_lexicon(tmp_path)


def test_training_writes_the_lexicon_and_loading_reads_it(tiny_model_dir, tiny_model):
    assert (tiny_model_dir / "lexicon.json").exists()
    assert tiny_model.known_words and all(w not in tiny_model.tokenizer.ids for w in tiny_model.known_words)
