"""The two one-line bars under the text: the suggestion bar (the top three candidates with their
keys, or a note about the last autocorrection) and the status bar (model, counts, latency, modes).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label, Static


class SuggestionBar(Horizontal):
    """The top three candidates with their keys, or the last autocorrection."""

    DEFAULT_CSS = """
    SuggestionBar { height: 1; }
    SuggestionBar > Label { width: 1fr; content-align: center middle; }
    SuggestionBar > Label.-empty { color: $text-disabled; }
    SuggestionBar > #bar-note { width: auto; max-width: 40%; padding: 0 1; color: $warning; }
    """

    _shown: list[str] | None = None  # the candidates on display

    def compose(self) -> ComposeResult:
        for i in range(3):
            yield Label("", id=f"bar-{i + 1}", classes="-empty")
        yield Label("", id="bar-note")

    def show(self, candidates: list[str]) -> None:
        """Candidates, best first (at most three)."""
        if candidates == self._shown:
            return  # most keystrokes inside a word keep the same three: skip the relayout
        self._shown = list(candidates)
        for i in range(3):
            label = self.query_one(f"#bar-{i + 1}", Label)
            if i < len(candidates):
                label.update(Text.assemble((f"Alt+{i + 1} ", "dim"), candidates[i]))
                label.remove_class("-empty")
            else:
                label.update("")
                label.add_class("-empty")

    def note(self, text: str) -> None:
        """A short note at the right end, e.g. ``teh -> the``."""
        self.query_one("#bar-note", Label).update(text)

    @property
    def words(self) -> list[str]:
        out = []
        for i in range(3):
            text = str(self.query_one(f"#bar-{i + 1}", Label).render())
            if text:
                out.append(text.split(" ", 1)[1])
        return out


class StatusBar(Static):
    """Model, word count, corrections, suggestion latency and modes, on one line."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    model_name: reactive[str] = reactive("")
    words: reactive[int] = reactive(0)
    corrections: reactive[int] = reactive(0)
    latency_ms: reactive[float | None] = reactive(None)
    """The last keystroke-to-ghost-text time (None before the first)."""
    autocorrect: reactive[bool] = reactive(True)
    suggestions: reactive[bool] = reactive(True)
    phrases: reactive[bool] = reactive(True)
    """The ghost may be a phrase (shown as "suggest phrases"; "suggest words" when not)."""
    incognito: reactive[bool] = reactive(False)
    activity: reactive[str] = reactive("")
    """A background job's progress, e.g. ``fine-tune 40%``."""

    def render(self) -> Text:
        latency = "-" if self.latency_ms is None else f"{self.latency_ms:.0f} ms"
        parts = [self.model_name, f"{self.words} words", f"{self.corrections} corrected",
                 f"ghost {latency}",
                 "autocorrect " + ("on" if self.autocorrect else "off"),
                 "suggest " + (("phrases" if self.phrases else "words") if self.suggestions else "off")]
        if self.incognito:
            parts.append("INCOGNITO")
        if self.activity:
            parts.append(self.activity)
        return Text(" | ".join(parts), no_wrap=True, overflow="ellipsis")
