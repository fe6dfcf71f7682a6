"""Kill a training run (``nextword.train`` in a child process) after its first checkpoint, then
finish it with ``resume=True``: what the kill-and-resume tests of training and adapting share."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from nextword.files import recover_directory


def kill_and_resume(code: str, out: Path) -> tuple[int, dict]:
    """Run ``code`` (which trains into ``out`` with ``resume=True``), SIGKILL it a second after
    its first word-model checkpoint, check nothing was written yet, run it again to the end.
    Returns the step it was killed at and the finished model's config."""
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    state = out.parent / f"{out.name}.work" / "word-state" / "trainer.json"
    deadline = time.time() + 120
    while time.time() < deadline and not state.exists():
        time.sleep(0.2)
    assert state.exists(), "no checkpoint was written"
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "config.json").exists()
    recover_directory(state.parent)  # as resuming does, if the kill struck mid-rename
    killed_at = json.loads(state.read_text())["global_step"]
    assert killed_at > 0
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=300)
    return killed_at, json.loads((out / "config.json").read_text())
