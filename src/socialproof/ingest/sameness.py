"""Which rows of one file are the same row: duplicates, conflicts and truncated names.

Two rows with one natural key are the same object for the same period. When all
their figures agree the later one is a repeat and is dropped (and listed in the
rejects file). When figures differ it is a conflict, never resolved silently:

* ``ad_stats`` rows identified only by names (``object_key`` ``name:...``) are
  distinct campaigns, ad sets or ads whose names the export truncated
  ("Instagram post: When the unexpected happens,..."): each is kept, its key
  numbered (``#2``, ``#3``) so none is lost from the totals;
* other rows (a platform id repeated with other figures) keep the last row and
  list the others as conflicts.

Ads Manager ids ("Ad ID", "Ad set ID", "Campaign ID"), when the export has them,
are the identity of ``ad_stats`` rows (``ad:<id>``); names are the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.ingest.base import LINE_COLUMN, Reject
from socialproof.workspace.schema import UNIQUE_KEYS_META

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from socialproof.workspace.schema import TableSpec

NAME_PREFIX = "name:"
_SEP = "\x1f"


@dataclass
class Resolved:
    table: pa.Table
    dropped: list[Reject] = field(default_factory=list)  # repeats and losing conflicts
    conflicts: list[Reject] = field(default_factory=list)  # conflicting rows that were kept
    notes: list[str] = field(default_factory=list)

    @property
    def n_conflicts(self) -> int:
        return len(self.conflicts) + sum(r.reason.startswith("conflict") for r in self.dropped)


def name_key(campaign: Any, ad_set: Any, ad: Any) -> pa.Array:
    """``name:<campaign>␟<ad set>␟<ad>`` (the SQL twin is in migration 0003)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [pc.fill_null(x.cast(pa.string()), "") for x in (campaign, ad_set, ad)]
    joined = pc.binary_join_element_wise(*parts, _SEP)
    return pc.binary_join_element_wise(NAME_PREFIX, joined, "")


def with_object_keys(table: pa.Table) -> pa.Table:
    """``ad_stats``: rows the format gave no ``object_key`` (no ids) are keyed by names."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows

    def col(name: str) -> Any:
        if name in table.column_names:
            return table[name]
        return pa.array([""] * n, pa.string())

    names = name_key(col("campaign"), col("ad_set"), col("ad"))
    if "object_key" not in table.column_names:
        return table.append_column("object_key", names)
    given = pc.fill_null(table["object_key"].cast(pa.string()), "")
    merged = pc.if_else(pc.equal(given, ""), names, given)
    return table.set_column(table.column_names.index("object_key"), "object_key", merged)


def resolve(table: pa.Table, spec: TableSpec) -> Resolved:
    """Drop repeats, settle conflicts (see the module doc); the result has unique keys."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    key = [k for k in spec.key if k in table.column_names]
    if table.num_rows < 2 or len(key) != len(spec.key):
        return Resolved(_mark_unique(table))
    codes = []
    for k in key:
        enc = pc.dictionary_encode(table[k].combine_chunks())
        codes.append(enc.indices.fill_null(-1).to_numpy(zero_copy_only=False))
    dup = repeated_keys(codes)
    if not dup.any():
        return Resolved(_mark_unique(table))
    idx = np.flatnonzero(dup)
    rows = table.take(pa.array(idx)).to_pylist()
    values = [c for c in table.column_names if c not in spec.key and c not in ("import_id",)]
    values = [c for c in values if c != LINE_COLUMN]
    by_name = spec.name == "ad_stats" and "object_key" in key
    groups: dict[tuple[Any, ...], list[int]] = {}
    for j, row in enumerate(rows):
        groups.setdefault(tuple(row[k] for k in key), []).append(j)
    drop = np.zeros(table.num_rows, dtype=bool)
    new_keys: dict[int, str] = {}
    out = Resolved(table)
    key_text = ", ".join(k for k in key if k not in ("platform",))
    for members in groups.values():
        distinct: list[tuple[int, tuple[Any, ...]]] = []  # (j, figures) of each distinct row
        for j in members:
            figures = tuple(rows[j][c] for c in values)
            same = next((d for d, f in distinct if f == figures), None)
            if same is not None:
                drop[idx[j]] = True
                out.dropped.append(
                    _reject(rows[j], f"repeats {_where(rows[same])} (same {key_text} and figures)")
                )
                continue
            distinct.append((j, figures))
        if len(distinct) < 2:
            continue
        first = rows[distinct[0][0]]
        if by_name and str(first["object_key"]).startswith(NAME_PREFIX):
            for n, (j, _) in enumerate(distinct[1:], start=2):
                new_keys[int(idx[j])] = f"{first['object_key']} #{n}"
                out.conflicts.append(
                    _reject(
                        rows[j],
                        f"conflict, kept: same names and period as {_where(first)} but "
                        f"other figures; kept as a separate object #{n} (the export shortens "
                        "long names; export with the ID columns to identify them)",
                    )
                )
            continue
        kept = distinct[-1][0]
        for j, _ in distinct[:-1]:
            drop[idx[j]] = True
            out.dropped.append(
                _reject(
                    rows[j],
                    f"conflict: same {key_text} as {_where(rows[kept])} with other "
                    "figures; the later row is kept",
                )
            )
    if new_keys:
        keys = table["object_key"].to_pylist()
        for i, k in new_keys.items():
            keys[i] = k
        table = table.set_column(
            table.column_names.index("object_key"), "object_key", pa.array(keys, pa.string())
        )
    if drop.any():
        table = table.filter(pa.array(~drop))
    if new_keys:
        out.notes.append(
            f"{len(new_keys)} {spec.name} row(s) share their names and period with another row "
            "but differ in figures (names shortened by the export): kept as separate objects."
        )
    out.table = _mark_unique(table)
    return out


def repeated_keys(codes: list[np.ndarray]) -> np.ndarray:
    """True for every row whose key (one integer code per key column) another row shares."""
    import numpy as np

    n = len(codes[0]) if codes else 0
    combined = np.zeros(n, dtype=np.int64)
    for code in codes:
        values = code.astype(np.int64) + 1  # nulls (-1) become 0
        width = int(values.max()) + 1 if n else 1
        if n and int(combined.max()) >= (1 << 62) // width:  # re-number before it overflows
            combined = np.unique(combined, return_inverse=True)[1].astype(np.int64)
        combined = combined * width + values
    if n < 2:
        return np.zeros(n, dtype=bool)
    _, inverse, counts = np.unique(combined, return_inverse=True, return_counts=True)
    return np.asarray(counts[inverse] > 1, dtype=bool)


def _where(row: dict[str, Any]) -> str:
    """'line 12', or 'another row' when the format gave no source lines."""
    line = row.get(LINE_COLUMN)
    return "another row" if line is None else f"line {line}"


def _reject(row: dict[str, Any], reason: str) -> Reject:
    line = row.get(LINE_COLUMN)
    parts = [f"{k}={v}" for k, v in row.items() if v not in (None, "") and k != LINE_COLUMN]
    return Reject(None if line is None else int(line), reason, "; ".join(parts)[:2000])


def _mark_unique(table: pa.Table) -> pa.Table:
    meta = dict(table.schema.metadata or {})
    meta[UNIQUE_KEYS_META] = str(table.num_rows).encode()
    return table.replace_schema_metadata(meta)
