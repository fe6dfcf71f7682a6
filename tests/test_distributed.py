"""Two DDP processes (gloo on 127.0.0.1) train exactly like one process on the same batches."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np

WORKER = Path(__file__).with_name("ddp_worker.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_worker(out: Path, nproc: int) -> list[dict]:
    out.mkdir(parents=True)
    env = dict(os.environ, PYTHONPATH=str(WORKER.parent.parent), OMP_NUM_THREADS="1")
    if nproc == 1:
        cmd = [sys.executable, str(WORKER), str(out)]
    else:
        cmd = [sys.executable, "-m", "torch.distributed.run", f"--nproc-per-node={nproc}",
               "--master-addr=127.0.0.1", f"--master-port={free_port()}", str(WORKER), str(out)]
    subprocess.run(cmd, env=env, check=True, timeout=300, capture_output=True)
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
