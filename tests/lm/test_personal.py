"""The personal store and model: n-gram hook, SQLite file (lazy, 0600), incognito, forget,
recovery files and the LSTM fine-tune."""

from __future__ import annotations

import stat

import numpy as np
import pytest

from nextword.app.recovery import write_recovery
from nextword.lm.personal import (
    DB_NAME,
    Personalizer,
    PersonalNgram,
    PersonalStore,
    finetune_word_lm,
    forget_stored,
    install_word_lm,
)
from nextword.userdata import data_dir


def test_the_data_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NEXTWORD_DATA_DIR", str(tmp_path / "d"))
    assert data_dir() == tmp_path / "d"
    monkeypatch.delenv("NEXTWORD_DATA_DIR")
    assert data_dir().name == "nextword"


def test_the_personal_ngram_is_a_distribution_that_prefers_seen_continuations():
    ngram = PersonalNgram(10, skip_ids=(0, 1))
    assert ngram.probs([1, 2]) is None  # nothing learned yet
    ngram.observe_sequence([1, 2, 3, 4, 2, 3, 5])
    p = ngram.probs([1, 2])
    assert p.shape == (10,) and np.isclose(p.sum(), 1.0)
    assert p.argmax() == 3  # "2" was followed by "3" twice
    assert p[0] == p[1] == 0  # unknown word and boundary are never predicted
    assert np.isclose(ngram.probs([9, 9]).sum(), 1.0)  # unseen context: the unigram


def test_nothing_is_written_until_something_is_learned(tmp_path, fresh_model):
    Personalizer(fresh_model, PersonalStore(tmp_path / "data"))
    assert not (tmp_path / "data").exists()


def test_learned_words_persist_in_a_private_file(tmp_path, fresh_model, tiny_model_dir):
    import nextword

    store = PersonalStore(tmp_path / "data")
    personal = Personalizer(fresh_model, store)
    personal.learn("Open the", "door")
    assert personal.learned_words == 1 and fresh_model.personal_weight > 0
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
    # "teh" is outside the vocabulary: kept in the history, not counted by the n-gram
    assert personal.learned_words == 0 and personal.ngram.following == {}
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
    assert personal.learned_words == 0 and fresh_model.personal_weight == 0
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


def test_fine_tune_returns_a_trained_copy_and_reports_progress(fresh_model, tmp_path):
    personal = Personalizer(fresh_model, PersonalStore(tmp_path / "data"))
    personal.learn_text("Open the door and close the door, then paint the door red.\n" * 30)
    seen = []
    old = fresh_model.word_lm
    before = {k: v.clone() for k, v in old.state_dict().items()}
    lm = finetune_word_lm(fresh_model, personal.history_ids(), seconds=2.0,
                          on_progress=lambda f, loss: seen.append(f))
    assert lm is not old and seen and 0 < seen[-1] <= 1
    assert all(torch_equal(before[k], v) for k, v in old.state_dict().items())  # original untouched
    door = fresh_model.tokenizer.ids["door"]
    p_before = fresh_model.next_word_probs("Paint the ")[door]
    install_word_lm(fresh_model, lm)
    assert fresh_model.word_lm is lm
    assert fresh_model.next_word_probs("Paint the ")[door] > p_before


def test_fine_tune_needs_some_history(fresh_model):
    with pytest.raises(ValueError, match="too little"):
        finetune_word_lm(fresh_model, np.array([1, 2, 3]), seconds=1.0)


def torch_equal(a, b) -> bool:
    import torch

    return bool(torch.equal(a, b))


def test_confidence_grows_with_how_often_the_context_was_seen():
    from nextword.lm.personal import PersonalNgram

    ngram = PersonalNgram(10)
    unseen = ngram.confidence([1, 2])
    ngram.observe_sequence([1, 2, 3])
    once = ngram.confidence([1, 2])
    ngram.observe_sequence([1, 2, 3, 1, 2, 3, 1, 2, 3])
    assert unseen < once < ngram.confidence([1, 2]) <= 1.0
    assert ngram.confidence([7, 8]) == unseen  # a context never followed by anything
