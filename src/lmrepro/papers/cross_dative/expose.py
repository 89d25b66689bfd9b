"""Expose each simulated learner to each exposure sentence (spec: DAG `expose`).

    small/ci: lmrepro stage cross_dative.expose --scale small --seed 0 \
                  --in model=results/small/cross_dative/runs/seed0/ckpt/lm \
                  --in stimuli=data/small/cross_dative/seed0/stimuli \
                  --out runs=results/small/cross_dative/runs/seed0/exposures.jsonl --out metrics=.../expose.json
    paper:    ... --in model=data/hub/kanishka/smolm-autoreg-bpe-seed_111 (one smolm checkpoint per seed)

Per exposure item: the novel token is added once per learner; its row is re-initialised (seeded by the item) from
N(mu, 1e-5 Sigma), the generalization set is scored ("before"), the Learner trains on the one sentence with the
best epoch chosen on same-construction validation sentences ("best": re-run to that epoch; "final": last epoch).
Rows: {"item", "exposure", "alignment", "instance", "best_epoch", "train_loss", "val", "gen": {"before"|"best"|
"final": {"DO": [per-sentence mean log-prob], "PO": [...]}}}. Metric `max_abs_diff_other_params`: the largest
change of any parameter entry except the novel row over all runs (spec A3: must be exactly 0).
"""
from __future__ import annotations

import torch

from lmrepro.common.io import read_jsonl, write_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.cross_dative.gen_stimuli import ANY_CONSTRUCTION
from lmrepro.papers.cross_dative.learner import (ExposureConfig, add_novel_token, exposure_run, init_novel_row,
                                                  sentence_logprobs, tied_output)


def gen_scores(model, tokenizer, generalization: list[dict], batch_size: int) -> dict:
    return {f: sentence_logprobs(model, tokenizer, [p[f] for p in generalization], batch_size) for f in ("DO", "PO")}


def max_abs_diff_except(model, before: dict, names: set[str], row: int) -> float:
    """Largest |change| of any parameter entry, the row `row` of the parameters `names` excluded (the input
    embedding and, when tied, the output embedding: one tensor under two names)."""
    worst = 0.0
    for key, value in model.state_dict().items():
        diff = (value.detach().float() - before[key].float()).abs()
        if key in names:
            diff = torch.cat([diff[:row], diff[row + 1:]])
        worst = max(worst, float(diff.max()) if diff.numel() else 0.0)
    return worst


def validation_sets(rows: list[dict], constructions: set[str]) -> dict[str, tuple[list[str], list[str]]]:
    """construction -> (good, bad) validation sentences: a row's construction, or "any" (every construction);
    its label "good" (the default) or "bad" (official verb-hood set: scored as good minus bad)."""
    good: dict[str, list[str]] = {c: [] for c in constructions}
    bad: dict[str, list[str]] = {c: [] for c in constructions}
    for row in rows:
        label = row.get("label", "good")
        if label not in ("good", "bad"):
            raise ValueError(f"validation.jsonl: label must be 'good' or 'bad', got {label!r}")
        targets = constructions if row["construction"] == ANY_CONSTRUCTION else {row["construction"]} & constructions
        for c in targets:
            (good if label == "good" else bad)[c].append(row["text"])
    missing = sorted(c for c in constructions if not good[c])
    if missing:
        raise ValueError(f"validation.jsonl has no (good) sentences for construction(s) {missing}")
    return {c: (good[c], bad[c]) for c in constructions}


def main() -> None:
    with Stage.from_argv("cross_dative", "expose") as st:
        cfg = st.params("exposure", ExposureConfig)
        stimuli = st.inp("stimuli")
        exposures = read_jsonl(stimuli / "exposures.jsonl")
        generalization = read_jsonl(stimuli / "generalization.jsonl")
        validation = read_jsonl(stimuli / "validation.jsonl")
        val_by = validation_sets(validation, {e["exposure"] for e in exposures})

        model = load_model(st.inp("model")).eval()
        tokenizer = load_tokenizer(st.inp("model"))
        new_id = add_novel_token(model, tokenizer, cfg.novel_token)
        emb_names = {k for k, v in model.state_dict().items() if v.data_ptr() ==
                     model.get_input_embeddings().weight.data_ptr()}
        snapshot = {k: v.detach().clone() for k, v in model.state_dict().items()}
        weight = model.get_input_embeddings().weight
        rows, worst = [], 0.0
        for item in exposures:
            if cfg.novel_token.strip() not in item["text"]:
                raise ValueError(f"exposure {item['item']}: novel token {cfg.novel_token!r} is not a word of "
                                 f"{item['text']!r}")
            gen = torch.Generator().manual_seed(derive_seed(st.seed, "novel_init", item["item"]))
            init_row = init_novel_row(model, new_id, cfg.init_scale, gen)
            before = gen_scores(model, tokenizer, generalization, cfg.batch_size)
            run = exposure_run(model, tokenizer, new_id, init_row, [item["text"]], *val_by[item["exposure"]], cfg)
            best = gen_scores(model, tokenizer, generalization, cfg.batch_size)
            worst = max(worst, max_abs_diff_except(model, snapshot, emb_names, new_id))
            best_row = weight[new_id].detach().clone()
            with torch.no_grad():
                weight[new_id] = run["final_row"]
            final = gen_scores(model, tokenizer, generalization, cfg.batch_size)
            with torch.no_grad():
                weight[new_id] = best_row
            rows.append({k: item[k] for k in ("item", "exposure", "alignment", "instance")} | {
                "best_epoch": run["best_epoch"], "train_loss": run["train_loss"], "val": run["val"],
                "row_change": float((best_row - init_row).norm()),
                "gen": {"before": before, "best": best, "final": final}})
            print(f"{item['item']}: best epoch {run['best_epoch']}, loss {run['train_loss'][0]:.3f} -> "
                  f"{run['train_loss'][-1]:.3f}", flush=True)
        write_jsonl(st.out("runs"), rows)
        st.log_metrics({"n_runs": len(rows), "max_abs_diff_other_params": worst,
                        "tied_output_embedding": float(tied_output(model)),
                        "mean_best_epoch": sum(r["best_epoch"] for r in rows) / len(rows)})


if __name__ == "__main__":
    main()
