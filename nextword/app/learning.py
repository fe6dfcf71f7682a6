"""The editor's commands about what it learns from the user: the dictionary, blocked words, the
learned words, forgetting, adapting a model of the user's own in the background ("adapt my
model"), incognito, and writing the personal store (``nextword.lm.personal``) in a worker.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from nextword.app.screens import ChoiceScreen, LearnedScreen
from nextword.errors import InputError, ModelFileError
from nextword.files import atomic_write_text
from nextword.lm.personal import Personalizer
from nextword.lm.train import train
from nextword.text.words import TYPED_WORD_RE, count_words
from nextword.userdata import PERSONAL_MODEL, make_private, personal_model_dir

if TYPE_CHECKING:
    from nextword.app.editor import NextwordApp
    from nextword.app.textarea import SuggestTextArea
    from nextword.lm.typing_model import TypingModel

MIN_ADAPT_WORDS = 1_000          # adapting to less than this learns nothing worth the wait
MAX_ADAPT_CHARS = 20_000_000     # the newest learned text adapting reads at most
ADAPT_CORPUS = "model.corpus.txt"  # the learned text, in the data folder while adapting


class AdaptCancelled(Exception):
    """Raised into the training loop when the editor stops adapting (quitting)."""


def adapt_base(model: TypingModel) -> str | Path:
    """What "adapt my model" starts from: the model in use, or, when that is the user's adapted
    model already, the model it was adapted from (adapting twice to the same text overfits)."""
    base = model.config.get("adaptation", {}).get("base")
    if model.path is not None and Path(model.path).name == PERSONAL_MODEL and base:
        return base
    return model.path if model.path is not None else "default"


class StatusProgress:
    """A training run's progress (the calls it makes on a rich ``Progress``) as one line for the
    status bar; raises ``AdaptCancelled`` into the run when ``cancelled()`` says so."""

    def __init__(self, show: Callable[[str], None], cancelled: Callable[[], bool]):
        self.show, self.cancelled = show, cancelled
        self.console = self
        self._tasks: dict[int, list] = {}
        self._shown = 0.0

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def print(self, *args: object, **kwargs: object) -> None: ...

    def add_task(self, name: str, total: float | None = None, completed: float = 0, **fields: object) -> int:
        self._tasks[len(self._tasks)] = [name, total or 1, completed]
        return len(self._tasks) - 1

    def update(self, task: int, advance: float = 0, completed: float | None = None, **fields: object) -> None:
        if self.cancelled():
            raise AdaptCancelled
        entry = self._tasks[task]
        entry[2] = completed if completed is not None else entry[2] + advance
        if time.monotonic() - self._shown > 0.5:
            self._shown = time.monotonic()
            self.show(f"adapting: {entry[0]} {min(1.0, entry[2] / entry[1]):.0%}")


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

    def __init__(self, app: NextwordApp, personal: Personalizer):
        self.app = app
        self.personal = personal

    def stored(self, write: Callable[[], None]) -> bool:
        """Run ``write`` (the personal store's); a data folder that cannot be written (gone,
        full, not a folder) is a warning, not a crash. False when it failed."""
        try:
            write()
        except InputError as exc:
            self.app.notify(f"Could not store what was learned: {exc}", severity="warning")
            return False
        return True

    def set_incognito(self, incognito: bool) -> None:
        if incognito:
            self.stored(self.personal.flush)  # what was typed before stays learned; nothing after
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

    def show_learned(self) -> None:
        """The learned words, new ones first; deleting one forgets it everywhere."""

        def forget(word: str) -> None:
            self.personal.forget(word)
            self.app.editor.request_suggestion()

        self.app.push_screen(LearnedScreen(self.personal.model.learned(), forget))

    def adapt(self) -> None:
        """Adapt my model: train a model of your own from the model in use on everything learned
        (typed, saved and imported), in a worker; it is written to the user data folder and used from
        the next start. Not in incognito mode."""
        if self.app.incognito:
            self.app.notify("Not in incognito mode", severity="warning")
            return
        if not self.stored(self.personal.flush):
            return
        text = "\n".join(self.personal.store.history(max_chars=MAX_ADAPT_CHARS))
        if count_words(text) < MIN_ADAPT_WORDS:
            self.app.notify(f"Too little to adapt to: type, save or import (nextword learn) at least "
                            f"{MIN_ADAPT_WORDS:,} words first", severity="warning")
            return
        self.app.run_worker(lambda: self._adapt(text), name="adapt", group="adapt", exclusive=True,
                            exit_on_error=False, thread=True)

    def _adapt(self, text: str) -> None:
        app, worker = self.app, get_current_worker()
        folder = app.data_directory
        corpus = folder / ADAPT_CORPUS
        progress = StatusProgress(lambda line: app.call_from_thread(self.show_activity, line),
                                  lambda: worker.is_cancelled)
        try:
            atomic_write_text(corpus, text)
            out = personal_model_dir(folder)
            train(corpus, out, base=adapt_base(app.model), progress=progress)
            make_private(out)
            shutil.rmtree(out.with_name(f"{out.name}.work"), ignore_errors=True)  # the text, tokenized
        except AdaptCancelled:
            return
        except (InputError, ModelFileError) as exc:
            app.call_from_thread(app.notify, f"Could not adapt: {exc}", severity="error")
            return
        finally:
            corpus.unlink(missing_ok=True)
            app.call_from_thread(self.show_activity, "")
        app.call_from_thread(app.notify, "Your adapted model is ready: nextword uses it from the next start")

    def show_activity(self, text: str) -> None:
        """A background job's progress on the status bar ("" when done)."""
        self.app.status.activity = text

    def learn_saved(self, text: str, opened: set[str]) -> None:
        """Learn a saved document (``Personalizer.learn_saved``) and store it, in a worker: a
        long document opened and saved for the first time takes a while."""
        def learn() -> None:
            self.personal.learn_saved(text, opened)
            self.personal.flush()
        self.app.run_worker(learn, name="learn-saved", group="learn-saved", exit_on_error=False,
                            thread=True)

    def flush_in_background(self) -> None:
        """Write what was learned to the personal store, in a worker."""
        self.app.run_worker(self.personal.flush, name="flush", group="flush",
                            exit_on_error=False, thread=True)

    def close(self) -> None:
        """Stop adapting, write what was learned (unless incognito; the words still waiting for
        their autocorrection as they stand) and close the store."""
        self.app.workers.cancel_group(self.app, "adapt")
        self.app.editor.autocorrect.learn_waiting()
        self.stored(self.personal.close)  # after a saved document being learned; nothing in incognito
