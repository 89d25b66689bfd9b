"""train_emb_{ctx,sem} (spec DAG; paper §3 sentence embeddings): the encoder E / decoder D.

    lmrepro stage sentence_lm.train_emb --set emb.arm=ctx --scale small --seed 0 \
        --in data=data/small/sentence_lm/seed0/tasks --in init=results/small/sentence_lm/runs/seed0/cot \
        --out model=results/small/sentence_lm/runs/seed0/emb_ctx --out metrics=.../train_emb_ctx.json

E and D are one copy of the CoT model (shared parameters) plus the learned `prefix` map. Training minimises
L_CE = -sum_t log p_D(y_t | y_<t, h), h = E(x): contextual x = (q, s_1..s_{i-1}), y = s_i (all steps of a
problem from one pass of E); semantic x = y = s_i. The answer sentence "answer a ." is the final step. After this
stage E and D are frozen. Metrics: validation reconstruction exact match of whole sentences (greedy).
"""
from __future__ import annotations

import torch

from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, train
from lmrepro.papers.sentence_lm.method import SentenceCodec, encode_row, save_with_heads, special_ids
from lmrepro.papers.sentence_lm.params import EmbConfig
from lmrepro.worlds.reasoning import read_jsonl


@torch.no_grad()
def reconstruction(codec: SentenceCodec, encs: list[dict], arm: str, bos: int, eos: int, pad: int) -> float:
    """Share of sentences D decodes exactly (greedy, EOS included) from their gold vectors."""
    vectors, mask = codec.embed(arm, encs, bos, pad)
    targets = [[*s, eos] for e in encs for s in e["steps"]]
    decoded = codec.decode_greedy(vectors[mask], max(map(len, targets)), eos)
    return sum(d == t for d, t in zip(decoded, targets)) / len(targets)


def main() -> None:
    with Stage.from_argv("sentence_lm", "train_emb") as st:
        cfg = st.params("emb", EmbConfig)
        train_cfg = st.params("train_emb", TrainConfig)
        data = st.inp("data")
        tokenizer = load_tokenizer(data / "tokenizer")
        bos, eos, pad = special_ids(tokenizer)
        encs = [encode_row(tokenizer, row) for row in read_jsonl(data / "train.jsonl")]
        val = [encode_row(tokenizer, row) for row in read_jsonl(data / "val.jsonl")][:cfg.n_eval]
        batch_seed = derive_seed(st.seed, "emb", cfg.arm)

        def get_batch(step: int) -> dict:
            epoch, k = divmod(step, max(1, len(encs) // cfg.batch_size))
            perm = torch.randperm(len(encs), generator=torch.Generator().manual_seed(batch_seed + epoch))
            return {"index": perm[k * cfg.batch_size:(k + 1) * cfg.batch_size]}

        def loss_fn(model: SentenceCodec, batch: dict):
            chosen = [encs[int(i)] for i in batch["index"]]
            vectors, mask = model.embed(cfg.arm, chosen, bos, pad)
            loss = model.decode_loss(vectors[mask], [s for e in chosen for s in e["steps"]], eos, pad)
            return loss, {}

        seed_everything(derive_seed(st.seed, "init", "emb", cfg.arm))
        codec = SentenceCodec(load_model(st.inp("init")))
        before = reconstruction(codec.eval(), val, cfg.arm, bos, eos, pad)
        result = train(codec.train(), loss_fn, get_batch, train_cfg, log=st.log_curve, desc=f"emb {cfg.arm}")
        after = reconstruction(codec.eval(), val, cfg.arm, bos, eos, pad)
        save_with_heads(codec.lm, codec, st.out("model"), tokenizer)
        st.log_metrics({"final_loss": result["loss"], "recon_acc_before": before, "recon_acc": after})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
