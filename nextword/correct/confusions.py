"""Real-word confusions: words people write for one another (``then``/``than``,
``their``/``there``/``they're``, ``its``/``it's``), whatever the keyboard.

Each is a real word, so spelling alone never flags it; only the text around it can. A typed
word of a set is weighed in context against the others (``HypothesisScorer.hypotheses``) as if
it were one edit away from each with probability ``CorrectorParams.confusion_logp``, and
autocorrect always asks the language model about it (its unigram says nothing about which one
the sentence needs). The replacement margin of a vocabulary word still applies, so the language
model must prefer the other word strongly.
"""

from __future__ import annotations

# the sets of the issue tracker's list, and a few as common (each word in one set only)
CONFUSION_SETS: tuple[tuple[str, ...], ...] = (
    ("then", "than"),
    ("their", "there", "they're"),
    ("its", "it's"),
    ("your", "you're"),
    ("lose", "loose"),
    ("affect", "effect"),
    ("form", "from"),
    ("whose", "who's"),
    ("quiet", "quite"),
    ("accept", "except"),
    ("weather", "whether"),
)

# confusions that go one way only: ``from`` is typed ``form`` (a swap), ``then`` is written
# for ``than`` and ``loose`` for ``lose``, hardly ever the other way round; weighing every
# ``from``, ``than`` and ``lose`` in context would cost a close call each (44 + 13 of the 617
# close calls of the held-out test text)
ONE_WAY = {("from", "form"), ("than", "then"), ("lose", "loose")}

_OTHERS = {w: tuple(o for o in group if o != w and (w, o) not in ONE_WAY)
           for group in CONFUSION_SETS for w in group}


def confusables(word: str) -> tuple[str, ...]:
    """The words ``word`` (lower case) may stand for: those it is commonly written for."""
    return _OTHERS.get(word, ())
