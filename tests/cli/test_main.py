import pickle
import shutil

import pytest

from tests.helpers.cli import run_cli, run_process

run = run_cli  # most tests: the command's code in this process (tests/helpers/cli.py)


def test_suggest_prints_three_words(tiny_model_dir):
    r = run("suggest", "I'll meet you at the ", "--model", str(tiny_model_dir))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3 and all(line.split("\t")[0].strip() for line in lines)


def test_eval_prints_the_metrics_with_the_baseline(tiny_model_dir, tiny_corpus):
    r = run("eval", str(next(tiny_corpus.iterdir())), "--model", str(tiny_model_dir), "--baseline",
            "--max-words", "300")
    assert r.returncode == 0, r.stderr
    for col in ("perplexity", "top-1", "top-3", "keystroke savings", "nextword", "Kneser-Ney"):
        assert col in r.stdout


def assert_clean_error(r):
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr


def test_missing_model_directory_exits_2(tmp_path):
    assert_clean_error(run_process("suggest", "hi", "--model", str(tmp_path / "none")))  # the real command


@pytest.mark.parametrize("damage", ["missing_weights", "truncated_weights", "garbage_weights",
                                    "missing_tokenizer", "garbage_tokenizer", "foreign_config",
                                    "mismatched_config"])
def test_damaged_model_directory_exits_2(tiny_model_dir, tmp_path, damage):
    d = tmp_path / "m"
    shutil.copytree(tiny_model_dir, d)
    w = d / "weights.safetensors"
    if damage == "missing_weights":
        w.unlink()
    elif damage == "truncated_weights":
        w.write_bytes(w.read_bytes()[: w.stat().st_size // 2])
    elif damage == "garbage_weights":
        w.write_bytes(b"\x00" * 5000)
    elif damage == "missing_tokenizer":
        (d / "tokenizer.json").unlink()
    elif damage == "garbage_tokenizer":
        (d / "tokenizer.json").write_text("{not json")
    elif damage == "foreign_config":
        (d / "config.json").write_text('{"model_type": "bert"}')
    elif damage == "mismatched_config":
        cfg = (d / "config.json").read_text().replace('"hidden_size": 64', '"hidden_size": 65')
        (d / "config.json").write_text(cfg)
    assert_clean_error(run("suggest", "hello ", "--model", str(d)))


class Boom:
    def __reduce__(self):
        import os

        return (os.system, (f"touch {Boom.marker}",))


def test_a_pickle_planted_as_weights_is_refused_and_never_executed(tiny_model_dir, tmp_path):
    d = tmp_path / "m"
    shutil.copytree(tiny_model_dir, d)
    Boom.marker = tmp_path / "PWNED"
    (d / "weights.safetensors").write_bytes(pickle.dumps(Boom()))
    assert_clean_error(run("suggest", "hello ", "--model", str(d)))
    assert not Boom.marker.exists()


def test_train_bad_inputs_exit_2_and_leave_no_output(tmp_path):
    out = tmp_path / "out"
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.bin").write_bytes(b"\x00\xff" * 1000)
    (tmp_path / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    for corpus in ("empty.txt", "binary.bin", "latin.txt", "does-not-exist"):
        assert_clean_error(run("train", str(tmp_path / corpus), "--out", str(out), "--no-progress"))
    assert not out.exists() and not list(tmp_path.glob(".out*"))


def test_bad_usage_exits_2():
    r = run_process("suggest")
    assert r.returncode == 2
