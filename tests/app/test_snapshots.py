"""A few snapshots of the layout (textual is pinned in pyproject.toml: rendering changes between
releases). Behaviour is tested with Pilot elsewhere; these pin what the screen looks like.
Update with ``pytest tests/app/test_snapshots.py --snapshot-update`` after a deliberate change."""

from __future__ import annotations

from pathlib import Path

import pytest

from nextword.app import make_app

SIZE = (80, 16)


@pytest.fixture()
def snapshot_app(fresh_model, data_dir):
    def build(data_directory: Path = data_dir):
        return make_app(None, model=fresh_model, data_directory=data_directory, autosave_seconds=3600)

    return build


def typing(text: str):
    """A ``run_before`` that types ``text`` and waits for the model, with the cursor steady and
    the (timing-dependent) latency hidden."""

    async def run_before(pilot) -> None:
        app = pilot.app
        app.editor.cursor_blink = False
        await pilot.press(*[{" ": "space", "'": "apostrophe"}.get(ch, ch) for ch in text])
        for _ in range(3):  # a correction's result starts a new suggestion worker
            await app.workers.wait_for_complete()
            await pilot.pause()
        app.status.latency_ms = None
        await pilot.pause()

    return run_before


def test_layout_with_ghost_text_and_suggestion_bar(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app(), terminal_size=SIZE, run_before=typing("I'll meet you at the"))


def test_layout_after_an_autocorrection(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app(), terminal_size=SIZE, run_before=typing("I saw teh "))


def test_help_screen(snap_compare, snapshot_app):
    async def open_help(pilot) -> None:
        pilot.app.editor.cursor_blink = False
        await pilot.press("f1")
        await pilot.pause()

    # a fixed data folder, since the help screen shows its path (nothing is written to it)
    app = snapshot_app(Path("/home/user/.local/share/nextword"))
    assert snap_compare(app, terminal_size=(90, 34), run_before=open_help)
