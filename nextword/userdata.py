"""Where nextword keeps what it learns about the user: one private folder.

``$NEXTWORD_DATA_DIR`` or the platform's user data folder (``platformdirs``). Nothing here is
created until something is written, and what is created is readable by the user only.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from nextword.errors import InputError

DATA_ENV = "NEXTWORD_DATA_DIR"


def data_dir() -> Path:
    """The user data folder (not created): ``$NEXTWORD_DATA_DIR`` or the platform's."""
    env = os.environ.get(DATA_ENV)
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("nextword", appauthor=False))


def check_data_dir(path: Path) -> Path:
    """``path`` if nextword can keep the user's data there: a folder it may write in, or one it
    can create (the nearest existing parent is a folder it may write in); otherwise an
    ``InputError`` saying why (a data folder that is a file once crashed the editor at the
    first save). Nothing is created."""
    path = Path(path)
    where = f"{DATA_ENV}={path}" if os.environ.get(DATA_ENV) == str(path) else str(path)
    probe = path
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise InputError(f"the data folder {where} is not a folder" if probe == path else
                         f"cannot create the data folder {where}: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise InputError(f"cannot write in the data folder {where}" if probe == path else
                         f"cannot create the data folder {where}: {probe} is not writable")
    return path


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the user only (an ``InputError`` when it
    cannot be: the reason, in one line)."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the data folder {path}: {exc.strerror or exc}") from None
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
