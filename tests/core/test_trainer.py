"""Two DDP processes (gloo on 127.0.0.1) train exactly like one process on the same batches."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from nextword.files import recover_directory

ROOT = Path(__file__).resolve().parents[2]
WORKER = ROOT / "tests" / "helpers" / "ddp_worker.py"


def process_tree(root: int) -> list[int]:
    """``root`` and every process descended from it (read from /proc). torchrun starts each
    rank in a session of its own, so killing the launcher's process group leaves them running."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += parents.get(pid, [])
    return tree


def kill_tree(root: int) -> None:
    """SIGKILL ``root`` and all its descendants, as a power cut would, and wait until they are gone."""
    tree = process_tree(root)
    for pid in tree:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.time() + 30
    while time.time() < deadline and any(Path(f"/proc/{pid}").exists() and not _zombie(pid) for pid in tree):
        time.sleep(0.05)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_worker(out: Path, nproc: int) -> list[dict]:
    out.mkdir(parents=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    if nproc == 1:
        cmd = [sys.executable, str(WORKER), str(out)]
    else:
        cmd = [sys.executable, "-m", "torch.distributed.run", f"--nproc-per-node={nproc}",
               "--master-addr=127.0.0.1", f"--master-port={free_port()}", str(WORKER), str(out)]
    r = subprocess.run(cmd, env=env, timeout=300, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-4000:]  # what failed, in the test report
    return [json.loads((out / f"rank{r}.json").read_text()) for r in range(nproc)]


def test_two_processes_keep_identical_parameters_and_match_one_process(tmp_path):
    ranks = run_worker(tmp_path / "ddp", 2)
    single = run_worker(tmp_path / "single", 1)[0]
    assert ranks[0]["world"] == 2
    assert ranks[0]["params"] == ranks[1]["params"]  # every rank holds the same model
    assert ranks[0]["param_sum"] == ranks[1]["param_sum"]
    # the global batch of 8 columns = 4 per rank; the mean of the ranks' losses is the 1-process
    # loss on the same batch (float32 reduction order differs: tolerance 1e-4 relative)
    ddp_loss = np.mean([r["losses"] for r in ranks], axis=0)
    assert np.allclose(ddp_loss, single["losses"], rtol=1e-4, atol=1e-5)
    assert np.allclose(ranks[0]["params"], single["params"], rtol=1e-3, atol=1e-5)


def test_a_killed_two_process_training_resumes_to_completion(tiny_corpus, tmp_path):
    """torchrun -m nextword train, SIGKILLed (every process) after a checkpoint, then --resume."""
    out = tmp_path / "model"
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node=2",
           "--master-addr=127.0.0.1", f"--master-port={free_port()}",
           "-m", "nextword", "train", str(tiny_corpus), "--out", str(out), "--base", "none", "--epochs", "4",
           "--vocab-size", "2000", "--dim", "32", "--hidden-size", "64", "--batch-size", "16",
           "--bptt", "20", "--char-minutes", "0.05", "--checkpoint-every", "1", "--no-progress"]
    proc = subprocess.Popen(cmd, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = tmp_path / "model.work" / "word-state" / "trainer.json"
    deadline = time.time() + 180
    while time.time() < deadline and not state.exists():
        time.sleep(0.2)
    assert state.exists(), "no checkpoint was written"
    time.sleep(1.0)
    ranks = process_tree(proc.pid)[1:]
    assert len(ranks) >= 2, "the two ranks are running"
    kill_tree(proc.pid)  # the launcher and both ranks at once
    proc.wait()
    assert not any(Path(f"/proc/{pid}").exists() and not _zombie(pid) for pid in ranks)
    assert not (out / "config.json").exists()
    recover_directory(state.parent)  # as resuming does, if the kill struck mid-rename
    killed_at = json.loads(state.read_text())["global_step"]
    assert killed_at > 0 and json.loads(state.read_text())["world"] == 2

    cmd[cmd.index(next(a for a in cmd if a.startswith("--master-port")))] = f"--master-port={free_port()}"
    done = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("wrote ") == 1  # rank 0 alone reports
    metrics = json.loads((out / "config.json").read_text())["metrics"]
    assert metrics["word_resumed_from_step"] >= killed_at
    assert [h["epoch"] for h in metrics["word_history"]][:1] == [1]
    import nextword

    assert len(nextword.load(out).suggest("the ", 3)) == 3
