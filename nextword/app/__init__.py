"""The nextword editor (Textual). ``run_app`` is what ``nextword [FILE]`` calls; ``make_app``
builds the same app for tests and scripts.

Modules: ``editor`` (the app), ``textarea`` (ghost text, accepting, picking; ``ghost`` computes
the ghost text, ``autocorrect`` corrects finished words, ``pending`` keeps them at their place
until corrected), ``bars`` (suggestion and status bar),
``screens`` (modal screens), ``documents`` (open, save, autosave; ``recovery`` files),
``learning`` (dictionary, blocked words, forget, fine-tune) and ``commands`` (palette, help).
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

from nextword import load
from nextword.app.documents import check_document
from nextword.app.editor import NextwordApp
from nextword.userdata import check_data_dir, chosen_model_dir, data_dir

__all__ = ["NextwordApp", "make_app", "run_app"]


def make_app(path: str | Path | None = None, model=None, model_dir: str | Path | None = None,
             **options) -> NextwordApp:
    """The editor on ``path`` with ``model`` (or the model in ``model_dir``, default: the user's
    adapted model if they made one, else the bundled one). ``options`` go to ``NextwordApp`` (``data_directory``, ``incognito``,
    ``autosave_seconds``)."""
    if not options.get("incognito"):  # incognito writes nothing there
        check_data_dir(options.get("data_directory") or data_dir())
    if model is None:
        model = load(chosen_model_dir(model_dir, options.get("data_directory")))
    if path is not None:
        check_document(Path(path))
    return NextwordApp(model, path, **options)


def run_app(path: str | None, model_dir: str | None, incognito: bool | None = None) -> int:
    """Open the editor on ``path`` (None: an untitled document); returns the exit code.
    ``incognito`` (default: ``$NEXTWORD_INCOGNITO`` set) starts with learning and storing off."""
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(max(1, min(2, (os.cpu_count() or 2) - 1)))  # leave the UI a core
    if incognito is None:
        incognito = os.environ.get("NEXTWORD_INCOGNITO", "") not in ("", "0")
    app = make_app(path, model_dir=model_dir, incognito=incognito)
    result = app.run()
    return int(result or 0)
