"""Scoring a batch pauses Python's cycle collector and leaves it as it found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pandas as pd
import pytest

from socialproof.community import scoring


class _Recording:
    """A sentiment model that notes whether the collector ran while it predicted."""

    def __init__(self) -> None:
        self.seen: list[bool] = []

    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        self.seen.append(gc.isenabled())
        return [("neutral", 0.5) for _ in texts]


@pytest.fixture
def collector_state() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.parametrize("enabled", [True, False])
def test_score_frame_pauses_the_collector_and_restores_it(
    enabled: bool, collector_state: None
) -> None:
    model = _Recording()
    if enabled:
        gc.enable()
    else:
        gc.disable()
    out = scoring.score_frame(pd.DataFrame({"text": ["a", "b", "a"]}), scoring.Models(model))
    assert model.seen == [False]
    assert gc.isenabled() is enabled
    assert out["sentiment"].tolist() == ["neutral"] * 3


def test_the_collector_is_back_after_a_failing_batch(collector_state: None) -> None:
    class Failing:
        def predict(self, texts: list[str]) -> list[tuple[str, float]]:
            raise RuntimeError("model broke")

    gc.enable()
    with pytest.raises(RuntimeError, match="model broke"):
        scoring.score_frame(pd.DataFrame({"text": ["a"]}), scoring.Models(Failing()))
    assert gc.isenabled()
