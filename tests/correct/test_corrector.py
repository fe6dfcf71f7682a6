"""Autocorrect of a passage with a real tiny model: typos fixed in context, the never-touch
rules, case, punctuation and whitespace, the paragraph-batched close calls (the same decisions
as one word at a time), the command line, and bad input that must never raise."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nextword.cli import main as cli_main
from nextword.correct.corrector import Corrector, context_tail
from nextword.correct.params import CorrectorParams
from nextword.correct.rules import word_spans

# -- autocorrect on a real model ------------------------------------------------------------------


def test_autocorrect_fixes_typos_in_context(corrector):
    assert corrector.autocorrect("this is teh end of teh system") == "this is the end of the system"


def test_autocorrect_keeps_case_and_punctuation(corrector):
    assert corrector.autocorrect("Teh, system") == "The, system"
    assert corrector.autocorrect("(teh) system.") == "(the) system."
    assert corrector.autocorrect("it is teh...") == "it is the..."
    assert corrector.autocorrect('"Teh" end!') == '"The" end!'


def test_autocorrect_keeps_whitespace_exactly(corrector):
    text = "  teh\tsystem\n\nand  teh end \n"
    assert corrector.autocorrect(text) == "  the\tsystem\n\nand  the end \n"


def test_autocorrect_never_touches_numbers(corrector):
    assert corrector.autocorrect("teh 1234 3rd v2 12:30 teh") == "the 1234 3rd v2 12:30 the"


def test_autocorrect_never_touches_urls_or_email_addresses(corrector):
    text = "see https://exampel.com/teh and www.teh.org or mail teh@exampel.com"
    assert corrector.autocorrect(text) == text.replace("see https", "see https")


def test_autocorrect_never_touches_code_like_tokens(corrector):
    text = "run snake_case_nmae camelCaseNmae os.path.jion --verbsoe prnt() /usr/lcoal/bin"
    assert corrector.autocorrect(text) == text


def test_autocorrect_never_touches_all_caps_acronyms(corrector):
    assert corrector.autocorrect("TEH SYSTM is teh best") == "TEH SYSTM is the best"


def test_autocorrect_never_touches_the_users_words(fresh_model):
    fresh_model.user_words = {"teh"}
    c = Corrector(fresh_model)
    assert c.autocorrect("this is teh end") == "this is teh end"
    assert c.correct("Teh", "", 3)[0].word == "Teh"


def test_replacement_needs_the_calibrated_confidence(tiny_model):
    timid = Corrector(tiny_model, params=CorrectorParams(margin_base=1e9, margin_vocab=1e9,
                                                         margin_known=1e9))
    assert timid.autocorrect("this is teh end") == "this is teh end"
    assert timid.best("teh", "this is") == "teh"
    assert timid.correct("the", "", 1)[0].word == "the"  # a real word stays first ...
    assert timid.correct("teh", "", 1)[0].word == "the"  # ... a string no word list knows does not
    assert Corrector(tiny_model).autocorrect("this is teh end") == "this is the end"


def test_correct_tokens_returns_one_output_per_token(corrector):
    toks = ["this", "is", "teh", "end", "1234"]
    out = corrector.correct_tokens(toks)
    assert out == ["this", "is", "the", "end", "1234"]


def test_correct_tokens_decides_as_autocorrect_does_on_the_text_they_make(corrector):
    toks = ["the", "pakcage", "manager,", "e-mial", "and", "teh", "systme", "1234", "(teh)"]
    out = corrector.correct_tokens(toks)
    assert len(out) == len(toks)
    assert " ".join(out) == corrector.autocorrect(" ".join(toks))
    assert out[-1] == "(the)" and out[-2] == "1234"


def test_correct_tokens_leaves_the_context_alone(corrector):
    assert corrector.correct_tokens(["teh", "end"], context="teh system is") == ["the", "end"]


# -- bad input ------------------------------------------------------------------------------------

BAD = ["", " ", "\n\t ", "😀", "😀😀 teh 😀", "x" * 10_000, "teh" * 3000, "日本語のテキスト",
       "pаypal" + "\u0430", "naïve cafe\u0301", "\x00\x01\x02", "'''", "---", "a", "I",
       "teh\u200bsystem", "\ud7ff", "Ωmega teh", "'teh'", "teh'", "o'", "don''t"]


@pytest.mark.parametrize("text", BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_input_never_raises(corrector, text):
    out = corrector.autocorrect(text)
    assert isinstance(out, str)
    sugg = corrector.correct(text, text, 3)
    assert isinstance(sugg, list) and len(sugg) <= 3
    if not text.strip():
        assert out == text and sugg == []


def test_long_words_and_foreign_scripts_come_back_unchanged(corrector):
    for text in ("x" * 10_000, "日本語のテキスト", "naïve", "Ωmega"):
        assert corrector.autocorrect(text) == text
        assert corrector.correct(text, "", 3)[0].word == text


def test_non_string_input_returns_sensibly(corrector):
    assert corrector.autocorrect(None) == ""  # type: ignore[arg-type]
    assert corrector.correct(None) == []  # type: ignore[arg-type]
    assert corrector.correct("teh", "", 0) == []  # at most k, as suggest()
    assert corrector.correct("teh", "", 1)[0].word == "the"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_autocorrect_of_any_text_keeps_everything_but_words(corrector, text):
    out = corrector.autocorrect(text)
    assert isinstance(out, str)
    strip = lambda s: "".join(ch for ch in s if not (ch.isalpha() or ch == "'"))  # noqa: E731
    assert strip(out) == strip(text)


# -- the command line -----------------------------------------------------------------------------

def test_cli_prints_ranked_candidates(tiny_model_dir, capsys):
    assert cli_main(["correct", "teh", "--model", str(tiny_model_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[0] == "the"
    assert 1 <= len(lines) <= 3


def test_cli_uses_the_context(tiny_model_dir, capsys):
    assert cli_main(["correct", "teh", "--context", "this is", "-k", "1", "--json",
                     "--model", str(tiny_model_dir)]) == 0
    out = capsys.readouterr().out
    assert '"word": "the"' in out


def test_cli_corrects_a_file_to_stdout(tiny_model_dir, tmp_path, capsys):
    f = tmp_path / "in.txt"
    f.write_text("Teh system, and teh end.\nsee www.teh.org\n", "utf-8")
    assert cli_main(["correct", "--file", str(f), "--model", str(tiny_model_dir)]) == 0
    assert capsys.readouterr().out == "The system, and the end.\nsee www.teh.org\n"
    assert f.read_text("utf-8") == "Teh system, and teh end.\nsee www.teh.org\n"


def test_cli_corrects_a_file_in_place_keeping_a_backup(tiny_model_dir, tmp_path):
    f = tmp_path / "in.txt"
    f.write_text("this is teh end\n", "utf-8")
    assert cli_main(["correct", "--file", str(f), "--in-place", "--model", str(tiny_model_dir)]) == 0
    assert f.read_text("utf-8") == "this is the end\n"
    assert (tmp_path / "in.txt.bak").read_text("utf-8") == "this is teh end\n"


@pytest.mark.parametrize("argv", [
    ["correct"], ["correct", "teh", "--file", "x.txt"], ["correct", "teh", "--in-place"],
    ["correct", "--file", "/no/such/file.txt"], ["correct", "teh", "-k", "0"],
])
def test_cli_bad_usage_exits_2_with_one_line(tiny_model_dir, capsys, argv):
    assert cli_main([*argv, "--model", str(tiny_model_dir)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "error" in err[0]


def test_cli_given_a_file_path_as_the_word_points_to_file(tiny_model_dir, tmp_path, capsys):
    f = tmp_path / "notes.txt"
    f.write_text("teh end\n", "utf-8")
    assert cli_main(["correct", str(f), "--model", str(tiny_model_dir)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"--file {f}" in err[0]


def test_cli_refuses_binary_and_non_utf8_files(tiny_model_dir, tmp_path, capsys):
    b = tmp_path / "bin.dat"
    b.write_bytes(b"\x00\x01\x02teh")
    l1 = tmp_path / "latin1.txt"
    l1.write_bytes("caf\xe9 teh".encode("latin-1"))
    for f in (b, l1):
        assert cli_main(["correct", "--file", str(f), "--model", str(tiny_model_dir)]) == 2
    assert "binary" in capsys.readouterr().err


def test_a_regular_form_of_a_known_word_is_not_corrected_to_it(corrector):
    assert corrector.autocorrect("the systems and the packages") == "the systems and the packages"


def test_elisions_are_not_typos(corrector):
    for text in ("tho' it was", "'tis the end", "the end o' the system"):
        assert corrector.autocorrect(text) == text


def test_a_word_in_single_quotes_is_still_corrected(corrector):
    assert corrector.autocorrect("it is 'teh' end") == "it is 'the' end"


# -- speed machinery: the same decisions, found with less work ------------------------------------

MULTI = ("Teh system is mounted on boot adn the user can log in.\n"
         "The pakcage manager installs teh files, and configuraton is in etc.\n\n"
         "  A third paragrph with a sytem and teh end")


def test_autocorrect_side_by_side_decides_as_one_word_at_a_time(tiny_model):
    """Each close call after the text before its paragraph as typed and its own paragraph as
    corrected, and before the words after it, word by word with the model asked one context at
    a time: what the batched paragraph walk must reproduce."""
    from nextword.text.words import split_words

    every = CorrectorParams(context_range=float("inf"))  # every word not clearly fine is a close call
    ref = Corrector(tiny_model, params=every)
    out, pos, para, para_out, close_calls, fitted = "", 0, 0, 0, 0, 0
    for start, end, word in word_spans(MULTI):
        here = MULTI.rfind("\n", 0, start) + 1
        if here != para:  # a new paragraph: the gap holds the line break
            out += MULTI[pos:here]
            para, para_out, pos = here, len(out), here
        out += MULTI[pos:start]
        fixed = ref.word.decided_without_context(word, context_tail(MULTI, start))
        if fixed is None:
            close_calls += 1
            before = MULTI[:para] + out[para_out:]
            line_end = (MULTI + "\n").index("\n", end)
            following = split_words(MULTI[end:line_end])[: ref.params.right_words]
            hyps, margin = ref.word.close_call(word, before, goes_on=bool(following))
            follow = None
            if following and len(hyps) > 1:
                follow = np.array([ref._fit(before, w, following) for w, _, _ in hyps])
                fitted += 1
            fixed = ref.word.choose(word, hyps, margin, follow)
        out += MULTI[start:end] if fixed == word else fixed
        pos = end
    out += MULTI[pos:]
    got = Corrector(tiny_model, params=every).autocorrect(MULTI)
    assert got == out
    assert close_calls >= 9 and fitted >= 5 and got != MULTI


def test_autocorrect_without_a_scoring_model_walks_the_close_calls_in_order(tiny_corpus):
    from tests.helpers.frequency_model import FrequencyModel

    fm = FrequencyModel.from_corpus([tiny_corpus / "tiny.txt"], vocab_size=3000)
    c = Corrector(fm)
    assert not hasattr(fm, "candidate_scorer")
    written, pos = "", 0
    for start, end, word in word_spans(MULTI):  # each word after the text corrected before it
        written += MULTI[pos:start]
        fixed = c.best(word, written)
        written += MULTI[start:end] if fixed == word else fixed
        pos = end
    assert c.autocorrect(MULTI) == written + MULTI[pos:] != MULTI


def test_autocorrect_sees_words_added_to_the_users_dictionary_after_a_first_pass(fresh_model):
    fresh_model.user_words = set()
    c = Corrector(fresh_model)
    assert c.autocorrect("the zorblaz and the system") != "the zorblax and the system"
    fresh_model.user_words.add("zorblax")
    assert c.autocorrect("the zorblaz and the system") == "the zorblax and the system"


# -- the words after a close call -----------------------------------------------------------------

def test_follow_scores_equal_the_model_asked_one_context_at_a_time(tiny_model):
    """The batched fit of each reading to the words after it is the same number the typing
    model gives when asked for each following token after the text so far."""
    from nextword.lm.scorer import ParagraphRun

    c = Corrector(tiny_model)
    scorer, tok = c.lm_scorer, tiny_model.tokenizer
    before = "The package manager installs "
    readings = ["the", "they", "teh"]  # two vocabulary words and an unknown string
    following = ["files", ","]
    para = [tok.bos_id, *scorer.encode(before)]
    run = ParagraphRun()
    scorer.advance([(run, para)])
    ids = [[tok.token_id(w)] for w in readings]
    got = scorer.follow_scores([(run, para, ids, [tok.token_id(t) for t in following])])[0]
    want = [c._fit(before, w, following) for w in readings]
    assert np.allclose(got, want, atol=1e-5)
    assert len(set(np.round(got, 3))) == 3  # the readings really are told apart


def test_the_words_after_a_close_call_help_decide_it():
    """With the bundled model: after "this is why", "manhal" may be a word it does not know and
    is kept; "pages are" after it makes "manual" the reading. Without those words, it stays."""
    from dataclasses import replace

    import nextword

    c = Corrector(nextword.load())
    assert c.autocorrect("this is why manhal pages are") == "this is why manual pages are"
    assert c.autocorrect("this is why manhal") == "this is why manhal"
    c.params = replace(c.params, right_words=0)
    assert c.autocorrect("this is why manhal pages are") == "this is why manhal pages are"


def test_cli_given_a_bare_file_name_in_this_folder_points_to_file(tiny_model_dir, tmp_path, capsys,
                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("teh end\n", "utf-8")
    assert cli_main(["correct", "notes.txt", "--model", str(tiny_model_dir)]) == 2
    assert "--file notes.txt" in capsys.readouterr().err


def test_cli_given_several_words_autocorrects_them_as_a_text(tiny_model_dir, capsys):
    # they were ranked as one "word" and printed back unchanged with a score of 0
    assert cli_main(["correct", "Teh system, and teh end.", "--model", str(tiny_model_dir)]) == 0
    assert capsys.readouterr().out == "The system, and the end.\n"
    assert cli_main(["correct", "this is teh end", "--json", "--model", str(tiny_model_dir)]) == 0
    assert capsys.readouterr().out.strip() == '{"text": "this is the end"}'
    assert cli_main(["correct", "teh end", "--context", "this is", "--model", str(tiny_model_dir)]) == 2
    assert "--context goes with one WORD" in capsys.readouterr().err
