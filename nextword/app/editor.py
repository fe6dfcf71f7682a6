"""The nextword editor app: layout, keys and the glue between its parts.

The text area (``textarea.SuggestTextArea``) does the per-keystroke work; the document file
(``documents.DocumentFile``) opens, saves and autosaves; ``learning.Learning`` runs the commands
about the personal store (``nextword.lm.personal``). Every action has a key binding with an
``id`` (remap with ``App.set_keymap``) and a command-palette entry (``commands.COMMANDS``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer

from nextword.app.bars import StatusBar, SuggestionBar
from nextword.app.commands import help_markdown, system_commands
from nextword.app.documents import DocumentFile
from nextword.app.learning import Learning
from nextword.app.screens import HelpScreen
from nextword.app.settings import Settings
from nextword.app.textarea import SuggestTextArea
from nextword.errors import InputError
from nextword.lm.personal import Personalizer, PersonalStore
from nextword.userdata import data_dir, personal_model_dir


class NextwordApp(App[int]):
    """Type with next-word ghost text, a suggestion bar and autocorrect; learns from the user."""

    CSS_PATH = "editor.tcss"
    TITLE = "nextword"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("ctrl+o", "open", "Open", id="open"),
        Binding("ctrl+r", "toggle_autocorrect", "Autocorrect", id="toggle-autocorrect"),
        Binding("ctrl+t", "toggle_suggestions", "Suggestions", show=False, id="toggle-suggestions"),
        Binding("ctrl+g", "toggle_phrases", "Phrases", show=False, id="toggle-phrases"),
        Binding("f1", "help", "Help", id="help"),
        Binding("f2", "add_word", "Add word", show=False, id="add-word"),
        Binding("f3", "block_word", "Never suggest", show=False, id="block-word"),
        Binding("f4", "toggle_incognito", "Incognito", show=False, id="toggle-incognito"),
        Binding("f9", "learned", "Learned words", show=False, id="learned"),
        Binding("f8", "adapt", "Adapt my model", show=False, id="adapt"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
    ]

    dirty: reactive[bool] = reactive(False)
    """The text differs from the file on disk."""
    incognito: reactive[bool] = reactive(False)
    """Learn nothing and write nothing to the user data folder (no recovery files either)."""

    def __init__(self, model, path: str | Path | None = None, *, data_directory: Path | None = None,
                 incognito: bool = False, autosave_seconds: float = 2.0,
                 model_name: str = ""):
        super().__init__()
        self.model = model
        self.data_directory = data_directory if data_directory is not None else data_dir()
        self.settings = Settings(self.data_directory)
        self.personal = Personalizer(model, PersonalStore(self.data_directory), incognito)
        self.file = DocumentFile(self, Path(path) if path else None, self.data_directory)
        self.learning = Learning(self, self.personal)
        self.autosave_seconds = autosave_seconds
        self.model_name = model_name or self._model_name()
        self.corrections = 0
        self.set_reactive(NextwordApp.incognito, incognito)

    def _model_name(self) -> str:
        """The status bar's model: "yours (adapted)" for the model "adapt my model" made."""
        path = getattr(self.model, "path", None)
        if path is None:
            return "model"
        return "yours (adapted)" if Path(path) == personal_model_dir(self.data_directory) else Path(path).name

    def compose(self) -> ComposeResult:
        editor = SuggestTextArea(self.model, self.personal, id="editor")
        editor.phrases_enabled = self.settings["phrases"]
        yield editor
        yield SuggestionBar(id="bar")
        yield StatusBar(id="status")
        yield Footer()

    @property
    def editor(self) -> SuggestTextArea:
        return self.query_one("#editor", SuggestTextArea)

    @property
    def status(self) -> StatusBar:
        return self.query_one("#status", StatusBar)

    @property
    def path(self) -> Path | None:
        """The document's file (None: untitled)."""
        return self.file.path

    def _on_mount(self) -> None:
        # model threads hold the GIL in 5 ms slices by default; shorter slices let a finished
        # ghost reach the screen sooner (measured with scripts/bench/editor_latency.py)
        sys.setswitchinterval(0.001)
        status = self.status
        status.model_name = self.model_name
        status.incognito = self.incognito
        status.phrases = self.editor.phrases_enabled
        self.file.start()
        self.set_interval(self.autosave_seconds, self._autosave)
        self.editor.focus()

    def _autosave(self) -> None:
        """Every few seconds: the recovery file (only when the text changed) and the learned words."""
        if self.incognito:
            return
        self.file.autosave()
        self.learning.flush_in_background()

    def _watch_dirty(self) -> None:
        self.file.update_title()

    def _watch_incognito(self, incognito: bool) -> None:
        self.learning.set_incognito(incognito)

    # -- messages from the text area -----------------------------------------------------------
    def _on_text_area_changed(self, event: SuggestTextArea.Changed) -> None:
        self.file.text_changed()

    def _on_suggest_text_area_suggested(self, event: SuggestTextArea.Suggested) -> None:
        self.query_one(SuggestionBar).show(event.candidates)
        if event.latency_ms is not None:
            self.status.latency_ms = event.latency_ms

    def _on_suggest_text_area_corrected(self, event: SuggestTextArea.Corrected) -> None:
        self.corrections += 1
        self.status.corrections = self.corrections
        self.query_one(SuggestionBar).note(f"{event.typed} -> {event.corrected}  (ctrl+z undoes)")

    def _on_suggest_text_area_reverted(self, event: SuggestTextArea.Reverted) -> None:
        self.corrections -= 1
        self.status.corrections = self.corrections
        self.query_one(SuggestionBar).note(f"kept {event.typed}")

    def _on_suggest_text_area_word_finished(self, event: SuggestTextArea.WordFinished) -> None:
        self.query_one(SuggestionBar).note("")  # the note is about the last word only

    # -- actions -------------------------------------------------------------------------------
    def action_save(self) -> None:
        """Save (asks for a path when the document has none)."""
        self.file.save()

    def action_open(self) -> None:
        """Open another file (asks about unsaved changes first)."""
        self.file.ask_open()

    async def action_quit(self) -> None:
        """Quit; with unsaved changes, ask first."""

        def chosen(choice: str | None) -> None:
            if choice == "save" and not self.file.save_or_ask():
                return
            if choice in ("save", "discard"):
                self.file.discard_autosave()
                self.learning.close()
                self.exit(0)

        self.file.confirm_unsaved("Quit", chosen)

    def action_toggle_autocorrect(self) -> None:
        """Autocorrect on or off."""
        editor = self.editor
        editor.autocorrect_enabled = not editor.autocorrect_enabled
        self.status.autocorrect = editor.autocorrect_enabled  # the status bar is the feedback

    def action_toggle_suggestions(self) -> None:
        """Ghost text and suggestion bar on or off."""
        editor = self.editor
        editor.suggestions_enabled = not editor.suggestions_enabled
        self.status.suggestions = editor.suggestions_enabled

    def action_toggle_phrases(self) -> None:
        """Phrase completion on or off: several words of ghost text when confident (remembered)."""
        editor = self.editor
        editor.phrases_enabled = not editor.phrases_enabled
        editor.request_suggestion()  # the ghost at the cursor follows at once
        self.status.phrases = editor.phrases_enabled
        try:
            self.settings.set("phrases", editor.phrases_enabled, store=not self.incognito)
        except (OSError, InputError) as exc:  # InputError: the data folder cannot be created
            self.notify(f"could not save the setting: {getattr(exc, 'strerror', None) or exc}", severity="warning")

    def action_toggle_incognito(self) -> None:
        """Incognito: learn nothing, store nothing (no history, no recovery files)."""
        self.incognito = not self.incognito

    def action_add_word(self) -> None:
        """Add the word at the cursor to the dictionary (it is never autocorrected)."""
        self.learning.add_word()

    def action_block_word(self) -> None:
        """Never suggest the word at the cursor again."""
        self.learning.block_word()

    def action_forget(self) -> None:
        """Forget everything learned from your typing (asks first)."""
        self.learning.forget()

    def action_learned(self) -> None:
        """What I learned: your words (new ones first), with delete."""
        self.learning.show_learned()

    def action_adapt(self) -> None:
        """Adapt my model: a model of your own from what you wrote (background; next start)."""
        self.learning.adapt()

    def action_help(self) -> None:
        """Show the keys."""
        self.push_screen(HelpScreen(help_markdown(self)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from system_commands(self)
