"""Stage score (spec DAG 6, Acceptance): one seed's condition table and the differences the claims test (CER in
points, i.e. percent), from the ssl_cpt metrics and the four ctc_ft arms' metrics.

    lmrepro stage speech_cpt.score --scale small --seed 0 \
        --in ssl_cpt=results/small/speech_cpt/runs/seed0/ssl_cpt.json \
        --in ft_base_mono=.../ft_base_mono.json --in ft_base_multi=... --in ft_cpt_mono=... --in ft_cpt_multi=... \
        --out metrics=results/small/speech_cpt/runs/seed0/score.json       (ci / paper: the same with --scale)
"""
from __future__ import annotations

from lmrepro.common import io
from lmrepro.common.stage import Stage
from lmrepro.papers.speech_cpt.params import INITS, MIXES


def condition_table(ssl: dict, cer: dict[str, float]) -> dict:
    """The per-seed figures the claims read: CER gaps (points), the best arm's CER, the SSL loss drop and the
    codebook perplexities (A1-A4)."""
    return {
        **{f"cer_{arm}": value for arm, value in cer.items()},
        "cer_best": min(cer.values()),
        "cpt_minus_base_mono": cer["cpt_mono"] - cer["base_mono"],
        "cpt_minus_base_multi": cer["cpt_multi"] - cer["base_multi"],
        "multi_minus_mono_cpt": cer["cpt_multi"] - cer["cpt_mono"],
        "multi_minus_mono_base": cer["base_multi"] - cer["base_mono"],
        "ssl_loss_rel_drop": ssl["ssl_loss_rel_drop"],
        "base_perplexity_min": ssl["base_perplexity_min"],
        "cpt_perplexity_min": ssl["cpt_perplexity_min"],
        "perplexity_min_gain": ssl["perplexity_min_gain"],
    }


def main() -> None:
    with Stage.from_argv("speech_cpt", "score") as st:
        ssl = io.read_json(st.inp("ssl_cpt"))["metrics"]
        cer = {f"{init}_{mix}": io.read_json(st.inp(f"ft_{init}_{mix}"))["metrics"]["cer"]
               for init in INITS for mix in MIXES}
        st.log_metrics(condition_table(ssl, cer))


if __name__ == "__main__":
    main()
