"""nextword: local, private predictive text with LSTM language models.

    model = nextword.load()                      # the bundled default model
    model.suggest("I'll meet you at the", k=3)   # -> [Suggestion(word, score, kind), ...]
    model.learn(open("my_notes.txt").read())      # learn the user's words and phrases
    nextword.train(["notes/"], "models/mine")    # your own model
"""

from __future__ import annotations

from pathlib import Path

from nextword.correct.corrector import Corrector
from nextword.errors import InputError, ModelFileError
from nextword.lm.personal import Personalizer, PersonalStore
from nextword.lm.train import train
from nextword.lm.typing_model import TypingModel
from nextword.paths import default_model_path
from nextword.series.forecaster import Forecaster
from nextword.suggestion import Suggestion
from nextword.userdata import check_data_dir

__all__ = ["Forecaster", "InputError", "ModelFileError", "Suggestion", "TypingModel", "default_model_path",
           "load", "train"]
__version__ = "0.1.0"


def load(path: str | Path | None = None, *, personal: str | Path | None = None) -> TypingModel:
    """Load a typing model directory (default: the bundled model).

    ``personal`` is a folder for the personal store (``~`` is expanded, as in ``path``): what
    that folder holds is learned at once, and ``model.learn`` / ``model.forget`` write there.
    None (the default) learns in memory only: a library call never writes to the user's data
    folder unless asked to (the editor and the CLI pass ``nextword.userdata.data_dir()``).
    """
    model = TypingModel.load(default_model_path() if path is None else Path(path).expanduser(),
                             corrector_factory=Corrector)
    if personal is not None:
        Personalizer(model, PersonalStore(check_data_dir(Path(personal).expanduser())))
    return model
