"""Embed the English version of every query, L2-normalised (spec: DAG 3, embed_queries; pitfall: test queries are
embedded in English too, whatever language answers them).

    small/ci: lmrepro stage lsk.embed --scale small --seed 0 --in data=data/small/lsk/seed0/prep \
                  --out embeddings=results/small/lsk/runs/seed0/embeddings.safetensors \
                  --out metrics=results/small/lsk/runs/seed0/embed.json
    paper:    ... --in hub_embedder=data/hub/Qwen/Qwen3-Embedding-0.6B (the repo's embedder)

encoder.kind=sentence_transformer: lmrepro.common.sentence_encoder (the packaged all-MiniLM-L6-v2 at ci/small);
encoder.kind=tfidf: character n-gram TF-IDF rows (the spec's offline fallback), L2-normalised.
Output: safetensors {"embeddings": [n_items, dim]} in items.jsonl order.
"""
from __future__ import annotations

import torch
from safetensors.torch import save_file

from lmrepro.common.io import atomic_file, read_jsonl
from lmrepro.common.stage import Stage
from lmrepro.papers.lsk.params import EncoderConfig


def embed_queries(texts: list[str], cfg: EncoderConfig, model: str) -> torch.Tensor:
    if cfg.kind == "tfidf":
        from sklearn.feature_extraction.text import TfidfVectorizer

        matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(cfg.ngram_range)).fit_transform(texts)
        return torch.tensor(matrix.toarray(), dtype=torch.float32)  # TfidfVectorizer rows are L2-normalised
    from lmrepro.common.sentence_encoder import encode

    return encode(texts, model, batch_size=cfg.batch_size)


def main() -> None:
    with Stage.from_argv("lsk", "embed") as st:
        cfg = st.params("encoder", EncoderConfig)
        items = read_jsonl(st.inp("data") / "items.jsonl")
        model = str(st.inputs.get("hub_embedder") or cfg.model)  # paper: the hub snapshot of encoder.model
        embeddings = embed_queries([item["query_en"] for item in items], cfg, model).contiguous()
        with atomic_file(st.out("embeddings")) as tmp:
            save_file({"embeddings": embeddings}, str(tmp))
        st.log_metrics({"n_queries": len(items), "dim": int(embeddings.shape[1]), "encoder": cfg.kind})


if __name__ == "__main__":
    main()
