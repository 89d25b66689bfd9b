"""Tier-averaged tables and the quantities the claims check (spec: DAG 7, `aggregate`; acceptance A1-A4).

    lmrepro stage multilingual_cpt.aggregate --scale small --seed 0 --in mono=.../cpt_mono.json \\
        --in mono_code=.../cpt_mono_code.json --in bi=.../cpt_bi.json --in bi_code=.../cpt_bi_code.json \\
        --out metrics=results/small/multilingual_cpt/runs/seed0/aggregate.json

Per tier (the mean over `corpus.languages` of that tier, as the paper averages its headline languages per
resource level): accuracy and switch rate in points (x 100), chrF / chrF++ / BLEU as sacreBLEU gives them, for the
base (every arm's step-0 evaluation; they must agree) and each mix after CPT. Perplexity drop of an arm = 1 -
ppl(after) / ppl(before) on the group's held-out text; `ppl_drop_min` is the smallest over arms and languages.
"""
from __future__ import annotations

import json

import numpy as np

from lmrepro.common.stage import Stage
from lmrepro.papers.multilingual_cpt.params import MIXES, TIERS, CorpusConfig, MixConfig

POINTS = {"cls_acc": 100.0, "cls_acc_first": 100.0, "switch": 100.0, "chrf": 1.0, "chrfpp": 1.0, "bleu": 1.0}


def tier_means(metrics: dict, languages: dict, when: str) -> dict[str, float]:
    """{<metric>_<tier>: mean over the tier's languages} for the metrics in POINTS (scaled to points) that every
    language of the tier has."""
    out = {}
    for tier in TIERS:
        langs = [lang for lang, t in languages.items() if t == tier]
        for name, scale in POINTS.items():  # generation metrics exist for the CPT group's languages only
            keys = [f"{name}_{lang}_{when}" for lang in langs]
            if langs and all(k in metrics for k in keys):
                out[f"{name}_{tier}"] = scale * float(np.mean([metrics[k] for k in keys]))
    return out


def main() -> None:
    with Stage.from_argv("multilingual_cpt", "aggregate") as st:
        languages = st.params("corpus", CorpusConfig).languages
        group = st.params("mix", MixConfig).group
        m = {mix: json.loads(st.inp(mix).read_text())["metrics"] for mix in MIXES}
        base = tier_means(m["mono"], languages, "init")
        after = {mix: tier_means(m[mix], languages, "final") for mix in MIXES}
        init_keys = [k for k in m["mono"] if k.endswith("_init")]
        base_spread = max(abs(m[mix][k] - m["mono"][k]) for mix in MIXES for k in init_keys)
        drops = {mix: min(1.0 - m[mix][f"ppl_{lang}_final"] / m[mix][f"ppl_{lang}_init"] for lang in group)
                 for mix in MIXES}
        st.log_metrics({
            **{f"base_{k}": v for k, v in base.items()},
            **({"base_cls_acc_en": 100 * m["mono"]["cls_acc_en_init"],
                **{f"{mix}_cls_acc_en": 100 * m[mix]["cls_acc_en_final"] for mix in MIXES}}
               if "cls_acc_en_init" in m["mono"] else {}),
            **{f"{mix}_{k}": v for mix in MIXES for k, v in after[mix].items()},
            **{f"ppl_drop_{mix}": drops[mix] for mix in MIXES},
            "ppl_drop_min": min(drops.values()),                                                 # A3
            "base_eval_spread": base_spread,  # the four arms' step-0 evaluations of one base: 0 expected
            "cls_low_mono_minus_base": after["mono"]["cls_acc_low"] - base["cls_acc_low"],        # A1
            "cls_low_bi_minus_mono": after["bi"]["cls_acc_low"] - after["mono"]["cls_acc_low"],   # A1
            "switch_low_bi_minus_mono": after["bi"]["switch_low"] - after["mono"]["switch_low"],  # A2
            "cls_low_monocode_minus_mono": after["mono_code"]["cls_acc_low"] - after["mono"]["cls_acc_low"],  # A4
            "cls_low_bicode_minus_bi": after["bi_code"]["cls_acc_low"] - after["bi"]["cls_acc_low"],
            "chrf_low_bi_minus_mono": after["bi"]["chrf_low"] - after["mono"]["chrf_low"],
            "bleu_low_bi_minus_mono": after["bi"]["bleu_low"] - after["mono"]["bleu_low"],
        })
        print({k: round(v, 3) for k, v in st.metrics.items() if "minus" in k or "drop" in k})


if __name__ == "__main__":
    main()
