"""train_latent_{ctx,sem} (spec DAG; paper §3 latent reasoning): the latent model M over frozen E/D.

    lmrepro stage sentence_lm.train_latent --set latent.arm=ctx --scale small --seed 0 \
        --in data=data/small/sentence_lm/seed0/tasks --in init=results/small/sentence_lm/runs/seed0/emb_ctx \
        --in emb=results/small/sentence_lm/runs/seed0/emb_ctx \
        --out model=results/small/sentence_lm/runs/seed0/latent_ctx --out metrics=.../train_latent_ctx.json

M starts from the `init` model (the CoT model, or the trained E/D weights with `latent.init_from: emb`); it reads the question tokens followed by the gold step vectors h_1..h_n (teacher
forcing, through `in_proj`) and predicts h^_1..h^_{n+1}. Loss (method.latent_loss): CE of the frozen D
reconstructing s_t from h^_t + `mse_weight` x MSE(h^_t, h_t) + `stop_weight` x BCE of the stop classifier.
Exposure bias (spec pitfall): `input_noise` adds Gaussian noise (relative to the vectors' RMS) to the gold input
vectors during training.
"""
from __future__ import annotations

import torch

from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, train
from lmrepro.papers.sentence_lm.method import (LatentModel, SentenceCodec, encode_row, latent_loss, load_with_heads,
                                               save_with_heads, special_ids)
from lmrepro.papers.sentence_lm.params import LatentConfig
from lmrepro.worlds.reasoning import read_jsonl


def main() -> None:
    with Stage.from_argv("sentence_lm", "train_latent") as st:
        cfg = st.params("latent", LatentConfig)
        train_cfg = st.params("train_latent", TrainConfig)
        data = st.inp("data")
        tokenizer = load_tokenizer(data / "tokenizer")
        bos, eos, pad = special_ids(tokenizer)
        encs = [encode_row(tokenizer, row) for row in read_jsonl(data / "train.jsonl")]
        codec = load_with_heads(SentenceCodec, st.inp("emb")).requires_grad_(False)  # frozen E and D
        batch_seed = derive_seed(st.seed, "latent", cfg.arm)

        def get_batch(step: int) -> dict:
            epoch, k = divmod(step, max(1, len(encs) // cfg.batch_size))
            perm = torch.randperm(len(encs), generator=torch.Generator().manual_seed(batch_seed + epoch))
            return {"index": perm[k * cfg.batch_size:(k + 1) * cfg.batch_size], "noise_seed": batch_seed + 7919 * step}

        def loss_fn(model: LatentModel, batch: dict):
            chosen = [encs[int(i)] for i in batch["index"]]
            with torch.no_grad():
                gold, mask = codec.embed(cfg.arm, chosen, bos, pad)
            inputs = gold
            if cfg.input_noise:
                gen = torch.Generator().manual_seed(batch["noise_seed"])
                rms = gold[mask].pow(2).mean().sqrt()
                inputs = gold + cfg.input_noise * rms * torch.randn(gold.shape, generator=gen)
            questions, sentences = [e["q"] for e in chosen], [s for e in chosen for s in e["steps"]]
            pred, stop = model.teacher_forced(questions, inputs, bos, pad)
            loss, parts = latent_loss(pred, stop, gold, mask, sentences, codec, eos, pad, cfg.mse_weight,
                                      cfg.stop_weight)
            if cfg.self_feed:
                gen = torch.Generator().manual_seed(batch["noise_seed"] + 1)
                own = torch.rand(mask.shape, generator=gen)[..., None] < cfg.self_feed
                mixed = torch.where(own, pred.detach(), inputs)
                pred2, stop2 = model.teacher_forced(questions, mixed, bos, pad)
                loss2, parts2 = latent_loss(pred2, stop2, gold, mask, sentences, codec, eos, pad, cfg.mse_weight,
                                            cfg.stop_weight)
                loss = 0.5 * (loss + loss2)
                parts["ce_self_fed"] = parts2["ce"]
            return loss, parts

        seed_everything(derive_seed(st.seed, "init", "latent", cfg.arm))
        model = LatentModel(load_model(st.inp("init")))
        result = train(model.train(), loss_fn, get_batch, train_cfg, log=st.log_curve, desc=f"latent {cfg.arm}")
        save_with_heads(model.lm, model, st.out("model"), tokenizer)
        st.log_metrics({"final_loss": result["loss"]})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
