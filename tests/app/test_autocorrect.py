"""Autocorrect as you type: correction on space or punctuation, reverting it, toggling it, the
user's dictionary; no correction lost to fast typing or a slow model; pasted text left alone."""

from __future__ import annotations

import re
import threading
import time

import pytest
from textual import events

import nextword
from nextword.app import make_app
from nextword.app.bars import SuggestionBar


def note(app) -> str:
    return str(app.query_one("#bar-note").render())


async def test_teh_space_becomes_the_and_backspace_brings_back_teh(new_app, type_text, settle):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I saw teh ")
        assert app.editor.text == "I saw the "
        assert "teh -> the" in note(app)
        assert app.status.corrections == 1
        await pilot.press("backspace")
        await settle(app, pilot)
        assert app.editor.text == "I saw teh "
        assert app.status.corrections == 0


async def test_a_reverted_word_is_left_alone_in_this_document(new_app, type_text, settle):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I saw teh ")
        await pilot.press("backspace")
        await type_text(app, pilot, "and teh ")
        assert app.editor.text == "I saw teh and teh "


async def test_backspace_after_more_typing_deletes_normally(new_app, type_text, settle):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I saw teh c")
        assert app.editor.text == "I saw the c"
        await pilot.press("backspace")
        await settle(app, pilot)
        assert app.editor.text == "I saw the "


async def test_ctrl_z_reverts_a_correction(new_app, type_text, settle):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I saw teh ")
        assert app.editor.text == "I saw the "
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert app.editor.text == "I saw teh "
        assert "teh" in app.editor.autocorrect.kept_words


async def test_punctuation_finishes_a_word_too(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I saw teh,")
        assert app.editor.text == "I saw the,"


async def test_a_correct_word_is_not_touched(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I saw the system ")
        assert app.editor.text == "I saw the system "
        assert app.status.corrections == 0 and isinstance(app.query_one("#bar"), SuggestionBar)


async def test_ctrl_r_turns_autocorrect_off_and_on(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+r")
        await type_text(app, pilot, "I saw teh ")
        assert app.editor.text == "I saw teh "
        await pilot.press("ctrl+r")
        await type_text(app, pilot, "and teh ")
        assert app.editor.text == "I saw teh and the "


async def test_a_word_added_to_the_dictionary_is_never_corrected(fresh_model, tiny_model_dir,
                                                                  data_dir, type_text):
    app = make_app(None, model=fresh_model, data_directory=data_dir, autosave_seconds=3600)
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I saw teh")
        await pilot.press("f2")  # add the word at the cursor
        await type_text(app, pilot, " and teh ")
        assert app.editor.text == "I saw teh and teh "
    # and in the next session too: the dictionary is stored
    import nextword

    again = make_app(None, model=nextword.load(tiny_model_dir), data_directory=data_dir,
                     autosave_seconds=3600)
    async with again.run_test() as pilot:
        await type_text(again, pilot, "teh ")
        assert again.editor.text == "teh "


# -- fast typing, a slow model: no correction lost ---------------------------------------------
PASSAGE = "We coud meet at the resturant on Fridy becuase I realy want to se you agian."
TYPOS = ["coud", "resturant", "Fridy", "becuase", "realy", "se", "agian"]  # the tiny model fixes all
WORD = re.compile(r"[\w']+")
KEY_NAMES = {" ": "space", ".": "full_stop", ",": "comma", "'": "apostrophe"}


def slowed(model, seconds: float = 0.2, gate: threading.Event | None = None):
    """``model`` with its real ``autocorrect_word`` made slow: each call sleeps ``seconds`` (and
    first waits for ``gate``, if given) and then asks the real model."""
    real = model.autocorrect_word

    def autocorrect_word(word: str, context: str = ""):
        if gate is not None:
            gate.wait(30)
        time.sleep(seconds)
        return real(word, context)

    model.autocorrect_word = autocorrect_word
    return model


async def burst(app, pilot, text: str) -> None:
    """Type ``text`` as one burst, the way a terminal delivers a fast typist's keys (or tmux
    send-keys of a whole line): every key is queued before the app handles the first.
    (``pilot.press`` waits for the app to be idle after each key, ~0.1 s here: slower than a
    fast typist.)"""
    for ch in text:
        app.post_message(events.Key(KEY_NAMES.get(ch, ch), ch))
    await pilot.pause()


def app_on(model_dir, data_directory, **slow):
    """The editor on a model of its own (loaded from ``model_dir``), slowed by ``slow``."""
    return make_app(None, model=slowed(nextword.load(model_dir), **slow),
                    data_directory=data_directory, autosave_seconds=3600)


def changed_words(before: str, after: str) -> list[tuple[str, str]]:
    """(word in ``before``, word in ``after``) where they differ; the text between the words
    must be identical."""
    assert WORD.split(before) == WORD.split(after), (before, after)
    return [(a, b) for a, b in zip(WORD.findall(before), WORD.findall(after), strict=True) if a != b]


async def test_a_burst_of_typing_gets_every_correction_a_slow_typist_gets(tiny_model_dir, tmp_path,
                                                                           settle):
    slow_typist = app_on(tiny_model_dir, tmp_path / "slow")
    async with slow_typist.run_test() as pilot:
        for chunk in re.findall(r"\S+\s*", PASSAGE):  # one word at a time, waiting for its correction
            await pilot.press(*chunk)
            await settle(slow_typist, pilot)
        expected = slow_typist.editor.text
    assert [typed for typed, _ in changed_words(PASSAGE, expected)] == TYPOS

    app = app_on(tiny_model_dir, tmp_path / "burst")
    async with app.run_test() as pilot:
        editor = app.editor
        await burst(app, pilot, PASSAGE)
        assert len(editor.autocorrect.pending) > 1  # typed: corrections still on their way
        await settle(app, pilot)
        assert editor.text == expected  # every correction landed, the rest is as typed
        assert editor.cursor_location == (0, len(expected))
        assert app.status.corrections == len(TYPOS)

        # Ctrl+Z, pressed until nothing is left, reverts each correction on its own, latest first
        applied = [(c.corrected, c.typed) for c in editor.autocorrect.applied]
        reverted = []
        for _ in range(100):
            if not editor.history.undo_stack:
                break
            before = editor.text
            await pilot.press("ctrl+z")
            after = editor.text
            if len(WORD.findall(before)) == len(WORD.findall(after)):  # not undone typing
                reverted += changed_words(before, after)
        assert reverted == applied[::-1] and len(reverted) == len(TYPOS)
        assert {t.lower() for t in TYPOS} <= editor.autocorrect.kept_words
        assert app.status.corrections == 0


async def test_corrections_landing_after_a_burst_are_undone_one_by_one_latest_first(
        tiny_model_dir, tmp_path, settle):
    gate = threading.Event()
    app = app_on(tiny_model_dir, tmp_path / "data", seconds=0.05, gate=gate)
    async with app.run_test() as pilot:
        editor = app.editor
        await pilot.press(*PASSAGE)
        assert editor.text == PASSAGE  # nothing corrected yet: the model is held
        gate.set()
        await settle(app, pilot)
        assert [t for t, _ in changed_words(PASSAGE, editor.text)] == TYPOS
        assert editor.cursor_location == (0, len(editor.text))  # the cursor stayed at the end
        for typo in reversed(TYPOS):
            before = editor.text
            await pilot.press("ctrl+z")
            assert [t for t, _ in changed_words(editor.text, before)] == [typo]
        assert editor.text == PASSAGE
        assert {t.lower() for t in TYPOS} <= editor.autocorrect.kept_words


async def test_a_word_edited_before_its_correction_arrives_is_left_alone(tiny_model_dir, tmp_path,
                                                                          settle):
    gate = threading.Event()
    app = app_on(tiny_model_dir, tmp_path / "data", seconds=0.05, gate=gate)
    async with app.run_test() as pilot:
        editor = app.editor
        await pilot.press(*"I saw teh and coud ")
        await pilot.press(*["left"] * 10, "h")  # the user makes "teh" "tehh" meanwhile
        gate.set()
        await settle(app, pilot)
        assert editor.text == "I saw tehh and could "  # and the word after it is still fixed
        assert editor.cursor_location == (0, 10)
        assert app.status.corrections == 1


async def test_backspace_after_typing_on_deletes_even_if_a_correction_just_landed(
        tiny_model_dir, tmp_path, settle):
    gate = threading.Event()
    app = app_on(tiny_model_dir, tmp_path / "data", seconds=0, gate=gate)
    async with app.run_test() as pilot:
        await pilot.press(*"I saw teh ca")
        gate.set()
        await settle(app, pilot)
        assert app.editor.text == "I saw the ca"
        await pilot.press("backspace")  # not right after the correction: an ordinary Backspace
        await settle(app, pilot)
        assert app.editor.text == "I saw the c"


async def test_corrections_arriving_out_of_order_each_find_their_word(tiny_model_dir, tmp_path,
                                                                      settle):
    gate = threading.Event()
    app = app_on(tiny_model_dir, tmp_path / "data", seconds=0, gate=gate)
    async with app.run_test() as pilot:
        editor = app.editor
        await pilot.press(*"teh coud se it")
        first, second, third = list(editor.autocorrect.pending)
        editor.autocorrect._apply(third.key, "see")  # as if the workers finished back to front
        editor.autocorrect._apply(first.key, "the")
        editor.autocorrect._apply(second.key, "could")
        assert editor.text == "the could see it" and editor.cursor_location == (0, 16)
        await pilot.pause()  # the suggestion workers those edits started and cancelled end
        gate.set()
        await settle(app, pilot)  # the held worker's answers find nothing left to do
        assert editor.text == "the could see it" and app.status.corrections == 3


# -- pasting -----------------------------------------------------------------------------------
PASTED = "We coud meet at the resturant on Fridy becuase I realy want to se you agian. "


async def paste(app, pilot, text: str, how: str) -> None:
    """Paste ``text`` as a terminal does (a Paste event) or from the app's clipboard (Ctrl+V)."""
    if how == "terminal":
        app.post_message(events.Paste(text))
    else:
        app.copy_to_clipboard(text)
        await pilot.press("ctrl+v")


@pytest.mark.parametrize("how", ["terminal", "ctrl+v"])
async def test_a_pasted_passage_with_typos_stays_as_pasted_and_is_learned(new_app, type_text,
                                                                          settle, how):
    app = new_app()
    async with app.run_test() as pilot:
        learned: list[str] = []
        learner = app.editor.learner
        learn_text = learner.learn_text
        learner.learn_text = lambda text: (learned.append(text), learn_text(text))  # a spy
        words_before = app.personal.learned_words
        await type_text(app, pilot, "Note: ")
        await paste(app, pilot, PASTED, how)
        await settle(app, pilot)
        assert app.editor.text == "Note: " + PASTED  # pasted once, nothing corrected
        assert app.status.corrections == 0
        assert learned == [PASTED] and app.personal.learned_words > words_before + 10
        assert app.editor.candidates  # suggestions for the text after the paste
        await type_text(app, pilot, "teh ")  # typing after it is corrected as usual
        assert app.editor.text == "Note: " + PASTED + "the "


async def test_a_pasted_separator_does_not_correct_the_word_before_it(new_app, type_text, settle):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I saw teh")
        await paste(app, pilot, " ", "terminal")
        await settle(app, pilot)
        assert app.editor.text == "I saw teh "


async def test_a_finished_word_is_judged_before_it_is_learned_then_learned_as_it_stands(
        tiny_model_dir, tmp_path, settle):
    # a typo learned before it is judged vouches for itself (the bundled model then keeps the
    # "se" of "I really want to se you"), and how fast the user typed would decide that
    model = nextword.load(tiny_model_dir)
    learned_when_judged = []
    judge = model.autocorrect_word

    def autocorrect_word(word: str, context: str = ""):
        learned_when_judged.append((word, model.personal.words))
        return judge(word, context)

    model.autocorrect_word = autocorrect_word
    app = make_app(None, model=model, data_directory=tmp_path / "data", autosave_seconds=3600)
    async with app.run_test() as pilot:
        await burst(app, pilot, PASSAGE)
        await settle(app, pilot)
        text = app.editor.text
    words = WORD.findall(text)
    typed = [(w, n) for w, n in learned_when_judged if w != "teh"]  # the editor warms up on "teh"
    assert typed == [(w, n) for n, w in enumerate(WORD.findall(PASSAGE))]  # only the words before it
    personal = model.personal
    learned = [personal.vocab.word(i) for i in personal.history().tolist() if i != personal.vocab.tok.bos_id]
    assert [w.lower() for w in learned] == [w.lower() for w in words]  # as corrected, in order


async def test_words_still_waiting_for_their_correction_are_learned_on_closing(tiny_model_dir,
                                                                                tmp_path, settle):
    from nextword.lm.personal.store import PersonalStore

    gate = threading.Event()
    app = app_on(tiny_model_dir, tmp_path / "data", seconds=0.0, gate=gate)
    async with app.run_test() as pilot:
        await pilot.press(*"Open the door and coud ")
        assert len(app.editor.autocorrect.pending) == 5  # the model is held: none judged yet
        app.learning.close()  # what quitting does
        gate.set()
        await settle(app, pilot)
        assert app.editor.text == "Open the door and coud "  # the late answers find nothing to do
    assert "Open the door and coud" in " ".join(PersonalStore(tmp_path / "data").history())
