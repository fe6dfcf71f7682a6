"""Stage 4, autocorrect. The modules in the order a typed word flows through them:

* ``params``: the weights and margins (``CorrectorParams``);
* ``rules``: which words of a text are touched, the typed case, regular forms and names;
* ``candidates``: the delete index, edit distances and the one-slip rules;
* ``errormodel``: the channel P(typed | intended);
* ``priors``: what is asked of the language model (``ScoringModel``, P(word | context) views);
* ``search``: a typed word's candidates and the search for its best-scoring ones;
* ``hypotheses``: its readings scored in context and the margin a correction must beat;
* ``decision``: keep or replace one word (``WordCorrector``), and ``correct``'s ranking;
* ``corrector``: a passage (``Corrector``: ``autocorrect``, ``correct``), the public face;
* ``replace_rule``: fitting the margins to sentences with typos;
* ``evaluate`` and ``datasets``: the figures on the typo sets, and the sets by role.
"""

from nextword.correct.corrector import Corrector
from nextword.correct.params import CorrectorParams

__all__ = ["Corrector", "CorrectorParams"]
