"""Learning from the user: new words, their n-grams and their style, mixed into suggestions.

* ``vocab.PersonalVocab``: the model's words plus the user's new words (ids after the model's),
  with counts and the user's spellings;
* ``model.PersonalModel``: a Kneser-Ney 4-gram of everything learned over that vocabulary,
  interpolated with the typing model by weights fitted on the user's own text;
* ``learner.Personalizer``: learning passages and typed words, forgetting, the dictionary and
  blocked words, incognito; writes to the store when there is one;
* ``store.PersonalStore``: one SQLite file, ``personal.sqlite3`` in the personal folder
  (``nextword.load(personal=...)``; the editor and CLI use the user data folder,
  ``platformdirs.user_data_dir("nextword")`` or ``$NEXTWORD_DATA_DIR``), mode 0600 in a 0700
  folder: the learned text, the fitted weights, the dictionary and blocked words.

Adapting a whole model to the user's text (new vocabulary rows, fine-tuned LSTMs) is
``nextword.lm.adapt``; the editor's "adapt my model" runs it on what was learned here.
"""


from nextword.lm.personal.learner import Personalizer, model_probs
from nextword.lm.personal.model import OFFER_AT, TRUST_AT, PersonalModel
from nextword.lm.personal.store import DB_NAME, MAX_HISTORY_CHARS, PersonalStore, forget_stored
from nextword.lm.personal.vocab import PersonalVocab

__all__ = ["DB_NAME", "MAX_HISTORY_CHARS", "OFFER_AT", "TRUST_AT", "PersonalModel", "PersonalStore",
           "PersonalVocab", "Personalizer", "forget_stored", "model_probs"]
