"""Stage 4, autocorrect: candidates (``candidates``), the error model P(typed | intended)
(``errormodel``), the corrector (``corrector``), when a word is replaced (``replace_rule``)
and evaluation on misspelling sets (``evaluate``)."""
