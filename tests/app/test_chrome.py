"""Chrome: status bar, footer bindings with ids (remappable), command palette, help screen."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets._footer import FooterKey

from nextword.app.editor import COMMANDS, NextwordApp
from nextword.app.widgets import HelpScreen, SuggestTextArea


def footer_descriptions(app) -> set[str]:
    return {key.description for key in app.screen.query(FooterKey)}


async def test_the_status_bar_shows_model_words_corrections_and_latency(new_app, type_text):
    app = new_app()
    async with app.run_test(size=(160, 24)) as pilot:
        await type_text(app, pilot, "I saw teh system ")
        line = str(app.status.render())
        assert line.startswith("tiny |") and "4 words" in line and "1 corrected" in line
        assert app.status.latency_ms is not None and f"ghost {app.status.latency_ms:.0f} ms" in line


async def test_every_binding_has_an_id_and_can_be_remapped(new_app, type_text, settle, tmp_path):
    bindings = [b for b in [*NextwordApp.BINDINGS, *SuggestTextArea.BINDINGS] if isinstance(b, Binding)]
    assert all(b.id for b in bindings) and len({b.id for b in bindings}) == len(bindings)
    doc = tmp_path / "a.txt"
    app = new_app(doc)
    async with app.run_test() as pilot:
        app.set_keymap({"save": "f12"})
        await type_text(app, pilot, "remapped")
        await pilot.press("f12")
        await settle(app, pilot)
    assert doc.read_text() == "remapped"


async def test_the_footer_lists_the_main_commands(new_app, type_text):
    app = new_app()
    async with app.run_test() as pilot:
        await type_text(app, pilot, "I'll meet you at the")
        assert {"Save", "Open", "Autocorrect", "Help", "Quit"} <= footer_descriptions(app)


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
