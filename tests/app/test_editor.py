"""The app's keys: every binding has an id (remappable), and the footer lists the main ones."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets._footer import FooterKey

from nextword.app.editor import NextwordApp
from nextword.app.textarea import SuggestTextArea


def footer_descriptions(app) -> set[str]:
    return {key.description for key in app.screen.query(FooterKey)}


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
