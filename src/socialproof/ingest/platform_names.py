"""Platform names in conversation files, as the rest of socialproof names platforms.

A care or inbox export writes its network as 'Twitter', 'twitter', 'X', 'x.com' or 'X
(formerly Twitter)'; posts and the post linter know one id per platform ('x', the ids
and aliases of ``data/platforms.yaml``). Each name becomes that id, so one network is one
platform in the community report, the inbox and the queue, and a reply joins the message
it answers. A name socialproof does not know is kept, in lower case ('Mastodon' ->
'mastodon').
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

_PLATFORMS_YAML = Path(__file__).resolve().parent.parent / "data" / "platforms.yaml"

#: Words around a platform's name that do not change which platform it is
#: ('X (formerly Twitter)', 'www.facebook.com', 'Twitter / X').
_FILLER = frozenset({"formerly", "www", "com", "net", "app", "http", "https", "the"})
#: Names the platform facts do not list: their web addresses.
_MORE = {"bsky": "bluesky", "fb": "facebook", "twitter": "x", "x": "x", "youtu": "youtube"}


@cache
def _known() -> dict[str, str]:
    """Every name, display name and alias of ``data/platforms.yaml`` (lower case) -> id."""
    import yaml

    data = yaml.safe_load(_PLATFORMS_YAML.read_text(encoding="utf-8"))
    out = dict(_MORE)
    for pid, spec in (data.get("platforms") or {}).items():
        out[str(pid).lower()] = str(pid)
        spec = spec or {}
        if spec.get("name"):
            out[str(spec["name"]).strip().lower()] = str(pid)
        for alias in spec.get("aliases") or []:
            out[str(alias).strip().lower()] = str(pid)
    return out


def platform_id(name: str) -> str:
    """The id socialproof uses for the platform ``name`` names ('X' -> 'x'); an unknown
    name in lower case with its spaces tidied; '' stays ''."""
    key = " ".join(str(name).split()).lower()
    known = _known()
    if key in known:
        return known[key]
    words = [w for w in re.findall(r"[a-z0-9]+", key) if w not in _FILLER]
    found = {known.get(w) for w in words}
    if words and len(found) == 1 and None not in found:
        return str(found.pop())
    return key


def platform_ids(values: pa.Array) -> pa.Array:
    """:func:`platform_id` of each value (nulls stay null), once per distinct name."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = values.cast(pa.string())
    names = pc.unique(values).drop_null()
    ids = [platform_id(str(n)) for n in names.to_pylist()]
    if ids == names.to_pylist():
        return values
    return pc.take(pa.array(ids, pa.string()), pc.index_in(values, value_set=names))


def platform_sql(expr: str, names: list[str]) -> str:
    """``expr`` as a platform id in SQL, for the distinct ``names`` it takes."""
    from socialproof.ingest.sqlpath import lit

    cases = " ".join(
        f"WHEN {lit(n)} THEN {lit(platform_id(n))}" for n in names if platform_id(n) != n
    )
    return f"CASE {expr} {cases} ELSE {expr} END" if cases else expr
