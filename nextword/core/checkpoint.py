"""Model directories and training checkpoints on disk: safetensors + JSON, never pickle.

Reading is strict (a truncated, foreign or hostile file is one clear ``ModelFileError``); every
write goes through ``nextword.files``, so a crash or kill never leaves a torn file.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open
from safetensors.torch import save as st_save

from nextword.errors import InputError, ModelFileError
from nextword.files import atomic_write_bytes, recover_directory

FORMAT_VERSION = 1
MAX_HEADER_BYTES = 64 * 1024 * 1024  # a header larger than this is corrupt or hostile


def save_tensors(path: str | Path, tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None) -> None:
    data = {k: v.detach().to("cpu").contiguous() for k, v in tensors.items()}
    atomic_write_bytes(path, st_save(data, metadata=metadata))


def load_tensors(path: str | Path, framework: str = "pt") -> dict:
    """Read a safetensors file (as torch tensors, or numpy arrays with ``framework="np"``), refusing anything else (pickles, truncated or garbage files)."""
    path = Path(path)
    name = f"{path.parent.name}/{path.name}"
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise ModelFileError(f"model file missing: {path}") from None
    except OSError as exc:
        raise ModelFileError(f"cannot read {path}: {exc.strerror}") from None
    if len(head) < 8:
        raise ModelFileError(f"{name} is not a safetensors file (too short)")
    (header_len,) = struct.unpack("<Q", head)
    if header_len > min(MAX_HEADER_BYTES, size - 8):
        raise ModelFileError(f"{name} is not a safetensors file (corrupt or foreign header)")
    try:
        out = {}
        with safe_open(str(path), framework=framework) as fh:
            for key in fh.keys():  # noqa: SIM118 - safe_open is not a dict
                out[key] = fh.get_tensor(key)
        return out
    except Exception as exc:  # safetensors raises its own SafetensorError and others
        raise ModelFileError(f"{name} is corrupt: {str(exc).splitlines()[0][:100]}") from None


def read_json(path: str | Path) -> dict:
    path = Path(path)
    try:
        obj = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ModelFileError(f"model directory {path.parent} is missing {path.name}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise ModelFileError(f"{path} is not a nextword file")
    return obj


def model_header(kind: str) -> dict:
    """The fields that open every model directory's config.json (``read_config`` checks them)."""
    return {"format": "nextword", "format_version": FORMAT_VERSION, "kind": kind}


def check_model_out(path: str | Path) -> Path:
    """``path`` if a model directory may be written there: nothing there yet, an empty folder, or
    a model directory nextword wrote (replaced as a whole). A file, or a folder of anything else,
    is an ``InputError``: writing would replace it and delete what it holds (``--out
    ~/Documents`` would have)."""
    path = Path(path)
    if not path.exists():
        return path
    if not path.is_dir():
        raise InputError(f"{path} is a file, not a model directory: choose a new folder")
    if any(path.iterdir()):
        try:
            read_config(path)
        except ModelFileError:
            raise InputError(f"{path} is a folder that holds no nextword model: writing there would "
                             "delete what it holds; choose a new or empty folder") from None
    return path


def read_config(directory: str | Path, kind: str | None = None) -> dict:
    """config.json of a model directory, checked for format version and kind."""
    directory = Path(directory)
    if not directory.is_dir() and not recover_directory(directory):
        raise ModelFileError(f"model directory not found: {directory}")
    cfg = read_json(directory / "config.json")
    if cfg.get("format") != "nextword" or not isinstance(cfg.get("format_version"), int):
        raise ModelFileError(f"{directory} was not written by nextword (config.json)")
    if cfg["format_version"] > FORMAT_VERSION:
        raise ModelFileError(f"{directory} needs a newer nextword (format {cfg['format_version']})")
    if kind is not None and cfg.get("kind") != kind:
        raise ModelFileError(f"{directory} holds a {cfg.get('kind')!r} model, not a {kind!r} model")
    return cfg


def load_state(module: torch.nn.Module, tensors: dict[str, torch.Tensor], where: str) -> None:
    """Load weights into ``module``, with one clear error when names or shapes do not match."""
    own = module.state_dict()
    missing = sorted(set(own) - set(tensors))
    extra = sorted(set(tensors) - set(own))
    bad = [k for k in own if k in tensors and tensors[k].shape != own[k].shape]
    if missing or extra or bad:
        what = (f"missing {missing[0]}" if missing else f"unexpected {extra[0]}" if extra
                else f"shape of {bad[0]} {tuple(tensors[bad[0]].shape)} != {tuple(own[bad[0]].shape)}")
        raise ModelFileError(f"weights in {where} do not match config.json ({what})")
    module.load_state_dict({k: v.to(own[k].dtype) for k, v in tensors.items()})


# -- optimizer state without pickle ----------------------------------------------------------------
def flatten_optimizer(state: dict) -> tuple[dict[str, torch.Tensor], dict]:
    """Split ``optimizer.state_dict()`` into tensors (for safetensors) and JSON-able rest."""
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, Any] = {}
    for pid, pstate in state["state"].items():
        for key, val in pstate.items():
            if torch.is_tensor(val):
                tensors[f"{pid}.{key}"] = val
            else:
                scalars[f"{pid}.{key}"] = val
    return tensors, {"param_groups": state["param_groups"], "scalars": scalars}


def unflatten_optimizer(tensors: dict[str, torch.Tensor], meta: dict) -> dict:
    state: dict[int, dict] = {}
    for name, val in [*tensors.items(), *meta["scalars"].items()]:
        pid, key = name.split(".", 1)
        state.setdefault(int(pid), {})[key] = val
    return {"state": state, "param_groups": meta["param_groups"]}
