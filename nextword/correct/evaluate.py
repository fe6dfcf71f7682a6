"""Correction figures for ``nextword eval``: isolated-word accuracy on pair files and in-context
fix/broken rates on sentence files (formats in ``data/typos/SOURCES.md``)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from nextword.correct.corrector import Corrector
from nextword.errors import InputError

_PAIR_WORD = re.compile(r"[a-z'-]+")


def read_pairs(path: str | Path) -> list[tuple[str, str]]:
    """``(typo, intended)`` from a ``typo<TAB>intended`` file, lower-cased; pairs that are not
    single ``[a-z'-]`` words are skipped, as the shared harness does."""
    pairs = []
    for line in _read_lines(path):
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        typo, intended = parts[0].strip().lower(), parts[1].strip().lower()
        if typo != intended and _PAIR_WORD.fullmatch(typo) and _PAIR_WORD.fullmatch(intended):
            pairs.append((typo, intended))
    return pairs


def read_sentences(path: str | Path) -> list[tuple[list[str], list[str]]]:
    """``(clean tokens, noisy tokens)`` from a ``clean<TAB>noisy`` file; lines whose two sides
    differ in length are skipped."""
    out = []
    for line in _read_lines(path):
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        clean, noisy = parts[0].split(), parts[1].split()
        if clean and len(clean) == len(noisy):
            out.append((clean, noisy))
    return out


def _read_lines(path: str | Path) -> list[str]:
    try:
        return Path(path).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc.__class__.__name__}") from None


def is_sentence_file(path: str | Path) -> bool:
    """Whether a typo file holds sentences (``clean<TAB>noisy`` with spaces) rather than pairs."""
    lines = [line.split("\t") for line in _read_lines(path)[:50] if line.count("\t") == 1]
    # pair files hold a few "a lot" style phrases; sentence sides are long and equally long
    long = [a for a, b in lines if len(a.split()) >= 3 and len(a.split()) == len(b.split())]
    return bool(lines) and len(long) > len(lines) / 2


def score_pairs(correct: Callable[[str, str, int], Sequence], pairs: Sequence[tuple[str, str]],
                k: int = 3) -> dict:
    """Top-1 and top-``k`` accuracy of ``correct(word, context, k)`` on isolated typos, and the
    words per second it managed. A typo listed with several intended words (Birkbeck) counts
    once per pair, as in the published figures."""
    hits1 = hitsk = 0
    start = time.perf_counter()
    for typo, intended in pairs:
        words = [s.word.lower() for s in correct(typo, "", k)]
        hits1 += bool(words) and words[0] == intended
        hitsk += intended in words[:k]
    secs = time.perf_counter() - start
    n = max(len(pairs), 1)
    return {"pairs": len(pairs), "top1": hits1 / n, f"top{k}": hitsk / n,
            "words_per_s": len(pairs) / secs if secs > 0 else float("inf")}


def score_sentences(correct_tokens: Callable[[list[str]], list[str]],
                    sentences: Sequence[tuple[list[str], list[str]]]) -> dict:
    """Autocorrect each noisy sentence (token in, token out) and compare with the clean one:
    ``still_wrong`` (share of all words wrong afterwards), ``fix_rate`` (share of typos
    corrected), ``broken_rate`` (share of correct words made wrong), ``words_per_s``."""
    words = typos = fixed = broken = wrong = 0
    start = time.perf_counter()
    for clean, noisy in sentences:
        out = correct_tokens(list(noisy))
        for c, n, o in zip(clean, noisy, out, strict=True):
            o = o.lower()
            words += 1
            wrong += o != c
            if n != c:
                typos += 1
                fixed += o == c
            else:
                broken += o != c
    secs = time.perf_counter() - start
    return {"sentences": len(sentences), "words": words, "typos": typos,
            "still_wrong": wrong / max(words, 1), "fix_rate": fixed / max(typos, 1),
            "broken_rate": broken / max(words - typos, 1),
            "words_per_s": words / secs if secs > 0 else float("inf")}


def evaluate_file(corrector, path: str | Path) -> dict:
    """The correction figures for one typo file, pairs or sentences by its content."""
    sentences = is_sentence_file(path)
    items = read_sentences(path) if sentences else read_pairs(path)
    if not items:  # figures of nothing would read as 0 % (or 100 %)
        raise InputError(f"{path} holds no typo<TAB>intended pairs or clean<TAB>noisy sentences to score")
    if sentences:
        res = score_sentences(corrector.correct_tokens, items)
        res["kind"] = "sentences"
    else:
        res = score_pairs(corrector.correct, items)
        res["kind"] = "pairs"
    res["file"] = str(path)
    return res


def is_typo_file(path: str | Path) -> bool:
    """Whether ``path`` is a typo file (pairs or sentences, tab-separated: a ``.tsv`` file, or
    most of its first lines) rather than plain text for language-model evaluation."""
    try:
        with open(path, encoding="utf-8") as fh:
            head = [fh.readline() for _ in range(20)]
    except (OSError, UnicodeDecodeError):
        return False
    lines = [line for line in head if line.strip()]
    # a stray line (a heading, a broken pair) does not make a typo file plain text
    tabbed = sum(line.count("\t") == 1 for line in lines)
    return bool(lines) and (Path(path).suffix.lower() == ".tsv" or tabbed >= 0.8 * len(lines))


def evaluate_typo_files(model, paths: Sequence[str | Path]) -> list[dict]:
    """Correction figures for each typo file, with one corrector over ``model`` (a typing
    model or anything with the ``nextword.correct.priors.ScoringModel`` protocol)."""
    corrector = getattr(model, "_get_corrector", lambda: None)() or Corrector(model)
    return [evaluate_file(corrector, p) for p in paths]


def correction_table(results: Sequence[dict]):
    """The figures of ``evaluate_typo_files`` as a ``rich`` table for ``nextword eval``."""
    from rich.table import Table

    table = Table(title="autocorrect")
    for col in ("file", "top-1", "top-3", "still wrong", "fixed", "broken", "words/s"):
        table.add_column(col, justify="left" if col == "file" else "right")
    for r in results:
        name = Path(r["file"]).name
        if r["kind"] == "pairs":
            table.add_row(name, f"{r['top1']:.1%}", f"{r['top3']:.1%}", "", "", "",
                          f"{r['words_per_s']:,.0f}")
        else:
            table.add_row(name, "", "", f"{r['still_wrong']:.2%}", f"{r['fix_rate']:.1%}",
                          f"{r['broken_rate']:.2%}", f"{r['words_per_s']:,.0f}")
    return table
