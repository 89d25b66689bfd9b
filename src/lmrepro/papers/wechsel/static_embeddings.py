"""Static word embeddings for both languages (spec: DAG 4): gensim Word2Vec, the paper's no-subword-info path.

    lmrepro stage wechsel.static_embeddings --scale small --seed 0 --in en=data/small/wechsel/source_seed0 \
        --in data=data/small/wechsel/seed0/prep --out static=results/small/wechsel/runs/seed0/static --out metrics=...

The paper uses pretrained 300-d CC fastText vectors (§3.2); at small scale both languages get Word2Vec trained on
the prepared corpora (spec: dim 64, 10 epochs), single worker and seeded, so the vectors are reproducible.
Output directory: {en,tgt}.safetensors (vectors) + {en,tgt}.words.json (words and counts, for the frequency
weights); no pickle, so a tampered artifact cannot run code when loaded.
"""
from __future__ import annotations

from lmrepro.common.io import atomic_dir
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.batches import read_lines
from lmrepro.papers.wechsel.data import save_word_vectors
from lmrepro.papers.wechsel.params import StaticConfig


def main() -> None:
    with Stage.from_argv("wechsel", "static_embeddings") as st:
        cfg = st.params("static", StaticConfig)
        from gensim.models import Word2Vec

        metrics = {}
        with atomic_dir(st.out("static")) as tmp:
            for lang, corpus in (("en", st.inp("en")), ("tgt", st.inp("data"))):
                sentences = [s.split() for s in read_lines(corpus / f"{lang}_train.txt")]
                model = Word2Vec(sentences, vector_size=cfg.vector_size, epochs=cfg.epochs, window=cfg.window,
                                 min_count=cfg.min_count, sg=cfg.sg, negative=cfg.negative, workers=cfg.workers,
                                 seed=derive_seed(st.seed, "w2v", lang) % (2**31))
                save_word_vectors(model.wv, tmp, lang)
                metrics[f"vocab_{lang}"] = len(model.wv)
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
