"""nextword: local, private predictive text with LSTM language models.

    model = nextword.load()                      # the bundled default model
    model.suggest("I'll meet you at the", k=3)   # -> [Suggestion(word, score, kind), ...]
    nextword.train(["notes/"], "models/mine")    # your own model
"""

from __future__ import annotations

from pathlib import Path

from nextword.correct.corrector import Corrector
from nextword.errors import InputError, ModelFileError
from nextword.lm.train import train
from nextword.lm.typing_model import TypingModel
from nextword.series.forecaster import Forecaster
from nextword.suggestion import Suggestion

__all__ = ["Forecaster", "InputError", "ModelFileError", "Suggestion", "TypingModel", "default_model_path",
           "load", "train"]
__version__ = "0.1.0"


def default_model_path() -> Path:
    """The model bundled inside the package."""
    return Path(__file__).parent / "default_model"


def load(path: str | Path | None = None) -> TypingModel:
    """Load a typing model directory (default: the bundled model)."""
    return TypingModel.load(default_model_path() if path is None else path, corrector_factory=Corrector)
