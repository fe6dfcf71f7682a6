"""One training loop for every nextword model (word LM, char LM, series forecaster).

Nothing here knows about text or series. A model provides ``forward(batch, state) -> (mean loss,
state, n_items)`` and ``init_state(batch_size, device)``; a dataset provides ``len()``,
``batch(i)``, ``n_tokens`` and ``carry_state`` (whether the recurrent state flows from one batch
to the next, as in a text stream, or starts fresh, as for independent series windows).

The loop does validation each epoch, early stopping, a learning-rate decay over the step or time
budget, periodic checkpoints that ``resume=True`` continues from (bit-exact on one process), and
runs unchanged under ``torchrun`` (DDP: gradients averaged across ranks, rank 0 writes).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import torch
import torch.distributed as dist
from torch import nn

from nextword.core import checkpoint as ckpt
from nextword.core.lstm import State, detach_state
from nextword.files import atomic_directory, recover_directory, write_json


class Batches(Protocol):
    carry_state: bool
    n_tokens: int

    def __len__(self) -> int: ...
    def batch(self, i: int) -> Any: ...


@dataclass
class TrainConfig:
    """Options of the training loop (the CLI flags mirror these)."""

    epochs: int = 10
    lr: float = 3e-3
    min_lr_fraction: float = 0.05  # the decay ends at lr * this
    weight_decay: float = 0.0
    clip: float = 1.0              # gradient-norm clipping (LSTMs explode without it)
    patience: int = 2              # epochs without a better validation loss before stopping
    max_seconds: float | None = None  # wall-clock budget; the lr decay follows it
    checkpoint_every: float = 120.0   # seconds between resumable checkpoints
    seed: int = 0
    device: str | None = None      # None: cuda when available, else cpu


def pick_device(name: str | None = None) -> torch.device:
    if name:
        return torch.device(name)
    if torch.cuda.is_available():  # under torchrun each process takes its own GPU
        return torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}")
    return torch.device("cpu")


def dist_info() -> tuple[int, int]:
    """(rank, world size): (0, 1) outside torchrun."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def init_distributed(device: str | None = None) -> tuple[int, int]:
    """Join the process group when launched by ``torchrun`` (gloo on CPU, nccl on GPU);
    (rank, world size), (0, 1) for a plain single-process run."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1 or not dist.is_available():
        return 0, 1
    if not dist.is_initialized():
        use_cuda = torch.cuda.is_available() and (device is None or device.startswith("cuda"))
        if use_cuda:
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
        dist.init_process_group("nccl" if use_cuda else "gloo")
    return dist_info()


def to_device(batch: Any, device: torch.device) -> Any:
    if torch.is_tensor(batch):
        return batch.to(device, non_blocking=True)
    return type(batch)(to_device(b, device) for b in batch)


class Trainer:
    """Fit ``model`` on ``train`` batches, validating on ``val``; state in ``workdir``."""

    def __init__(self, model: nn.Module, train: Batches, val: Batches | None, config: TrainConfig,
                 workdir: str | Path, name: str = "model", progress: Any = None,
                 on_step: Callable[[dict], None] | None = None):
        self.cfg = config
        self.rank, self.world = dist_info()
        self.device = pick_device(config.device)
        self.model = model.to(self.device)
        self.train_data, self.val_data = train, val
        self.workdir = Path(workdir)
        self.name = name
        self.progress = progress
        self.on_step = on_step
        self.net = model
        if self.world > 1:
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.net = nn.parallel.DistributedDataParallel(model, device_ids=ids)
        self.opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
        self.amp = self.device.type == "cuda"
        self.scaler = torch.amp.GradScaler("cuda") if self.amp else None
        self.epoch, self.step_in_epoch, self.global_step = 0, 0, 0
        self.elapsed = 0.0
        self.best_val = math.inf
        self.bad_epochs = 0
        self.history: list[dict] = []
        self.state = None
        self.resumed_from: int | None = None  # the step a resumed run continued from
        self.tokens = 0  # training tokens seen by all ranks together
        self.done = False

    # -- checkpoints --------------------------------------------------------------------------------
    @property
    def state_dir(self) -> Path:
        return self.workdir / f"{self.name}-state"

    def _best_path(self) -> Path:
        return self.workdir / f"{self.name}-best.safetensors"

    def _gathered_state(self) -> State | None:
        """The carried LSTM state of every rank, stacked along the batch axis (rank order)."""
        if self.state is None:
            return None
        if self.world == 1:
            return self.state
        parts = []
        for t in self.state:
            bufs = [torch.empty_like(t) for _ in range(self.world)]
            dist.all_gather(bufs, t.contiguous())
            parts.append(torch.cat(bufs, dim=1))
        return parts[0], parts[1]

    def save_checkpoint(self) -> None:
        """Everything needed to continue exactly here (rank 0 writes; others wait)."""
        has_state = torch.tensor([self.state is not None], dtype=torch.int32, device=self.device)
        if self.world > 1:
            dist.all_reduce(has_state, op=dist.ReduceOp.MIN)
        state = self._gathered_state() if bool(has_state.item()) else None
        if self.rank == 0:
            self.workdir.mkdir(parents=True, exist_ok=True)
            with atomic_directory(self.state_dir) as tmp:
                ckpt.save_tensors(tmp / "model.safetensors", self.model.state_dict())
                opt_t, opt_meta = ckpt.flatten_optimizer(self.opt.state_dict())
                ckpt.save_tensors(tmp / "optimizer.safetensors", opt_t)
                extra = {"rng_cpu": torch.get_rng_state()}
                if state is not None:
                    extra["state_h"], extra["state_c"] = state
                ckpt.save_tensors(tmp / "extra.safetensors", extra)
                write_json(tmp / "trainer.json", {
                    "epoch": self.epoch, "step_in_epoch": self.step_in_epoch,
                    "global_step": self.global_step, "elapsed": self.elapsed, "tokens": self.tokens,
                    "best_val": self.best_val if math.isfinite(self.best_val) else None,
                    "bad_epochs": self.bad_epochs, "history": self.history, "done": self.done,
                    "optimizer": opt_meta, "config": asdict(self.cfg), "world": self.world,
                })
        self._barrier()

    def load_checkpoint(self) -> bool:
        """Continue from the last checkpoint in ``workdir``; False when there is none. A checkpoint
        parked by a kill between the two renames of ``atomic_directory`` is put back first."""
        recover_directory(self.state_dir)
        if not (self.state_dir / "trainer.json").exists():
            return False
        meta = ckpt.read_json(self.state_dir / "trainer.json")
        ckpt.load_state(self.model, ckpt.load_tensors(self.state_dir / "model.safetensors"), str(self.state_dir))
        self.opt.load_state_dict(ckpt.unflatten_optimizer(
            ckpt.load_tensors(self.state_dir / "optimizer.safetensors"), meta["optimizer"]))
        extra = ckpt.load_tensors(self.state_dir / "extra.safetensors")
        torch.set_rng_state(extra["rng_cpu"])
        if "state_h" in extra and meta.get("world", 1) == self.world:
            per = extra["state_h"].shape[1] // self.world  # this rank's columns
            rows = slice(self.rank * per, (self.rank + 1) * per)
            self.state = (extra["state_h"][:, rows].to(self.device), extra["state_c"][:, rows].to(self.device))
        self.epoch, self.step_in_epoch = meta["epoch"], meta["step_in_epoch"]
        self.global_step, self.elapsed = meta["global_step"], meta["elapsed"]
        self.tokens = meta.get("tokens", 0)
        self.best_val = meta["best_val"] if meta["best_val"] is not None else math.inf
        self.bad_epochs, self.history, self.done = meta["bad_epochs"], meta["history"], meta["done"]
        self.resumed_from = self.global_step
        return True

    def _barrier(self) -> None:
        if self.world > 1:
            dist.barrier()

    # -- loop ---------------------------------------------------------------------------------------
    def _progress_fraction(self) -> float:
        total_steps = self.cfg.epochs * max(1, len(self.train_data))
        frac = self.global_step / total_steps
        if self.cfg.max_seconds:
            frac = max(frac, self.elapsed / self.cfg.max_seconds)
        return min(1.0, frac)

    def _set_lr(self) -> float:
        frac = self._progress_fraction()
        floor = self.cfg.min_lr_fraction
        lr = self.cfg.lr * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * frac)))
        for group in self.opt.param_groups:
            group["lr"] = lr
        return lr

    def _train_step(self, batch: Any) -> tuple[float, int]:
        self.net.train()
        batch = to_device(batch, self.device)
        state = self.state if self.train_data.carry_state else None
        with torch.autocast(self.device.type, enabled=self.amp, dtype=torch.float16):
            loss, new_state, n = self.net(batch, state)
        self.opt.zero_grad(set_to_none=True)
        if self.scaler is not None:
            self.scaler.scale(loss).backward()
            self.scaler.unscale_(self.opt)
        else:
            loss.backward()
        if self.cfg.clip:
            nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.clip)
        if self.scaler is not None:
            self.scaler.step(self.opt)
            self.scaler.update()
        else:
            self.opt.step()
        if self.train_data.carry_state and new_state is not None:
            self.state = detach_state(new_state)
        return float(loss.detach()), n

    @torch.no_grad()
    def evaluate(self, data: Batches | None = None) -> float:
        """Mean loss per item over ``data`` (default: the validation set), in eval mode."""
        data = data if data is not None else self.val_data
        if data is None or len(data) == 0:
            return math.nan
        self.model.eval()
        total, count, state = 0.0, 0, None
        for i in range(len(data)):
            batch = to_device(data.batch(i), self.device)
            loss, new_state, n = self.model(batch, state if data.carry_state else None)
            state = new_state if data.carry_state else None
            total += float(loss) * n
            count += n
        if self.world > 1:
            t = torch.tensor([total, count], dtype=torch.float64, device=self.device)
            dist.all_reduce(t)
            total, count = float(t[0]), int(t[1])
        return total / max(1, count)

    def fit(self, resume: bool = False) -> dict:
        """Train until the epochs, the time budget or the patience run out. Returns the history
        and best validation loss; the best weights are loaded into the model at the end."""
        torch.manual_seed(self.cfg.seed + self.rank)
        if resume and self.load_checkpoint() and self.done:
            self._load_best()
            return self.summary()
        n_batches = len(self.train_data)
        task = None
        if self.progress is not None and self.rank == 0:
            task = self.progress.add_task(self.name, total=self.cfg.epochs * n_batches,
                                          completed=self.epoch * n_batches + self.step_in_epoch,
                                          info="")
        last_ckpt = time.monotonic()
        tokens_before, t_rate = self.tokens, time.monotonic()  # for this session's rate
        while self.epoch < self.cfg.epochs and not self._out_of_time():
            if self.step_in_epoch == 0:
                self.state = None
            run_loss, run_n = 0.0, 0
            while self.step_in_epoch < n_batches:
                t0 = time.monotonic()
                lr = self._set_lr()
                loss, n = self._train_step(self.train_data.batch(self.step_in_epoch))
                self.step_in_epoch += 1
                self.global_step += 1
                self.elapsed += time.monotonic() - t0
                run_loss, run_n = run_loss + loss * n, run_n + n
                self.tokens += n * self.world
                if task is not None:
                    rate = (self.tokens - tokens_before) / max(1e-9, time.monotonic() - t_rate)
                    self.progress.update(task, advance=1, info=(
                        f"ep {self.epoch + 1} loss {run_loss / run_n:.3f} {rate:,.0f} tok/s lr {lr:.1e}"))
                if self.on_step is not None:
                    self.on_step({"step": self.global_step, "loss": loss, "epoch": self.epoch})
                if self._agree(time.monotonic() - last_ckpt > self.cfg.checkpoint_every):
                    self.save_checkpoint()
                    last_ckpt = time.monotonic()
                if self._out_of_time():
                    break
            finished_epoch = self.step_in_epoch >= n_batches
            val = self.evaluate()
            record = {"epoch": self.epoch + 1, "train_loss": run_loss / max(1, run_n),
                      "val_loss": val, "seconds": round(self.elapsed, 1),
                      "partial": not finished_epoch}
            self.history.append(record)
            if self.rank == 0 and self.progress is not None:
                self.progress.console.print(
                    f"{self.name} epoch {record['epoch']}: train loss {record['train_loss']:.3f}, "
                    f"val loss {val:.3f} (ppl {math.exp(min(val, 50)):.1f})")
            if val < self.best_val - 1e-4 or not math.isfinite(self.best_val):
                self.best_val, self.bad_epochs = val, 0
                if self.rank == 0:
                    self.workdir.mkdir(parents=True, exist_ok=True)
                    ckpt.save_tensors(self._best_path(), self.model.state_dict())
            else:
                self.bad_epochs += 1
            self.epoch += 1 if finished_epoch else 0
            self.step_in_epoch = 0 if finished_epoch else self.step_in_epoch
            if self.bad_epochs >= self.cfg.patience or not finished_epoch:
                break
            self.save_checkpoint()
            last_ckpt = time.monotonic()
        self.done = True
        self.save_checkpoint()
        self._load_best()
        return self.summary()

    def _agree(self, want_checkpoint: bool) -> bool:
        """Under DDP every rank must take its clock-based decisions at the same step: a
        checkpoint is a collective, and the time budget sets the learning rate. The ranks share
        the largest elapsed time and any rank's wish for a checkpoint (one tiny all-reduce)."""
        if self.world == 1:
            return want_checkpoint
        t = torch.tensor([self.elapsed, float(want_checkpoint)], dtype=torch.float64, device=self.device)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        self.elapsed = float(t[0])
        return bool(t[1])

    def _out_of_time(self) -> bool:
        return bool(self.cfg.max_seconds) and self.elapsed >= self.cfg.max_seconds

    def _load_best(self) -> None:
        if self._best_path().exists():
            ckpt.load_state(self.model, ckpt.load_tensors(self._best_path()), str(self._best_path()))

    def summary(self) -> dict:
        return {"best_val_loss": self.best_val, "history": self.history, "steps": self.global_step,
                "seconds": round(self.elapsed, 1), "resumed_from_step": self.resumed_from,
                "tokens_per_s": self.tokens / self.elapsed if self.elapsed else 0.0}


def set_threads() -> None:
    """Use the physical cores for intra-op work unless the user set OMP_NUM_THREADS."""
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(max(1, os.cpu_count() or 1))
