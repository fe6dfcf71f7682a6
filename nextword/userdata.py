"""Where nextword keeps what it learns about the user: one private folder.

``$NEXTWORD_DATA_DIR`` or the platform's user data folder (``platformdirs``). Nothing here is
created until something is written, and what is created is readable by the user only.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DATA_ENV = "NEXTWORD_DATA_DIR"


def data_dir() -> Path:
    """The user data folder (not created): ``$NEXTWORD_DATA_DIR`` or the platform's."""
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else Path(platformdirs.user_data_dir("nextword", appauthor=False))


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the user only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


PERSONAL_MODEL = "model"  # the editor's adapted model (F8), inside the data folder


def personal_model_dir(directory: Path | None = None) -> Path:
    """Where the editor's "adapt my model" writes the user's own model (not created)."""
    return (directory if directory is not None else data_dir()) / PERSONAL_MODEL


def chosen_model_dir(given: str | Path | None, directory: Path | None = None) -> Path | None:
    """The typing model the editor and the CLI use: the one given, else the user's adapted model
    when there is one, else None (the bundled model)."""
    if given is not None:
        return Path(given)
    mine = personal_model_dir(directory)
    return mine if (mine / "config.json").exists() else None


def make_private(path: Path) -> None:
    """Make ``path`` (a folder, recursively, or a file) readable by the user only: 0700 / 0600."""
    for p in [path, *path.rglob("*")] if path.is_dir() else [path]:
        os.chmod(p, 0o700 if p.is_dir() else 0o600)
