"""The body shared by the `sami` and `self_sft` stages: they differ only in the objective (the point of the
self-SFT baseline is to isolate the contrastive term), so one function runs either, given its name."""
from __future__ import annotations

import json

from lmrepro.common.io import atomic_dir, read_json, read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.train import TrainConfig
from lmrepro.papers.sami.method import PromptConfig, SamiConfig, self_train


def run(st, objective: str) -> None:
    cfg = st.params("sami", SamiConfig)
    pcfg = st.params("prompt", PromptConfig)
    train_cfg = st.params("sami_train", TrainConfig)
    data = st.inp("data")
    constitutions = [c for c in read_json(data / "constitutions.json") if c["split"] == "train"]
    queries = read_jsonl(data / "queries_train.jsonl")
    valid = None
    if (data / "world.json").is_file():  # format filter (the repo drops malformed responses): the world grammar
        from lmrepro.worlds.principles import PrinciplesWorld

        world = PrinciplesWorld.from_json(read_json(data / "world.json"))
        valid = lambda text: world.parse(text) is not None  # noqa: E731
    tokenizer = load_tokenizer(st.inp("base"))
    model = load_model(st.inp("base"))
    seed_everything(derive_seed(st.seed, objective))
    with atomic_dir(st.out("model")) as tmp:
        # Same data seed in both arms: iteration 1 samples the identical (c, x, y) triples for SAMI and self-SFT.
        stats = self_train(model, tokenizer, objective, queries, constitutions, cfg, pcfg, train_cfg,
                           derive_seed(st.seed, "self_train"), tmp, st.log_curve, valid)
    for s in stats:
        t = s["iteration"]
        st.log_metrics({f"iter{t}_{k}": v for k, v in s.items() if k != "iteration"})
    print(json.dumps(stats, indent=1))
