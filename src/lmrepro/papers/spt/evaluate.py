"""Forward and reverse recall of the test persons (those trained name-first only), for every arm.

    lmrepro stage spt.evaluate --scale small --seed 0 --in facts=data/small/spt/seed0/facts \
        --in standard=results/small/spt/runs/seed0/standard ... --out metrics=results/small/spt/runs/seed0/evaluate.json

Reverse: after "the ROLE of WORK is", all persons' two-token names are ranked by sequence log-prob (rank-1
accuracy, chance 1/n) and the greedy two-token continuation is compared with the name (exact match). Forward:
after "NAME is the ROLE of", all titles are ranked the same way. Full multi-token answers are scored, never only
their first token (spec pitfall).
"""
from __future__ import annotations

import torch

from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.spt.method import rank1_accuracy, sequence_logprob
from lmrepro.papers.spt.params import ARMS, EvalConfig


def ids(tokenizer, texts: list[str]) -> torch.Tensor:
    vocab = tokenizer.get_vocab()
    return torch.tensor([[vocab[w] for w in t.split()] for t in texts])


def greedy_exact_match(model, prompts: torch.Tensor, answers: torch.Tensor) -> float:
    seq = prompts
    for _ in range(answers.size(1)):
        nxt = model(input_ids=seq).logits[:, -1].argmax(-1, keepdim=True)
        seq = torch.cat([seq, nxt], dim=1)
    return float((seq[:, prompts.size(1):] == answers).all(1).float().mean())


def evaluate_arm(model, tokenizer, persons, tests, cfg: EvalConfig) -> dict[str, float]:
    bos = torch.full((1, 1), tokenizer.bos_token_id)
    out = {}
    for direction, candidates in (("reverse", [" ".join(p["name"]) for p in persons]),
                                  ("forward", [" ".join(p["work"]) for p in persons])):
        rows = [r for r in tests if r["direction"] == direction]
        prompts = torch.cat([bos.expand(len(rows), 1), ids(tokenizer, [r["prompt"] for r in rows])], dim=1)
        cand = ids(tokenizer, candidates)
        gold = torch.tensor([r["person"] for r in rows])  # candidates are listed in person-id order
        scores = sequence_logprob(model, prompts, cand, cfg.batch)
        out[f"{direction}_rank1"] = rank1_accuracy(scores, gold)
        out[f"{direction}_exact"] = greedy_exact_match(model, prompts, cand[gold])
    return out


def main() -> None:
    with Stage.from_argv("spt", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        tokenizer = load_tokenizer(st.inp("facts") / "tokenizer")
        persons = read_json(st.inp("facts") / "persons.json")
        assert [p["id"] for p in persons] == list(range(len(persons))), "persons must be listed by id"
        tests = read_jsonl(st.inp("facts") / "probes.jsonl")
        metrics = {"chance": 1 / len(persons)}
        with torch.no_grad():
            for arm in ARMS:
                if arm in st.inputs:
                    model = load_model(st.inp(arm)).eval()
                    metrics.update({f"{arm}_{k}": v for k, v in evaluate_arm(model, tokenizer, persons, tests,
                                                                           cfg).items()})
        # the acceptance checks' quantities (spec: Acceptance A1-A4), for the arms that ran
        m = metrics
        if {"spt_reverse_rank1", "standard_reverse_rank1"} <= set(m):
            m["A1_spt_minus_standard_reverse"] = m["spt_reverse_rank1"] - m["standard_reverse_rank1"]
            m["A2_spt_reverse_minus_half_forward"] = m["spt_reverse_rank1"] - 0.5 * m["spt_forward_rank1"]
            m["A4_spt_minus_standard_forward"] = m["spt_forward_rank1"] - m["standard_forward_rank1"]
        if {"spt_reverse_rank1", "tokrev_reverse_rank1"} <= set(m):
            m["A3_spt_minus_tokrev_reverse"] = m["spt_reverse_rank1"] - m["tokrev_reverse_rank1"]
        if {"spt_reverse_rank1", "spt_random_reverse_rank1"} <= set(m):
            m["C3_spt_minus_random_chunks_reverse"] = m["spt_reverse_rank1"] - m["spt_random_reverse_rank1"]
        st.log_metrics(metrics)
        for k, v in sorted(metrics.items()):
            print(f"  {k}: {v:.3f}")


if __name__ == "__main__":
    main()
