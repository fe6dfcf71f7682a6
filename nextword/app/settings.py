"""The editor's settings that outlive a session (phrase completion on or off): one small JSON
file, ``settings.json`` in the user data folder (0600 in a 0700 folder, replaced atomically).
Nothing is written in incognito; a missing or unreadable file means the defaults.
"""

from __future__ import annotations

import json
from pathlib import Path

from nextword.files import atomic_write_text
from nextword.userdata import private_dir

SETTINGS_FILE = "settings.json"
DEFAULTS = {"phrases": True}


class Settings:
    """The settings in one data folder: read once, written whenever one changes."""

    def __init__(self, directory: Path):
        self.path = directory / SETTINGS_FILE
        self.values = dict(DEFAULTS)
        try:
            stored = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            stored = {}
        if isinstance(stored, dict):
            self.values.update({k: v for k, v in stored.items() if type(v) is type(DEFAULTS.get(k, v))})

    def __getitem__(self, key: str):
        return self.values[key]

    def set(self, key: str, value, store: bool = True) -> None:
        """Change a setting, and unless ``store`` is False (incognito) write the file."""
        self.values[key] = value
        if store:
            private_dir(self.path.parent)
            atomic_write_text(self.path, json.dumps(self.values, indent=1) + "\n", mode=0o600)
