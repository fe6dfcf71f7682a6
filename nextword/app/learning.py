"""The editor's commands about what it learns from the user: the dictionary, blocked words,
forgetting, fine-tuning the word LSTM in the background, incognito, and writing the personal
store (``nextword.lm.personal``) in a worker.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from nextword.app.screens import ChoiceScreen
from nextword.lm.personal import (
    FineTuneCancelled,
    Personalizer,
    finetune_word_lm,
    install_word_lm,
)
from nextword.text.words import TYPED_WORD_RE

if TYPE_CHECKING:
    from nextword.app.editor import NextwordApp
    from nextword.app.textarea import SuggestTextArea


def word_at_cursor(area: SuggestTextArea) -> str:
    """The word the cursor is in or just after (the last word before it otherwise)."""
    row, col = area.cursor_location
    line = area.document.get_line(row)
    for m in TYPED_WORD_RE.finditer(line):
        if m.start() <= col <= m.end():
            return m.group(0)
    words = TYPED_WORD_RE.findall(area.get_text_range((0, 0), area.cursor_location))
    return words[-1] if words else ""


class Learning:
    """What ``app`` does with ``personal`` (the personal model and store) besides learning each
    finished word, which the text area does."""

    def __init__(self, app: NextwordApp, personal: Personalizer, finetune_seconds: float):
        self.app = app
        self.personal = personal
        self.finetune_seconds = finetune_seconds

    def set_incognito(self, incognito: bool) -> None:
        if incognito:
            self.personal.flush()  # what was typed before stays learned; nothing after
        self.personal.incognito = incognito
        if self.app.is_mounted:
            self.app.status.incognito = incognito
            self.app.notify(f"Incognito {'on: nothing is learned or stored' if incognito else 'off'}")

    def _cursor_word(self) -> str | None:
        """The word at the cursor, or None after telling the user there is none."""
        word = word_at_cursor(self.app.editor)
        if not word:
            self.app.notify("No word at the cursor", severity="warning")
        return word or None

    def add_word(self) -> None:
        if (word := self._cursor_word()) is None:
            return
        self.personal.add_to_dictionary(word)
        self.app.notify(f"Added {word!r} to your dictionary")

    def block_word(self) -> None:
        if (word := self._cursor_word()) is None:
            return
        self.personal.block(word)
        self.app.editor.request_suggestion()  # the ghost may be that very word
        self.app.notify(f"{word!r} will not be suggested again")

    def forget(self) -> None:
        """Ask, then forget everything learned from the user's typing."""
        app = self.app

        def chosen(choice: str | None) -> None:
            if choice == "forget":
                self.personal.forget()
                app.editor.request_suggestion()
                app.notify("Forgot everything learned from your typing")

        app.push_screen(ChoiceScreen("Forget everything nextword learned from your typing?",
                                     [("forget", "Forget"), ("cancel", "Cancel")]), chosen)

    def finetune(self) -> None:
        """Fine-tune the word LSTM on the typing history in a worker (not in incognito mode)."""
        if self.app.incognito:
            self.app.notify("Not in incognito mode", severity="warning")
            return
        self.app.run_worker(self._finetune, name="finetune", group="finetune", exclusive=True,
                            exit_on_error=False, thread=True)

    def _finetune(self) -> None:
        app = self.app
        worker = get_current_worker()
        ids = self.personal.history_ids()
        last = [0.0]

        def progress(fraction: float, loss: float) -> None:
            if worker.is_cancelled:
                raise FineTuneCancelled
            if time.monotonic() - last[0] > 0.2:
                last[0] = time.monotonic()
                app.call_from_thread(self.show_activity, f"fine-tune {fraction:.0%} loss {loss:.2f}")

        app.call_from_thread(self.show_activity, "fine-tune 0%")
        try:
            lm = finetune_word_lm(app.model, ids, self.finetune_seconds, progress)
        except ValueError as exc:
            app.call_from_thread(app.notify, str(exc), severity="warning")
            app.call_from_thread(self.show_activity, "")
            return
        except FineTuneCancelled:
            return
        install_word_lm(app.model, lm)
        app.call_from_thread(app.editor.request_suggestion)
        app.call_from_thread(self.show_activity, "")
        app.call_from_thread(app.notify, f"Fine-tuned on {len(ids):,} words of your typing")

    def show_activity(self, text: str) -> None:
        """A background job's progress on the status bar ("" when done)."""
        self.app.status.activity = text

    def flush_in_background(self) -> None:
        """Write what was learned to the personal store, in a worker."""
        self.app.run_worker(self.personal.flush, name="flush", group="flush",
                            exit_on_error=False, thread=True)

    def close(self) -> None:
        """Stop a fine-tune, write what was learned (unless incognito) and close the store."""
        self.app.workers.cancel_group(self.app, "finetune")
        if not self.app.incognito:
            self.personal.flush()
        self.personal.store.close()
