"""The personal store and model: n-gram hook, SQLite file (lazy, 0600), incognito, forget,
recovery files and the LSTM fine-tune."""

from __future__ import annotations

import stat

import pytest

import nextword
from nextword.app.recovery import write_recovery
from nextword.lm.personal import (
    DB_NAME,
    Personalizer,
    PersonalStore,
    forget_stored,
)
from nextword.userdata import data_dir


def test_the_data_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NEXTWORD_DATA_DIR", str(tmp_path / "d"))
    assert data_dir() == tmp_path / "d"
    monkeypatch.delenv("NEXTWORD_DATA_DIR")
    assert data_dir().name == "nextword"


def test_learning_makes_a_new_word_a_candidate_in_the_case_the_user_writes_it(fresh_model):
    text = "We deploy with kubectl and Siobhan reviews it. Ask Siobhan to run kubectl again.\n"
    assert "siobhan" not in fresh_model.tokenizer.ids and "kubectl" not in fresh_model.tokenizer.ids
    fresh_model.learn(text * 2)
    assert "Siobhan" in [s.word for s in fresh_model.suggest("I met Sio")]
    assert "kubectl" in [s.word for s in fresh_model.suggest("then run kub")]
    assert "kubectl" in [s.word for s in fresh_model.suggest("We deploy with ", 3)]
    assert fresh_model.autocorrect("Ask Siobhan to run kubectl") == "Ask Siobhan to run kubectl"


def test_a_new_word_seen_once_is_remembered_but_not_offered(fresh_model):
    fresh_model.learn("I met Siobhan.")
    assert fresh_model.personal.vocab.is_new("siobhan")
    assert "Siobhan" not in [s.word for s in fresh_model.suggest("I met Sio")]
    fresh_model.learn("I met Siobhan again.")
    assert "Siobhan" in [s.word for s in fresh_model.suggest("I met Sio")]
    assert "siobhan" not in fresh_model.user_words  # offered, not yet trusted
    fresh_model.learn("Siobhan!")
    assert "siobhan" in fresh_model.user_words  # three times: never corrected


def test_forgetting_one_word_removes_it_and_nothing_else(fresh_model):
    fresh_model.learn("Siobhan met Aoife. Siobhan and Aoife met again.")
    fresh_model.forget("siobhan")
    assert "Siobhan" not in [s.word for s in fresh_model.suggest("I met Sio")]
    assert "Aoife" in [s.word for s in fresh_model.suggest("I met Ao")]
    learned = {w for w, _, _ in fresh_model.personal.vocab.learned()}
    assert "Siobhan" not in learned and "Aoife" in learned


def test_learned_words_are_listed_as_the_user_writes_them_or_in_their_usual_case(fresh_model):
    # vocabulary words written once were listed lower-cased ("i", "london")
    capitalised = next(form for low, form in fresh_model.tokenizer.case.items() if form == low.capitalize())
    fresh_model.learn(f"I met Siobhan and {capitalised} there. Then i said GitHub, GitHub and GitHub.")
    listed = {w: (n, new) for w, n, new in fresh_model.learned()}
    assert listed["Siobhan"] == (1, True) and listed["I"] == (2, False)
    assert listed[capitalised] == (1, False)
    if "github" in fresh_model.tokenizer.ids:  # written the same way three times: the user's case
        assert "GitHub" in listed
    assert list(listed)[0] in ("Siobhan", "GitHub")  # new words first


def test_forgetting_a_word_never_learned_says_so(fresh_model):
    fresh_model.learn("Siobhan met Aoife.")
    word = next(w for w in fresh_model.tokenizer.ids if w.isalpha() and w not in ("siobhan", "met", "aoife"))
    assert fresh_model.learner.forget(word) is False  # a vocabulary word, but never learned
    assert fresh_model.learner.forget("Zorblax") is False
    assert fresh_model.learner.forget("Aoife") is True


def test_learn_in_memory_writes_nothing(fresh_model, tmp_path, monkeypatch):
    monkeypatch.setenv("NEXTWORD_DATA_DIR", str(tmp_path / "data"))
    fresh_model.learn("Siobhan runs kubectl. " * 3)
    fresh_model.forget()
    assert not (tmp_path / "data").exists()


def test_nothing_is_written_until_something_is_learned(tmp_path, fresh_model):
    Personalizer(fresh_model, PersonalStore(tmp_path / "data"))
    assert not (tmp_path / "data").exists()


def test_learned_words_persist_in_a_private_file(tmp_path, fresh_model, tiny_model_dir):
    import nextword

    store = PersonalStore(tmp_path / "data")
    personal = Personalizer(fresh_model, store)
    personal.learn("Open the", "door")
    assert personal.learned_words == 1
    personal.flush()
    assert stat.S_IMODE((tmp_path / "data" / DB_NAME).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    store.close()
    again = Personalizer(nextword.load(tiny_model_dir), PersonalStore(tmp_path / "data"))
    assert again.learned_words == 1


def test_unlearn_takes_back_a_learned_word(tmp_path, fresh_model):
    personal = Personalizer(fresh_model, PersonalStore(tmp_path / "data"))
    personal.learn("I saw", "the")
    personal.unlearn("I saw", "the")
    personal.learn("I saw", "teh")
    personal.flush()
    assert personal.learned_words == 1 and personal.personal.vocab.counts["the"] == 0
    assert PersonalStore(tmp_path / "data").history() == ["teh"]


def test_learning_changes_the_suggestion_distribution(tmp_path, fresh_model):
    door = fresh_model.tokenizer.ids["door"]
    before = fresh_model.next_word_probs("Then the ")[door]
    personal = Personalizer(fresh_model, PersonalStore(tmp_path / "data"))
    personal.learn_text("Open the door. Close the door. Paint the door.")
    assert fresh_model.next_word_probs("Then the ")[door] > 5 * before


def test_incognito_learns_and_writes_nothing(tmp_path, fresh_model):
    personal = Personalizer(fresh_model, PersonalStore(tmp_path / "data"), incognito=True)
    personal.learn("Open the", "door")
    personal.learn_text("Close the door.")
    personal.add_to_dictionary("teh")
    personal.block("the")
    personal.flush()
    assert personal.learned_words == 0 and not (tmp_path / "data").exists()
    assert "teh" in fresh_model.user_words  # the session still honours the choice


def test_dictionary_and_blocked_words_reach_the_model(tmp_path, fresh_model, tiny_model_dir):
    import nextword

    personal = Personalizer(fresh_model, PersonalStore(tmp_path / "data"))
    personal.add_to_dictionary("Nextword")
    personal.block("the")
    assert "nextword" in fresh_model.user_words
    assert "the" not in [s.word.lower() for s in fresh_model.suggest("at ", 50)]
    model = nextword.load(tiny_model_dir)
    Personalizer(model, PersonalStore(tmp_path / "data"))
    assert "nextword" in model.user_words
    assert "the" not in [s.word.lower() for s in model.suggest("at ", 50)]


def test_forget_removes_the_history_from_memory_and_disk(tmp_path, fresh_model):
    store = PersonalStore(tmp_path / "data")
    personal = Personalizer(fresh_model, store)
    personal.learn_text("Open the door. Close the door.")
    personal.flush()
    personal.forget()
    assert personal.learned_words == 0 and fresh_model.personal.history().size == 0
    assert store.history() == []
    assert b"door" not in (tmp_path / "data" / DB_NAME).read_bytes()


def test_forget_stored_empties_the_history_or_deletes_everything(tmp_path, fresh_model):
    personal = Personalizer(fresh_model, PersonalStore(tmp_path / "data"))
    personal.add_to_dictionary("nextword")
    personal.learn_text("Open the door.")
    personal.flush()
    personal.store.close()
    write_recovery(tmp_path / "a.txt", "draft", tmp_path / "data")
    assert forget_stored(tmp_path / "data") == [tmp_path / "data" / DB_NAME]
    assert PersonalStore(tmp_path / "data").history() == []
    assert PersonalStore(tmp_path / "data").words("dictionary") == {"nextword"}
    gone = forget_stored(tmp_path / "data", everything=True)
    assert tmp_path / "data" / DB_NAME in gone and len(gone) == 2
    assert not any(p.is_file() for p in (tmp_path / "data").rglob("*"))


def test_a_capital_at_a_sentence_start_is_not_taken_for_the_users_spelling(fresh_model):
    for _ in range(3):
        fresh_model.learner.learn("We met. ", "Then")
    assert fresh_model.personal.vocab.spelling("then") is None
    fresh_model.learner.learn("We met and ", "Then")
    fresh_model.learner.learn("We met and ", "Then")
    assert fresh_model.personal.vocab.spelling("then") == "Then"  # twice mid-sentence: the user's way


def test_saving_a_document_learns_the_paragraphs_it_was_opened_with_once(tmp_path, fresh_model,
                                                                         tiny_model_dir):
    import nextword
    from nextword.text.corpus import split_paragraphs

    opened_text = "Zorblax met Quinta.\n\nZorblax and Quinta left early.\n"
    opened = set(split_paragraphs(opened_text))
    typed = "A paragraph typed in the editor."  # learned as it was typed, not again on save
    store = PersonalStore(tmp_path / "data")
    personal = Personalizer(fresh_model, store)
    assert personal.learn_saved(opened_text + "\n" + typed + "\n", opened) == 8
    assert fresh_model.personal.vocab.counts["zorblax"] == 2 and "typed" not in fresh_model.personal.vocab.counts
    assert personal.learn_saved(opened_text + "\n" + typed + "\n", opened) == 0  # saved again
    personal.close()
    reopened = Personalizer(nextword.load(tiny_model_dir), PersonalStore(tmp_path / "data"))
    assert reopened.learn_saved(opened_text, opened) == 0  # the next session: nothing twice
    reopened.forget()
    assert reopened.learn_saved(opened_text, opened) == 8  # forgetting forgets the saves too


def test_saving_learns_nothing_in_incognito_or_of_an_edited_paragraph(tmp_path, fresh_model):
    personal = Personalizer(fresh_model, PersonalStore(tmp_path / "data"), incognito=True)
    assert personal.learn_saved("Zorblax met Quinta.", {"Zorblax met Quinta."}) == 0
    assert not (tmp_path / "data").exists()
    in_memory = Personalizer(fresh_model)
    assert in_memory.learn_saved("Zorblax met Quinta today.", {"Zorblax met Quinta."}) == 0
    assert in_memory.learn_saved("Zorblax met Quinta.", {"Zorblax met Quinta."}) == 3


def test_a_correction_to_a_word_the_user_taught_is_written_their_way_and_offered_once(fresh_model):
    from nextword.text.wordlist import english_words

    assert "postscript" in english_words() and "postscript" not in fresh_model.tokenizer.ids
    fresh_model.learn("I print with PostScript at home. PostScript is fun. More PostScript today.\n")
    words = [s.word for s in fresh_model.correct("postscrpt", "I print with ")]
    # the word list holds it too: one reading, not two, in the user's spelling
    assert words[0] == "PostScript" and len({w.lower() for w in words}) == len(words)
    assert fresh_model.autocorrect("I print with postscrpt at home") == "I print with PostScript at home"


def test_a_store_that_cannot_be_written_keeps_the_text_for_the_next_flush(tiny_model_dir, tmp_path):
    from nextword.errors import InputError

    folder = tmp_path / "data"
    folder.write_text("a file where the folder should be")
    model = nextword.load(tiny_model_dir)
    learner = Personalizer(model, PersonalStore(folder))
    with pytest.raises(InputError, match="data folder"):
        model.learn("the kettle is on the stove")  # a library call with a store writes at once
    assert learner.learned_words > 0  # learned in memory all the same
    folder.unlink()  # the folder can be made now: nothing typed was lost meanwhile
    learner.flush()
    assert "kettle" in " ".join(PersonalStore(folder).history())


def test_load_refuses_a_personal_folder_that_is_a_file(tiny_model_dir, tmp_path):
    from nextword.errors import InputError

    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="is not a folder"):
        nextword.load(tiny_model_dir, personal=tmp_path / "f")
    with pytest.raises(InputError, match="cannot create the data folder"):
        nextword.load(tiny_model_dir, personal=tmp_path / "f" / "sub")


def test_a_personal_folder_and_a_model_folder_under_home_are_expanded(tiny_model_dir, tmp_path, monkeypatch):
    """The README's own example, ``load(personal="~/.local/share/nextword")``, made a folder
    named ``~`` in the working directory."""
    import shutil

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    shutil.copytree(tiny_model_dir, tmp_path / "model")
    model = nextword.load("~/model", personal="~/data")
    model.learn("the kettle is on the stove")
    assert (tmp_path / "data" / DB_NAME).exists() and not (tmp_path / "~").exists()
