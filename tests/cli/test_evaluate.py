"""``nextword eval --phrases``: the phrase typist from the command line."""

import json

from tests.cli.test_main import assert_clean_error, run


def test_eval_phrases_prints_trigger_rate_exact_match_and_savings(tiny_model_dir, tiny_corpus):
    r = run("eval", "--phrases", str(next(tiny_corpus.iterdir())), "--model", str(tiny_model_dir),
            "--max-words", "150")
    assert r.returncode == 0, r.stderr
    for row in ("trigger rate", "ExactMatch@2", "ExactMatch@5", "phrases accepted", "words only",
                "with phrases"):
        assert row in r.stdout


def test_eval_phrases_json_pools_the_files(tiny_model_dir, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("The system is running. The system is running well.\n" * 3)
    b.write_text("Let me know if you have any questions.\n" * 2)
    r = run("eval", "--phrases", str(a), str(b), "--model", str(tiny_model_dir), "--json")
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    pooled, files = res["pooled"], res["files"]
    assert pooled["words"] == sum(f["words"] for f in files.values()) > 0
    assert pooled["boundaries"] == pooled["words"] and 0 <= pooled["trigger_rate"] <= 1
    assert set(pooled["exact_match"]) == {"2", "3", "4", "5"}
    assert pooled["ksr_phrases"] >= pooled["ksr"]


def test_eval_phrases_on_a_missing_file_exits_2(tiny_model_dir, tmp_path):
    assert_clean_error(run("eval", "--phrases", str(tmp_path / "nope.txt"), "--model", str(tiny_model_dir)))
