"""The one progress bar of nextword's long jobs (training, forecasting), drawn with rich."""

from __future__ import annotations

from typing import Any

from rich import get_console
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


def progress_bar(console: Console | None = None, *, eta: bool = False, info: bool = False,
                 transient: bool = False) -> Progress:
    """A rich ``Progress``: description, bar, percentage and elapsed time; with ``eta`` the time
    left, with ``info`` each task's ``info`` field (e.g. loss and tokens/s). Drawn only on a
    terminal: into a pipe or a log file a bar is one line cut to 80 columns at the end, so there
    only what the job prints itself (per-epoch lines, the summary) is written."""
    columns = [TextColumn("[bold]{task.description}"), BarColumn(),
               TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn()]
    if eta:
        columns += [TextColumn("ETA"), TimeRemainingColumn()]
    if info:
        columns.append(TextColumn("{task.fields[info]}"))
    console = console or get_console()
    return Progress(*columns, console=console, transient=transient, disable=not console.is_terminal)


def training_progress(setting: Any) -> Any:
    """What a training run reports to: True -> a rich bar on the terminal; False or None ->
    nothing; anything else is used as it is (an object with rich ``Progress``'s ``start``,
    ``stop``, ``add_task``, ``update`` and ``console.print``, e.g. the editor's status bar)."""
    if setting is True:
        return progress_bar(eta=True, info=True)
    return setting or None
