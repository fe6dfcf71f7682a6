"""The editor's text area: the model's best suggestion as dim ghost text after the cursor,
accepting it, picking from the suggestion bar, learning each finished word and autocorrecting
it (``autocorrect.Autocorrect``).

Model calls run in thread workers; each suggestion carries the edit counter and cursor location
it was computed for and is dropped on arrival when either has moved on (a stale ghost is worse
than none). A correction is never dropped for being late: it lands on its word wherever the word
is by then (``autocorrect``).
"""

from __future__ import annotations

import gc
import time
from collections import deque

from textual import events, work
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditResult, Location, Selection
from textual.worker import get_current_worker

from nextword.app.autocorrect import Autocorrect
from nextword.app.ghost import (
    SuggestRequest,
    candidates_ghost,
    first_word,
    ghost_text,
    rest_of_phrase,
    space_before_next_word,
)
from nextword.text.words import partial_word


class Suggested(Message, namespace="suggest_text_area"):
    """New candidates (for the bar) and ghost text; ``latency_ms`` from the keystroke."""

    def __init__(self, candidates: list[str], ghost: str, latency_ms: float | None):
        super().__init__()
        self.candidates, self.ghost, self.latency_ms = candidates, ghost, latency_ms


class Corrected(Message, namespace="suggest_text_area"):
    """A finished word was autocorrected."""

    def __init__(self, typed: str, corrected: str):
        super().__init__()
        self.typed, self.corrected = typed, corrected


class Reverted(Message, namespace="suggest_text_area"):
    """An autocorrection was reverted; ``typed`` is left alone in this document."""

    def __init__(self, typed: str, corrected: str):
        super().__init__()
        self.typed, self.corrected = typed, corrected


class WordFinished(Message, namespace="suggest_text_area"):
    """The user finished ``word`` after the text ``context`` (it was learned already)."""

    def __init__(self, context: str, word: str):
        super().__init__()
        self.context, self.word = context, word


class SuggestTextArea(TextArea):
    """A text area that shows the model's best suggestion (a word, or a confident phrase) as dim
    ghost text after the cursor and autocorrects each finished word.

    Keys: Tab/Right accept the ghost, Ctrl+Right accepts its first word, Esc dismisses it,
    Alt+1..3 pick from the suggestion bar, Backspace right after an autocorrection reverts it.
    Pasted text is not autocorrected (a paste is not typing) but is learned.
    """

    DEFAULT_CSS = """
    SuggestTextArea .text-area--suggestion { color: $text-muted; text-style: italic; }
    """

    BINDINGS = [
        # not in the footer: redrawing the footer whenever a ghost comes or goes costs more
        # than the model call (measured: p99 43 ms -> 19 ms in scripts/bench/editor_latency.py)
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
    phrases_enabled: reactive[bool] = reactive(True)
    """The ghost may be a confident phrase of several words (else the next word only)."""

    # watchers run inside TextArea.__init__, so whatever they read needs a class-level default
    _anchor: Location | None = None
    _in_edit = False
    _keystroke_at: float | None = None
    _phrase = ""  # the phrase ghost on display (or what is left of it after typing through it)

    # the messages it posts (``on_suggest_text_area_suggested`` and so on)
    Suggested, Corrected, Reverted, WordFinished = Suggested, Corrected, Reverted, WordFinished

    def __init__(self, model, learner=None, text: str = "", **kwargs):
        self.model = model
        self.learner = learner           # learn, unlearn, learn_text: personal.Personalizer
        self.autocorrect = Autocorrect(self)
        self.edits = 0                   # bumps on every edit, undo and redo
        self.version = 0                 # bumps on every suggestion request
        self.candidates: list[str] = []  # the bar's words, best first
        self.latencies: deque[float] = deque(maxlen=10_000)  # keystroke -> ghost, ms
        self.dropped = 0                 # stale worker results thrown away
        self._dismissed = False
        super().__init__(text, soft_wrap=True, tab_behavior="focus", **kwargs)

    def _on_mount(self) -> None:
        self._warm_up()

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        # the first correction builds the corrector's index (~0.2 s): not on a keystroke
        self.model.autocorrect_word("teh", "")
        # ... and a misspelling's suggestions the word list's index (~2 s)
        self.model.correct("definately", "", 3)
        self.model.suggest("Th", 3)
        # the model's ~185k long-lived objects make a full garbage collection (run now and then
        # as typing allocates) a pause of ~0.2 s on a keystroke; they are never garbage
        gc.freeze()

    # -- edits ---------------------------------------------------------------------------------
    def edit(self, edit: Edit) -> EditResult:
        self._in_edit = True
        self._phrase = rest_of_phrase(self._phrase, edit, self.cursor_location)
        try:
            return self.autocorrect.edit(edit, super().edit)
        finally:
            self._in_edit = False

    def learn_word(self, context: str, word: str, instead_of: str = "") -> None:
        """Tell the personal model (if any) that ``word`` followed ``context`` (replacing the
        earlier ``instead_of``)."""
        if self.learner is not None:
            if instead_of:
                self.learner.unlearn(context, instead_of)
            self.learner.learn(context, word)
        self.post_message(self.WordFinished(context, word))

    # -- ghost text ----------------------------------------------------------------------------
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
        self._suggest(SuggestRequest(self.version, self.cursor_location, before, line[col:col + 1],
                                     self._keystroke_at, self.phrases_enabled, self._phrase))

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def _suggest(self, request: SuggestRequest) -> None:
        # the ghost first (what the typist looks at), then the three candidates for the bar
        worker = get_current_worker()
        if worker.is_cancelled:
            return  # a newer keystroke superseded this one before it started
        ghost, phrase = ghost_text(self.model, request.text, request.next_char, request.phrases, request.kept)
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self._show_ghost, request, ghost, phrase)
        inside_word = request.next_char.isalnum()
        words = [] if inside_word else [s.word for s in self.model.suggest(request.text, 3)]
        # no ghost from the best word (a correction, say): a later candidate may continue it
        fallback = "" if ghost or inside_word else candidates_ghost(self.model, request.text, words)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_candidates, request, words, fallback)

    def _is_current(self, request: SuggestRequest) -> bool:
        if request.version != self.version or request.location != self.cursor_location:
            self.dropped += 1
            return False
        return self.suggestions_enabled

    def _show_ghost(self, request: SuggestRequest, ghost: str, phrase: bool = False) -> None:
        if not self._is_current(request):
            return
        latency = None
        if request.started is not None:
            latency = (time.perf_counter() - request.started) * 1000
            self.latencies.append(latency)
            self._keystroke_at = None
        self._anchor = request.location
        self.suggestion = "" if self._dismissed else ghost
        self._phrase = self.suggestion if phrase else ""
        self.post_message(self.Suggested(list(self.candidates), self.suggestion, latency))

    def _show_candidates(self, request: SuggestRequest, words: list[str], fallback: str = "") -> None:
        if not self._is_current(request):
            return
        self.candidates = words
        if not self.suggestion and fallback and not self._dismissed:
            self.suggestion = fallback
        self.post_message(self.Suggested(list(words), self.suggestion, None))

    def _watch_suggestions_enabled(self, enabled: bool) -> None:
        if not enabled:
            self.suggestion = self._phrase = ""
            self.candidates = []
            self.post_message(self.Suggested([], "", None))
        elif self.is_mounted:
            self.update_suggestion()

    def watch_selection(self, old: Selection, new: Selection) -> None:
        # TextArea only refreshes the ghost on edits; a cursor move makes it wrong
        if not self._in_edit and new.end != self._anchor and (self.suggestion or self.candidates):
            self.suggestion = self._phrase = ""
            self.candidates = []
            self.post_message(self.Suggested([], "", None))

    # -- actions -------------------------------------------------------------------------------
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
        head = first_word(self.suggestion)
        if head:
            self.insert(head)
        else:
            self.action_cursor_word_right()

    def action_dismiss_suggestion(self) -> None:
        """Hide the ghost until the next edit."""
        self._dismissed = True
        self.suggestion = self._phrase = ""

    def action_pick(self, index: int) -> None:
        """Replace the word being typed by bar candidate ``index`` (or add it as the next
        word), followed by a space."""
        if index >= len(self.candidates):
            return
        word = self.candidates[index]
        row, col = self.cursor_location
        before = self.document.get_line(row)[:col]
        partial = partial_word(before)
        start = (row, col - len(partial))
        space = "" if partial else space_before_next_word(before)
        self.learn_word(self.get_text_range((0, 0), start) + space, word)
        if partial:
            self.replace(word + " ", start, (row, col))
        else:
            self.insert(space + word + " ")

    def action_delete_left(self) -> None:
        """Backspace; right after an autocorrection it brings back the word as typed."""
        if not self.autocorrect.revert():
            super().action_delete_left()

    def action_undo(self) -> None:
        """Undo; undoing an autocorrection also leaves that word alone from now on."""
        self.autocorrect.undo(super().action_undo)

    def action_redo(self) -> None:
        """Redo (words waiting for their correction keep their place)."""
        self.autocorrect.redo(super().action_redo)

    async def _on_paste(self, event: events.Paste) -> None:
        """A paste (e.g. from the terminal): inserted as is, never autocorrected, but learned."""
        event.prevent_default()  # or TextArea's own handler would paste it a second time
        with self.autocorrect.pasting(event.text):
            await super()._on_paste(event)

    def action_paste(self) -> None:
        """Paste the local clipboard, like a terminal paste (never autocorrected, but learned)."""
        with self.autocorrect.pasting(self.app.clipboard):
            super().action_paste()
