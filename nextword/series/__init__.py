"""Stage 4, forecasting (the same LSTM core and trainer as text), in data-flow order: CSV and
arrays to a checked series (``data``, with ``dates`` and ``season``), training windows
(``windows``), the network (``model``), the estimator (``forecaster``), rolling-origin backtests
(``backtest``) and charts (``chart``)."""
