"""Evaluate MeCo against the baseline (spec: Small scale / Metrics; paper §4-5 conditional inference).

    lmrepro stage meco.evaluate --scale small --seed 0 --in corpus=... --in heldout=... \
        --in baseline=... --in meco_stage1=... --in meco=... --out metrics=results/small/meco/runs/seed0/eval.json

- p_true: probability of the true value after the T1 cloze ("NAME resides in" / "NAME is known to prefer"),
  renormalised over the relation's candidate values; with no prefix, with each reliable source's URL template
  (averaged), and with each unreliable source's URL template (averaged). Templates match training byte for byte.
- held-out loss: mean next-token NLL on reliable documents, no prefix.
"""
from __future__ import annotations

import json

import torch
from safetensors.torch import load_file

from lmrepro.common.harness import task_scores
from lmrepro.common.models import load_model, load_tokenizer, pad_id
from lmrepro.common.stage import Stage
from lmrepro.common.train import masked_lm_loss
from lmrepro.papers.meco.pack import PackConfig
from lmrepro.papers.meco.params import EvalConfig
from lmrepro.worlds.sources import CLOZE

ARMS = ("baseline", "meco_stage1", "meco")


@torch.no_grad()
def p_true(model, tokenizer, world: dict, domains: list[str], batch_size: int, template: str) -> float:
    """Mean over entities, relations and the given prefixes (None = no prefix) of p(true value | cloze)."""
    probs = []
    for relation, template_cloze in CLOZE.items():
        cand_ids = torch.tensor(tokenizer.convert_tokens_to_ids(world["values"][relation]))
        prompts, targets = [], []
        for entity, name in enumerate(world["names"]):
            cloze = tokenizer.encode(template_cloze.format(name=name), add_special_tokens=False)
            for domain in domains:  # tokenized exactly as in training: [BOS] + tok(template) + tok(text)
                prefix = [] if domain is None else tokenizer.encode(template.format(domain=domain),
                                                                    add_special_tokens=False)
                prompts.append([tokenizer.bos_token_id] + prefix + cloze)
                targets.append(world["truth"][relation][entity])
        for i in range(0, len(prompts), batch_size):
            chunk = prompts[i:i + batch_size]
            width = max(map(len, chunk))  # left-pad so the next-token position is the last column
            ids = torch.tensor([[pad_id(tokenizer)] * (width - len(p)) + p for p in chunk])
            attn = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in chunk])
            pos = (attn.cumsum(-1) - 1).clamp_min(0)
            logits = model(input_ids=ids, attention_mask=attn, position_ids=pos).logits[:, -1]
            cand = torch.softmax(logits[:, cand_ids].float(), dim=-1)
            probs.append(cand[torch.arange(len(chunk)), torch.tensor(targets[i:i + batch_size])])
    return float(torch.cat(probs).mean())


@torch.no_grad()
def heldout_loss(model, rows: dict, batch_size: int) -> float:
    total, count = 0.0, 0.0
    for i in range(0, rows["input_ids"].size(0), batch_size):
        batch = {k: v[i:i + batch_size] for k, v in rows.items()}
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        n = float(batch["loss_mask"][:, 1:].sum())
        total += float(masked_lm_loss(logits, batch["input_ids"], batch["loss_mask"])) * n
        count += n
    return total / count


def main() -> None:
    with Stage.from_argv("meco", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        template = st.params("pack", PackConfig).template  # byte-for-byte the training template
        corpus = st.inp("corpus")
        heldout = load_file(str(st.inp("heldout")))
        if not (corpus / "world.json").is_file():  # paper scale: downstream tasks through lm-eval (Table 1)
            paper_scale(st, cfg, heldout)
            return
        world = json.loads((corpus / "world.json").read_text())
        tokenizer = load_tokenizer(corpus / "tokenizer")
        groups = world["source_group"]
        prefixes = {"none": [None],
                    "reliable": [d for d, g in zip(world["domains"], groups) if g == 0],
                    "unreliable": [d for d, g in zip(world["domains"], groups) if g != 0]}
        m = {}
        for arm in ARMS:
            model = load_model(st.inp(arm)).eval()
            for prefix, domains in prefixes.items():
                m[f"p_true_{arm}_{prefix}"] = p_true(model, tokenizer, world, domains, cfg.batch_size, template)
            m[f"heldout_loss_{arm}"] = heldout_loss(model, heldout, cfg.batch_size)
        m["steer_gap_meco"] = m["p_true_meco_reliable"] - m["p_true_meco_unreliable"]
        m["steer_gap_baseline_abs"] = abs(m["p_true_baseline_reliable"] - m["p_true_baseline_unreliable"])
        m["cond_gain"] = m["p_true_meco_reliable"] - m["p_true_baseline_none"]
        m["cooldown_loss_gap"] = m["heldout_loss_meco_stage1"] - m["heldout_loss_meco"]
        m["headline_diff"] = m["p_true_meco_none"] - m["p_true_baseline_none"]
        st.log_metrics(m)
        for key, value in sorted(m.items()):
            print(f"{key:32s} {value:.4f}")


def paper_scale(st, cfg: EvalConfig, heldout: dict) -> None:
    """Each arm's lm-eval accuracy (acc_norm where the task has it) on `lm_eval_tasks` (no prefix: Table 1's
    standard inference) and held-out loss."""
    if not cfg.lm_eval_tasks:
        raise SystemExit("meco.evaluate: the corpus has no world.json (paper scale) and evaluate.lm_eval_tasks is "
                         "empty: name the lm-eval tasks to run")
    m = {}
    for arm in ARMS:
        scores = task_scores(st.inp(arm), cfg.lm_eval_tasks, num_fewshot=cfg.num_fewshot, limit=cfg.limit,
                             seed=st.seed)
        # OLMES scores the cloze formulation length-normalised: acc_norm where lm-eval has it, else acc
        accuracy = {task: metrics.get("acc_norm", metrics["acc"]) for task, metrics in scores.items()}
        m.update({f"lm_eval_{task}_{arm}": value for task, value in accuracy.items()})
        m[f"lm_eval_avg_{arm}"] = sum(accuracy.values()) / len(accuracy)
        m[f"heldout_loss_{arm}"] = heldout_loss(load_model(st.inp(arm)).eval(), heldout, cfg.batch_size)
    m["lm_eval_avg_diff"] = m["lm_eval_avg_meco"] - m["lm_eval_avg_baseline"]
    m["cooldown_loss_gap"] = m["heldout_loss_meco_stage1"] - m["heldout_loss_meco"]
    st.log_metrics(m)
    for key, value in sorted(m.items()):
        print(f"{key:32s} {value:.4f}")


if __name__ == "__main__":
    main()
