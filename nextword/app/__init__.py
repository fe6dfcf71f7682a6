"""The nextword editor (Textual). ``run_app`` is what ``nextword [FILE]`` calls; ``make_app``
builds the same app for tests and scripts."""

from __future__ import annotations

import os
from pathlib import Path

from nextword.app.editor import NextwordApp
from nextword.errors import InputError

__all__ = ["NextwordApp", "make_app", "run_app"]


def make_app(path: str | Path | None = None, model=None, model_dir: str | Path | None = None,
             **options) -> NextwordApp:
    """The editor on ``path`` with ``model`` (or the model in ``model_dir``, default: the bundled
    one). ``options`` go to ``NextwordApp`` (``data_directory``, ``incognito``,
    ``autosave_seconds``, ``finetune_seconds``)."""
    if model is None:
        import nextword

        model = nextword.load(model_dir)
    if path is not None:
        p = Path(path)
        if p.is_dir():
            raise InputError(f"{p} is a folder, not a text file")
        if p.exists():
            try:
                p.read_text("utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{p} is not UTF-8 text") from None
            except OSError as exc:
                raise InputError(f"cannot read {p}: {exc.strerror}") from None
    return NextwordApp(model, path, **options)


def run_app(path: str | None, model_dir: str | None, incognito: bool | None = None) -> int:
    """Open the editor on ``path`` (None: an untitled document); returns the exit code.
    ``incognito`` (default: ``$NEXTWORD_INCOGNITO`` set) starts with learning and storing off."""
    if "OMP_NUM_THREADS" not in os.environ:
        import torch

        torch.set_num_threads(max(1, min(2, (os.cpu_count() or 2) - 1)))  # leave the UI a core
    if incognito is None:
        incognito = os.environ.get("NEXTWORD_INCOGNITO", "") not in ("", "0")
    app = make_app(path, model_dir=model_dir, incognito=incognito)
    result = app.run()
    return int(result or 0)
