"""Generate RMT's corpus: arithmetic documents with gold entropy classes + overthinking SFT traces (spec: DAG).

    lmrepro stage rmt.gen_corpus --scale small --seed 0 --out data=data/small/rmt/seed0/corpus \
        --out metrics=data/small/rmt/seed0/corpus.metrics.json

Outputs (directory; schema in lmrepro.worlds.arithmetic): docs.jsonl (mid-training corpus), heldout.jsonl
(evaluation documents), traces.jsonl (SFT traces for the base), tokenizer/ (word-level, fast), world.json.
At `paper` scale the rule adds `--in hub_corpus=<Omni-MATH snapshot> --in hub_tokenizer=<policy snapshot>`:
documents come from the snapshot (labels null), no traces are written (the base is a hub reasoning model), and
the policy's tokenizer gets the format delimiters <think> </think> <ans> as tokens where it lacks them.
"""
from __future__ import annotations

import json
from dataclasses import asdict

from lmrepro.common.io import atomic_dir
from lmrepro.common.models import load_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.rmt.params import CorpusConfig
from lmrepro.worlds.arithmetic import (ANS, END_THINK, THINK, ArithmeticWorldConfig, build_tokenizer,
                                       load_paper_docs, sample_docs, sample_traces, to_jsonl)


def main() -> None:
    with Stage.from_argv("rmt", "gen_corpus") as st:
        world_cfg = st.params("world", ArithmeticWorldConfig)
        cfg = st.params("corpus", CorpusConfig)
        if "hub_corpus" in st.inputs:
            all_docs = load_paper_docs(str(st.inp("hub_corpus")), cfg.n_docs + cfg.n_heldout_docs,
                                       derive_seed(st.seed, "docs"))
            docs, heldout, traces = all_docs[:cfg.n_docs], all_docs[cfg.n_docs:], []
            tokenizer = load_tokenizer(st.inp("hub_tokenizer"))
            # the reasoning format's delimiters as single tokens (midtrain resizes the policy's embeddings)
            tokenizer.add_tokens([t for t in (THINK, END_THINK, ANS) if t not in tokenizer.get_vocab()],
                                 special_tokens=True)
        else:
            docs = sample_docs(world_cfg, cfg.n_docs, derive_seed(st.seed, "docs"))
            heldout = sample_docs(world_cfg, cfg.n_heldout_docs, derive_seed(st.seed, "heldout"), first_id=cfg.n_docs)
            traces = sample_traces(world_cfg, docs, cfg.n_traces, derive_seed(st.seed, "traces"))
            tokenizer = build_tokenizer(world_cfg)
        with atomic_dir(st.out("data")) as tmp:
            (tmp / "world.json").write_text(json.dumps({"config": asdict(world_cfg)}, sort_keys=True))
            for name, rows in (("docs", docs), ("heldout", heldout), ("traces", traces)):
                (tmp / f"{name}.jsonl").write_text(to_jsonl(rows))
            tokenizer.save_pretrained(tmp / "tokenizer")
        metrics = {"vocab_size": len(tokenizer), "n_docs": len(docs), "n_heldout_docs": len(heldout),
                   "n_traces": len(traces)}
        if traces:
            metrics["trace_mean_think_len"] = sum(len(t["think"]) for t in traces) / len(traces)
            metrics["trace_mean_repeats"] = sum(t["n_repeats"] for t in traces) / len(traces)
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
