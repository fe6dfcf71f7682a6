"""Where the files nextword ships with live: the bundled model and, in a source checkout, the
text it was trained on. A leaf module, so any stage may ask (``lm`` may not import the package
root)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def default_model_path() -> Path:
    """The model bundled inside the package."""
    return PACKAGE / "default_model"


def bundled_corpus_files() -> list[Path]:
    """The text files of ``corpus/`` in a source checkout, the bundled model's training text
    (not its provenance notice, ``SOURCES.md``); none when nextword runs from an installed copy
    without it."""
    return sorted((PACKAGE.parent / "corpus").glob("*.txt"))
