"""What ``nextword train`` can set: ``TypingTrainOptions`` and the flat keyword names that fill it
(``nextword.train(..., hidden_size=512)``, the CLI flags). Training from scratch and adapting a
base model (``nextword.lm.adapt``) both read them."""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field, fields
from typing import Any

from nextword.core.trainer import TrainConfig
from nextword.errors import InputError
from nextword.lm.model import LMConfig

# flat option names (``nextword.train(..., hidden_size=512)``, the CLI flags) -> the fields they set
FLAT_OPTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "vocab_size": (("word", "vocab_size"),),
    "dim": (("word", "dim"),),
    "hidden_size": (("word", "hidden_size"),),
    "num_layers": (("word", "num_layers"),),
    "dropout": (("word", "dropout"), ("char", "dropout")),
    "char_dim": (("char", "dim"),),
    "char_hidden": (("char", "hidden_size"),),
    **{name: (("loop", name),) for name in ("epochs", "lr", "seed", "patience", "checkpoint_every", "device")},
}


# the values a numeric option may take: (least, whether the least itself is allowed); a size, a
# count, a budget or a rate of 0 or less is a mistake (``--minutes -1`` trained anyway)
_COUNTS = ("epochs", "vocab_size", "dim", "hidden_size", "num_layers", "char_dim", "char_hidden", "patience",
           "min_frequency", "batch_size", "bptt", "ngram_order", "ngram_max_tokens", "max_val_tokens")
_AMOUNTS = ("max_minutes", "char_minutes", "lr", "checkpoint_every")
LEAST: dict[str, tuple[float, bool]] = {**dict.fromkeys(_COUNTS, (1, True)), **dict.fromkeys(_AMOUNTS, (0, False)),
                                        "dropout": (0, True), "val_fraction": (0, False)}
BELOW_ONE = ("dropout", "val_fraction")  # shares: under 1


def option_problem(name: str, value: Any) -> str | None:
    """What is wrong with ``value`` for the training option ``name`` (None: nothing we check)."""
    if name not in LEAST or value is None:
        return None
    least, allowed = LEAST[name]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):  # numpy's too
        return f"must be a number, not {value!r}"
    if name in _COUNTS and value != int(value):
        return "must be a whole number"
    if value < least or (value == least and not allowed):
        return f"must be {'at least' if allowed else 'more than'} {least:g}"
    if name in BELOW_ONE and value >= 1:
        return "must be under 1"
    return None


@dataclass
class TypingTrainOptions:
    """Everything ``nextword train`` can set; the defaults train the bundled model.

    The shapes of the two language models and the training loop are their own dataclasses
    (``LMConfig``, ``TrainConfig``); this adds what only training a typing model has. Build it
    from flat keyword options with ``from_kwargs`` (``FLAT_OPTIONS`` says which field each sets).
    """

    word: LMConfig = field(default_factory=lambda: LMConfig(vocab_size=30_000))  # vocab_size: the most
    # words the vocabulary keeps (the model gets the size the corpus gives)
    char: LMConfig = field(default_factory=lambda: LMConfig(vocab_size=0, dim=64, hidden_size=384, cutoffs=[]))
    loop: TrainConfig = field(default_factory=TrainConfig)  # epochs, lr, seed, patience, device ...
    min_frequency: int = 2               # a word seen fewer times stays out of the vocabulary
    batch_size: int = 64
    bptt: int = 35                       # tokens per truncated back-propagation window
    max_minutes: float | None = None     # wall-clock budget for the word LM
    char_minutes: float = 3.0            # budget for the (small) char LM
    ngram_order: int = 4
    ngram_max_tokens: int = 8_000_000    # n-gram from an even sample of at most this many tokens
    max_val_tokens: int = 200_000        # validation beyond this costs time and adds little
    val_fraction: float = 0.03
    progress: Any = True                 # a terminal progress bar, or what to report to (see progress.py)

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> TypingTrainOptions:
        """Options from flat keywords: the fields of this class and the names in ``FLAT_OPTIONS``."""
        own = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - own - set(FLAT_OPTIONS))
        if unknown:
            raise TypeError(f"unknown training option(s): {', '.join(unknown)}")
        for name, value in kwargs.items():
            if problem := option_problem(name, value):
                raise InputError(f"training option {name} {problem}")
        opts = cls(**{k: v for k, v in kwargs.items() if k in own})
        for name, value in kwargs.items():
            for part, attr in FLAT_OPTIONS.get(name, ()):
                setattr(getattr(opts, part), attr, value)
        return opts

    def flat(self) -> dict[str, Any]:
        """The flat keyword form (what ``from_kwargs`` takes; the CLI's defaults)."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("word", "char", "loop")}
        for name, targets in FLAT_OPTIONS.items():
            part, attr = targets[0]
            out[name] = getattr(getattr(self, part), attr)
        return out


# options that fix the shape of a model: adapting takes them from the base model
SHAPE_OPTIONS = ("vocab_size", "dim", "hidden_size", "num_layers", "char_dim", "char_hidden", "ngram_order")
