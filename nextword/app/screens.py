"""The editor's modal screens: a question with buttons (unsaved changes, crash recovery, forget),
a file path prompt (open, save as), the help screen and the list of learned words."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Markdown


class ChoiceScreen(ModalScreen[str]):
    """A question with buttons; dismisses with the chosen button's id ("cancel" on Esc)."""

    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical { width: 60; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    ChoiceScreen Label { width: 100%; }
    ChoiceScreen Horizontal { height: auto; margin-top: 1; }
    ChoiceScreen Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "dismiss('cancel')", "Cancel", id="choice-cancel")]

    def __init__(self, question: str, choices: list[tuple[str, str]]):
        super().__init__()
        self.question, self.choices = question, choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            with Horizontal():
                for i, (choice_id, label) in enumerate(self.choices):
                    yield Button(label, id=choice_id, variant="primary" if i == 0 else "default")

    def _on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "cancel")


class PathScreen(ModalScreen[str | None]):
    """Ask for a file path; dismisses with it, or None on Esc."""

    DEFAULT_CSS = """
    PathScreen { align: center middle; }
    PathScreen > Vertical { width: 70; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    PathScreen Label { width: 100%; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="path-cancel")]

    def __init__(self, title: str, value: str = ""):
        super().__init__()
        self.title_text, self.value = title, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield Input(self.value, placeholder="path/to/file.txt", id="path")

    def _on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


class HelpScreen(ModalScreen[None]):
    """F1: the keys and where personal data is kept."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 80; height: 80%; border: thick $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help-close")]

    def __init__(self, markdown: str):
        super().__init__()
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self.markdown)


class LearnedScreen(ModalScreen[None]):
    """What nextword learned from the user: every learned word (new words first) with how often
    it was written; Delete forgets the selected word everywhere."""

    DEFAULT_CSS = """
    LearnedScreen { align: center middle; }
    LearnedScreen > Vertical { width: 70; height: 80%; border: thick $accent; background: $surface; padding: 0 1; }
    LearnedScreen Label { width: 100%; }
    LearnedScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="learned-close"),
                Binding("delete,backspace", "forget_selected", "Forget word", id="learned-forget")]

    def __init__(self, rows: list[tuple[str, int, bool]], forget: Callable[[str], object]):
        super().__init__()
        self.rows, self.forget = rows, forget

    def compose(self) -> ComposeResult:
        with Vertical():
            new = sum(1 for _, _, is_new in self.rows if is_new)
            yield Label(f"{len(self.rows):,} words learned, {new:,} new. Delete forgets the selected word; Esc closes.",
                        id="learned-summary")
            yield DataTable(id="learned", cursor_type="row", zebra_stripes=True)

    def _on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("word", "times", "")
        for word, count, is_new in self.rows:
            table.add_row(word, f"{count:,}", "new" if is_new else "", key=word)
        table.focus()

    def action_forget_selected(self) -> None:
        """Forget the selected word (in memory and on disk)."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        self.forget(str(key.value))
        table.remove_row(key)
        self.notify(f"Forgot {key.value!r}")
