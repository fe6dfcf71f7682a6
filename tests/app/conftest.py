"""Fixtures for the editor tests: the real app on the session's tiny model, with the user data
folder in a temp dir (``NEXTWORD_DATA_DIR``), so no test touches the real one."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.worker import WorkerCancelled

from nextword.app import make_app
from nextword.app.editor import NextwordApp


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "userdata"
    monkeypatch.setenv("NEXTWORD_DATA_DIR", str(path))
    return path


@pytest.fixture()
def new_app(fresh_model, data_dir):
    """``new_app(path=None, **options)`` -> a NextwordApp on a fresh tiny model. Autosave is off
    unless a test asks for it."""

    def build(path: str | Path | None = None, **options) -> NextwordApp:
        options.setdefault("autosave_seconds", 3600)
        return make_app(path, model=fresh_model, data_directory=data_dir, **options)

    return build


async def _settle(app: NextwordApp, pilot) -> None:
    """Wait until every worker (suggestions, corrections, ...) is done and the UI is idle."""
    for _ in range(2):
        for _ in range(100):
            try:
                await app.workers.wait_for_complete()
                break
            except WorkerCancelled:  # a suggestion a newer keystroke superseded: wait for the rest
                await pilot.pause()
        await pilot.pause()


async def _type_text(app: NextwordApp, pilot, text: str) -> None:
    """Type ``text`` key by key and wait for the model."""
    names = {" ": "space", "\n": "enter", ",": "comma", ".": "full_stop", "'": "apostrophe",
             "!": "exclamation_mark", "?": "question_mark"}
    await pilot.press(*[names.get(ch, ch) for ch in text])
    await _settle(app, pilot)


@pytest.fixture()
def settle():
    """``await settle(app, pilot)``: wait for every worker and for the UI to be idle."""
    return _settle


@pytest.fixture()
def type_text():
    """``await type_text(app, pilot, "some text")``: press the keys, then settle."""
    return _type_text
