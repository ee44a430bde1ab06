"""``text_hash``: one definition of a message text's hash on every engine.

The stored ``message_scores.text_hash`` tells scoring that a text changed, and a
moderation decision remembers the hash of the text it saw. It used to be each engine's
own ``hash()`` (64-bit in DuckDB, 32-bit Murmur3 in Spark), so a workspace that moved
engine re-scored everything and forgot its dismissals. Now it is the first 15 hex digits
of the text's MD5, in Python and in the engine alike (the Spark side is checked in
tests/workspace/test_spark.py, where scores stored through Spark equal DuckDB's,
text_hash included).
"""

from __future__ import annotations

from typing import Any

from tests.community.test_threads import msg

TEXTS = {
    "1": "hello",
    "2": "Où est mon colis ? 😡",
    "3": "my order #4471 still hasn't arrived",
    "4": "",
}


def test_text_hash_is_the_md5_prefix() -> None:
    from socialproof.community.scoring import text_hash

    # md5("hello") = 5d41402abc4b2a76b9719d911017c592
    assert text_hash("hello") == 0x5D41402ABC4B2A7
    # md5("") = d41d8cd98f00b204e9800998ecf8427e (RFC 1321); a missing text hashes as an empty one
    assert text_hash("") == text_hash(None) == 0xD41D8CD98F00B20
    assert 0 <= text_hash("Où est mon colis ? 😡") < 2**60


def test_the_engine_stores_the_same_hash_as_python(workspace: Any, insert: Any) -> None:
    from socialproof.community import moderation
    from socialproof.community.scoring import Models, score_messages, text_hash
    from socialproof.workspace import engine

    insert(
        "messages",
        [msg(i, f"user{i}", f"2026-03-02 1{i}:00", text=t) for i, t in TEXTS.items()],
    )
    models = Models(moderation=moderation.load({"models": {"spam": False, "toxic": False}}))
    assert score_messages(workspace, models=models).scored == len(TEXTS)
    with workspace.ibis() as con:
        df = engine.execute(engine.table(con, "message_scores"))
    got = {str(r.message_id): int(r.text_hash) for r in df.itertuples()}
    assert got == {i: text_hash(t) for i, t in TEXTS.items()}
    assert got["1"] == 0x5D41402ABC4B2A7
    # unchanged texts are not scored again; an edited one is
    assert score_messages(workspace, models=models).scored == 0
    insert("messages", [msg("3", "user3", "2026-03-02 13:00", text="arrived, thanks")])
    assert score_messages(workspace, models=models).scored == 1
