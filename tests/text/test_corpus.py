import os

import pytest

from nextword.errors import InputError
from nextword.text.corpus import (
    CorpusWarning,
    expand_paths,
    file_paragraphs,
    read_corpus,
    split_paragraphs,
)


def test_reads_files_folders_and_globs_in_sorted_order(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("Second file.\n")
    (tmp_path / "a.txt").write_text("First file.\n")
    (tmp_path / "sub" / "c.md").write_text("Nested note.\n")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.txt", "b.txt", "c.md"]
    assert [p.name for p in expand_paths([str(tmp_path / "*.txt")])] == ["a.txt", "b.txt"]
    corpus = read_corpus(tmp_path)
    assert list(corpus.paragraphs()) == ["First file.", "Second file.", "Nested note."]


def test_a_folder_is_searched_for_prose_and_a_file_named_is_always_read(tmp_path):
    """`learn ~/projects` learned a model's vocab.json as the user's writing."""
    for name, text in (("a.txt", "Prose here.\n"), ("b.md", "More prose.\n"), ("NOTES", "A note.\n"),
                       ("vocab.json", '{"train_loss": 1}\n'), ("run.py", "print('hi')\n"),
                       ("data.csv", "a,b\n1,2\n")):
        (tmp_path / name).write_text(text)
    skipped: list[str] = []
    assert [p.name for p in expand_paths([tmp_path], skipped)] == ["NOTES", "a.txt", "b.md"]
    assert len(skipped) == 1 and all(k in skipped[0] for k in ("3 file(s)", ".json", ".py", ".csv"))
    with pytest.warns(CorpusWarning, match="not prose"):
        assert sorted(read_corpus(tmp_path).paragraphs()) == ["A note.", "More prose.", "Prose here."]
    named = [tmp_path / "vocab.json", tmp_path / "a.txt"]
    assert [p.name for p in expand_paths(named)] == ["vocab.json", "a.txt"]


def test_windows_and_mac_newlines_are_normalised_and_wrapped_lines_joined():
    text = "A hard-wrapped\r\nparagraph here.\r\n\r\nAnd  another\rone."
    assert split_paragraphs(text) == ["A hard-wrapped paragraph here.", "And another one."]


def test_one_paragraph_per_line_without_blank_lines():
    assert split_paragraphs("one\ntwo\nthree\n") == ["one", "two", "three"]


def test_a_stray_blank_line_does_not_merge_a_one_paragraph_per_line_file(tmp_path):
    lines = [f"Message number {i} of the chat log." for i in range(100)]
    text = "\n".join(lines[:40]) + "\n\n" + "\n".join(lines[40:]) + "\n"
    assert split_paragraphs(text) == lines
    (tmp_path / "chat.txt").write_text(text)
    assert list(file_paragraphs(tmp_path / "chat.txt")) == lines
    wrapped = "\n\n".join("A hard-wrapped\nparagraph of\nprose here." for _ in range(5))
    assert split_paragraphs(wrapped) == ["A hard-wrapped paragraph of prose here."] * 5


def test_binary_and_non_utf8_files_are_skipped_with_a_warning(tmp_path):
    (tmp_path / "good.txt").write_text("Some good text here.\n")
    (tmp_path / "blob.dat").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (tmp_path / "latin.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    with pytest.warns(CorpusWarning) as caught:
        corpus = read_corpus(tmp_path)
    assert list(corpus.paragraphs()) == ["Some good text here."]
    assert len(caught) == 2 and len(corpus.skipped) == 2


def test_utf16_with_bom_and_utf8_bom_are_decoded(tmp_path):
    (tmp_path / "u16.txt").write_bytes("héllo wörld".encode("utf-16"))
    (tmp_path / "u8.txt").write_bytes(b"\xef\xbb\xbfplain text")
    assert sorted(read_corpus(tmp_path).paragraphs()) == ["héllo wörld", "plain text"]


def test_missing_path_and_empty_corpus_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        read_corpus(tmp_path / "nope")
    (tmp_path / "empty.txt").write_text("\n\n   \n")
    with pytest.raises(InputError, match="no readable text"):
        read_corpus(tmp_path)


def test_split_is_deterministic_by_whole_paragraphs_and_never_empty(tmp_path):
    (tmp_path / "t.txt").write_text("\n".join(f"Paragraph number {i}." for i in range(500)))
    corpus = read_corpus(tmp_path)
    split = corpus.split(0.1)
    train, val = list(split.train()), list(split.val())
    assert (train, val) == (list(corpus.split(0.1).train()), list(corpus.split(0.1).val()))
    assert 20 < len(val) < 90 and len(train) + len(val) == 500
    assert (split.n_train, split.n_val) == (len(train), len(val))
    assert not set(train) & set(val)
    (tmp_path / "t.txt").write_text("only one\nand two\n")
    tiny = read_corpus(tmp_path).split(0.0001)
    assert (tiny.n_train, tiny.n_val) == (1, 1)
    assert list(tiny.train()) == ["only one"] and list(tiny.val()) == ["and two"]


def test_streamed_paragraphs_match_whole_file_splitting_across_block_edges(tmp_path):
    # blocks of 7 bytes cut through words, "\r\n" pairs, blank lines and UTF-8 sequences
    prose = "Caf\u00e9 cr\u00e8me is\r\nwrapped here.\r\n\r\nSecond  para\u00a0\u00e9t\u00e9.\r\n \r\nThird."
    lines = "one line\r\ntwo line\rthree \u00fc\nfour"
    for text in (prose, lines):
        path = tmp_path / "f.txt"
        path.write_bytes(text.encode("utf-8"))
        for size in (1, 2, 3, 7, 1 << 20):
            assert list(file_paragraphs(path, "utf-8-sig", block_size=size)) == split_paragraphs(text)


def test_utf16_is_streamed_across_block_edges(tmp_path):
    text = "h\u00e9llo w\u00f6rld\n\nsecond \U0001f600 para"
    (tmp_path / "u16.txt").write_bytes(text.encode("utf-16"))
    assert list(file_paragraphs(tmp_path / "u16.txt", "utf-16", block_size=3)) == split_paragraphs(text)


def test_a_bad_byte_late_in_a_file_skips_the_whole_file(tmp_path):
    (tmp_path / "good.txt").write_text("Fine text.\n")
    (tmp_path / "late.txt").write_bytes(b"valid start\n" * 1000 + b"caf\xe9\n")
    with pytest.warns(CorpusWarning, match="late.txt"):
        corpus = read_corpus(tmp_path)
    assert list(corpus.paragraphs()) == ["Fine text."]


def test_fingerprint_follows_content_not_file_times(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Some text.\n")
    before = read_corpus(tmp_path).fingerprint
    os.utime(path, (1, 1))
    assert read_corpus(tmp_path).fingerprint == before
    path.write_text("Other text.\n")
    assert read_corpus(tmp_path).fingerprint != before


def test_symlink_loops_are_skipped_not_followed(tmp_path):
    (tmp_path / "good.txt").write_text("Real text here.\n")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")  # a link to itself
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)  # a folder cycle
    with pytest.warns(CorpusWarning, match="loop"):
        corpus = read_corpus(tmp_path)
    assert list(corpus.paragraphs()) == ["Real text here."]
    assert any("loop" in s for s in corpus.skipped)


def test_a_single_50_mb_line_is_read_as_one_paragraph(tmp_path):
    (tmp_path / "big.txt").write_text(("word " * 10_000_000).strip())
    corpus = read_corpus(tmp_path)
    assert corpus.n_paragraphs == 1 and corpus.n_chars == 50_000_000 - 1
