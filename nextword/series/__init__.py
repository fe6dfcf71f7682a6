"""Stage 4, forecasting (the same LSTM core and trainer as text): CSV and arrays to series
(``series``), the forecaster (``forecaster``), rolling-origin backtests (``backtest``) and
charts (``chart``)."""
