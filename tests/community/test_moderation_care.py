"""Moderation on customer-care traffic: customers asking for help are not suspects.

tests/data/community/care/care_messages.csv holds messages written for this test in
the style of real inbound care traffic on X (a brand handle first, t.co links, order
numbers, discount codes, "DM me"), plus a few that are spam or abuse. The packaged
models and default rules must leave every customer alone and still flag those.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from socialproof.community import moderation

FIXTURE = Path(__file__).parents[1] / "data" / "community" / "care" / "care_messages.csv"


def _rows() -> list[tuple[str, str]]:
    with FIXTURE.open(encoding="utf-8", newline="") as fh:
        return [(r["text"], r["expect"]) for r in csv.DictReader(fh)]


@pytest.fixture(scope="module")
def flags() -> dict[str, moderation.Flags]:
    texts = [t for t, _ in _rows()]
    return dict(zip(texts, moderation.load().flag(texts), strict=True))


@pytest.mark.parametrize(("text", "expect"), _rows())
def test_care_messages(flags: dict[str, moderation.Flags], text: str, expect: str) -> None:
    f = flags[text]
    if expect == "ok":
        assert not f.flagged, f.reasons
    else:
        assert getattr(f, expect), f.reasons
        assert f.reasons


def test_tco_is_not_a_shortener_but_bitly_is() -> None:
    mod = moderation.load({"models": {"spam": False, "toxic": False}})
    tco, bitly = mod.flag(["see https://t.co/x9Yz", "see http://bit.ly/x9Yz"])
    assert not tco.flagged
    assert bitly.reasons == ["link shortener bit.ly"]
