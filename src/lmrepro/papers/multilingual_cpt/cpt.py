"""Continued pretraining of the base on one data mix of the language group, evaluated before and after (spec: DAG
4-6, `cpt_{base}_{group}_{mix}`, `eval_cls`, `eval_gen`).

    small/ci: lmrepro stage multilingual_cpt.cpt --scale small --seed 0 --threads 1 --set run.mix=bi \\
        --in base=results/small/multilingual_cpt/runs/seed0/base --in data=data/small/multilingual_cpt/seed0/prep \\
        --out model=results/small/multilingual_cpt/runs/seed0/cpt_bi --out metrics=.../cpt_bi.json
    paper:    ... --in base=data/hub/meta-llama/Llama-3.1-8B (the hub snapshot; GPUs per resources.cpt)

Full-parameter next-token CPT (LLaMA-Factory `stage: pt`) on packed blocks of the mix (`mix.mixes.<mix>`: mono,
mono+code, bi, bi+code over the group's languages, plus English). At step 0 (the base; metrics `*_init`) and at
the end (`*_final`): topic accuracy on English and on every language of `corpus.languages` with the
last-sub-token label (the repo's) and the first-sub-token variant; for the group's languages also X->En
translation BLEU / chrF / chrF++, the language-switch rate and held-out perplexity (evaluate.py).
"""
from __future__ import annotations

from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.models import load_model, load_tokenizer, save_model
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.multilingual_cpt import evaluate as ev
from lmrepro.papers.multilingual_cpt.data import batches_for, read_texts
from lmrepro.papers.multilingual_cpt.params import CorpusConfig, EvalConfig, LMDataConfig, MixConfig, RunConfig


def main() -> None:
    with Stage.from_argv("multilingual_cpt", "cpt") as st:
        run = st.params("run", RunConfig)
        mix = st.params("mix", MixConfig)
        corpus = st.params("corpus", CorpusConfig)
        eval_cfg = st.params("eval", EvalConfig)
        data_cfg = st.params("lm_data", LMDataConfig)
        train_cfg = st.params("cpt", TrainConfig)
        data = st.inp("data")
        tokenizer = load_tokenizer(st.inp("base"))
        get_batch, shares = batches_for(data, tokenizer, mix.mixes[run.mix], mix.group, data_cfg,
                                        derive_seed(st.seed, "cpt_batches"))
        labels = read_json(data / "eval" / "labels.json")
        sets = {name: read_jsonl(data / "eval" / f"{name}.jsonl")
                for name in ("cls", "cls_dev", "gen", "gen_dev", "switch")}
        per_lang = {lang: {name: [r for r in rows if r["lang"] == lang] for name, rows in sets.items()}
                    for lang in corpus.languages}
        heldout = {lang: read_texts(data / "corpora" / f"heldout_{lang}.jsonl") for lang in corpus.languages}
        english_only = {lang: set((data / "lexicon" / f"english_only_{lang}.txt").read_text().split())
                        for lang in corpus.languages}
        model = load_model(st.inp("base"))

        en_cls = [r for r in sets["cls"] if r["lang"] == "en"]
        en_shots = [r for r in sets["cls_dev"] if r["lang"] == "en"]

        def evaluate(net, step: int) -> dict:
            out = {}
            if en_cls:  # the source language of the topic task: a base that has not learnt it transfers nothing
                preds = ev.classify(net, tokenizer, eval_cfg, en_cls, labels,
                                    ev.fixed_shots(en_shots, eval_cfg.cls_shots, "en", st.seed), eval_cfg.label_piece)
                out["cls_acc_en"] = ev.accuracy(preds, en_cls, labels)
            for lang, s in per_lang.items():
                shots = ev.fixed_shots(s["cls_dev"], eval_cfg.cls_shots, lang, st.seed)
                for piece, name in ((eval_cfg.label_piece, "cls_acc"), ("first", "cls_acc_first")):
                    preds = ev.classify(net, tokenizer, eval_cfg, s["cls"], labels, shots, piece)
                    out[f"{name}_{lang}"] = ev.accuracy(preds, s["cls"], labels)
                if lang not in mix.group:  # generation probes and perplexity on the CPT group only (time)
                    continue
                gen_shots = ev.fixed_shots(s["gen_dev"], eval_cfg.gen_shots, lang, st.seed)
                hyps = ev.translate(net, tokenizer, eval_cfg, s["gen"], gen_shots)
                refs = [ev.cut(r["ref"], eval_cfg.gen_stop) for r in s["gen"]]
                out.update({f"{k}_{lang}": v for k, v in ev.translation_scores(hyps, refs).items()})
                out[f"switch_{lang}"] = ev.switch_rate(net, tokenizer, eval_cfg, [r["prompt"] for r in s["switch"]],
                                                       english_only[lang])
                out[f"ppl_{lang}"] = ev.perplexity(net, tokenizer, heldout[lang], data_cfg.block_size)
                if step:
                    print(f"[{run.mix}] {lang} hyp: {hyps[0]!r} | ref: {refs[0]!r}")
            return out

        result = train(model, causal_lm_loss, get_batch, train_cfg, log=st.log_curve, eval_fn=evaluate,
                       eval_at=(0, train_cfg.steps), desc=f"multilingual_cpt cpt {run.mix}")
        for name, value in result["eval"][0].items():
            st.log_metrics({f"{name}_init": value, f"{name}_final": result["eval"][train_cfg.steps][name]})
        st.log_metrics({"final_loss": result["loss"], **{f"share_{k.replace(':', '_')}": v for k, v in shares.items()}})
        save_model(model, st.out("model"), tokenizer=tokenizer)
        st.log_timing(result["timing"])
        print(run.mix, {k: round(v, 3) for k, v in st.metrics.items() if k.endswith("_final")})


if __name__ == "__main__":
    main()
