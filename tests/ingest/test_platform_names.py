"""Platform names in conversation files become the ids posts use (``platform_names.py``)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from socialproof.ingest.platform_names import platform_id, platform_ids


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Twitter", "x"),
        ("twitter", "x"),
        ("X", "x"),
        ("x.com", "x"),
        ("https://twitter.com", "x"),
        ("X (formerly Twitter)", "x"),
        ("Twitter / X", "x"),
        ("X (Twitter)", "x"),
        (" Instagram ", "instagram"),
        ("IG", "instagram"),
        ("www.facebook.com", "facebook"),
        ("YouTube", "youtube"),
        ("LinkedIn", "linkedin"),
        ("TikTok", "tiktok"),
        ("Bluesky", "bluesky"),
        ("bsky.app", "bluesky"),
        ("Mastodon", "mastodon"),  # unknown: kept, in lower case
        ("Google  Reviews", "google reviews"),
        ("Facebook Messenger", "facebook messenger"),  # a word socialproof does not know
        ("", ""),
    ],
)
def test_a_platform_name_becomes_its_id(name: str, expected: str) -> None:
    assert platform_id(name) == expected


def test_a_column_of_names_keeps_its_nulls() -> None:
    got = platform_ids(pa.array(["Twitter", None, "x.com", "Reddit"]))
    assert got.to_pylist() == ["x", None, "x", "reddit"]
