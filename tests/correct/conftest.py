"""Fixtures of the autocorrect tests: one corrector over the tiny model per test module."""

from __future__ import annotations

import pytest

from nextword.correct.corrector import Corrector


@pytest.fixture(scope="module")
def corrector(tiny_model) -> Corrector:
    return Corrector(tiny_model)
