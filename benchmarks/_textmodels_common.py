"""Shared helpers of the text-model benchmarks (need ../shared/data beside the checkout)."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def single_thread() -> None:
    """One core: BLAS and OpenMP pools limited to one thread (set before numpy loads)."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def load_script(name: str) -> Any:
    """``scripts/<name>.py`` as a module (the scripts folder is not a package)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def need(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(f"{path} not found: this benchmark needs ../shared/data beside the repo")
    return path


def cpu_rate(fn: Callable[[], object], n_items: int, runs: int = 5) -> tuple[float, float]:
    """Median items per CPU-second and per wall-second over several runs.

    CPU time (process_time) is what one core delivers even when the shared
    machine is busy; wall time is reported beside it.
    """
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(n_items / max(time.process_time() - c0, 1e-9))
        wall.append(n_items / max(time.perf_counter() - w0, 1e-9))
    return statistics.median(cpu), statistics.median(wall)


# ----------------------------------------------------------------------------------
# One train / dev / test split per data set, fixed before any tuning (issue 12).
# A text's split is a function of its normalised text and a fixed salt, so it never
# depends on file order, and duplicates of one text always land in the same split.
# ----------------------------------------------------------------------------------

SPLIT_SALT = b"socialproof-splits-2026-12"
SPLIT_SHARES = (0.8, 0.1, 0.1)  # train, dev, test


def norm_key(text: str) -> str:
    """Lowercase, whitespace-collapsed text: the identity used for splits and de-duplication."""
    return " ".join(str(text).lower().split())


def split_of(text: str) -> str:
    """``"train"``, ``"dev"`` or ``"test"`` for a text (80/10/10, salted blake2b)."""
    import hashlib

    digest = hashlib.blake2b(norm_key(text).encode("utf-8"), digest_size=8, key=SPLIT_SALT)
    u = int.from_bytes(digest.digest(), "big") / 2**64
    if u < SPLIT_SHARES[0]:
        return "train"
    return "dev" if u < SPLIT_SHARES[0] + SPLIT_SHARES[1] else "test"


def with_splits(df: pd.DataFrame, column: str = "text") -> pd.DataFrame:
    """``df`` de-duplicated on normalised text (first row kept) with a ``split`` column."""
    keys = df[column].astype(str).map(norm_key)
    out = df.loc[~keys.duplicated()].copy()
    out["split"] = out[column].astype(str).map(split_of)
    return out.reset_index(drop=True)


def general_sentiment(data: Path) -> pd.DataFrame:
    """SemEval 2013-2016 pool and TweetEval val as one pool (text, label, split)."""
    import pandas as pd

    pool = pd.concat(
        [
            pd.read_csv(data / "semeval2013-2016_train.csv")[["text", "label"]],
            pd.read_csv(data / "tweeteval_val.csv")[["text", "label"]],
        ],
        ignore_index=True,
    )
    return with_splits(pool)


def airline_sentiment(data: Path) -> pd.DataFrame:
    """Customer tweets to US airlines (text, label, negativereason, split)."""
    import pandas as pd

    df = pd.read_csv(data / "airline_tweets_10k.csv")
    return with_splits(df[["text", "label", "negativereason"]])
