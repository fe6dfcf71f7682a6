"""Crash recovery: autosave to a private recovery file, and the offer to recover it on reopening."""

from __future__ import annotations

import asyncio
import stat

from nextword.app.recovery import discard_recovery, read_recovery, recovery_path, write_recovery
from nextword.app.screens import ChoiceScreen


async def test_autosave_writes_a_private_recovery_file(new_app, type_text, settle, tmp_path, data_dir):
    doc = tmp_path / "a.txt"
    app = new_app(doc, autosave_seconds=0.2)
    async with app.run_test() as pilot:
        await type_text(app, pilot, "draft")
        await asyncio.sleep(0.5)
        await settle(app, pilot)
        found = read_recovery(doc, data_dir)
        assert found is not None and found.text == "draft"
        assert stat.S_IMODE(recovery_path(doc, data_dir).stat().st_mode) == 0o600
        assert not (tmp_path / ".a.txt.swp").exists() and not doc.exists()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert read_recovery(doc, data_dir) is None  # saved: nothing to recover


async def test_reopening_after_a_crash_offers_the_autosaved_text(new_app, settle, tmp_path, data_dir):
    doc = tmp_path / "a.txt"
    doc.write_text("saved version")
    write_recovery(doc, "saved version plus unsaved words", data_dir)  # as a killed app leaves it
    app = new_app(doc)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.click("#recover")
        await settle(app, pilot)
        assert app.editor.text == "saved version plus unsaved words" and app.dirty


async def test_discarding_the_recovery_deletes_it(new_app, settle, tmp_path, data_dir):
    doc = tmp_path / "a.txt"
    doc.write_text("saved")
    write_recovery(doc, "unsaved", data_dir)
    app = new_app(doc)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await pilot.click("#discard")
        await settle(app, pilot)
        assert app.editor.text == "saved"
    assert read_recovery(doc, data_dir) is None


def test_recovery_files_are_private_and_round_trip(tmp_path):
    doc = tmp_path / "notes.txt"
    path = write_recovery(doc, "unsaved text", tmp_path / "data")
    assert path == recovery_path(doc, tmp_path / "data") and path.parent.name == "recovery"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_recovery(doc, tmp_path / "data").text == "unsaved text"
    assert read_recovery(tmp_path / "other.txt", tmp_path / "data") is None
    path.write_text("{garbage")
    assert read_recovery(doc, tmp_path / "data") is None
    discard_recovery(doc, tmp_path / "data")
    assert not path.exists()
