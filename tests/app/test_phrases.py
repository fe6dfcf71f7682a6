"""Phrase completion in the editor, through the real app with Pilot: the ghost is a whole phrase
when the model is confident, and the phrase toggle is remembered."""

from __future__ import annotations

import json
import stat

from textual.widgets.text_area import Edit

from nextword.app.bars import StatusBar
from nextword.app.ghost import SuggestRequest, ghost_text, rest_of_phrase
from nextword.app.settings import SETTINGS_FILE

LETTER = "Thanks for the update on the release. Let me know if you have any questions.\n"
PHRASE = " if you have any questions"  # (the "." after it may come too)


def phrase_app(new_app, **options):
    """An app whose model learned a letter with a sign-off (often enough to be sure of it)."""
    app = new_app(**options)
    app.model.learn(LETTER * 150)
    return app


async def test_a_learned_phrase_shows_as_ghost_and_tab_inserts_all_of_it(new_app, type_text):
    app = phrase_app(new_app)
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Let me know")
        ghost = app.editor.suggestion
        assert ghost.startswith(PHRASE) and ghost == app.model.complete_phrase("Let me know")
        await pilot.press("tab")
        assert app.editor.text == "Let me know" + ghost


async def test_right_accepts_the_whole_phrase_too(new_app, type_text):
    app = phrase_app(new_app)
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Let me know")
        ghost = app.editor.suggestion
        await pilot.press("right")
        assert ghost.startswith(PHRASE) and app.editor.text == "Let me know" + ghost


async def test_ctrl_right_inserts_one_word_and_keeps_the_rest(new_app, type_text, settle):
    app = phrase_app(new_app)
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Let me know")
        ghost = app.editor.suggestion
        await pilot.press("ctrl+right")
        await settle(app, pilot)
        assert app.editor.text == "Let me know if"
        assert app.editor.suggestion == ghost[len(" if"):]


async def test_typing_through_the_phrase_keeps_the_rest(new_app, type_text):
    app = phrase_app(new_app)
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Let me know")
        ghost = app.editor.suggestion
        await type_text(app, pilot, " if y")  # settled: the worker's answer kept the rest
        assert app.editor.suggestion == ghost[len(" if y"):]
        await type_text(app, pilot, "ou have any questions.")
        assert app.editor.text == "Let me know if you have any questions."


async def test_typing_something_else_clears_the_phrase(new_app, type_text):
    app = phrase_app(new_app)
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Let me know")
        await type_text(app, pilot, " yo")
        assert "have any questions" not in app.editor.suggestion


async def test_escape_and_a_cursor_move_clear_the_phrase(new_app, type_text, settle):
    app = phrase_app(new_app)
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Let me know")
        await pilot.press("escape")
        assert app.editor.suggestion == ""
        await type_text(app, pilot, " ")  # the next edit brings it back
        assert app.editor.suggestion.startswith(PHRASE.lstrip())
        await pilot.press("left")
        await settle(app, pilot)
        assert app.editor.suggestion == ""


async def test_the_toggle_turns_phrases_off_and_is_remembered(new_app, type_text, settle, data_dir):
    app = phrase_app(new_app)
    async with app.run_test() as pilot:
        assert "suggest phrases" in str(app.query_one(StatusBar).render())
        await pilot.press("ctrl+g")
        await type_text(app, pilot, "Let me know")
        assert app.editor.suggestion == " if"  # the next word only
        assert "suggest words" in str(app.query_one(StatusBar).render())
    path = data_dir / SETTINGS_FILE
    assert json.loads(path.read_text()) == {"phrases": False}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    app = phrase_app(new_app)
    async with app.run_test() as pilot:
        assert app.editor.phrases_enabled is False
        await type_text(app, pilot, "Let me know")
        assert app.editor.suggestion == " if"
        await pilot.press("ctrl+g")
        await type_text(app, pilot, " ")
        assert app.editor.suggestion.startswith(PHRASE.lstrip())
    assert json.loads(path.read_text()) == {"phrases": True}


async def test_the_toggle_writes_nothing_in_incognito(new_app, settle, data_dir):
    app = new_app(incognito=True)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert app.editor.phrases_enabled is False
    assert not (data_dir / SETTINGS_FILE).exists()


async def test_a_stale_phrase_is_never_shown(new_app, type_text):
    app = phrase_app(new_app)
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Let me ")
        editor = app.editor
        shown = editor.suggestion
        stale = SuggestRequest(editor.version - 1, editor.cursor_location, "Let me know", "", None, True)
        editor._show_ghost(stale, PHRASE, True)
        assert editor.suggestion == shown


def test_a_phrase_shows_only_at_the_end_of_a_line(fresh_model):
    fresh_model.learn(LETTER * 150)
    assert ghost_text(fresh_model, "Let me know", "", phrases=True) == (PHRASE + ".", True)
    assert ghost_text(fresh_model, "Let me know", "", phrases=False)[1] is False
    assert ghost_text(fresh_model, "Let me know", ",", phrases=True)[1] is False


def test_the_rest_of_a_phrase_is_kept_only_while_typing_its_start():
    def typed(text: str, at=(0, 5)):
        return Edit(text, at, at, maintain_selection_offset=False)

    assert rest_of_phrase(" if you have", typed(" "), (0, 5)) == "if you have"
    assert rest_of_phrase(" if you have", typed(" if"), (0, 5)) == " you have"
    assert rest_of_phrase(" if you have", typed(" of"), (0, 5)) == ""
    assert rest_of_phrase(" if you have", typed(" if you have"), (0, 5)) == ""
    assert rest_of_phrase(" if you have", typed(" ", (0, 2)), (0, 5)) == ""  # not at the cursor
    assert rest_of_phrase("", typed("a"), (0, 5)) == ""


class FixedPhrase:
    """A stand-in model whose phrase is always the same."""

    def __init__(self, phrase: str):
        self.phrase = phrase

    def complete_phrase(self, text: str) -> str:
        return self.phrase


def test_a_kept_phrase_stays_unless_a_longer_one_starts_with_it():
    assert ghost_text(FixedPhrase("you have any questions."), "if ", "", True, "you have any") == (
        "you have any questions.", True)
    assert ghost_text(FixedPhrase("your turn"), "if ", "", True, "you have") == ("you have", True)
    assert ghost_text(FixedPhrase(""), "if ", "", True, "you have") == ("you have", True)
