"""The nextword editor app: layout, keys, files (open, atomic save, crash recovery) and learning.

The text area (``widgets.SuggestTextArea``) does the per-keystroke work; this app owns the
document (path, saved text, autosave), the personal store (``nextword.lm.personal``) and the
commands: every action has a key binding with an ``id`` (remap with ``App.set_keymap``) and a
command-palette entry.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import get_current_worker

from nextword.app.recovery import discard_recovery, read_recovery, write_recovery
from nextword.app.widgets import (
    ChoiceScreen,
    HelpScreen,
    PathScreen,
    StatusBar,
    SuggestionBar,
    SuggestTextArea,
)
from nextword.files import atomic_write_text
from nextword.lm.personal import (
    FineTuneCancelled,
    Personalizer,
    PersonalStore,
    finetune_word_lm,
    install_word_lm,
)
from nextword.userdata import data_dir

_WORDS = re.compile(r"\w+(?:'\w+)*")


def read_document(path: Path) -> str:
    """The text of ``path`` ("" for a file that does not exist yet). Raises ``OSError`` or
    ``UnicodeDecodeError``."""
    if not path.exists():
        return ""
    return path.read_text("utf-8")


def save_document(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (temp file, fsync, rename), keeping the existing
    file's permission bits (a new file gets the umask default). Writes through a symlink to
    its target. Returns the path written."""
    target = path.resolve()
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None  # a new file: the usual umask default
    atomic_write_text(target, text, mode=mode)
    return target


def key_label(key: str) -> str:
    """``ctrl+s`` -> ``Ctrl+S``, ``escape`` -> ``Esc``: keys as the help screen shows them."""
    names = {"escape": "Esc", "ctrl": "Ctrl", "alt": "Alt", "shift": "Shift"}
    return "+".join(names.get(part, part.capitalize() if len(part) > 1 else part.upper())
                    for part in key.strip().split("+"))


class NextwordApp(App[int]):
    """Type with next-word ghost text, a suggestion bar and autocorrect; learns from the user."""

    CSS_PATH = "editor.tcss"
    TITLE = "nextword"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("ctrl+o", "open", "Open", id="open"),
        Binding("ctrl+r", "toggle_autocorrect", "Autocorrect", id="toggle-autocorrect"),
        Binding("ctrl+t", "toggle_suggestions", "Suggestions", show=False, id="toggle-suggestions"),
        Binding("f1", "help", "Help", id="help"),
        Binding("f2", "add_word", "Add word", show=False, id="add-word"),
        Binding("f3", "block_word", "Never suggest", show=False, id="block-word"),
        Binding("f4", "toggle_incognito", "Incognito", show=False, id="toggle-incognito"),
        Binding("f8", "finetune", "Fine-tune", show=False, id="finetune"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
    ]

    dirty: reactive[bool] = reactive(False)
    """The text differs from the file on disk."""
    incognito: reactive[bool] = reactive(False)
    """Learn nothing and write nothing to the user data folder (no recovery files either)."""

    def __init__(self, model, path: str | Path | None = None, *, data_directory: Path | None = None,
                 incognito: bool = False, autosave_seconds: float = 2.0,
                 finetune_seconds: float = 60.0, model_name: str = ""):
        super().__init__()
        self.model = model
        self.path: Path | None = Path(path) if path else None
        self.data_directory = data_directory if data_directory is not None else data_dir()
        self.personal = Personalizer(model, PersonalStore(self.data_directory), incognito)
        self.autosave_seconds = autosave_seconds
        self.finetune_seconds = finetune_seconds
        self.model_name = model_name or (Path(model.path).name if getattr(model, "path", None) else "model")
        self.corrections = 0
        self._saved_text = ""
        self._autosaved_text: str | None = None
        self.set_reactive(NextwordApp.incognito, incognito)

    def compose(self) -> ComposeResult:
        yield SuggestTextArea(self.model, self.personal, id="editor")
        yield SuggestionBar(id="bar")
        yield StatusBar(id="status")
        yield Footer()

    @property
    def editor(self) -> SuggestTextArea:
        return self.query_one("#editor", SuggestTextArea)

    @property
    def status(self) -> StatusBar:
        return self.query_one("#status", StatusBar)

    def _on_mount(self) -> None:
        # model threads hold the GIL in 5 ms slices by default; shorter slices let a finished
        # ghost reach the screen sooner (measured with scripts/bench_editor_latency.py)
        sys.setswitchinterval(0.001)
        status = self.status
        status.model_name = self.model_name
        status.incognito = self.incognito
        if self.path is not None:
            self._load(self.path)
        else:
            self._update_title()
            self._offer_recovery(None, "")
        self.set_interval(self.autosave_seconds, self._autosave)
        self.editor.focus()

    # -- document ------------------------------------------------------------------------------
    def _load(self, path: Path) -> bool:
        try:
            text = read_document(path)
        except (OSError, UnicodeDecodeError) as exc:
            self.notify(f"Cannot open {path}: {exc}", severity="error")
            return False
        self.path = path
        self._saved_text = text
        self._autosaved_text = None
        self.editor.load_text(text)
        self.editor.kept_words.clear()
        self._text_changed()
        self._offer_recovery(path, text)
        return True

    def _offer_recovery(self, path: Path | None, text: str) -> None:
        """After a crash the recovery file is still there: offer its text."""
        found = read_recovery(path, self.data_directory)
        if found is None or found.text == text:
            return
        age = max(0.0, time.time() - found.saved_at)
        name = path.name if path else "the untitled document"

        def chosen(choice: str | None) -> None:
            if choice == "recover":
                self.editor.load_text(found.text)
                self._text_changed()
                self.notify(f"Recovered unsaved text of {name}")
            elif choice == "discard" and not self.incognito:
                discard_recovery(path, self.data_directory)

        self.push_screen(ChoiceScreen(
            f"nextword was closed without saving {name}. Recover the text autosaved "
            f"{age:.0f} s before that?", [("recover", "Recover"), ("discard", "Discard"),
                                         ("cancel", "Ask again later")]), chosen)

    def _text_changed(self) -> None:
        text = self.editor.text
        self.dirty = text != self._saved_text
        self.status.words = len(_WORDS.findall(text))

    def _watch_dirty(self) -> None:
        self._update_title()

    def _update_title(self) -> None:
        name = str(self.path) if self.path else "untitled"
        self.sub_title = name + (" (modified)" if self.dirty else "")

    def _save_to(self, path: Path) -> bool:
        text = self.editor.text
        try:
            save_document(path, text)
        except OSError as exc:
            self.notify(f"Cannot save {path}: {exc.strerror or exc}", severity="error")
            return False
        old = self.path
        self.path, self._saved_text = path, text
        self.dirty = False
        self._update_title()
        if not self.incognito:
            discard_recovery(old, self.data_directory)
            discard_recovery(path, self.data_directory)
            self.personal.flush()
        self.notify(f"Saved {path.name}")
        return True

    def _autosave(self) -> None:
        """Every few seconds: the recovery file (only when the text changed) and the learned words."""
        if self.incognito:
            return
        text = self.editor.text
        if self.dirty and text != self._autosaved_text:
            self._autosaved_text = text
            self._write_recovery(self.path, text)
        elif not self.dirty and self._autosaved_text is not None:
            self._autosaved_text = None
            discard_recovery(self.path, self.data_directory)
        self._flush_personal()

    @work(thread=True, group="autosave", exit_on_error=False)
    def _write_recovery(self, path: Path | None, text: str) -> None:
        write_recovery(path, text, self.data_directory)

    @work(thread=True, group="flush", exit_on_error=False)
    def _flush_personal(self) -> None:
        self.personal.flush()

    # -- messages from the text area -----------------------------------------------------------
    def _on_text_area_changed(self, event: SuggestTextArea.Changed) -> None:
        self._text_changed()

    def _on_suggest_text_area_suggested(self, event: SuggestTextArea.Suggested) -> None:
        self.query_one(SuggestionBar).show(event.candidates)
        if event.latency_ms is not None:
            self.status.latency_ms = event.latency_ms

    def _on_suggest_text_area_corrected(self, event: SuggestTextArea.Corrected) -> None:
        self.corrections += 1
        self.status.corrections = self.corrections
        self.query_one(SuggestionBar).note(f"{event.typed} -> {event.corrected}  (backspace undoes)")

    def _on_suggest_text_area_reverted(self, event: SuggestTextArea.Reverted) -> None:
        self.corrections -= 1
        self.status.corrections = self.corrections
        self.query_one(SuggestionBar).note(f"kept {event.typed}")

    def _on_suggest_text_area_word_finished(self, event: SuggestTextArea.WordFinished) -> None:
        self.query_one(SuggestionBar).note("")  # the note is about the last word only

    # -- actions -------------------------------------------------------------------------------
    def action_save(self) -> None:
        """Save (asks for a path when the document has none)."""
        if self.path is not None:
            self._save_to(self.path)
            return

        def chosen(value: str | None) -> None:
            if value:
                self._save_to(Path(value).expanduser())

        self.push_screen(PathScreen("Save as:"), chosen)

    def action_open(self) -> None:
        """Open another file (asks about unsaved changes first)."""

        def chosen(value: str | None) -> None:
            if value:
                self._discard_autosave()
                self._load(Path(value).expanduser())

        def ask_path(choice: str | None = "discard") -> None:
            if choice == "save" and not self._save_or_ask():
                return
            if choice in ("save", "discard"):
                self.push_screen(PathScreen("Open file:", str(self.path or "")), chosen)

        self._confirm_unsaved("Open another file", ask_path)

    def _save_or_ask(self) -> bool:
        if self.path is None:
            self.action_save()
            return False
        return self._save_to(self.path)

    def _confirm_unsaved(self, doing: str, then) -> None:
        if not self.dirty:
            then("discard")
            return
        name = self.path.name if self.path else "the untitled document"
        self.push_screen(ChoiceScreen(f"{doing}: save the changes to {name} first?",
                                      [("save", "Save"), ("discard", "Don't save"),
                                       ("cancel", "Cancel")]), then)

    def _discard_autosave(self) -> None:
        if not self.incognito:
            discard_recovery(self.path, self.data_directory)

    async def action_quit(self) -> None:
        """Quit; with unsaved changes, ask first."""

        def chosen(choice: str | None) -> None:
            if choice == "save" and not self._save_or_ask():
                return
            if choice in ("save", "discard"):
                self._discard_autosave()
                self._close_personal()
                self.exit(0)

        self._confirm_unsaved("Quit", chosen)

    def _close_personal(self) -> None:
        self.workers.cancel_group(self, "finetune")
        if not self.incognito:
            self.personal.flush()
        self.personal.store.close()

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

    def action_toggle_incognito(self) -> None:
        """Incognito: learn nothing, store nothing (no history, no recovery files)."""
        self.incognito = not self.incognito

    def _watch_incognito(self, incognito: bool) -> None:
        if incognito:
            self.personal.flush()  # what was typed before stays learned; nothing after
        self.personal.incognito = incognito
        if self.is_mounted:
            self.status.incognito = incognito
            self.notify(f"Incognito {'on: nothing is learned or stored' if incognito else 'off'}")

    def _cursor_word(self) -> str | None:
        """The word at the cursor, or None after telling the user there is none."""
        word = self.editor.word_at_cursor()
        if not word:
            self.notify("No word at the cursor", severity="warning")
        return word or None

    def action_add_word(self) -> None:
        """Add the word at the cursor to the dictionary (it is never autocorrected)."""
        if (word := self._cursor_word()) is None:
            return
        self.personal.add_to_dictionary(word)
        self.notify(f"Added {word!r} to your dictionary")

    def action_block_word(self) -> None:
        """Never suggest the word at the cursor again."""
        if (word := self._cursor_word()) is None:
            return
        self.personal.block(word)
        self.editor.request_suggestion()  # the ghost may be that very word
        self.notify(f"{word!r} will not be suggested again")

    def action_forget(self) -> None:
        """Forget everything learned from your typing (asks first)."""

        def chosen(choice: str | None) -> None:
            if choice == "forget":
                self.personal.forget()
                self.editor.request_suggestion()
                self.notify("Forgot everything learned from your typing")

        self.push_screen(ChoiceScreen("Forget everything nextword learned from your typing?",
                                      [("forget", "Forget"), ("cancel", "Cancel")]), chosen)

    def action_finetune(self) -> None:
        """Fine-tune the word LSTM on your typing history, in the background."""
        if self.incognito:
            self.notify("Not in incognito mode", severity="warning")
            return
        self._finetune()

    @work(thread=True, exclusive=True, group="finetune", exit_on_error=False)
    def _finetune(self) -> None:
        worker = get_current_worker()
        ids = self.personal.history_ids()
        last = [0.0]

        def progress(fraction: float, loss: float) -> None:
            if worker.is_cancelled:
                raise FineTuneCancelled
            if time.monotonic() - last[0] > 0.2:
                last[0] = time.monotonic()
                self.call_from_thread(self._set_activity, f"fine-tune {fraction:.0%} loss {loss:.2f}")

        self.call_from_thread(self._set_activity, "fine-tune 0%")
        try:
            lm = finetune_word_lm(self.model, ids, self.finetune_seconds, progress)
        except ValueError as exc:
            self.call_from_thread(self.notify, str(exc), severity="warning")
            self.call_from_thread(self._set_activity, "")
            return
        except FineTuneCancelled:
            return
        install_word_lm(self.model, lm)
        self.call_from_thread(self.editor.request_suggestion)
        self.call_from_thread(self._set_activity, "")
        self.call_from_thread(self.notify, f"Fine-tuned on {len(ids):,} words of your typing")

    def _set_activity(self, text: str) -> None:
        self.status.activity = text

    def action_help(self) -> None:
        """Show the keys."""
        self.push_screen(HelpScreen(self.help_markdown()))

    def help_markdown(self) -> str:
        """The help text: every binding of the app and the editor, and where data is kept."""
        rows = []
        seen = set()
        for binding in [*SuggestTextArea.BINDINGS, *self.BINDINGS]:
            if isinstance(binding, Binding) and binding.id not in seen:
                seen.add(binding.id)
                keys = ", ".join(key_label(k) for k in binding.key.split(","))
                doc = binding.description if "(" in binding.action else self._action_doc(binding.action)
                rows.append(f"| {keys} | {doc} |")
        return "\n".join([
            "# nextword", "",
            "Type; the dim text after the cursor is the model's guess.", "",
            "| key | does |", "|---|---|",
            "| Right | accept the ghost text |",
            "| Backspace | right after an autocorrection: bring back what you typed |",
            "| Ctrl+Z | undo (also reverts an autocorrection) |",
            "| Ctrl+P | command palette (every action, including Forget) |",
            *rows, "",
            f"Learned words, your dictionary and blocked words: `{self.personal.store.path}`.",
            f"Unsaved text for crash recovery: `{self.data_directory / 'recovery'}`.",
            "Delete that folder to remove everything nextword stored about you.", "",
            "Press Esc to close.",
        ])

    def _action_doc(self, action: str) -> str:
        name = action.split("(", 1)[0]
        for target in (self, SuggestTextArea):
            method = getattr(target, f"action_{name}", None)
            if method is not None and method.__doc__:
                return method.__doc__.strip().splitlines()[0]
        return ""

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for title, help_text, action in COMMANDS:
            yield SystemCommand(title, help_text, getattr(self, f"action_{action}"))


# (palette title, help, action): one entry per action, so every action is reachable by name
COMMANDS = [
    ("Save", "Save the document (atomically, keeping its permissions)", "save"),
    ("Open file", "Open another file", "open"),
    ("Toggle autocorrect", "Correct each word as you finish it, or not", "toggle_autocorrect"),
    ("Toggle suggestions", "Show ghost text and the suggestion bar, or not", "toggle_suggestions"),
    ("Toggle incognito", "Learn nothing and store nothing", "toggle_incognito"),
    ("Add word to dictionary", "The word at the cursor is never autocorrected", "add_word"),
    ("Never suggest word", "The word at the cursor is never suggested again", "block_word"),
    ("Forget everything learned", "Delete what nextword learned from your typing", "forget"),
    ("Fine-tune on my typing", "Train the word LSTM on your typing history (background)", "finetune"),
    ("Help", "Keys and where your data is kept", "help"),
]
