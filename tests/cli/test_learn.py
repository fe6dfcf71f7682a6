"""``nextword learn``, ``nextword learned`` and ``nextword forget`` on the user data folder."""

from __future__ import annotations

import stat

from nextword.lm.personal import DB_NAME
from nextword.userdata import personal_model_dir
from tests.cli.test_main import assert_clean_error, run

NOTES = ("We deploy with kubectl every day. Siobhan reviews the kubectl changes.\n"
         "Ask Siobhan before you run kubectl on the cluster.\n") * 3


def test_learn_reads_files_into_a_private_store_and_reports_new_words(tiny_model_dir, tmp_path, private_data_dir):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text(NOTES)
    r = run("learn", str(tmp_path / "notes"), "--model", str(tiny_model_dir))
    assert r.returncode == 0, r.stderr
    assert "new" in r.stdout and "kubectl (9)" in r.stdout and "Siobhan (6)" in r.stdout
    db = private_data_dir / DB_NAME
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    r = run("suggest", "I met Sio", "--model", str(tiny_model_dir))
    assert r.stdout.splitlines()[0].startswith("Siobhan"), r.stdout
    r = run("learned", "--model", str(tiny_model_dir))
    rows = r.stdout.splitlines()[1:]
    assert rows[0].split("\t")[:3] == ["kubectl", "9", "new"] and rows[1].startswith("Siobhan\t6\tnew")


def test_learned_forget_deletes_one_word_from_disk(tiny_model_dir, tmp_path, private_data_dir):
    (tmp_path / "a.txt").write_text(NOTES)
    assert run("learn", str(tmp_path / "a.txt"), "--model", str(tiny_model_dir)).returncode == 0
    r = run("learned", "--forget", "Siobhan", "--model", str(tiny_model_dir))
    assert r.returncode == 0, r.stderr
    assert b"Siobhan" not in (private_data_dir / DB_NAME).read_bytes()
    assert b"kubectl" in (private_data_dir / DB_NAME).read_bytes()
    assert "Siobhan" not in run("learned", "--model", str(tiny_model_dir)).stdout
    assert_clean_error(run("learned", "--forget", "Siobhan", "--model", str(tiny_model_dir)))


def test_forget_removes_the_learned_text_and_the_adapted_model(tiny_model_dir, tmp_path, private_data_dir):
    (tmp_path / "a.txt").write_text(NOTES)
    run("learn", str(tmp_path / "a.txt"), "--model", str(tiny_model_dir))
    mine = personal_model_dir(private_data_dir)
    mine.mkdir()
    (mine / "config.json").write_text("{}")
    assert run("forget").returncode == 0
    assert not mine.exists() and b"kubectl" not in (private_data_dir / DB_NAME).read_bytes()
    assert "nothing learned" in run("learned", "--model", str(tiny_model_dir)).stdout


def test_learn_rejects_empty_and_binary_files_with_one_line(tiny_model_dir, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 40)
    assert_clean_error(run("learn", str(tmp_path / "empty.txt"), "--model", str(tiny_model_dir)))
    assert_clean_error(run("learn", str(tmp_path / "blob.bin"), "--model", str(tiny_model_dir)))
    assert_clean_error(run("learn", str(tmp_path / "missing.txt"), "--model", str(tiny_model_dir)))
