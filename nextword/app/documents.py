"""The document on disk: reading it, saving it atomically, autosaving its unsaved text for crash
recovery (``recovery``), and the prompts around them (save as, open, unsaved changes, recover).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from nextword.app.recovery import discard_recovery, read_recovery, write_recovery
from nextword.app.screens import ChoiceScreen, PathScreen
from nextword.errors import InputError
from nextword.files import atomic_write_text
from nextword.text.corpus import split_paragraphs
from nextword.text.words import count_words

if TYPE_CHECKING:
    from nextword.app.editor import NextwordApp


def read_document(path: Path) -> tuple[str, str]:
    """The text of ``path`` with "\n" line breaks ("" for a file that does not exist yet), and
    the line ending the file mostly uses: "\r\n" (Windows) or "\n". The editor works in "\n"
    and saves in the file's own, so a Windows file saved is not rewritten line by line. One
    read of the file. Raises ``OSError`` or ``UnicodeDecodeError``."""
    if not path.exists():
        return "", "\n"
    with path.open(encoding="utf-8", newline="") as fh:  # line breaks as they are on disk
        raw = fh.read()
    crlf = raw.count("\r\n")
    newline = "\r\n" if crlf and crlf * 2 >= raw.count("\n") else "\n"
    return raw.replace("\r\n", "\n").replace("\r", "\n"), newline


def check_document(path: Path) -> None:
    """Raise ``InputError`` unless ``path`` is a UTF-8 text file that can be read, or does not
    exist yet."""
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a text file")
    try:
        read_document(path)
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def save_document(path: Path, text: str, newline: str = "\n") -> Path:
    """Write ``text`` to ``path`` atomically (temp file, fsync, rename) with its line breaks as
    ``newline``, keeping the existing file's permission bits (a new file gets the umask
    default). Writes through a symlink to its target. Returns the path written."""
    target = path.resolve()
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None  # a new file: the usual umask default
    atomic_write_text(target, text if newline == "\n" else text.replace("\n", newline), mode=mode)
    return target


class DocumentFile:
    """The editor's document file: its path (None: untitled), the text last saved, the text last
    autosaved to the recovery folder, and opening, saving and recovering it in ``app``."""

    def __init__(self, app: NextwordApp, path: Path | None, data_directory: Path):
        self.app = app
        self.path = path
        self.data_directory = data_directory
        self.saved_text = ""
        self.autosaved_text: str | None = None
        self.opened: set[str] = set()  # the paragraphs the file had when opened (learned on save)
        self.newline = "\n"  # the file's line ending, kept when saving (``read_document``)

    def start(self) -> None:
        """Show the document the app was started on (and offer a crash's unsaved text)."""
        if self.path is not None:
            self.open(self.path)
        else:
            self.update_title()
            self.offer_recovery(None, "")

    def open(self, path: Path) -> bool:
        """Load ``path`` into the editor (False after telling the user it cannot be read)."""
        app = self.app
        try:
            text, newline = read_document(path)
        except (OSError, UnicodeDecodeError) as exc:
            app.notify(f"Cannot open {path}: {exc}", severity="error")
            return False
        self.path = path
        self.saved_text = text
        self.newline = newline
        self.autosaved_text = None
        self.opened = set(split_paragraphs(text))
        app.editor.load_text(text)
        app.editor.autocorrect.kept_words.clear()
        self.text_changed()
        self.offer_recovery(path, text)
        return True

    def offer_recovery(self, path: Path | None, text: str) -> None:
        """After a crash the recovery file is still there: offer its text."""
        app = self.app
        found = read_recovery(path, self.data_directory)
        if found is None or found.text == text:
            return
        age = max(0.0, time.time() - found.saved_at)
        name = path.name if path else "the untitled document"

        def chosen(choice: str | None) -> None:
            if choice == "recover":
                app.editor.load_text(found.text)
                self.text_changed()
                app.notify(f"Recovered unsaved text of {name}")
            elif choice == "discard" and not app.incognito:
                discard_recovery(path, self.data_directory)

        app.push_screen(ChoiceScreen(
            f"nextword was closed without saving {name}. Recover the text autosaved "
            f"{age:.0f} s before that?", [("recover", "Recover"), ("discard", "Discard"),
                                         ("cancel", "Ask again later")]), chosen)

    def text_changed(self) -> None:
        """The editor's text changed: whether it is modified, and its word count."""
        text = self.app.editor.text
        self.app.dirty = text != self.saved_text
        self.app.status.words = count_words(text)

    def update_title(self) -> None:
        name = str(self.path) if self.path else "untitled"
        self.app.sub_title = name + (" (modified)" if self.app.dirty else "")

    def save_to(self, path: Path) -> bool:
        """Save the editor's text to ``path`` (False after telling the user it failed)."""
        app = self.app
        text = app.editor.text
        try:
            save_document(path, text, self.newline)
        except OSError as exc:
            app.notify(f"Cannot save {path}: {exc.strerror or exc}", severity="error")
            return False
        old = self.path
        self.path, self.saved_text = path, text
        app.dirty = False
        self.update_title()
        if not app.incognito:
            discard_recovery(old, self.data_directory)
            discard_recovery(path, self.data_directory)
            app.learning.stored(app.personal.flush)
            app.learning.learn_saved(text, self.opened)  # what you save is your writing
        app.notify(f"Saved {path.name}")
        return True

    def changed_on_disk(self) -> bool:
        """Whether the file no longer holds the text it had when opened or last saved here:
        another program wrote it since, and saving would throw that away unasked."""
        if self.path is None:
            return False
        try:
            return read_document(self.path)[0] != self.saved_text
        except (OSError, UnicodeDecodeError):
            return False  # gone or unreadable: saving writes it anew (or says why it cannot)

    def _save_over(self, path: Path, question: str) -> None:
        """Save to ``path`` once the user says yes to ``question`` (a file would be lost)."""

        def chosen(choice: str | None) -> None:
            if choice == "overwrite":
                self.save_to(path)

        self.app.push_screen(ChoiceScreen(question, [("overwrite", "Save over it"), ("cancel", "Cancel")]),
                             chosen)

    def save(self) -> None:
        """Save, asking for a path when the document has none, before replacing another file
        with it, and before saving over changes another program made to the file."""
        if self.path is not None:
            self._save_in_place()
            return

        def chosen(value: str | None) -> None:
            if not value:
                return
            path = Path(value).expanduser()
            if path.is_file():  # "save as" onto another file: ask, as any editor does
                self._save_over(path, f"{path.name} already exists. Replace it?")
            else:
                self.save_to(path)

        self.app.push_screen(PathScreen("Save as:"), chosen)

    def save_or_ask(self) -> bool:
        """Save; False when that failed or a question is still to be answered (the path, or
        whether to save over another program's changes)."""
        if self.path is None:
            self.save()
            return False
        return self._save_in_place()

    def _save_in_place(self) -> bool:
        """Save to the document's own file, or ask first when another program changed it
        (one read of the file); False when the save failed or the question is open."""
        assert self.path is not None
        if self.changed_on_disk():
            self._save_over(self.path, f"{self.path.name} was changed by another program since it "
                                       "was opened. Save over those changes?")
            return False
        return self.save_to(self.path)

    def ask_open(self) -> None:
        """Ask for another file to open (after asking about unsaved changes)."""

        def chosen(value: str | None) -> None:
            if value:
                self.discard_autosave()
                self.open(Path(value).expanduser())

        def ask_path(choice: str | None = "discard") -> None:
            if choice == "save" and not self.save_or_ask():
                return
            if choice in ("save", "discard"):
                self.app.push_screen(PathScreen("Open file:", str(self.path or "")), chosen)

        self.confirm_unsaved("Open another file", ask_path)

    def confirm_unsaved(self, doing: str, then: Callable[[str | None], None]) -> None:
        """``then("discard")`` when nothing is unsaved; else ask first and pass on the answer
        ("save", "discard" or "cancel")."""
        if not self.app.dirty:
            then("discard")
            return
        name = self.path.name if self.path else "the untitled document"
        self.app.push_screen(ChoiceScreen(f"{doing}: save the changes to {name} first?",
                                          [("save", "Save"), ("discard", "Don't save"),
                                           ("cancel", "Cancel")]), then)

    def autosave(self) -> None:
        """Write the recovery file when the text changed since the last time (in a worker), or
        delete it once the document is saved."""
        text = self.app.editor.text
        if self.app.dirty and text != self.autosaved_text:
            self.autosaved_text = text
            self.app.run_worker(partial(write_recovery, self.path, text, self.data_directory),
                                name="write_recovery", group="autosave", exit_on_error=False,
                                thread=True)
        elif not self.app.dirty and self.autosaved_text is not None:
            self.autosaved_text = None
            discard_recovery(self.path, self.data_directory)

    def discard_autosave(self) -> None:
        if not self.app.incognito:
            discard_recovery(self.path, self.data_directory)
