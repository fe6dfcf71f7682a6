"""Autocorrect as you type: correction on space or punctuation, reverting it, toggling it, and
the user's dictionary."""

from __future__ import annotations

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
