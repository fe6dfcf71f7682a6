"""Unreadable corpus files (mode 000): skipped with a CorpusWarning, or one clear error.

The reads happen in a child process that really cannot read the file. This machine runs tests
as root, which reads anything, so for root the child is started without the capabilities that
override file modes (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, dropped from the bounding set before
exec) or, failing that, as ``nobody`` (uid/gid 65534). Any other user just gets the chmod 000
file. The tests skip only when no way works here (the probe reads the file successfully).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2
NOBODY = 65534

READ_CORPUS = """
import json, sys, warnings
from nextword.text.corpus import read_corpus
from nextword.errors import InputError
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        corpus = read_corpus(sys.argv[1])
        result = {"paragraphs": list(corpus.paragraphs()), "skipped": corpus.skipped}
    except InputError as exc:
        result = {"error": str(exc)}
result["warnings"] = [[w.category.__name__, str(w.message)] for w in caught]
print(json.dumps(result))
"""
PROBE = "import sys, nextword.text.corpus\ntry:\n    open(sys.argv[1]).close()\nexcept PermissionError:\n    print('denied')\n"


def drop_read_override() -> None:
    """``preexec_fn`` for root: after exec the child (still uid 0) obeys file modes."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def become_nobody() -> None:
    """``preexec_fn`` for root: run the child as nobody/nogroup."""
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def ways_to_be_unprivileged() -> list[Callable[[], None] | None]:
    """Candidate ``preexec_fn``s, best first (``None``: the current user already is)."""
    return [drop_read_override, become_nobody] if os.geteuid() == 0 else [None]


def make_work_folder() -> Path:
    """A temp folder every user may enter and write (``tmp_path`` is root's, mode 0700)."""
    path = Path(tempfile.mkdtemp(prefix="nextword-unreadable-"))
    path.chmod(0o777)
    return path


def remove_work_folder(path: Path) -> None:
    for p in path.rglob("*"):
        if not p.is_symlink():
            p.chmod(0o700 if p.is_dir() else 0o600)
    shutil.rmtree(path)


def write_unreadable(path: Path, text: str) -> Path:
    """A file with real text in it, mode 000."""
    path.write_text(text)
    path.chmod(0o000)
    return path


def child_env(work: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1", HOME=str(work),
                OMP_NUM_THREADS="1")


@pytest.fixture(scope="module")
def unprivileged() -> Callable[[], None] | None:
    """The first ``preexec_fn`` whose child imports nextword and cannot read a mode-000 file;
    skips the module's tests when there is none."""
    work = make_work_folder()
    try:
        probe_file = write_unreadable(work / "probe.txt", "secret")
        for preexec in ways_to_be_unprivileged():
            try:
                probe = subprocess.run([sys.executable, "-c", PROBE, str(probe_file)],
                                       capture_output=True, text=True, env=child_env(work),
                                       cwd=work, preexec_fn=preexec, timeout=300)
            except (OSError, subprocess.SubprocessError):
                continue
            if probe.stdout.strip() == "denied":
                return preexec
    finally:
        remove_work_folder(work)
    pytest.skip("no way to make a file unreadable for a child process here")


@pytest.fixture()
def work() -> Path:
    path = make_work_folder()
    yield path
    remove_work_folder(path)


@pytest.fixture()
def run_unprivileged(unprivileged, work: Path) -> Callable[..., subprocess.CompletedProcess]:
    """``run_unprivileged(*python_args)``: Python in a child that cannot read mode-000 files."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                              env=child_env(work), cwd=work, preexec_fn=unprivileged, timeout=300)

    return run


def read_corpus_unprivileged(run, path: Path) -> dict:
    proc = run("-c", READ_CORPUS, str(path))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_the_probe_really_cannot_read_a_mode_000_file(run_unprivileged, work):
    secret = write_unreadable(work / "secret.txt", "Private words.\n")
    proc = run_unprivileged("-c", "import sys; print(open(sys.argv[1]).read())", str(secret))
    assert proc.returncode == 1 and "PermissionError" in proc.stderr
    assert "Private words" not in proc.stdout


def test_an_unreadable_file_in_a_corpus_folder_is_skipped_with_a_warning(run_unprivileged, work):
    folder = work / "corpus"
    folder.mkdir()
    folder.chmod(0o755)
    (folder / "a.txt").write_text("First readable file.\n")
    write_unreadable(folder / "b-secret.txt", "Private words.\n")
    (folder / "c.txt").write_text("Second readable file.\n")
    for f in (folder / "a.txt", folder / "c.txt"):
        f.chmod(0o644)
    result = read_corpus_unprivileged(run_unprivileged, folder)
    assert result["paragraphs"] == ["First readable file.", "Second readable file."]
    assert result["skipped"] == [f"{folder / 'b-secret.txt'}: unreadable (Permission denied)"]
    assert result["warnings"] == [
        ["CorpusWarning", f"skipped {folder / 'b-secret.txt'}: unreadable (Permission denied)"]]


def test_an_unreadable_file_named_alone_is_an_input_error_naming_it(run_unprivileged, work):
    secret = write_unreadable(work / "secret.txt", "Private words.\n")
    result = read_corpus_unprivileged(run_unprivileged, secret)
    assert result["error"] == (f"no readable text in the files given (skipped: {secret}: unreadable "
                               "(Permission denied))")
    assert result["warnings"] == []  # the error already names the file


@pytest.mark.parametrize("what", ["a file alone", "a folder of unreadable files"])
def test_train_on_only_unreadable_text_exits_2_with_one_line(run_unprivileged, work, what):
    secret = write_unreadable(work / "secret.txt", "Private words.\n")
    if what == "a folder of unreadable files":
        folder = work / "corpus"
        folder.mkdir()
        folder.chmod(0o755)
        secret = write_unreadable(folder / "secret.txt", "Private words.\n")
        write_unreadable(folder / "other.txt", "More private words.\n")
        target = folder
    else:
        target = secret
    out = work / "model"
    proc = run_unprivileged("-m", "nextword", "train", str(target), "--out", str(out),
                            "--no-progress")
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[0].startswith("nextword: error: no readable text in the files given (skipped: ")
    assert f"{secret}: unreadable (Permission denied)" in lines[0]
    assert not out.exists() and not list(work.glob(".model*"))


def test_an_unreadable_subfolder_is_skipped_with_a_warning(run_unprivileged, work):
    folder = work / "corpus"
    (folder / "private").mkdir(parents=True)
    (folder / "a.txt").write_text("Readable text.\n")
    (folder / "private" / "b.txt").write_text("Private words.\n")
    folder.chmod(0o755)
    (folder / "a.txt").chmod(0o644)
    (folder / "private").chmod(0o000)
    result = read_corpus_unprivileged(run_unprivileged, folder)
    assert result["paragraphs"] == ["Readable text."]
    assert [w[0] for w in result["warnings"]] == ["CorpusWarning"]
    assert "private" in result["warnings"][0][1]


def test_an_unreadable_corpus_folder_is_an_input_error_saying_why(run_unprivileged, work):
    folder = work / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Private words.\n")
    folder.chmod(0o000)
    result = read_corpus_unprivileged(run_unprivileged, folder)
    assert result["error"] == (f"no readable text in the files given (skipped: {folder}: unreadable "
                               "folder (Permission denied))")
