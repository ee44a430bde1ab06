"""The toxicity model's second static block (``data/models/toxic_static``).

The toxic model reads two static embedding tables that share one tokenizer: the packaged
``minilm_static`` block and a 64-dim table distilled from a MiniLM fine-tuned on
OffensEval. The moderator tokenises each text once and looks up both tables
(``_text.embed_with``); the expected vectors here are model2vec's own
``StaticModel.encode`` of each table on its own, and the scores of each model
featurising on its own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
from importlib import resources
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from model2vec import StaticModel
from tokenizers import Tokenizer

from socialproof.community import _text, moderation

MODELS = resources.files("socialproof") / "data" / "models"
SCRIPT = Path(__file__).parents[2] / "scripts" / "package_toxic_static.py"
TEXTS = [
    "@united my bag #4471 never arrived https://t.co/x9 &amp; AB12CD",
    "you are a stupid idiot and everyone hates you",
    "Où est mon colis ? 😡 espèce d'idiot",  # not ASCII: the tokenizer's own path
    "",
    "   ",
    "a" * 150,  # too long for WordPiece: unknown, left out
    "!" * 1999,  # more tokens than the model reads (512)
    "thanks, the playlist works again on my phone",
    "what a fucking joke 🙄 #fail",
]


def _table() -> tuple[np.ndarray, dict[str, object]]:
    folder = MODELS / "toxic_static"
    source = json.loads((folder / "SOURCE.json").read_text(encoding="utf-8"))
    with resources.as_file(folder / "embeddings.npz") as path, np.load(path) as npz:
        assert npz["q"].dtype == np.int8
        vectors = npz["q"].astype(np.float32) * npz["scale"].astype(np.float32)[:, None]
    return vectors, source


def test_the_table_shares_the_packaged_tokenizer_and_is_small() -> None:
    vectors, source = _table()
    tokenizer = (MODELS / "minilm_static" / "tokenizer.json").read_bytes()
    vocab = json.loads(tokenizer)["model"]["vocab"]
    assert vectors.shape == (len(vocab), 64)
    assert hashlib.sha256(tokenizer).hexdigest() in str(source["tokenizer"])
    assert "all-MiniLM-L6-v2" in str(source["source"]) and "OffensEval" in str(source["source"])
    with resources.as_file(MODELS / "toxic_static" / "embeddings.npz") as path:
        assert path.stat().st_size < 2_500_000


def test_one_tokenisation_gives_each_tables_own_encode() -> None:
    vectors, source = _table()
    tokenizer = Tokenizer.from_str(
        (MODELS / "minilm_static" / "tokenizer.json").read_text(encoding="utf-8")
    )
    alone = StaticModel(vectors=vectors, tokenizer=tokenizer, normalize=bool(source["normalize"]))
    cleaned = [_text.clean(t) for t in TEXTS]
    want = alone.encode(cleaned, show_progress_bar=False, use_multiprocessing=False)
    main, extra = _text.embed_with(TEXTS, ["toxic_static"])
    assert extra.shape == (len(TEXTS), 64) and extra.dtype == np.float32
    np.testing.assert_allclose(extra, want, atol=1e-6)
    assert np.array_equal(main, _text.embed(TEXTS))  # the first block does not move
    assert not extra[3].any() and not extra[4].any()  # empty texts: zeros
    assert abs(float(np.linalg.norm(extra[1])) - 1.0) < 1e-5
    again = _text.embed_with(TEXTS[::-1], ["toxic_static"])  # warm word cache, other order
    assert np.array_equal(again[1], extra[::-1]) and np.array_equal(again[0], main[::-1])


def test_an_unknown_table_is_a_clear_error() -> None:
    from socialproof.errors import BadInput

    with pytest.raises(BadInput, match="Unknown static embedding table"):
        _text.embed_with(["hi"], ["no_such_table"])


def test_the_toxic_model_reads_the_table_and_its_features_serve_spam() -> None:
    mod = moderation.load()
    spam, toxic = mod.spam_model, mod.toxic_model
    assert spam is not None and toxic is not None
    assert toxic.table == "toxic_static" and spam.table is None
    assert mod.shared_features() is toxic
    texts = [t[: _text.MAX_CHARS] for t in TEXTS]
    shared = mod.model_scores(texts)
    spam_alone = dataclasses.replace(mod, toxic_model=None).model_scores(texts)[0]
    toxic_alone = dataclasses.replace(mod, spam_model=None).model_scores(texts)[1]
    np.testing.assert_allclose(shared[0], spam_alone, atol=1e-6)
    np.testing.assert_allclose(shared[1], toxic_alone, atol=1e-6)


def test_the_table_block_moves_the_toxic_scores() -> None:
    mod = moderation.load()
    toxic = mod.toxic_model
    assert toxic is not None and toxic.table_coef_t is not None
    texts = ["you are a stupid idiot", "thanks for fixing my account"]
    feats = toxic.features(texts)
    blank = dataclasses.replace(toxic, table_coef_t=np.zeros_like(toxic.table_coef_t))
    assert not np.allclose(toxic.decision_from(feats), blank.decision_from(feats), atol=1e-3)
    with pytest.raises(ValueError, match="toxic_static"):
        toxic.decision_from(dataclasses.replace(feats, tables={}))


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("package_toxic_static", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _model2vec_folder(folder: Path, tokenizer: bytes, rows: int) -> np.ndarray:
    from safetensors.numpy import save_file

    folder.mkdir()
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(rows, 4)).astype(np.float16)
    vectors[5] = 0  # a zero row keeps a finite scale
    save_file({"embeddings": vectors}, str(folder / "model.safetensors"))
    (folder / "tokenizer.json").write_bytes(tokenizer)
    config = {"normalize": True, "pooling": "mean", "sif_coefficient": 0.0001}
    (folder / "config.json").write_text(json.dumps(config))
    return vectors.astype(np.float32)


def test_packaging_is_deterministic_and_refuses_another_vocabulary(tmp_path: Path) -> None:
    script = _script()
    tokenizer = (MODELS / "minilm_static" / "tokenizer.json").read_bytes()
    rows = len(json.loads(tokenizer)["model"]["vocab"])
    vectors = _model2vec_folder(tmp_path / "m2v", tokenizer, rows)
    script.package(tmp_path / "m2v", tmp_path / "a")
    script.package(tmp_path / "m2v", tmp_path / "b")
    for name in ("embeddings.npz", "SOURCE.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    with np.load(tmp_path / "a" / "embeddings.npz") as npz:
        q, scale = npz["q"], npz["scale"].astype(np.float32)
    assert q.dtype == np.int8 and q.shape == (rows, 4)
    assert np.all(np.abs(q.astype(np.float32) * scale[:, None] - vectors) <= scale[:, None])
    assert not q[5].any()
    assert json.loads((tmp_path / "a" / "SOURCE.json").read_text())["normalize"] is True

    other = json.loads(tokenizer)
    other["model"]["vocab"] = {k + "x": v for k, v in other["model"]["vocab"].items()}
    _model2vec_folder(tmp_path / "other", json.dumps(other).encode(), rows)
    with pytest.raises(SystemExit, match="differs from minilm_static"):
        script.package(tmp_path / "other", tmp_path / "c")
