"""Stage ssl_base (spec DAG 2, small/ci only): a tiny multilingual wav2vec 2.0, the stand-in for XLSR-53, trained
from scratch with the SSL objective on the multilingual pool (en/de/es/fr/it voices).

    lmrepro stage speech_cpt.ssl_base --scale small --seed 0 --in data=data/small/speech_cpt/seed0/audio \
        --out model=results/small/speech_cpt/runs/seed0/base \
        --out metrics=results/small/speech_cpt/runs/seed0/ssl_base.json
    (ci: --scale ci; paper: not run, the base is the hub snapshot of facebook/wav2vec2-large-xlsr-53)
"""
from __future__ import annotations

import torch

from lmrepro.common.models import build_model, n_params, save_model
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import train
from lmrepro.papers.speech_cpt import wav2vec as W


def main() -> None:
    with Stage.from_argv("speech_cpt", "ssl_base") as st:
        audio_cfg, ssl_cfg, train_cfg = st.params("audio"), st.params("base_ssl"), st.params("base_train")
        spec = st.params("model")
        fe = W.feature_extractor(audio_cfg)
        pool, _ = W.load_set(st.inp("data"), "pool")

        torch.manual_seed(derive_seed(st.seed, "base_init"))
        model = build_model(spec)
        get_batch = W.ssl_batches(model, pool, fe, ssl_cfg, audio_cfg.sample_rate, derive_seed(st.seed, "base"),
                                  train_cfg.steps)
        result = train(model, W.ssl_loss, get_batch, train_cfg, log=st.log_curve, desc="ssl_base")

        model.eval()
        with torch.no_grad():
            _, logs = W.ssl_loss(model, get_batch(train_cfg.steps))
        save_model(model, st.out("model"), extra_files={"preprocessor_config.json": fe.to_json_string()})
        st.log_metrics({"final_loss": result["loss"], "n_params": n_params(model), "pool_utterances": len(pool),
                        "codevector_perplexity": logs["codevector_perplexity"]})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
