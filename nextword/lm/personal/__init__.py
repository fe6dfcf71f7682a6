"""Learning from the user: a personal n-gram mixed into suggestions, a dictionary, blocked words.

Everything lives in one SQLite file, ``personal.sqlite3`` in the user data folder
(``platformdirs.user_data_dir("nextword")``, or ``$NEXTWORD_DATA_DIR``), created with mode 0600
in a 0700 folder. It holds

* ``history``: the words the user typed, one row per flush (the source of the personal n-gram and
  of the LSTM fine-tune);
* ``words``: the user's dictionary (never corrected) and blocked words (never suggested).

``Personalizer`` ties a store to a ``TypingModel``: a finished word updates the in-memory n-gram at
once (so the very next suggestion can use it) and is written to disk on ``flush``. The n-gram
plugs into the model's hook, ``model.personal.probs(context_ids)``, which ``TypingModel.mix``
interpolates as ``(1 - w) * p + w * personal``; ``w`` grows with the amount learned.
In incognito mode nothing is learned and nothing is written.
"""

from nextword.lm.personal.finetune import FineTuneCancelled, finetune_word_lm, install_word_lm
from nextword.lm.personal.learner import HALF_WEIGHT_AT, MAX_WEIGHT, Personalizer
from nextword.lm.personal.ngram import PersonalNgram
from nextword.lm.personal.store import DB_NAME, MAX_HISTORY_CHARS, PersonalStore, forget_stored

__all__ = ["DB_NAME", "HALF_WEIGHT_AT", "MAX_HISTORY_CHARS", "MAX_WEIGHT", "FineTuneCancelled",
           "PersonalNgram", "PersonalStore", "Personalizer", "finetune_word_lm", "forget_stored",
           "install_word_lm"]
