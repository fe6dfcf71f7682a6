"""Learning from the user in the editor: suggestions change at once, storage, incognito,
dictionary, blocked words, forgetting, fine-tuning."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import nextword
from nextword.app import make_app
from nextword.app.screens import ChoiceScreen
from nextword.lm.personal import DB_NAME, PersonalStore


def rank_of(model, context: str, word: str) -> int:
    """Where ``word`` ranks among the next-word suggestions after ``context``."""
    ranked = [s.word.lower() for s in model.suggest(context, 200)]
    return ranked.index(word) if word in ranked else 200


def folder_state(path: Path) -> dict[str, str]:
    """Every file under ``path`` with a hash of its bytes (an absent folder is empty)."""
    if not path.exists():
        return {}
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


async def test_typed_words_change_suggestions_at_once(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        before = rank_of(app.model, "Then the ", "door")
        await type_text(app, pilot, "Open the door. Close the door. Paint the door. ")
        # a context without those words, so the document cache cannot be what changed
        after = rank_of(app.model, "Then the ", "door")
        assert before > 10 and after < 3


async def test_learned_words_are_stored_privately_and_used_next_time(new_app, type_text, settle,
                                                                      data_dir, tiny_model_dir,
                                                                      tmp_path):
    app = new_app(tmp_path / "a.txt")
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Open the door. Close the door. Paint the door. ")
        await pilot.press("ctrl+s")  # saving also writes what was learned
        await settle(app, pilot)
    db = data_dir / DB_NAME
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert "door" in " ".join(PersonalStore(data_dir).history())
    again = make_app(None, model=nextword.load(tiny_model_dir), data_directory=data_dir)
    async with again.run_test():
        assert rank_of(again.model, "Then the ", "door") < 3


async def test_incognito_leaves_the_user_data_folder_unchanged(new_app, type_text, settle,
                                                               data_dir, tmp_path):
    learned = new_app(tmp_path / "first.txt")
    async with learned.run_test() as pilot:  # some existing personal data
        await type_text(learned, pilot, "Open the door. ")
        await pilot.press("ctrl+s")
        await settle(learned, pilot)
    state = folder_state(data_dir)
    assert state
    doc = tmp_path / "secret.txt"
    app = new_app(doc, autosave_seconds=0.2)
    async with app.run_test() as pilot:
        learned_before = app.personal.learned_words  # read back from the first session
        await pilot.press("f4")
        assert app.incognito and "INCOGNITO" in str(app.status.render())
        await type_text(app, pilot, "Paint teh door. My secret word is password. ")
        await pilot.pause(0.5)  # autosave ticks pass
        await pilot.press("f2")  # even the dictionary is not written
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.personal.learned_words == learned_before  # nothing learned, even in memory
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    assert doc.read_text().startswith("Paint the door.")
    assert folder_state(data_dir) == state


async def test_a_blocked_word_is_never_suggested(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I'll meet you at the")
        top = app.editor.suggestion.strip()
        await type_text(app, pilot, " " + top)
        await pilot.press("f3")  # never suggest the word at the cursor
        await type_text(app, pilot, ". I'll meet you at the")
        assert app.editor.suggestion.strip() != top
        assert top.lower() not in [s.word.lower() for s in app.model.suggest("at the ", 50)]


async def test_forget_deletes_what_was_learned(new_app, type_text, settle, data_dir, tmp_path):
    app = new_app(tmp_path / "a.txt")
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Open the door. Close the door. ")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.personal.learned_words > 0
        app.action_forget()
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.click("#forget")
        await settle(app, pilot)
        assert app.personal.learned_words == 0 and app.model.personal_weight == 0
    assert PersonalStore(data_dir).history() == []
    assert b"door" not in (data_dir / DB_NAME).read_bytes()


async def test_fine_tune_trains_in_the_background_and_swaps_the_model(new_app, settle):
    app = new_app(finetune_seconds=1.0)
    async with app.run_test() as pilot:
        app.personal.learn_text("Open the door and close the door, then paint the door red.\n" * 20)
        old = app.model.word_lm
        shown: list[str] = []
        set_activity = app.learning.show_activity
        app.learning.show_activity = lambda text: (shown.append(text), set_activity(text))  # a spy
        await pilot.press("f8")
        await settle(app, pilot)
        assert shown[0] == "fine-tune 0%" and shown[-1] == ""  # progress was shown meanwhile
        assert app.model.word_lm is not old
        assert app.model.suggest("Open the ", 3)  # the swapped model serves suggestions


async def test_fine_tune_with_too_little_history_says_so(new_app, settle):
    app = new_app(finetune_seconds=1.0)
    async with app.run_test() as pilot:
        old = app.model.word_lm
        await pilot.press("f8")
        await settle(app, pilot)
        assert app.model.word_lm is old and app.status.activity == ""
