"""Files: open, atomic save that keeps permissions, the quit prompt, autosave and recovery."""

from __future__ import annotations

import asyncio
import os
import stat

from textual.widgets import Input

from nextword.app.recovery import read_recovery, recovery_path, write_recovery
from nextword.app.widgets import ChoiceScreen, PathScreen


async def test_ctrl_s_writes_the_file_atomically_and_keeps_its_mode(new_app, type_text, settle, tmp_path):
    doc = tmp_path / "notes.txt"
    doc.write_text("Dear Sir,\n")
    os.chmod(doc, 0o640)
    inode = doc.stat().st_ino
    app = new_app(doc)
    async with app.run_test() as pilot:
        app.editor.move_cursor((1, 0))
        await type_text(app, pilot, "It is done")
        assert app.dirty
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not app.dirty
    assert doc.read_text() == "Dear Sir,\nIt is done"
    assert stat.S_IMODE(doc.stat().st_mode) == 0o640
    assert doc.stat().st_ino != inode  # replaced by rename, not rewritten in place
    assert [p.name for p in tmp_path.glob(".notes.txt*")] == []  # no temp file left behind


async def test_saving_an_untitled_document_asks_for_a_path(new_app, type_text, settle, tmp_path):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Hello")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, PathScreen)
        app.screen.query_one(Input).value = str(tmp_path / "new.txt")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.path == tmp_path / "new.txt" and not app.dirty
        assert (tmp_path / "new.txt").read_text() == app.editor.text == "Hello"


async def test_quit_with_unsaved_changes_asks_first(new_app, type_text, settle, tmp_path):
    doc = tmp_path / "a.txt"
    app = new_app(doc)
    async with app.run_test() as pilot:
        await type_text(app, pilot, "unsaved")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")  # cancel: keep editing
        await settle(app, pilot)
        assert app.is_running and not isinstance(app.screen, ChoiceScreen)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        await pilot.click("#discard")
        await settle(app, pilot)
    assert app.return_value == 0
    assert not doc.exists()


async def test_quit_and_save_writes_the_file(new_app, type_text, settle, tmp_path):
    doc = tmp_path / "a.txt"
    app = new_app(doc)
    async with app.run_test() as pilot:
        await type_text(app, pilot, "kept")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        await pilot.click("#save")
        await settle(app, pilot)
    assert doc.read_text() == "kept"


async def test_quit_without_changes_does_not_ask(new_app, settle):
    app = new_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    assert app.return_value == 0


async def test_ctrl_o_opens_another_file(new_app, settle, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("Other text")
    app = new_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert isinstance(app.screen, PathScreen)
        app.screen.query_one(Input).value = str(other)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.editor.text == "Other text" and app.path == other and not app.dirty


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
