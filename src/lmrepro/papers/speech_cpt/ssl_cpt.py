"""Stage ssl_cpt (spec DAG 3, Method CPT): continued self-supervised pretraining of the base on unlabeled TGT
audio, and the SSL loss and per-group codebook perplexity of base and CPT models on held-out TGT audio (the TGT
test utterances, never used for CPT; the same masks and distractors for both models).

    lmrepro stage speech_cpt.ssl_cpt --scale small --seed 0 --in data=data/small/speech_cpt/seed0/audio \
        --in base=results/small/speech_cpt/runs/seed0/base --out model=results/small/speech_cpt/runs/seed0/cpt \
        --out metrics=results/small/speech_cpt/runs/seed0/ssl_cpt.json
    (ci: --scale ci; paper: --in base=data/hub/facebook/wav2vec2-large-xlsr-53, spec: 100k updates at peak lr 5e-5)
"""
from __future__ import annotations

import torch

from lmrepro.common.models import save_model
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import train
from lmrepro.papers.speech_cpt import wav2vec as W


def main() -> None:
    from transformers import Wav2Vec2ForPreTraining

    with Stage.from_argv("speech_cpt", "ssl_cpt") as st:
        audio_cfg, ssl_cfg, train_cfg = st.params("audio"), st.params("cpt_ssl"), st.params("cpt_train")
        fe = W.feature_extractor(audio_cfg)
        unlabeled, _ = W.load_set(st.inp("data"), "tgt_unlabeled")
        heldout, _ = W.load_set(st.inp("data"), "tgt_test")
        heldout = heldout[:ssl_cfg.eval_utterances]

        model = Wav2Vec2ForPreTraining.from_pretrained(st.inp("base"), use_safetensors=True, local_files_only=True)

        def score(m) -> dict:
            return W.evaluate_ssl(m, heldout, fe, audio_cfg.sample_rate, ssl_cfg.batch_size,
                                  derive_seed(st.seed, "heldout"))

        base = score(model)
        model.train()

        get_batch = W.ssl_batches(model, unlabeled, fe, ssl_cfg, audio_cfg.sample_rate, derive_seed(st.seed, "cpt"),
                                  train_cfg.steps)
        result = train(model, W.ssl_loss, get_batch, train_cfg, log=st.log_curve, desc="ssl_cpt")
        cpt = score(model)

        save_model(model, st.out("model"), extra_files={"preprocessor_config.json": fe.to_json_string()})
        metrics = {f"base_{k}": v for k, v in base.items()} | {f"cpt_{k}": v for k, v in cpt.items()}
        metrics["ssl_loss_rel_drop"] = (base["ssl_loss"] - cpt["ssl_loss"]) / base["ssl_loss"]
        metrics["perplexity_min_gain"] = cpt["perplexity_min"] - base["perplexity_min"]
        metrics["final_train_loss"] = result["loss"]
        metrics["unlabeled_utterances"] = len(unlabeled)
        st.log_metrics(metrics)
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
