"""Commands as the user finds them: the command palette and the help screen."""

from __future__ import annotations

from nextword.app.commands import COMMANDS
from nextword.app.editor import NextwordApp
from nextword.app.screens import HelpScreen


async def test_the_command_palette_has_an_entry_for_every_action(new_app, type_text, settle, tmp_path):
    app = new_app(tmp_path / "a.txt")
    async with app.run_test() as pilot:
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {title for title, _, _ in COMMANDS} <= titles
        actions = {b.action.split("(")[0] for b in NextwordApp.BINDINGS} - {"quit"}
        assert actions <= {action for _, _, action in COMMANDS}
        await type_text(app, pilot, "via palette")
        await pilot.press("ctrl+p")
        await pilot.press(*"Save")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(app, pilot)
    assert (tmp_path / "a.txt").read_text() == "via palette"


async def test_f1_shows_the_help_screen_with_the_keys(new_app, settle):
    app = new_app()
    async with app.run_test() as pilot:
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.markdown
        for key in ("Tab", "Ctrl+S", "Ctrl+R", "Alt+1", "F4", "personal.sqlite3"):
            assert key.lower() in text.lower()
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, HelpScreen)
