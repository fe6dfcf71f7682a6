import numpy as np

from nextword.text.tokenizer import WordTokenizer
from nextword.text.words import split_words

PARAS = [
    "I think I'll go to London tomorrow. London is big.",
    "Don't worry, I know what you mean.",
    "The cat sat on the mat. The dog did not.",
    "In London I met Alice and Bob, and I said hello.",
]


def test_words_keep_inner_apostrophes_and_punctuation_stands_alone():
    assert split_words("Don't go, I'll stay!") == ["Don't", "go", ",", "I'll", "stay", "!"]
    assert split_words("it’s 'quoted'") == ["it's", "'", "quoted", "'"]


def test_rust_tokenizer_and_python_splitter_agree():
    tok = WordTokenizer.build(PARAS, vocab_size=100, min_frequency=1)
    for para in PARAS + ["Unknown WORDS here, don’t they?"]:
        assert tok.hf.encode(para, add_special_tokens=False).ids == tok.encode(para)


def test_boundary_token_starts_every_paragraph_and_unknown_words_map_to_unk():
    tok = WordTokenizer.build(PARAS, vocab_size=100, min_frequency=1)
    ids = tok.encode_paragraphs(["hello there", "zebra"])
    assert ids[0] == tok.bos_id and list(ids).count(tok.bos_id) == 2
    assert tok.encode("zebra") == [tok.unk_id]
    assert ids.dtype == np.int32


def test_case_table_gives_the_mid_sentence_spelling():
    tok = WordTokenizer.build(PARAS, vocab_size=100, min_frequency=1)
    assert tok.display("i") == "I"
    assert tok.display("london") == "London"
    assert tok.display("the") == "the"
    assert tok.display("the", sentence_start=True) == "The"


def test_save_and_load_round_trip(tmp_path):
    tok = WordTokenizer.build(PARAS, vocab_size=100, min_frequency=1)
    tok.save(tmp_path)
    again = WordTokenizer.load(tmp_path)
    assert again.words == tok.words and again.case == tok.case and again.chars == tok.chars
    assert again.encode(PARAS[1]) == tok.encode(PARAS[1])


def test_an_extended_vocabulary_keeps_every_id_and_adds_words_after_them(tmp_path):
    tok = WordTokenizer.build(["the cat sat on the mat", "a dog ran to the cat"], vocab_size=100, min_frequency=1)
    grown = tok.extended(["kubectl", "siobhan", "cat"], {"siobhan": "Siobhan", "cat": "CAT"})
    assert grown.words[: tok.vocab_size] == tok.words and grown.vocab_size == tok.vocab_size + 2
    assert grown.encode("the cat ran kubectl") == [tok.ids["the"], tok.ids["cat"], tok.ids["ran"], tok.vocab_size]
    assert grown.display("siobhan") == "Siobhan" and grown.display("cat") == "CAT"
    assert grown.vocab_tokens("Siobhan’s kubectl!") == ["siobhan's", "kubectl", "!"]
    grown.save(tmp_path)
    again = WordTokenizer.load(tmp_path)
    assert again.words == grown.words and again.case == grown.case
