"""A small "user corpus" for adapting tests: real prose the tiny model never saw (heldout/), with
made-up words the base vocabulary cannot hold, each used many times."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEW_WORDS = ("Siobhan", "kubectl", "Zorblax", "frobnicate")


def user_text(lines: int = 240) -> str:
    """``lines`` paragraphs of Franklin's autobiography; every third one tells of the made-up
    words (one per line of the corpus, as a user's notes would be)."""
    prose = (ROOT / "heldout" / "franklin-autobiography.txt").read_text("utf-8").splitlines()[20:20 + lines]
    out = []
    for i, para in enumerate(prose):
        if i % 3 == 0:
            word = NEW_WORDS[(i // 3) % len(NEW_WORDS)]
            para += f" I met {word} and we ran kubectl on the cluster with Siobhan."
        out.append(para)
    return "\n".join(out) + "\n"


def write_user_corpus(folder: Path, lines: int = 240) -> Path:
    """``user_text`` as ``folder/mine.txt``; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.txt").write_text(user_text(lines), "utf-8")
    return folder
