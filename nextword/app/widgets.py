"""Widgets of the nextword editor: the text area with ghost text and autocorrect, the suggestion
bar, the status bar, and the small modal screens (confirm, path prompt, recovery, help).

``SuggestTextArea`` owns everything that reacts to a keystroke. Model calls run in thread
workers; each result carries the edit counter and cursor location it was computed for and is
dropped on arrival when either has moved on (a stale ghost is worse than none).
"""

from __future__ import annotations

import re
import time
from collections import deque
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Markdown, Static, TextArea
from textual.widgets.text_area import Edit, Location, Selection
from textual.worker import get_current_worker

_PARTIAL = re.compile(r"\w[\w']*$")          # the word being typed, as TypingModel sees it
_WORD_BEFORE = re.compile(r"(\w[\w']*)$")    # the word just finished, before its separator
_SEPARATORS = set(" \t\n.,;:!?)]}\"")       # keys that finish a word (apostrophe does not)
_NO_SPACE_AFTER = set("([{\"'/-")           # a next word follows these without a space
_FIRST_WORD = re.compile(r"\s*\S+")


@dataclass(frozen=True)
class SuggestRequest:
    """What a suggestion worker was asked: the text before the cursor at one edit."""

    version: int          # the text area's request counter when the request was made
    location: Location    # the cursor then
    text: str             # the text before the cursor
    next_char: str        # the character after the cursor ("" at the end of the line)
    started: float | None  # time.perf_counter() of the keystroke whose ghost is still due


@dataclass(frozen=True)
class Correction:
    """An autocorrection that Backspace or Ctrl+Z may still revert."""

    start: Location
    end: Location         # the end of the corrected word
    typed: str
    corrected: str
    cursor: Location      # where the cursor was right after the correction
    edits: int            # the text area's edit counter right after the correction
    context: str          # the text before the word


def partial_word(text: str) -> str:
    """The word being typed at the end of ``text`` ("" after a space or punctuation)."""
    m = _PARTIAL.search(text)
    return m.group(0) if m else ""


def completion_ghost(partial: str, words: list[str]) -> str:
    """The rest of the first of ``words`` that continues ``partial`` (case-insensitively)."""
    low = partial.lower()
    for word in words:
        if word.lower().startswith(low) and len(word) > len(partial):
            return word[len(partial):]
    return ""


def next_word_ghost(text: str, word: str) -> str:
    """``word`` as typed after ``text``: with a space after punctuation ("Hello," -> " world")."""
    if text and not text[-1].isspace() and text[-1] not in _NO_SPACE_AFTER:
        return " " + word
    return word


def quick_ghost(model, text: str, next_char: str = "") -> str:
    """The ghost text for the text before the cursor, from the single best suggestion (cheap:
    no beam search when the vocabulary has a completion).

    The ghost is the rest of the word being typed, or the next word after a space. When the
    word being typed is already complete (its best completion is itself), it is the next word,
    with the space that separates them."""
    if next_char and (next_char.isalnum() or next_char == "_"):
        return ""  # inside a word: nothing to add
    partial = partial_word(text)
    low = partial.lower()
    if partial and len(model.prefix_range(low)) == 0:
        # no vocabulary word continues it: only the char model can (suggest() would also
        # search corrections, which never continue the typed prefix)
        words = [w for w, _ in model.char_complete(low, 2) if w not in model.blocked]
        return completion_ghost(partial, words)
    top = model.suggest(text, 1)
    if not top:
        return ""
    if not partial:
        return next_word_ghost(text, top[0].word)
    if top[0].word.lower() == low:
        after = model.suggest(text + " ", 1)
        return " " + after[0].word if after else ""
    return completion_ghost(partial, [top[0].word])


class SuggestTextArea(TextArea):
    """A text area that shows the model's best suggestion as dim ghost text after the cursor
    and autocorrects each finished word.

    Keys: Tab/Right accept the ghost, Ctrl+Right accepts its first word, Esc dismisses it,
    Alt+1..3 pick from the suggestion bar, Backspace right after an autocorrection reverts it.
    """

    DEFAULT_CSS = """
    SuggestTextArea .text-area--suggestion { color: $text-muted; text-style: italic; }
    """

    BINDINGS = [
        # not in the footer: redrawing the footer whenever a ghost comes or goes costs more
        # than the model call (measured: p99 43 ms -> 19 ms in scripts/bench_editor_latency.py)
        Binding("tab", "accept_suggestion", "Accept", show=False, priority=True, id="accept"),
        Binding("ctrl+right", "accept_word", "Accept word", show=False, priority=True,
                id="accept-word"),
        Binding("escape", "dismiss_suggestion", "Dismiss", show=False, id="dismiss"),
        Binding("alt+1", "pick(0)", "Pick the 1st word of the bar", show=False, id="pick-1"),
        Binding("alt+2", "pick(1)", "Pick the 2nd word of the bar", show=False, id="pick-2"),
        Binding("alt+3", "pick(2)", "Pick the 3rd word of the bar", show=False, id="pick-3"),
    ]

    suggestions_enabled: reactive[bool] = reactive(True)
    """Ghost text and the suggestion bar are on."""
    autocorrect_enabled: reactive[bool] = reactive(True)
    """Finished words are autocorrected."""

    # watchers run inside TextArea.__init__, so whatever they read needs a class-level default
    _anchor: Location | None = None
    _in_edit = False
    _keystroke_at: float | None = None

    class Suggested(Message):
        """New candidates (for the bar) and ghost text; ``latency_ms`` from the keystroke."""

        def __init__(self, candidates: list[str], ghost: str, latency_ms: float | None):
            super().__init__()
            self.candidates, self.ghost, self.latency_ms = candidates, ghost, latency_ms

    class Corrected(Message):
        """A finished word was autocorrected."""

        def __init__(self, typed: str, corrected: str):
            super().__init__()
            self.typed, self.corrected = typed, corrected

    class Reverted(Message):
        """An autocorrection was reverted; ``typed`` is left alone in this document."""

        def __init__(self, typed: str, corrected: str):
            super().__init__()
            self.typed, self.corrected = typed, corrected

    class WordFinished(Message):
        """The user finished ``word`` after the text ``context`` (it was learned already)."""

        def __init__(self, context: str, word: str):
            super().__init__()
            self.context, self.word = context, word

    def __init__(self, model, learner=None, text: str = "", **kwargs):
        self.model = model
        self.learner = learner           # learn(context, word) / unlearn(...): personal.Personalizer
        self.edits = 0                   # bumps on every edit, undo and redo
        self.version = 0                 # bumps on every suggestion request
        self.candidates: list[str] = []  # the bar's words, best first
        self.kept_words: set[str] = set()  # reverted corrections: left alone in this document
        self.latencies: deque[float] = deque(maxlen=10_000)  # keystroke -> ghost, ms
        self.dropped = 0                 # stale worker results thrown away
        self._dismissed = False
        self._correction: Correction | None = None
        super().__init__(text, soft_wrap=True, tab_behavior="focus", **kwargs)

    def _on_mount(self) -> None:
        self._warm_up()

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        # the first correction builds the corrector's index (~0.2 s): not on a keystroke
        self.model.correct("teh", "", 1)
        self.model.suggest("Th", 3)

    # -- ghost text ----------------------------------------------------------------------------
    def edit(self, edit: Edit) -> object:
        finishing = self._finishing_word(edit)
        if finishing is not None:
            # learn before the edit, so the suggestions it asks for already know the word
            self._learn(self.get_text_range((0, 0), finishing[0]), finishing[1])
        self._in_edit = True
        try:
            result = super().edit(edit)
        finally:
            self._in_edit = False
        if finishing is not None:
            self._word_finished(*finishing)
        return result

    def update_suggestion(self) -> None:
        """Called by TextArea after every edit, undo and redo: ask the model in a worker."""
        self.edits += 1
        self._dismissed = False
        self._keystroke_at = time.perf_counter()
        self.request_suggestion()

    def request_suggestion(self) -> None:
        """Ask the model for the cursor's ghost text and candidates again (e.g. after it learned
        something); results of earlier requests are dropped."""
        self.version += 1
        self._anchor = self.cursor_location
        if not self.is_mounted:
            return
        if not self.suggestions_enabled or not self.selection.is_empty:
            self.suggestion = ""
            return
        row, col = self.cursor_location
        line = self.document.get_line(row)
        before = self.get_text_range((0, 0), self.cursor_location)
        # a refresh inherits the keystroke it overtakes, so latency is keystroke -> final ghost
        self._suggest(SuggestRequest(self.version, self.cursor_location, before,
                                     line[col:col + 1], self._keystroke_at))

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def _suggest(self, request: SuggestRequest) -> None:
        # the ghost first (what the typist looks at), then the three candidates for the bar
        worker = get_current_worker()
        if worker.is_cancelled:
            return  # a newer keystroke superseded this one before it started
        ghost = quick_ghost(self.model, request.text, request.next_char)
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self._show_ghost, request, ghost)
        inside_word = request.next_char.isalnum()
        words = [] if inside_word else [s.word for s in self.model.suggest(request.text, 3)]
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_candidates, request, words)

    def _is_current(self, request: SuggestRequest) -> bool:
        if request.version != self.version or request.location != self.cursor_location:
            self.dropped += 1
            return False
        return self.suggestions_enabled

    def _show_ghost(self, request: SuggestRequest, ghost: str) -> None:
        if not self._is_current(request):
            return
        latency = None
        if request.started is not None:
            latency = (time.perf_counter() - request.started) * 1000
            self.latencies.append(latency)
            self._keystroke_at = None
        self._anchor = request.location
        self.suggestion = "" if self._dismissed else ghost
        self.post_message(self.Suggested(list(self.candidates), self.suggestion, latency))

    def _show_candidates(self, request: SuggestRequest, words: list[str]) -> None:
        if not self._is_current(request):
            return
        self.candidates = words
        partial = partial_word(request.text)
        if not self.suggestion and partial and not self._dismissed:
            # no ghost from the best word (a correction, say): a later candidate may continue it
            self.suggestion = completion_ghost(partial, words)
        self.post_message(self.Suggested(list(words), self.suggestion, None))

    def _watch_suggestions_enabled(self, enabled: bool) -> None:
        if not enabled:
            self.suggestion = ""
            self.candidates = []
            self.post_message(self.Suggested([], "", None))
        elif self.is_mounted:
            self.update_suggestion()

    def watch_selection(self, old: Selection, new: Selection) -> None:
        # TextArea only refreshes the ghost on edits; a cursor move makes it wrong
        if not self._in_edit and new.end != self._anchor and (self.suggestion or self.candidates):
            self.suggestion = ""
            self.candidates = []
            self.post_message(self.Suggested([], "", None))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("accept_suggestion", "dismiss_suggestion"):
            return bool(self.suggestion)  # otherwise Tab and Esc keep their usual meaning
        if action == "pick":
            return bool(parameters) and int(parameters[0]) < len(self.candidates)
        return super().check_action(action, parameters)

    def action_accept_suggestion(self) -> None:
        """Insert the whole ghost text."""
        self.insert(self.suggestion)

    def action_accept_word(self) -> None:
        """Insert the ghost text up to the end of its first word (or move a word right)."""
        m = _FIRST_WORD.match(self.suggestion)
        if m:
            self.insert(m.group(0))
        else:
            self.action_cursor_word_right()

    def action_dismiss_suggestion(self) -> None:
        """Hide the ghost until the next edit."""
        self._dismissed = True
        self.suggestion = ""

    def action_pick(self, index: int) -> None:
        """Replace the word being typed by bar candidate ``index`` (or add it as the next
        word), followed by a space."""
        if index >= len(self.candidates):
            return
        word = self.candidates[index]
        row, col = self.cursor_location
        before = self.document.get_line(row)[:col]
        m = _PARTIAL.search(before)
        start = (row, m.start() if m else col)
        space = "" if m or not before or before[-1].isspace() or before[-1] in _NO_SPACE_AFTER else " "
        self._learn(self.get_text_range((0, 0), start) + space, word)
        if m:
            self.replace(word + " ", start, (row, col))
        else:
            self.insert(space + word + " ")

    # -- autocorrect ---------------------------------------------------------------------------
    def _finishing_word(self, edit: Edit) -> tuple[Location, str] | None:
        """(start of the word, the word) when ``edit`` types a separator right after a word."""
        if (len(edit.text) != 1 or edit.text not in _SEPARATORS or edit.from_location != edit.to_location
                or edit.from_location != self.cursor_location or not self.selection.is_empty):
            return None
        row, col = edit.from_location
        m = _WORD_BEFORE.search(self.document.get_line(row)[:col])
        return ((row, m.start()), m.group(1)) if m else None

    def _learn(self, context: str, word: str, instead_of: str = "") -> None:
        """Tell the personal model (if any) that ``word`` followed ``context`` (replacing the
        earlier ``instead_of``)."""
        if self.learner is not None:
            if instead_of:
                self.learner.unlearn(context, instead_of)
            self.learner.learn(context, word)
        self.post_message(self.WordFinished(context, word))

    def _word_finished(self, start: Location, word: str) -> None:
        if (self.autocorrect_enabled and word.lower() not in self.kept_words
                and word.lower() not in self.model.user_words):
            self._correct(start, word, self.get_text_range((0, 0), start))

    @work(thread=True, group="correct", exit_on_error=False)
    def _correct(self, start: Location, typed: str, context: str) -> None:
        found = self.model.correct(typed, context, k=1)
        best = found[0].word if found else typed
        self.app.call_from_thread(self._apply_correction, start, typed, best, context)

    def _apply_correction(self, start: Location, typed: str, best: str, context: str) -> None:
        end = (start[0], start[1] + len(typed))
        still_there = self.get_text_range(start, end) == typed
        if best == typed or not still_there or not self.autocorrect_enabled:
            return
        self._learn(context, best, instead_of=typed)
        self.history.checkpoint()  # the correction is one undo step of its own
        self.replace(best, start, end)
        self.history.checkpoint()
        self._correction = Correction(start, (start[0], start[1] + len(best)), typed, best,
                                      self.cursor_location, self.edits, context)
        self.post_message(self.Corrected(typed, best))

    def _revertible(self) -> Correction | None:
        c = self._correction
        if c is None or c.edits != self.edits or c.cursor != self.cursor_location:
            return None
        return c

    def _keep(self, c: Correction) -> None:
        self._correction = None
        self.kept_words.add(c.typed.lower())
        self.post_message(self.Reverted(c.typed, c.corrected))

    def action_delete_left(self) -> None:
        """Backspace; right after an autocorrection it brings back the word as typed."""
        c = self._revertible()
        if c is None or not self.selection.is_empty:
            super().action_delete_left()
            return
        self._learn(c.context, c.typed, instead_of=c.corrected)
        self.history.checkpoint()
        self.replace(c.typed, c.start, c.end)
        self.history.checkpoint()
        self._keep(c)

    def action_undo(self) -> None:
        """Undo; undoing an autocorrection also leaves that word alone from now on."""
        c = self._revertible()
        if c is not None:
            self._learn(c.context, c.typed, instead_of=c.corrected)
        super().action_undo()
        if c is not None:
            self._keep(c)

    # -- helpers for the app -------------------------------------------------------------------
    def word_at_cursor(self) -> str:
        """The word the cursor is in or just after (the last word before it otherwise)."""
        row, col = self.cursor_location
        line = self.document.get_line(row)
        for m in re.finditer(r"\w[\w']*", line):
            if m.start() <= col <= m.end():
                return m.group(0)
        words = re.findall(r"\w[\w']*", self.get_text_range((0, 0), self.cursor_location))
        return words[-1] if words else ""


class SuggestionBar(Horizontal):
    """The top three candidates with their keys, or the last autocorrection."""

    DEFAULT_CSS = """
    SuggestionBar { height: 1; }
    SuggestionBar > Label { width: 1fr; content-align: center middle; }
    SuggestionBar > Label.-empty { color: $text-disabled; }
    SuggestionBar > #bar-note { width: auto; max-width: 40%; padding: 0 1; color: $warning; }
    """

    def compose(self) -> ComposeResult:
        for i in range(3):
            yield Label("", id=f"bar-{i + 1}", classes="-empty")
        yield Label("", id="bar-note")

    _shown: list[str] | None = None

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
    incognito: reactive[bool] = reactive(False)
    activity: reactive[str] = reactive("")
    """A background job's progress, e.g. ``fine-tune 40%``."""

    def render(self) -> Text:
        latency = "-" if self.latency_ms is None else f"{self.latency_ms:.0f} ms"
        parts = [self.model_name, f"{self.words} words", f"{self.corrections} corrected",
                 f"ghost {latency}",
                 "autocorrect " + ("on" if self.autocorrect else "off"),
                 "suggest " + ("on" if self.suggestions else "off")]
        if self.incognito:
            parts.append("INCOGNITO")
        if self.activity:
            parts.append(self.activity)
        return Text(" | ".join(parts), no_wrap=True, overflow="ellipsis")


# -- modal screens -----------------------------------------------------------------------------
class ChoiceScreen(ModalScreen[str]):
    """A question with buttons; dismisses with the chosen button's id ("cancel" on Esc)."""

    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical { width: 60; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
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
