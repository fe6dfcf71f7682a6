"""Stage 2, core: what every model shares and nothing about text or series: the LSTM core
(``lstm``), the training loop (``trainer``) and the checkpoint format (``checkpoint``)."""
