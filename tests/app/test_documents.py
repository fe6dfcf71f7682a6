"""Files: open, atomic save that keeps permissions, and the prompts about unsaved changes."""

from __future__ import annotations

import os
import stat

from textual.widgets import Input

from nextword.app.screens import ChoiceScreen, PathScreen


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


async def test_a_windows_file_is_saved_with_its_own_line_endings(new_app, type_text, settle, tmp_path):
    """Saving turned every CRLF of a Windows file into LF: a change to every line."""
    doc = tmp_path / "win.txt"
    doc.write_bytes(b"Dear Sir,\r\nThank you.\r\n")
    unix = tmp_path / "unix.txt"
    unix.write_bytes(b"Dear Sir,\nThank you.\n")
    for path, newline in ((doc, b"\r\n"), (unix, b"\n")):
        app = new_app(path)
        async with app.run_test() as pilot:
            app.editor.move_cursor(app.editor.document.end)
            await type_text(app, pilot, "Yours")
            await pilot.press("enter")
            await type_text(app, pilot, "Ann")
            await pilot.press("ctrl+s")
            await settle(app, pilot)
        assert path.read_bytes() == newline.join([b"Dear Sir,", b"Thank you.", b"Yours", b"Ann"])


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


async def test_saving_as_an_existing_file_asks_before_replacing_it(new_app, type_text, settle, tmp_path):
    (tmp_path / "old.txt").write_text("keep me")
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "Hello")
        for answer in ("escape", "#overwrite"):
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            app.screen.query_one(Input).value = str(tmp_path / "old.txt")
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, ChoiceScreen) and (tmp_path / "old.txt").read_text() == "keep me"
            await (pilot.press(answer) if answer == "escape" else pilot.click(answer))
            await settle(app, pilot)
        assert (tmp_path / "old.txt").read_text() == "Hello" and app.path == tmp_path / "old.txt"


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


async def test_saving_over_a_file_another_program_changed_asks_first(new_app, type_text, settle, tmp_path):
    """Ctrl+S wrote over whatever another program had saved to the file meanwhile."""
    doc = tmp_path / "shared.txt"
    doc.write_text("Dear Sir,\n")
    app = new_app(doc)
    async with app.run_test() as pilot:
        app.editor.move_cursor((1, 0))
        await type_text(app, pilot, "mine")
        doc.write_text("Dear Sir,\ntheirs\n")  # another program saves the file
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")  # cancel: their text stays
        await settle(app, pilot)
        assert doc.read_text() == "Dear Sir,\ntheirs\n" and app.dirty
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.click("#overwrite")
        await settle(app, pilot)
        assert doc.read_text() == "Dear Sir,\nmine" and not app.dirty
        await pilot.press("ctrl+s")  # saved by us since: no question
        await settle(app, pilot)
        assert not isinstance(app.screen, ChoiceScreen)


async def test_a_long_question_is_shown_whole(new_app, settle):
    """The questions were cut at the dialog's edge ("... Recover th")."""
    from textual.widgets import Label

    question = ("notes.txt was changed by another program since it was opened. Save over those "
                "changes? The words at the end of this question must be visible too.")
    from nextword.app.screens import LearnedScreen

    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for screen in (ChoiceScreen(question, [("overwrite", "Save over it"), ("cancel", "Cancel")]),
                       PathScreen(question), LearnedScreen([(f"word{i}", 3, True) for i in range(2_000)], print)):
            app.push_screen(screen)
            await settle(app, pilot)
            label = app.screen.query_one(Label)
            box = label.parent.content_region
            assert label.region.right <= box.right, screen
            assert label.region.height * box.width >= len(str(label.render())), screen
            app.pop_screen()
            await settle(app, pilot)
