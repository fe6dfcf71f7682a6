"""The token rules: which words of a text autocorrect may touch, and what an unknown word is.

Autocorrect leaves numbers, URLs, e-mail addresses, code (``chunk_kind``), ALL-CAPS acronyms
(``is_acronym``), roman numerals (``is_roman_numeral``), elisions (``tho'``, ``'tis``) and the
user's dictionary words alone (``word_spans``, ``should_check``), and writes a replacement in
the typed case (``match_case``). An unknown word regularly formed from known ones
(``regular_form``, ``same_word``) or written with a capital inside a sentence
(``looks_like_name``) is harder to replace; a capitalised day or month abbreviation
(``is_date_abbreviation``) is kept, and first among its readings. Words are the package's one
word pattern (``nextword.text.words``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

from nextword.text.words import WORD_RE, is_plain_word, normalize

# -- tokens that are never touched ----------------------------------------------------------------

_URL = re.compile(r"^[(<\[\"']*(?:[a-z][a-z0-9+.-]*://|www\.)\S+|^[\w-]+(?:\.[\w-]+)+/\S*", re.I)
# the look-behind starts a try only where a run of address characters starts: without it a long
# run with no "@" is rescanned from each of its characters (a 20k-letter chunk took seconds)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CODE = re.compile(
    r"[_/\\=<>{}\[\]|`$#@~^*]"  # symbols of paths, code and markup
    r"|\w\.\w"  # dotted names: os.path, file.txt
    r"|[a-z][A-Z]"  # camelCase
    r"|^--?\w"  # command-line flags
    r"|\w\(|\w::\w|->"
)
_DIGIT = re.compile(r"\d")


def chunk_kind(chunk: str) -> str:
    """What a whitespace-separated chunk of text is: ``url``, ``email``, ``code``, ``number``
    or ``text`` (only ``text`` chunks are corrected)."""
    if _URL.search(chunk):
        return "url"
    if _EMAIL.search(chunk):
        return "email"
    if _CODE.search(chunk):
        return "code"
    if _DIGIT.search(chunk):
        return "number"
    return "text"


def is_acronym(word: str) -> bool:
    """ALL-CAPS words of two or more letters (``NASA``, ``HTTP``) are names, not typos."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


# a well-formed roman numeral (``xlvii``, ``mcmxc``): no more than three of a numeral in a row,
# and a smaller one before a larger only as iv, ix, xl, xc, cd, cm
_ROMAN = re.compile(r"m{0,4}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})", re.IGNORECASE)
ROMAN_MIN = 3  # shorter ones (``mi``, ``di``, ``li``) are as often slips of words


def is_roman_numeral(word: str) -> bool:
    """A well-formed roman numeral of at least ``ROMAN_MIN`` letters (``lxxi``, ``xviii``): a
    chapter or volume number, not a typo of another one."""
    return len(word) >= ROMAN_MIN and _ROMAN.fullmatch(word) is not None


# the abbreviations of dates and mail headers; the word lists hold them as names (capitalised), so
# they are in none that autocorrect reads, and ``Tue`` was read as a slip of ``The``
_DATE_ABBREVIATIONS = frozenset({
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})


def is_date_abbreviation(word: str) -> bool:
    """A day or month abbreviation written with its capital (``Tue``, ``Thurs``, ``Sept``; a
    lower-case ``tue`` is as likely a slip of ``the``)."""
    return word[:1].isupper() and word.lower() in _DATE_ABBREVIATIONS


def should_check(word: str, user_words: set[str], max_word: int) -> bool:
    """Whether ``word`` is an ordinary typed word that correction may touch."""
    return (is_plain_word(word) and 1 < len(word) <= max_word and not is_acronym(word)
            and not is_roman_numeral(word) and word.lower() not in user_words)


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, normalised word)`` of each word of ``text`` that autocorrect may touch:
    words of ordinary text chunks (not URLs, addresses, code or numbers), not elisions."""
    for chunk in re.finditer(r"\S+", text):
        s = chunk.group()
        if chunk_kind(s) != "text":
            continue
        for m in WORD_RE.finditer(s):
            if not _elided(s, m.start(), m.end()):
                yield chunk.start() + m.start(), chunk.start() + m.end(), normalize(m.group())


def _elided(chunk: str, start: int, end: int) -> bool:
    """Whether the word at ``chunk[start:end]`` has an apostrophe glued to one side: an
    elision (``tho'``, ``thro'``, ``'tis``, ``o'``), not a typo. On both sides it is a quote."""
    quote = ("'", "\u2019")
    return (chunk[end:end + 1] in quote) != (chunk[start - 1:start] in quote if start else False)


class Displays(Protocol):
    """Knows a word's usual case: a tokenizer (the training text's), or a typing model (the
    user's own spelling first)."""

    def display(self, word: str) -> str: ...


def match_case(typed: str, word: str, usual: Displays | None = None) -> str:
    """``word`` (lower case) written the way ``typed`` was: capitalised if the typed word was,
    otherwise in its usual case by ``usual`` (``i`` -> ``I``, ``london`` -> ``London``, and a word
    the user taught as they write it: ``githb`` -> ``GitHub``)."""
    shown = usual.display(word) if usual is not None else word
    if typed[:1].isupper():
        return shown[:1].upper() + shown[1:]
    return shown


# -- what an unknown word is ----------------------------------------------------------------------

_CLITICS = ("'s", "'d", "'ll", "'ve", "'re", "'m", "'t")
# inflections: the suffix, the stems it goes with (so a doubled or stray last key, as in
# "passs" or "storesd", does not pass for one), and whether a final e of the known word drops
# before it (love -> loving; but complete -> completely, vote -> votes)
_SUFFIXES = (
    ("s", lambda stem: stem[-1] not in "sxz", False),
    ("es", lambda stem: stem.endswith(("s", "x", "z", "ch", "sh", "o")), False),
    ("ed", lambda stem: stem[-1] != "e", True),
    ("d", lambda stem: stem[-1] == "e", False),
    ("ing", lambda stem: stem[-1] != "e" or stem.endswith(("ee", "oe", "ye")), True),
    ("er", lambda stem: stem[-1] != "e", True),
    ("ers", lambda stem: stem[-1] != "e", True),
    ("ly", lambda stem: True, False),
)


def regular_form(low: str, vocab: dict[str, int], listed: frozenset[str] = frozenset()
                 ) -> tuple[str, str] | None:
    """The known word an unknown ``low`` is regularly built from, and how (``clitic``,
    ``inflection`` or ``compound``), or None. Text is full of forms a 30,000-word vocabulary
    lacks: a clitic on a known word (``richard's`` -> richard, archaic ``promis'd`` ->
    promised), an inflection of a known stem of four or more letters (``bathtubs`` -> bathtub),
    two known words of four or more letters run together (``workplace`` -> place). An
    inflection of a word of the word list ``listed`` that the list itself lacks is none: the
    list holds its words' own inflections, so ``opportunitys`` and ``drasticly`` are
    misspellings; except the agent nouns (-er, -ers), which lists lack by the thousand
    (``conveyancer``, ``subduer``)."""
    for clitic in _CLITICS:
        if low.endswith(clitic) and len(low) > len(clitic):
            stem = low[: -len(clitic)]
            options = [stem + "ed", stem + "d", stem] if clitic == "'d" else [stem]
            word = next((w for w in options if w in vocab), None)
            return (word, "clitic") if word else None
    for suffix, stem_ok, drops_e in _SUFFIXES:
        stem = low[: -len(suffix)]
        if low.endswith(suffix) and len(stem) >= 4 and stem_ok(stem):
            for w in (stem, stem + "e") if drops_e else (stem,):
                if w in vocab:
                    misspelt = w in listed and low not in listed and not suffix.startswith("er")
                    return None if misspelt else (w, "inflection")
    for i in range(4, len(low) - 3):
        if low[:i] in vocab and low[i:] in vocab:
            return low[i:], "compound"
    return None


def _stems(word: str) -> set[str]:
    """``word`` and what it is with one inflectional suffix taken off (with or without a
    final e put back): the words it may be a form of."""
    out = {word}
    for suffix, _, _ in _SUFFIXES:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 3:
            out |= {stem, stem + "e"}
    return out


def same_word(a: str, b: str, vocab: dict[str, int]) -> bool:
    """Whether ``a`` and ``b`` are forms of one known word (``transcribed`` and ``transcribes``
    of ``transcribe``; not ``whethed`` and ``whether``, whose shared ``wheth`` is no word)."""
    return any(s in vocab for s in _stems(a) & _stems(b))


def looks_like_name(typed: str, context: str, vocab: dict[str, int]) -> bool:
    """An unknown word written with a capital in mid-sentence is most likely a name."""
    if not typed[:1].isupper() or typed.lower() in vocab:
        return False
    before = context[-80:].rstrip() or context.rstrip()  # the tail, unless it is all blank
    return bool(before) and before[-1] not in ".!?:;\"'(\n" and not before.endswith("--")
