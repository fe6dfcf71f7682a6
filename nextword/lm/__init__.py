"""Stage 3, the language model: the word/char LSTM (``model``), the Kneser-Ney n-gram
(``ngram``), training a model directory (``train``), the typing model that suggests
(``typing_model``), learning from the user (``personal``) and evaluation (``evaluate``)."""
