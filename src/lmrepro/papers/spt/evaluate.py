"""Forward and reverse recall of the test persons (those trained name-first only), for every arm.

    lmrepro stage spt.evaluate --scale small --seed 0 --in facts=data/small/spt/seed0/facts \
        --in standard=results/small/spt/runs/seed0/standard ... --out metrics=results/small/spt/runs/seed0/evaluate.json
    paper: ... --in tokenizer=data/hub/huggyllama/llama-7b   (facts.source=official: the official probes)

Reverse: after "the ROLE of WORK is", all persons' two-token names are ranked by sequence log-prob (rank-1
accuracy, chance 1/n) and the greedy two-token continuation is compared with the name (exact match). Forward:
after "NAME is the ROLE of", all titles are ranked the same way. Full multi-token answers are scored, never only
their first token (spec pitfall).
"""
from __future__ import annotations

import torch

from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.padding import pad_rows
from lmrepro.common.stage import Stage
from lmrepro.papers.spt.method import rank1_accuracy, sequence_logprob
from lmrepro.papers.spt.params import ARMS, EvalConfig, FactsConfig


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


def text_scores(model, tokenizer, prompts: list[str], candidates: list[str], batch: int) -> torch.Tensor:
    """[P, C] log p(" " + candidate | prompt) summed over the candidate's tokens, through a hub tokenizer (prompts
    and candidates of any length: right-padded, the candidate positions picked by mask)."""
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    prompt_ids = [bos + tokenizer(p, add_special_tokens=False)["input_ids"] for p in prompts]
    cand_ids = [tokenizer(" " + c, add_special_tokens=False)["input_ids"] for c in candidates]
    pairs = [(p, c) for p in prompt_ids for c in cand_ids]
    out = []
    for i in range(0, len(pairs), batch):
        chunk = pairs[i:i + batch]
        ids, mask = pad_rows([p + c for p, c in chunk], pad)
        target = torch.zeros_like(ids, dtype=torch.bool)
        for row, (p, c) in enumerate(chunk):
            target[row, len(p):len(p) + len(c)] = True
        logp = torch.log_softmax(model(input_ids=ids, attention_mask=mask).logits[:, :-1].float(), dim=-1)
        token_logp = logp.gather(-1, ids[:, 1:, None]).squeeze(-1)
        out.append((token_logp * target[:, 1:]).sum(-1))
    return torch.cat(out).view(len(prompts), len(candidates))


def greedy_text_match(model, tokenizer, prompt: str, answer: str) -> bool:
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    seq = torch.tensor([bos + tokenizer(prompt, add_special_tokens=False)["input_ids"]])
    gold = tokenizer(" " + answer, add_special_tokens=False)["input_ids"]
    for _ in gold:
        seq = torch.cat([seq, model(input_ids=seq).logits[:, -1:].argmax(-1)], dim=1)
    return seq[0, -len(gold):].tolist() == gold


def evaluate_arm_text(model, tokenizer, tests, cfg: EvalConfig) -> dict[str, float]:
    """The official probes: each direction's distinct answers are the candidates (reverse: the test persons'
    names; forward: their descriptions)."""
    out = {}
    for direction in ("reverse", "forward"):
        rows = [r for r in tests if r["direction"] == direction]
        candidates = sorted({r["answer"] for r in rows})
        gold = torch.tensor([candidates.index(r["answer"]) for r in rows])
        scores = text_scores(model, tokenizer, [r["prompt"] for r in rows], candidates, cfg.batch)
        out[f"{direction}_rank1"] = rank1_accuracy(scores, gold)
        out[f"{direction}_exact"] = sum(greedy_text_match(model, tokenizer, r["prompt"], r["answer"])
                                        for r in rows) / len(rows)
    return out


def main() -> None:
    with Stage.from_argv("spt", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        official = st.params("facts", FactsConfig).source == "official"
        tokenizer = load_tokenizer(st.inp("tokenizer") if official else st.inp("facts") / "tokenizer")
        persons = read_json(st.inp("facts") / "persons.json")
        assert [p["id"] for p in persons] == list(range(len(persons))), "persons must be listed by id"
        tests = read_jsonl(st.inp("facts") / "probes.jsonl")
        metrics = {"chance": 1 / len(persons)}
        with torch.no_grad():
            for arm in ARMS:
                if arm in st.inputs:
                    model = load_model(st.inp(arm)).eval()
                    scores = (evaluate_arm_text(model, tokenizer, tests, cfg) if official
                              else evaluate_arm(model, tokenizer, persons, tests, cfg))
                    metrics.update({f"{arm}_{k}": v for k, v in scores.items()})
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
