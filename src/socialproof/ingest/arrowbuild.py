"""Arrow arrays built from their buffers, without pyarrow's pandas check.

``pa.array`` (and ``pa.scalar``) of Python values first asks whether the values are a
pandas object, which imports pandas: a fifth of a second, the first time, on a path
(the SQL path of a large CSV) that otherwise never needs pandas. These builders make
the same arrays from numpy buffers instead. Large inputs take ``pa.array`` (faster
in C once pandas is loaded, and they come with the Python path anyway).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    import pyarrow as pa

SMALL = 200_000  # values: above this, pa.array


def strings(values: Sequence[str | None]) -> pa.Array:
    """A ``pa.string()`` array of ``values`` (None: null), equal to ``pa.array``'s."""
    import numpy as np
    import pyarrow as pa

    n = len(values)
    if n > SMALL:
        return pa.array(values, type=pa.string())
    encoded = [b"" if v is None else v.encode("utf-8") for v in values]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    if offsets[-1] >= 2**31:
        return pa.array(values, type=pa.string())
    valid = np.fromiter((v is not None for v in values), dtype=bool, count=n)
    nulls = n - int(valid.sum())
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little").tobytes()) if nulls else None
    return pa.Array.from_buffers(
        pa.string(),
        n,
        [bitmap, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(b"".join(encoded))],
        null_count=nulls,
    )


def doubles(values: Sequence[float] | np.ndarray) -> pa.Array:
    """A ``pa.float64()`` array with no nulls."""
    import numpy as np
    import pyarrow as pa

    data = np.ascontiguousarray(values, dtype=np.float64)
    return pa.Array.from_buffers(pa.float64(), len(data), [None, pa.py_buffer(data)])


def int64s(values: np.ndarray) -> pa.Array:
    """A ``pa.int64()`` array with no nulls, over ``values``' own buffer."""
    import numpy as np
    import pyarrow as pa

    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])
