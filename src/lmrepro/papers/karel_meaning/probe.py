"""Semantic content: probes for the robot's facing after each statement, read from the LM's hidden state at the
statement token, at every checkpoint, for the true semantics and for alternative semantics of the same program
text (spec DAG `extract_states` + `make_alt_traces` + `train_probes`; paper §4 and the ICML version's §5).

    lmrepro stage karel_meaning.probe --scale small --seed 0 --in data=.../karel --in ckpts=.../ckpts \
        --in gen=.../gen_programs.json --out metrics=results/small/karel_meaning/runs/seed0/probe.json

Probe data are split by program (never by position: prefixes are shared within a program), `n_probe_train`
programs to fit and the rest to score, re-drawn per probe seed. Linear probes of the true and the "perm"
semantics run at every checkpoint (one probe seed in between: the curves and the rank correlation), and with
`probe_seeds` seeds, plus the "opposite" semantics, at step 0 and the final step (the acceptance checks). MLP
probes (which can learn the semantics themselves: spec pitfall) run at the final step, one seed, report only.
"""
from __future__ import annotations

import numpy as np
import torch

from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.karel_meaning.gen_programs import checkpoint_steps
from lmrepro.papers.karel_meaning.method import (direction_targets, fit_probe, sequence_tokens, spearman,
                                                 statement_positions)
from lmrepro.papers.karel_meaning.params import ProbeConfig

SEMANTICS = {"true": None, "opposite": "opposite", "perm": "perm"}


def hidden_states(model, tokenizer, rows: list[dict], layer: int, batch: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Features at every statement token, and the program index of each row of features. Sequences are
    right-padded in batches: a causal model's states at real positions do not see the padding."""
    vocab = tokenizer.get_vocab()
    feats, owner = [], []
    with torch.no_grad():
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            seqs = [[tokenizer.bos_token_id] + [vocab[t] for t in sequence_tokens(r)] for r in chunk]
            ids = torch.full((len(seqs), max(map(len, seqs))), tokenizer.pad_token_id)
            mask = torch.zeros_like(ids)
            for i, seq in enumerate(seqs):
                ids[i, :len(seq)], mask[i, :len(seq)] = torch.tensor(seq), 1
            states = model(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states[layer]
            for i, row in enumerate(chunk):
                pos = statement_positions(row)
                feats.append(states[i, pos].float().numpy())
                owner += [start + i] * len(pos)
    return np.concatenate(feats), np.array(owner)


def probe_accuracy(kind: str, x: np.ndarray, y: np.ndarray, owner: np.ndarray, n_train: int, seed: int,
                   mlp_hidden: int) -> float:
    programs = np.random.default_rng(seed).permutation(owner.max() + 1)
    train = np.isin(owner, programs[:n_train])
    clf = fit_probe(kind, x[train], y[train], seed, mlp_hidden)
    return float(clf.score(x[~train], y[~train]))


def main() -> None:
    with Stage.from_argv("karel_meaning", "probe") as st:
        cfg = st.params("probe", ProbeConfig)
        rows = read_jsonl(st.inp("data") / "heldout.jsonl")
        if cfg.n_probe_train >= len(rows):
            raise SystemExit(f"probe.n_probe_train ({cfg.n_probe_train}) must be < the {len(rows)} held-out rows")
        targets = {sem: np.concatenate([direction_targets(r, alt) for r in rows]) for sem, alt in SEMANTICS.items()}
        steps = checkpoint_steps(st.inp("ckpts"))
        seeds = [derive_seed(st.seed, f"probe{k}") % 2**31 for k in range(cfg.probe_seeds)]
        m = {f"majority_{sem}": float(np.bincount(y).max() / len(y)) for sem, y in targets.items()}
        for step in steps:
            ckpt = st.inp("ckpts") / f"step_{step}"
            x, owner = hidden_states(load_model(ckpt).eval(), load_tokenizer(ckpt), rows, cfg.layer)
            ends = step in (steps[0], steps[-1])
            for sem in SEMANTICS if ends else ("true", "perm"):
                accs = [probe_accuracy("linear", x, targets[sem], owner, cfg.n_probe_train, s, cfg.mlp_hidden)
                        for s in (seeds if ends else seeds[:1])]
                m[f"linear_{sem}_step{step}"] = float(np.mean(accs))
            if step == steps[-1]:
                for sem in ("true", "perm"):
                    m[f"mlp_{sem}_final"] = probe_accuracy("mlp", x, targets[sem], owner, cfg.n_probe_train,
                                                           seeds[0], cfg.mlp_hidden)
            for sem in ("true", "perm"):
                st.log_curve(f"probe/linear_{sem}", step, m[f"linear_{sem}_step{step}"])
            print(f"step {step}: " + "  ".join(f"{sem} {m[f'linear_{sem}_step{step}']:.3f}" for sem in SEMANTICS
                                                if f"linear_{sem}_step{step}" in m))
        first, last = steps[0], steps[-1]
        for sem in SEMANTICS:
            m[f"linear_{sem}_final"] = m[f"linear_{sem}_step{last}"]
        # the acceptance checks' quantities (spec: Acceptance A1-A3)
        m["A1_gain_over_step0"] = m[f"linear_true_step{last}"] - m[f"linear_true_step{first}"]
        m["A2_true_minus_perm_final"] = m[f"linear_true_step{last}"] - m[f"linear_perm_step{last}"]
        m["A2_true_minus_perm_step0"] = m[f"linear_true_step{first}"] - m[f"linear_perm_step{first}"]
        m["true_minus_opposite_final"] = m[f"linear_true_step{last}"] - m[f"linear_opposite_step{last}"]
        gen = read_json(st.inp("gen"))["metrics"]
        m["A3_spearman_probe_gen"] = spearman([m[f"linear_true_step{s}"] for s in steps],
                                              [gen[f"gen_acc_step{s}"] for s in steps])
        st.log_metrics(m)


if __name__ == "__main__":
    main()
