"""Running the ``nextword`` command in tests.

``run_cli`` calls the CLI's entry point (``nextword.cli.main``) in the test process with its
output captured: the same argument parsing, error handling, exit codes and printed lines as the
command, without starting Python and importing torch for every call (4 s each here).
``run_process`` starts the real ``python -m nextword`` for what only a process shows (the entry
point itself, a crash before ``main``); a few tests keep using it.
"""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

from nextword.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """``nextword ARGS`` in this process: (exit code, stdout, stderr) as a CompletedProcess."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's usage errors and --help
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return subprocess.CompletedProcess(["nextword", *args], code, out.getvalue(), err.getvalue())


def run_process(*args: str, **kw) -> subprocess.CompletedProcess:
    """``python -m nextword ARGS`` as a real process."""
    return subprocess.run([sys.executable, "-m", "nextword", *args], capture_output=True, text=True,
                          timeout=300, **kw)
