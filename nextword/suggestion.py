"""What every suggestion, completion and correction is returned as."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["next", "completion", "correction"]


@dataclass(frozen=True)
class Suggestion:
    """One candidate word. ``score`` is a log-probability (higher is better)."""

    word: str
    score: float
    kind: Kind
