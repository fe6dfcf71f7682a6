"""``nextword train``: adapting a base model (``--base``, the bundled one by default) or training
from scratch (``--base none``); bad bases and options exit 2 with one line."""

import json
import shutil

import pytest

from nextword.cli import build_parser
from tests.helpers.cli import run_cli
from tests.helpers.user_corpus import write_user_corpus

FAST = ["--minutes", "0.05", "--char-minutes", "0.02", "--no-progress"]


def run(*args):
    return run_cli("train", *args)


def assert_clean_error(r, words: str):
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr and words in lines[0], r.stderr


@pytest.fixture(scope="module")
def user_corpus(tmp_path_factory):
    return write_user_corpus(tmp_path_factory.mktemp("user"), lines=120)


def test_the_bundled_model_is_the_default_base():
    assert build_parser().parse_args(["train", "notes", "--out", "m"]).base == "default"


def test_adapting_prints_the_new_words_and_the_before_after_table(tiny_model_dir, user_corpus, tmp_path):
    r = run(str(user_corpus), "--out", str(tmp_path / "m"), "--base", str(tiny_model_dir), *FAST)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "added " in out and "new words" in out and "Siobhan" in out
    rows = [line.split()[0] for line in out.splitlines() if line.split()[:1] in (["base"], ["adapted"])]
    assert rows == ["base", "adapted"] and "keystroke savings" in out
    cfg = json.loads((tmp_path / "m" / "config.json").read_text())
    assert cfg["adaptation"]["report"]["adapted"]["top3"] >= 0


def test_a_corpus_without_new_words_says_so(tiny_model_dir, tiny_corpus, tmp_path):
    r = run(str(tiny_corpus), "--out", str(tmp_path / "m"), "--base", str(tiny_model_dir), *FAST)
    assert r.returncode == 0, r.stderr
    assert "no new words were added" in r.stdout


def test_base_none_trains_from_scratch(tiny_corpus, tmp_path):
    r = run(str(tiny_corpus), "--out", str(tmp_path / "m"), "--base", "none", "--epochs", "1",
            "--vocab-size", "2000", "--dim", "32", "--hidden-size", "64", "--batch-size", "16", *FAST)
    assert r.returncode == 0, r.stderr
    cfg = json.loads((tmp_path / "m" / "config.json").read_text())
    assert "adaptation" not in cfg and cfg["word_lm"]["hidden_size"] == 64


def test_a_missing_or_corrupt_base_exits_2_with_one_line(tiny_model_dir, user_corpus, tmp_path):
    out = tmp_path / "m"
    assert_clean_error(run(str(user_corpus), "--out", str(out), "--base", str(tmp_path / "nope"), *FAST),
                       "bad base model")
    corrupt = tmp_path / "corrupt"
    shutil.copytree(tiny_model_dir, corrupt)
    (corrupt / "tokenizer.json").write_text("{not json")
    assert_clean_error(run(str(user_corpus), "--out", str(out), "--base", str(corrupt), *FAST), "bad base model")
    assert not out.exists()


def test_a_shape_flag_that_disagrees_with_the_base_exits_2(tiny_model_dir, user_corpus, tmp_path):
    r = run(str(user_corpus), "--out", str(tmp_path / "m"), "--base", str(tiny_model_dir), "--hidden-size", "65",
            *FAST)
    assert_clean_error(r, "does not match the base model")


def test_into_a_pipe_training_prints_its_epoch_lines_and_no_progress_bar(tiny_model_dir, user_corpus, tmp_path):
    r = run(str(user_corpus), "--out", str(tmp_path / "m"), "--base", str(tiny_model_dir),
            "--minutes", "0.05", "--char-minutes", "0.02")  # progress on, but stdout is a pipe
    assert r.returncode == 0, r.stderr
    assert "word epoch 1: train loss" in r.stdout and "char epoch 1: train loss" in r.stdout
    assert "ETA" not in r.stdout + r.stderr and "━" not in r.stdout + r.stderr and "…" not in r.stdout
