"""Ghost text, accepting it and picking from the bar, through the real app with Pilot."""

from __future__ import annotations

import pytest

from nextword.app.bars import SuggestionBar
from nextword.app.ghost import SuggestRequest, quick_ghost


async def test_a_complete_word_shows_the_next_word_as_ghost(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I'll meet you at the")
        ghost = app.editor.suggestion
        assert ghost.startswith(" ") and ghost.strip().isalpha()


async def test_a_partial_word_shows_the_rest_of_the_word(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "the sys")
        ghost = app.editor.suggestion
        assert ghost and not ghost.startswith(" ")
        assert ("sys" + ghost).lower() in app.model.tokenizer.ids


@pytest.mark.parametrize(("key", "typed"), [("tab", "I'll meet you at the"), ("right", "the sys")])
async def test_tab_and_right_accept_the_ghost(new_app, type_text, key, typed):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, typed)
        ghost = app.editor.suggestion
        await pilot.press(key)
        assert app.editor.text == typed + ghost


async def test_ctrl_right_accepts_one_word_of_the_ghost(new_app, type_text, settle):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I'll meet you at the")
        app.editor.suggestion = " same time"  # a two-word ghost, to see that one word is taken
        await pilot.press("ctrl+right")
        await settle(app, pilot)
        assert app.editor.text == "I'll meet you at the same"


async def test_ctrl_right_without_ghost_moves_a_word(new_app, type_text, settle):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "one two")
        app.editor.move_cursor((0, 0))
        await pilot.press("ctrl+right")
        assert app.editor.text == "one two" and app.editor.cursor_location == (0, 3)


async def test_escape_dismisses_the_ghost_until_the_next_edit(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I'll meet you at the")
        assert app.editor.suggestion
        await pilot.press("escape")
        assert app.editor.suggestion == ""
        await type_text(app, pilot, " ")
        assert app.editor.suggestion


async def test_typing_through_a_matching_prefix_keeps_the_ghost(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "the sys")
        ghost = app.editor.suggestion
        assert len(ghost) >= 2
        await pilot.press(ghost[0])  # before any worker result: TextArea trims the ghost
        assert app.editor.suggestion == ghost[1:]


async def test_moving_the_cursor_clears_the_ghost(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I'll meet you at the")
        assert app.editor.suggestion
        await pilot.press("left")
        assert app.editor.suggestion == ""
        assert app.query_one(SuggestionBar).words == []


async def test_tab_without_a_ghost_inserts_nothing(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "one")
        app.editor.suggestion = ""
        await pilot.press("tab")
        assert app.editor.text == "one"


async def test_the_bar_shows_the_top_three_and_alt_picks_one(new_app, type_text, settle):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "It is the ")
        bar = app.query_one(SuggestionBar)
        candidates = app.editor.candidates
        assert len(candidates) == 3 and bar.words == candidates
        assert candidates == [s.word for s in app.model.suggest("It is the ", 3)]
        await pilot.press("alt+2")
        await settle(app, pilot)
        assert app.editor.text == f"It is the {candidates[1]} "


async def test_alt_pick_replaces_the_word_being_typed(new_app, type_text, settle):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "the sys")
        first = app.editor.candidates[0]
        await pilot.press("alt+1")
        await settle(app, pilot)
        assert app.editor.text == f"the {first} "


async def test_ctrl_t_turns_suggestions_off_and_on(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+t")
        await type_text(app, pilot, "I'll meet you at the")
        assert app.editor.suggestion == "" and app.query_one(SuggestionBar).words == []
        await pilot.press("ctrl+t")
        await type_text(app, pilot, " ")
        assert app.editor.suggestion and app.query_one(SuggestionBar).words


async def test_a_stale_result_is_dropped(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "the ")
        editor = app.editor
        shown, dropped = editor.suggestion, editor.dropped
        stale = SuggestRequest(editor.version - 1, editor.cursor_location, "the", "", None)
        editor._show_ghost(stale, "STALE")
        assert editor.suggestion == shown and editor.dropped == dropped + 1


async def test_fast_typing_ends_with_the_ghost_of_the_final_text(new_app, settle):
    app = new_app()
    async with app.run_test() as pilot:
        await pilot.press(*"the quick", "space", *"bro")  # no waiting between keys
        await settle(app, pilot)
        assert app.editor.suggestion == quick_ghost(app.model, "the quick bro")


async def test_a_name_typed_in_full_gets_no_stray_letters_as_ghost(data_dir, type_text):
    # the bar's char-model guesses ("Xiaomings") came back as the ghost "s" when the word's
    # own ghost was declined
    import nextword
    from nextword.app import make_app

    app = make_app(None, model=nextword.load(), data_directory=data_dir, autosave_seconds=3600)
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Then I met Xiaoming")
        assert any(w.startswith("Xiaoming") for w in app.editor.candidates)  # the bar still has them
        assert app.editor.suggestion == ""
        await type_text(app, pilot, " at Kubern")  # a prefix that is no word yet is still completed
        assert app.editor.suggestion
