"""The status bar: model, word count, corrections and latency on one line."""

from __future__ import annotations


async def test_the_status_bar_shows_model_words_corrections_and_latency(new_app, type_text):
    app = new_app()
    async with app.run_test(size=(160, 24)) as pilot:
        await type_text(app, pilot, "I saw teh system ")
        line = str(app.status.render())
        assert line.startswith("tiny |") and "4 words" in line and "1 corrected" in line
        assert app.status.latency_ms is not None and f"ghost {app.status.latency_ms:.0f} ms" in line
