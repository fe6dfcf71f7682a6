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
        assert app.personal.learned_words == 0 and app.model.personal.history().size == 0
    assert PersonalStore(data_dir).history() == []
    assert b"door" not in (data_dir / DB_NAME).read_bytes()


async def test_saving_an_opened_document_learns_its_words_once(new_app, settle, data_dir, tmp_path,
                                                               tiny_model_dir):
    doc = tmp_path / "notes.txt"
    doc.write_text("I met Zorblax at the station.\n\nZorblax said the train was late. Ask Zorblax.\n")
    app = new_app(doc)
    async with app.run_test() as pilot:
        before = app.personal.learned_words
        assert "Zorblax" not in [s.word for s in app.model.suggest("then Zorb")]  # opening learns nothing
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        learned = app.personal.learned_words
        assert learned > before and "Zorblax" in [s.word for s in app.model.suggest("then Zorb")]
        assert app.model.autocorrect_word("Zorblax", "I met ") == "Zorblax"  # written three times
        await pilot.press("ctrl+s")  # saving again learns nothing twice
        await settle(app, pilot)
        assert app.personal.learned_words == learned
    again = make_app(doc, model=nextword.load(tiny_model_dir), data_directory=data_dir)
    async with again.run_test() as pilot:  # nor does the next session's save of the same text
        learned = again.personal.learned_words
        await pilot.press("ctrl+s")
        await settle(again, pilot)
        assert again.personal.learned_words == learned


async def test_adapt_my_model_writes_a_private_model_used_at_the_next_start(new_app, settle, data_dir,
                                                                          tiny_corpus):
    from nextword.userdata import personal_model_dir

    app = new_app()
    async with app.run_test() as pilot:
        app.personal.learn_text(next(tiny_corpus.iterdir()).read_text("utf-8")[:30_000])
        shown: list[str] = []
        set_activity = app.learning.show_activity
        app.learning.show_activity = lambda text: (shown.append(text), set_activity(text))  # a spy
        await pilot.press("f8")
        for _ in range(600):  # adapting the tiny model takes a few seconds
            await pilot.pause(0.1)
            if not any(w.name == "adapt" for w in app.workers):
                break
        await settle(app, pilot)
        assert any(line.startswith("adapting:") for line in shown) and shown[-1] == ""
    mine = personal_model_dir(data_dir)
    assert stat.S_IMODE(mine.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in mine.iterdir())
    assert not mine.with_name("model.work").exists() and not (data_dir / "model.corpus.txt").exists()
    again = make_app(None, data_directory=data_dir)  # no model given: the user's adapted one
    async with again.run_test():
        assert Path(again.model.path) == mine and again.status.model_name == "yours (adapted)"
        assert again.model.suggest("the ", 3)


async def test_adapt_my_model_with_too_little_text_says_so(new_app, settle, data_dir):
    from nextword.userdata import personal_model_dir

    app = new_app()
    async with app.run_test() as pilot:
        await pilot.press("f8")
        await settle(app, pilot)
        assert app.status.activity == "" and not personal_model_dir(data_dir).exists()


async def test_a_new_word_typed_three_times_is_offered_and_never_corrected(new_app, type_text, settle):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I met Siobhan today. Siobhan runs kubectl. Ask Siobhan about kubectl and kubectl ")
        await settle(app, pilot)
        assert "Siobhan" in [s.word for s in app.model.suggest("I met Sio")]
        assert "kubectl" in [s.word for s in app.model.suggest("then run kube")]
        app.editor.autocorrect_enabled = True
        await type_text(app, pilot, "Siobhan ")
        await type_text(app, pilot, "kubectl ")
        await settle(app, pilot)
        assert app.editor.text.endswith("kubectl and kubectl Siobhan kubectl ")
        await type_text(app, pilot, "Sio")
        await settle(app, pilot)
        assert app.editor.suggestion == "bhan"  # the ghost completes the new word


async def test_the_learned_words_screen_lists_new_words_first_and_forgets_one(new_app, type_text, settle):
    from nextword.app.screens import LearnedScreen

    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Siobhan and Aoife met. Siobhan and Aoife left. ")
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, LearnedScreen)
        table = app.screen.query_one("DataTable")
        first = [str(table.get_row_at(i)[0]) for i in range(2)]
        assert sorted(first) == ["Aoife", "Siobhan"]  # the new words come first
        await pilot.press("delete")
        await settle(app, pilot)
        assert table.row_count == len(app.model.personal.vocab.learned())
        assert first[0].lower() not in app.model.personal.vocab.counts
        await pilot.press("escape")


async def test_a_new_word_is_left_alone_from_its_third_writing_on(new_app, type_text, settle):
    app = new_app()
    async with app.run_test() as pilot:
        assert app.model.autocorrect_word("teh", "I wrote ") != "teh"  # a typo to the model
        app.editor.autocorrect_enabled = False
        await type_text(app, pilot, "I wrote teh and teh ")  # twice: remembered, then offered
        app.editor.autocorrect_enabled = True
        await type_text(app, pilot, "and teh ")  # the third time counts: never corrected
        await settle(app, pilot)
        assert app.editor.text == "I wrote teh and teh and teh "


async def test_a_data_folder_that_cannot_be_written_is_reported_and_the_document_still_saved(
        new_app, type_text, settle, data_dir, tmp_path):
    """The data folder turned into a file mid-session (gone, full, not writable: the store
    cannot be written) crashed the editor at the next save; now the save goes through, the
    user is told, and quitting is clean."""
    import shutil

    doc = tmp_path / "a.txt"
    app = new_app(doc)
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Open the door. ")
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.write_text("not a folder")
        await type_text(app, pilot, "Close the door. ")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert doc.read_text() == "Open the door. Close the door. "
        assert any("Could not store what was learned" in n.message for n in app._notifications)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    assert app.return_code == 0
