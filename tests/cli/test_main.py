import pickle
import shutil
from pathlib import Path

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


@pytest.mark.parametrize("args", [
    ("suggest", "hi", "-k", "0"), ("suggest", "hi", "-k", "two"), ("correct", "teh", "-k", "0"),
    ("eval", "README.md", "--max-words", "-5"), ("eval", "README.md", "--phrases", "--phrase-words", "1"),
    ("learned", "-n", "0"), ("forecast", "x.csv", "--horizon", "0"), ("forecast", "x.csv", "--backtest", "-1"),
    ("train", "CORPUS", "--out", "OUT", "--minutes", "-1"), ("train", "CORPUS", "--out", "OUT", "--lr", "0"),
    ("train", "CORPUS", "--out", "OUT", "--epochs", "2.5"), ("train", "CORPUS", "--out", "OUT", "--batch-size", "0"),
])
def test_a_count_or_budget_out_of_range_is_a_one_line_usage_error(args, tmp_path):
    # `suggest -k 0` printed nothing and `train --minutes -1` trained: both exited 0
    (tmp_path / "c.txt").write_text("a few words to train on\n" * 20)
    places = {"CORPUS": str(tmp_path / "c.txt"), "OUT": str(tmp_path / "out")}
    r = run(*(places.get(a, a) for a in args))
    assert_clean_error(r)
    assert f"argument {args[-2]}:" in r.stderr
    assert not (tmp_path / "out").exists()


def test_a_training_option_out_of_range_is_refused_by_the_library_too(tmp_path):
    import nextword
    from nextword.errors import InputError

    (tmp_path / "c.txt").write_text("a few words to train on\n" * 20)
    for option, value in (("max_minutes", -1), ("lr", 0.0), ("dropout", 1.0), ("epochs", 0)):
        with pytest.raises(InputError, match=option):
            nextword.train(tmp_path / "c.txt", tmp_path / "out", **{option: value}, progress=False)
    assert not (tmp_path / "out").exists()


def test_eval_of_a_file_without_words_is_a_one_line_error(tiny_model_dir, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "dots.txt").write_text("... --- !!!\n")
    for name in ("empty.txt", "dots.txt"):
        for extra in ((), ("--phrases",)):
            r = run("eval", str(tmp_path / name), "--model", str(tiny_model_dir), *extra)
            assert_clean_error(r)
            assert "has no words to score" in r.stderr


def test_correct_file_names_a_folder_or_device_for_what_it_is(tmp_path):
    assert "is a folder" in run("correct", "--file", str(tmp_path)).stderr
    if Path("/dev/null").exists():
        assert "not a regular file" in run("correct", "--file", "/dev/null").stderr
    assert "no such file" in run("correct", "--file", str(tmp_path / "none.txt")).stderr


@pytest.mark.parametrize("command", [("learn", "README.md"), ("suggest", "hi"), ("learned",)])
def test_a_data_folder_that_is_a_file_is_a_one_line_error(command, tmp_path, monkeypatch):
    (tmp_path / "data").write_text("x")
    monkeypatch.setenv("NEXTWORD_DATA_DIR", str(tmp_path / "data"))
    r = run(*command)
    assert_clean_error(r)
    assert "is not a folder" in r.stderr


def test_the_editor_refuses_a_data_folder_that_is_a_file_before_it_opens(tiny_model_dir, tmp_path):
    """``nextword type`` with such a folder opened, then crashed at the first save."""
    from nextword.app import make_app
    from nextword.errors import InputError

    (tmp_path / "data").write_text("x")
    with pytest.raises(InputError, match="is not a folder"):
        make_app(None, model_dir=tiny_model_dir, data_directory=tmp_path / "data")
    make_app(None, model_dir=tiny_model_dir, data_directory=tmp_path / "data", incognito=True)  # writes nothing
