"""Stage 1, text: the user's files -> paragraphs (``corpus``), what a word is (``words``), the
vocabularies (``tokenizer``), real words outside the vocabulary (``lexicon``) and token ids on
disk as training batches (``streams``)."""
