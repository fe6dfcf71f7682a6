"""The editor's commands as the user finds them: one command-palette entry per action
(``COMMANDS``) and the help screen's text (every key binding, described by the first line of its
action's docstring, and where personal data is kept).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding

from nextword.app.textarea import SuggestTextArea

if TYPE_CHECKING:
    from nextword.app.editor import NextwordApp

# (palette title, help, action): one entry per action, so every action is reachable by name
COMMANDS = [
    ("Save", "Save the document (atomically, keeping its permissions)", "save"),
    ("Open file", "Open another file", "open"),
    ("Toggle autocorrect", "Correct each word as you finish it, or not", "toggle_autocorrect"),
    ("Toggle suggestions", "Show ghost text and the suggestion bar, or not", "toggle_suggestions"),
    ("Toggle phrases", "Complete whole phrases in the ghost text when confident, or one word", "toggle_phrases"),
    ("Toggle incognito", "Learn nothing and store nothing", "toggle_incognito"),
    ("Add word to dictionary", "The word at the cursor is never autocorrected", "add_word"),
    ("Never suggest word", "The word at the cursor is never suggested again", "block_word"),
    ("What I learned", "The words nextword learned from you (new ones first), with delete", "learned"),
    ("Forget everything learned", "Delete what nextword learned from your typing", "forget"),
    ("Adapt my model", "Train a model of your own on what you wrote (background; used from the next start)", "adapt"),
    ("Help", "Keys and where your data is kept", "help"),
]


def system_commands(app: NextwordApp) -> Iterator[SystemCommand]:
    """The palette entries of ``COMMANDS``, bound to ``app``'s actions."""
    for title, help_text, action in COMMANDS:
        yield SystemCommand(title, help_text, getattr(app, f"action_{action}"))


def key_label(key: str) -> str:
    """``ctrl+s`` -> ``Ctrl+S``, ``escape`` -> ``Esc``: keys as the help screen shows them."""
    names = {"escape": "Esc", "ctrl": "Ctrl", "alt": "Alt", "shift": "Shift"}
    return "+".join(names.get(part, part.capitalize() if len(part) > 1 else part.upper())
                    for part in key.strip().split("+"))


def help_markdown(app: NextwordApp) -> str:
    """The help text: every binding of the app and the editor, and where data is kept."""
    rows = []
    seen = set()
    for binding in [*SuggestTextArea.BINDINGS, *app.BINDINGS]:
        if isinstance(binding, Binding) and binding.id not in seen:
            seen.add(binding.id)
            keys = ", ".join(key_label(k) for k in binding.key.split(","))
            doc = binding.description if "(" in binding.action else _action_doc(app, binding.action)
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
        f"Learned words, your dictionary and blocked words: `{app.personal.store.path}`.",
        f"Unsaved text for crash recovery: `{app.data_directory / 'recovery'}`.",
        "Delete that folder to remove everything nextword stored about you.", "",
        "Press Esc to close.",
    ])


def _action_doc(app: NextwordApp, action: str) -> str:
    name = action.split("(", 1)[0]
    for target in (app, SuggestTextArea):
        method = getattr(target, f"action_{name}", None)
        if method is not None and method.__doc__:
            return method.__doc__.strip().splitlines()[0]
    return ""
