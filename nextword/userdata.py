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
