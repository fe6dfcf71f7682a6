import resource
import struct
import subprocess
import sys

import pytest
import torch

from nextword.core import checkpoint as ckpt
from nextword.errors import ModelFileError
from nextword.files import atomic_directory, write_json


def test_tensors_round_trip_without_pickle(tmp_path):
    t = {"a": torch.arange(6.0).reshape(2, 3), "b": torch.tensor([1, 2], dtype=torch.int64)}
    ckpt.save_tensors(tmp_path / "w.safetensors", t)
    back = ckpt.load_tensors(tmp_path / "w.safetensors")
    assert torch.equal(back["a"], t["a"]) and torch.equal(back["b"], t["b"])


def test_an_oversized_header_is_refused_before_reading_it(tmp_path):
    bad = tmp_path / "w.safetensors"
    bad.write_bytes(struct.pack("<Q", 2**40) + b"{}" + b"\x00" * 100)
    with pytest.raises(ModelFileError, match="corrupt or foreign header"):
        ckpt.load_tensors(bad)


def test_atomic_write_keeps_the_old_file_when_the_disk_is_full(tmp_path):
    """RLIMIT_FSIZE stands in for a full disk: the write fails with a clear OSError and the
    previous file is untouched, with no temp file left behind."""
    target = tmp_path / "doc.txt"
    target.write_text("old content\n")
    code = (
        "import resource, sys\n"
        "from nextword.files import atomic_write_text\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, (4096, {resource.RLIM_INFINITY}))\n"
        "try:\n"
        f"    atomic_write_text({str(target)!r}, 'x' * 100_000)\n"
        "except OSError as exc:\n"
        "    print('error', exc.errno)\n"
        "    sys.exit(3)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 3, r.stderr
    assert target.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.txt"]


def test_atomic_directory_keeps_the_previous_model_when_writing_fails(tmp_path):
    out = tmp_path / "model"
    with atomic_directory(out) as d:
        (d / "config.json").write_text("v1")
    with pytest.raises(RuntimeError), atomic_directory(out) as d:
        (d / "config.json").write_text("v2 half")
        raise RuntimeError("killed")
    assert (out / "config.json").read_text() == "v1"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_a_kill_between_the_two_renames_is_recovered_on_load(tmp_path):
    out = tmp_path / "model"
    with atomic_directory(out) as d:
        write_json(d / "config.json", {"format": "nextword", "format_version": 1, "kind": "x"})
    parked = tmp_path / ".model.tmp-old-abc"
    parked.mkdir()
    out.rename(parked / "model")  # the state right after the first rename
    assert ckpt.read_config(out)["kind"] == "x"
    assert out.is_dir() and not (parked / "model").exists()


def test_a_model_is_written_only_where_nothing_of_the_users_would_be_deleted(tiny_model_dir, tmp_path):
    """``train --out ~/Documents`` replaced the folder as a whole and deleted what it held."""
    from nextword.core.checkpoint import check_model_out
    from nextword.errors import InputError

    assert check_model_out(tmp_path / "new") == tmp_path / "new"
    (tmp_path / "empty").mkdir()
    check_model_out(tmp_path / "empty")
    check_model_out(tiny_model_dir)  # a model of ours is replaced as a whole
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("precious")
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="holds no nextword model"):
        check_model_out(tmp_path / "docs")
    with pytest.raises(InputError, match="is a file"):
        check_model_out(tmp_path / "file")


def test_training_or_saving_a_forecaster_into_a_folder_of_the_users_keeps_it(tmp_path):
    import numpy as np

    import nextword

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("precious")
    (tmp_path / "c.txt").write_text("a few words to train on\n" * 20)
    with pytest.raises(nextword.InputError, match="holds no nextword model"):
        nextword.train(tmp_path / "c.txt", docs, base=None, progress=False)
    forecaster = nextword.Forecaster(season=1, horizon=2, epochs=1, ensemble=1)
    forecaster.fit(np.sin(np.arange(60) / 3.0))
    with pytest.raises(nextword.InputError, match="holds no nextword model"):
        forecaster.save(docs)
    assert (docs / "notes.txt").read_text() == "precious" and len(list(docs.iterdir())) == 1
