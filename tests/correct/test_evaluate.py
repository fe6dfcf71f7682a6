"""Correction scoring for ``nextword eval``: file reading and the figures' definitions."""

from __future__ import annotations

from pathlib import Path

import pytest

from nextword.correct.corrector import Corrector
from nextword.correct.evaluate import (
    evaluate_file,
    evaluate_typo_files,
    is_sentence_file,
    is_typo_file,
    read_pairs,
    read_sentences,
    score_pairs,
    score_sentences,
)
from nextword.errors import InputError
from nextword.suggestion import Suggestion

TYPOS = Path(__file__).resolve().parents[2] / "data" / "typos"


def test_read_pairs_keeps_single_words_lower_cased(tmp_path):
    f = tmp_path / "p.tsv"
    f.write_text("Teh\tThe\nalot\ta lot\ndont\tdon't\nsame\tsame\nbroken line\n1st\t2nd\n", "utf-8")
    assert read_pairs(f) == [("teh", "the"), ("dont", "don't")]


def test_read_sentences_skips_lines_of_unequal_length(tmp_path):
    f = tmp_path / "s.tsv"
    f.write_text("the cat sat\tteh cat sat\nthe cat\tthe\n\n", "utf-8")
    assert read_sentences(f) == [(["the", "cat", "sat"], ["teh", "cat", "sat"])]


def test_missing_or_binary_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        read_pairs(tmp_path / "nope.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"\xff\xfe\x00teh")
    with pytest.raises(InputError):
        read_sentences(bad)


def test_sentence_and_pair_files_are_told_apart():
    assert is_sentence_file(TYPOS / "context-heldout.tsv")
    assert is_sentence_file(TYPOS / "context-fortunes-dev.tsv")
    assert not is_sentence_file(TYPOS / "norvig-testset1.tsv")
    assert not is_sentence_file(TYPOS / "birkbeck-dev.tsv")


def lookup_table(table: dict[str, list[str]]):
    """A corrector that answers from a fixed table (the scorer, not the corrector, is tested)."""
    def correct(word: str, context: str = "", k: int = 3) -> list[Suggestion]:
        return [Suggestion(w, 0.0, "correction") for w in table.get(word, [word])[:k]]
    return correct


def test_score_pairs_counts_top1_and_top3():
    pairs = [("teh", "the"), ("adn", "and"), ("xx", "ox"), ("thw", "the")]
    correct = lookup_table({"teh": ["the"], "adn": ["an", "ad", "and"], "thw": ["thaw", "a", "b", "the"]})
    r = score_pairs(correct, pairs)
    assert r["pairs"] == 4
    assert r["top1"] == pytest.approx(1 / 4)
    assert r["top3"] == pytest.approx(2 / 4)
    assert r["words_per_s"] > 0


def test_score_sentences_defines_still_wrong_fix_and_broken_rates():
    # 8 words, 3 typos: one fixed, one left, one miscorrected; 5 clean words, one broken
    clean = ["the", "cat", "sat", "on", "the", "mat", "and", "slept"]
    noisy = ["teh", "cat", "sta", "on", "the", "mta", "and", "slept"]
    fixed = {"teh": "the", "sta": "sta", "mta": "max", "and": "an"}
    r = score_sentences(lambda toks: [fixed.get(t, t) for t in toks], [(clean, noisy)])
    assert r["words"] == 8 and r["typos"] == 3
    assert r["fix_rate"] == pytest.approx(1 / 3)
    assert r["broken_rate"] == pytest.approx(1 / 5)
    assert r["still_wrong"] == pytest.approx(3 / 8)  # sta, max, an


def test_score_sentences_ignores_case_of_the_output():
    r = score_sentences(lambda toks: [t.capitalize() for t in toks], [(["the", "end"], ["the", "end"])])
    assert r["broken_rate"] == 0 and r["still_wrong"] == 0


def test_evaluate_file_scores_real_files_with_a_real_model(tiny_model, tmp_path):
    c = Corrector(tiny_model)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("teh\tthe\nadn\tand\nsytem\tsystem\n", "utf-8")
    r = evaluate_file(c, pairs)
    assert r["kind"] == "pairs" and r["pairs"] == 3 and r["top1"] >= 2 / 3
    sents = tmp_path / "sents.tsv"
    sents.write_text("this is the end of the system\tthis is teh end of the sytem\n", "utf-8")
    r = evaluate_file(c, sents)
    assert r["kind"] == "sentences" and r["typos"] == 2
    assert r["fix_rate"] == 1.0 and r["broken_rate"] == 0.0


def test_typo_files_are_told_apart_from_plain_text(tmp_path):
    text = tmp_path / "plain.txt"
    text.write_text("Just some prose.\nAnother paragraph here.\n", "utf-8")
    assert not is_typo_file(text)
    assert is_typo_file(TYPOS / "norvig-testset1.tsv")
    assert is_typo_file(TYPOS / "context-heldout.tsv")
    assert not is_typo_file(tmp_path / "missing.tsv")
    stray = tmp_path / "stray.txt"  # one line of ten is no pair: still a typo file, not prose
    stray.write_text("teh\tthe\n" * 9 + "a heading\n", "utf-8")
    assert is_typo_file(stray)


def test_a_typo_file_with_nothing_to_score_is_an_error_not_zero_percent(tiny_model, tmp_path):
    """A file of phrase pairs (none a single word) was scored 0.0 % top-1."""
    from nextword.errors import InputError

    phrases = tmp_path / "phrases.tsv"
    phrases.write_text("a lot of\talot\nin order to\tinorder\n", "utf-8")
    with pytest.raises(InputError, match="no typo<TAB>intended pairs"):
        evaluate_file(Corrector(tiny_model), phrases)


def test_evaluate_typo_files_gives_one_result_per_file(tiny_model):
    res = evaluate_typo_files(tiny_model, [TYPOS / "norvig-testset1.tsv"])
    assert len(res) == 1 and res[0]["kind"] == "pairs" and res[0]["pairs"] == 270
    assert 0 <= res[0]["top1"] <= res[0]["top3"] <= 1


def test_correction_table_shows_every_figure():
    from rich.console import Console

    from nextword.correct.evaluate import correction_table

    results = [{"file": "a/pairs.tsv", "kind": "pairs", "top1": 0.8, "top3": 0.9, "words_per_s": 1200.0},
               {"file": "b/sents.tsv", "kind": "sentences", "still_wrong": 0.025, "fix_rate": 0.8,
                "broken_rate": 0.003, "words_per_s": 3000.0}]
    console = Console(width=120, record=True)
    console.print(correction_table(results))
    out = console.export_text()
    for text in ("pairs.tsv", "80.0%", "90.0%", "sents.tsv", "2.50%", "0.30%", "3,000"):
        assert text in out
