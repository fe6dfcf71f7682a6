"""Word-level and character-level vocabularies, built with Hugging Face ``tokenizers``.

Words are modelled lower-cased (a compact vocabulary); a case table remembers how each word is
usually written in mid-sentence (``I``, ``London``), so suggestions come back the way a user would
type them. ``tokenizer.json`` is the ``tokenizers`` file; ``vocab.json`` holds the case table and
the character vocabulary.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, trainers

from nextword.errors import ModelFileError
from nextword.text.words import TOKEN_PATTERN, split_words, starts_word

UNK, BOS = "<unk>", "<s>"  # unknown word; paragraph boundary (start of a paragraph)
SPECIALS = [UNK, BOS]
PARAGRAPH_BREAK = re.compile(r"\n\s*")  # a line break, with the blank lines after it
_NEWLINES = PARAGRAPH_BREAK
SENTENCE_END = {".", "!", "?", BOS}
CHAR_UNK, CHAR_BOUNDARY = "\x00", "\n"  # unknown character; paragraph boundary in the char stream


def is_word(token: str) -> bool:
    return starts_word(token) and token not in SPECIALS


def _hf_tokenizer() -> Tokenizer:
    tok = Tokenizer(models.WordLevel(unk_token=UNK))
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFC(), normalizers.Replace("\u2019", "'"), normalizers.Replace("\u2018", "'"),
         normalizers.Replace("\u02bc", "'"), normalizers.Lowercase()]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex(TOKEN_PATTERN), behavior="isolated")]
    )
    return tok


def count_case_forms(paragraph: str, forms: dict[str, Counter]) -> None:
    """Add how each token of ``paragraph`` is written in mid-sentence (the spelling a user wants
    suggested; a sentence's first word is capitalised whatever it is) to ``forms``
    (lower-cased token -> spelling -> count)."""
    prev = BOS
    for tok in split_words(paragraph):
        if prev not in SENTENCE_END:
            forms.setdefault(tok.lower(), Counter())[tok] += 1
        prev = tok


def usual_forms(forms: dict[str, Counter], min_count: int = 1) -> dict[str, str]:
    """The most frequent spelling of each token counted at least ``min_count`` times."""
    return {low: c.most_common(1)[0][0] for low, c in forms.items() if c.total() >= min_count}


class WordTokenizer:
    """Lower-cased word vocabulary with a case table and a character vocabulary."""

    def __init__(self, hf: Tokenizer, case: dict[str, str], chars: str):
        self.hf = hf
        vocab = hf.get_vocab()
        self.words: list[str] = [""] * len(vocab)
        for word, idx in vocab.items():
            self.words[idx] = word
        self.ids: dict[str, int] = vocab
        self.case = case
        self.chars = chars
        self.char_ids = {c: i for i, c in enumerate(chars)}
        self.unk_id, self.bos_id = vocab[UNK], vocab[BOS]
        self.word_mask = np.array([is_word(w) for w in self.words], dtype=bool)

    @property
    def vocab_size(self) -> int:
        return len(self.words)

    # -- building -------------------------------------------------------------------------------
    @classmethod
    def build(cls, paragraphs: Iterable[str], vocab_size: int = 30_000, min_frequency: int = 2,
              max_chars: int = 160, stats_every: int = 1) -> WordTokenizer:
        """Train the word vocabulary (most frequent lower-cased tokens) and the case table.

        ``paragraphs`` is read once and may be a stream. The case table and the character
        vocabulary are counted on every ``stats_every``-th paragraph, which bounds their cost on
        a huge corpus; the word counts always see everything (in Rust, in parallel).
        """
        hf = _hf_tokenizer()
        trainer = trainers.WordLevelTrainer(
            vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=SPECIALS,
            show_progress=False,
        )
        surface: dict[str, Counter] = {}
        char_counts: Counter = Counter()

        def counted() -> Iterator[str]:
            for i, para in enumerate(paragraphs):
                if i % stats_every == 0:
                    char_counts.update(para.lower())
                    count_case_forms(para, surface)
                yield para

        hf.train_from_iterator(counted(), trainer=trainer)
        vocab = hf.get_vocab()
        case = {low: form for low, form in usual_forms(surface).items() if low in vocab and form != low}
        chars = CHAR_UNK + CHAR_BOUNDARY + "".join(
            c for c, _ in char_counts.most_common(max_chars) if c not in (CHAR_UNK, CHAR_BOUNDARY)
        )
        return cls(hf, case, chars)

    def extended(self, words: list[str], case: dict[str, str] | None = None) -> WordTokenizer:
        """This vocabulary with ``words`` appended: each new word gets the next id and every
        existing id stays (so weights and n-grams counted over the old ids still line up).
        ``case`` sets the usual spelling of words old or new (a lower-cased form drops the
        entry); the character vocabulary is unchanged."""
        vocab = dict(self.ids)
        for word in words:
            vocab.setdefault(word, len(vocab))
        hf = Tokenizer.from_str(self.hf.to_str())
        hf.model = models.WordLevel(vocab, unk_token=UNK)
        table = dict(self.case)
        for low, form in (case or {}).items():
            if form == low:
                table.pop(low, None)
            else:
                table[low] = form
        return WordTokenizer(hf, table, self.chars)

    # -- encoding -------------------------------------------------------------------------------
    def vocab_tokens(self, text: str) -> list[str]:
        """The tokens of ``text`` as the vocabulary spells them (normalised, lower-cased),
        whether or not the vocabulary holds them."""
        normal = self.hf.normalizer.normalize_str(text)
        return [t for t, _ in self.hf.pre_tokenizer.pre_tokenize_str(normal)]

    def token_id(self, token: str) -> int:
        return self.ids.get(token.lower(), self.unk_id)

    def encode(self, text: str) -> list[int]:
        return [self.token_id(t) for t in split_words(text)]

    def encode_lines(self, text: str, prev: int | None = None) -> tuple[list[int], list[str]]:
        """Token ids and surface tokens of ``text`` as every model reads typed text: each line
        break starts a paragraph (the boundary token, never twice in a row; ``prev`` is the id
        just before ``text``)."""
        ids: list[int] = []
        surface: list[str] = []
        last = prev
        for i, line in enumerate(_NEWLINES.split(text)):
            if i and last != self.bos_id:
                ids.append(self.bos_id)
                surface.append(BOS)
                last = self.bos_id
            for token in split_words(line):
                last = self.token_id(token)
                ids.append(last)
                surface.append(token)
        return ids, surface

    def encode_chunks(self, paragraphs: Iterable[str], batch: int = 2048) -> Iterator[np.ndarray]:
        """Token ids of the paragraphs, each preceded by the boundary token, ``batch`` paragraphs
        per array (encoded in parallel, in Rust); a stream in, a stream out."""
        buf: list[str] = []
        for para in paragraphs:
            buf.append(para)
            if len(buf) >= batch:
                yield self._encode_batch(buf)
                buf = []
        if buf:
            yield self._encode_batch(buf)

    def _encode_batch(self, paragraphs: list[str]) -> np.ndarray:
        return np.concatenate(self.encode_each(paragraphs))

    def encode_each(self, paragraphs: list[str]) -> list[np.ndarray]:
        """Each paragraph's token ids, the boundary token first (encoded in parallel)."""
        encs = self.hf.encode_batch(paragraphs, add_special_tokens=False)
        return [np.array([self.bos_id, *e.ids], dtype=np.int32) for e in encs]

    def encode_paragraphs(self, paragraphs: Iterable[str]) -> np.ndarray:
        """All token ids of the paragraphs in one array (see ``encode_chunks``)."""
        chunks = list(self.encode_chunks(paragraphs))
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)

    def encode_chars(self, text: str) -> list[int]:
        return [self.char_ids.get(c, 0) for c in text.lower()]

    def display(self, word: str, sentence_start: bool = False) -> str:
        """How a user would type a vocabulary word here: its usual case, capitalised at a
        sentence start."""
        shown = self.case.get(word, word)
        if sentence_start and shown[:1].islower():
            shown = shown[:1].upper() + shown[1:]
        return shown

    # -- files ----------------------------------------------------------------------------------
    def save(self, directory: str | Path) -> None:
        directory = Path(directory)
        self.hf.save(str(directory / "tokenizer.json"))
        (directory / "vocab.json").write_text(
            json.dumps({"case": self.case, "chars": self.chars}, ensure_ascii=False), "utf-8"
        )

    @classmethod
    def load(cls, directory: str | Path) -> WordTokenizer:
        directory = Path(directory)
        try:
            hf = Tokenizer.from_file(str(directory / "tokenizer.json"))
            extra = json.loads((directory / "vocab.json").read_text("utf-8"))
            tok = cls(hf, dict(extra["case"]), str(extra["chars"]))
        except FileNotFoundError as exc:
            raise ModelFileError(f"model directory {directory} is missing {Path(exc.filename).name}") from None
        except Exception as exc:  # tokenizers raises plain Exception on garbage
            raise ModelFileError(f"bad tokenizer in {directory}: {str(exc).splitlines()[0][:120]}") from None
        if UNK not in tok.ids or BOS not in tok.ids:
            raise ModelFileError(f"bad tokenizer in {directory}: not a nextword word vocabulary")
        return tok
