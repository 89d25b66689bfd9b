"""Evaluate SAMI against the base model and self-SFT with the world's programmatic checkers (spec: Metric).

    lmrepro stage sami.evaluate --scale small --seed 0 --in data=data/small/sami/seed0/prep \
        --in base=results/small/sami/seed0/base --in sami=results/small/sami/runs/seed0/sami \
        --in self_sft=results/small/sami/runs/seed0/self_sft --out metrics=results/small/sami/runs/seed0/evaluate.json

Models: base (iteration 0), SAMI after each iteration, self-SFT after the last. On held-out queries (entities SAMI
never trained on), each under every train constitution and, separately, the 2 held-out constitutions:
- adherence: mean fraction of the constitution's principles the greedy response satisfies (paper: GPT-4 judge);
- win rate: per (query, constitution) item, SAMI's adherence vs the other model's: win 1, tie 0.5, loss 0
  (the repo's judge protocol counts ties 0.5);
- grammar validity: the share of greedy responses the world grammar accepts (a degeneration guard);
- constitution identification (MI proxy): per query, one response sampled (T = 1) under each train
  constitution; accuracy of argmax_j S[j, k] at recovering the constitution that generated response k, with S
  the model's own length-normalised log-prob matrix (chance 1/6). Also the adherence of those samples.
Paper scale (hh-rlhf queries, no world): the win rates come from the configured judge (lmrepro.common.judge,
GPT-4 in the paper; the repository's protocol: one call per pair, order and principles shuffled) under the
constitution's principles; identification as above; adherence and grammar validity need the world's checkers and are not computed.
"""
from __future__ import annotations

import statistics

import torch

from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.judge import JudgeConfig, judge_pairs
from lmrepro.common.models import load_model, load_tokenizer, pad_id
from lmrepro.common.generation import generate
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.sami.method import (PromptConfig, SamiConfig, decode, matrix_batch, prompt_ids, render_prompt,
                                        score_matrices)
from lmrepro.papers.sami.params import EvalConfig
from lmrepro.worlds.principles import PRINCIPLE_NAMES, PrinciplesWorld, check


def win_rate(a: list[float], b: list[float]) -> float:
    """Pairwise win rate of a over b, ties 0.5."""
    return statistics.fmean(1.0 if x > y else 0.5 if x == y else 0.0 for x, y in zip(a, b))


@torch.no_grad()
def greedy_texts(model, tokenizer, pcfg, queries, consts, max_new, batch) -> tuple[list[str], list[bool]]:
    """Greedy responses for every (query, constitution) item, queries outer; and whether each finished."""
    prompts = [prompt_ids(tokenizer, render_prompt(pcfg, c["principles"], q["text"])) for q in queries for c in consts]
    out, finished = generate(model, tokenizer, prompts, max_new_tokens=max_new, temperature=0.0, seed=0,
                             batch_size=batch)
    return [decode(tokenizer, r) for r in out], finished


def greedy_scores(model, tokenizer, world, pcfg, queries, consts, max_new, batch) -> dict:
    texts, finished = greedy_texts(model, tokenizer, pcfg, queries, consts, max_new, batch)
    checks = [check(t, tuple(c["bits"])) for t, (q, c) in zip(texts, [(q, c) for q in queries for c in consts])]
    return {"adherence": [sum(ch) / 3 for ch in checks], "checks": checks,
            "valid": [f and world.parse(t) is not None for f, t in zip(finished, texts)], "texts": texts}


@torch.no_grad()
def identification(model, tokenizer, pcfg, queries, consts, max_new, batch, score_queries, seed) -> dict:
    prompts = [[prompt_ids(tokenizer, render_prompt(pcfg, c["principles"], q["text"])) for c in consts]
               for q in queries]
    flat, _ = generate(model, tokenizer, [p for ps in prompts for p in ps], max_new_tokens=max_new,
                       temperature=1.0, seed=seed, batch_size=batch)
    c = len(consts)
    items, adherence = [], []
    for i, ps in enumerate(prompts):
        resp = flat[i * c:(i + 1) * c]  # an unfinished response is scored as it stands
        items.append({"prompt_ids": ps, "response_ids": resp})
        if all("bits" in k for k in consts):  # the world's checkers (small/ci)
            adherence += [sum(check(decode(tokenizer, r), tuple(k["bits"]))) / 3 for r, k in zip(resp, consts)]
    correct = []
    for i in range(0, len(items), score_queries):
        s = score_matrices(model, matrix_batch(items[i:i + score_queries], pad_id(tokenizer)))
        correct += (s.argmax(dim=1) == torch.arange(c)).float().flatten().tolist()  # argmax over constitutions j
    return {"acc": statistics.fmean(correct) if correct else 0.0,
            "adherence": statistics.fmean(adherence) if adherence else 0.0, "n": len(items)}


def evaluated_models(st) -> tuple[list[int], dict]:
    """SAMI's iterations and the models evaluated: the base (iteration 0), each SAMI iteration, the last self-SFT."""
    iters = sorted(int(p.name[4:]) for p in st.inp("sami").glob("iter*"))
    sft_last = max(int(p.name[4:]) for p in st.inp("self_sft").glob("iter*"))
    return iters, {"base": st.inp("base"), **{f"sami_iter{t}": st.inp("sami") / f"iter{t}" for t in iters},
                   "self_sft": st.inp("self_sft") / f"iter{sft_last}"}


def ident_key(name: str) -> str:
    return {"base": "iter0", "self_sft": "self_sft"}.get(name, name.replace("sami_", ""))


def judged_win_rates(jcfg: JudgeConfig, queries, consts, texts: dict[str, list[str]], last: str, seed: int) -> dict:
    """Paper scale: the judge's win rates of SAMI's last iteration (and self-SFT) on the same items."""
    rubric = ["\n".join(f"{n}. {p}" for n, p in enumerate(c["principles"], 1)) for _ in queries for c in consts]
    query = [q["text"] for q in queries for _ in consts]

    def rate(a: str, b: str) -> float:
        return statistics.fmean(judge_pairs(jcfg, [{"query": q, "a": x, "b": y, "rubric": r}
                                                   for q, x, y, r in zip(query, texts[a], texts[b], rubric)],
                                            seed=derive_seed(seed, "judge", a, b)))

    return {"win_rate_vs_base": rate(last, "base"), "win_rate_vs_self_sft": rate(last, "self_sft"),
            "win_rate_self_sft_vs_base": rate("self_sft", "base")}


def main() -> None:
    with Stage.from_argv("sami", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        scfg = st.params("sami", SamiConfig)
        pcfg = st.params("prompt", PromptConfig)
        data = st.inp("data")
        consts = read_json(data / "constitutions.json")
        if not (data / "world.json").is_file():  # paper scale: hh-rlhf queries, judged by the configured judge
            paper_scale(st, cfg, scfg, pcfg, consts)
            return
        world = PrinciplesWorld.from_json(read_json(data / "world.json"))
        splits = {"": [c for c in consts if c["split"] == "train"],
                  "heldout_": [c for c in consts if c["split"] == "heldout"]}
        queries = read_jsonl(data / "queries_test.jsonl")
        tokenizer = load_tokenizer(st.inp("base"))
        iters, models = evaluated_models(st)
        m, per_item = {}, {}
        ident_seed = derive_seed(st.seed, "ident")
        for name, path in models.items():
            model = load_model(path).eval()
            for prefix, group in splits.items():
                if not group:
                    continue
                r = greedy_scores(model, tokenizer, world, pcfg, queries, group, scfg.max_new_tokens,
                                  cfg.gen_batch)
                per_item[prefix + name] = r["adherence"]
                m[f"adherence_{prefix}{name}"] = statistics.fmean(r["adherence"])
                m[f"grammar_valid_{prefix}{name}"] = statistics.fmean(r["valid"])
                for p, pname in enumerate(PRINCIPLE_NAMES):
                    m[f"adherence_{prefix}{name}_{pname}"] = statistics.fmean(ch[p] for ch in r["checks"])
                print(f"{prefix + name:24s} e.g. {r['texts'][:3]}")
            ident = identification(model, tokenizer, pcfg, queries[:cfg.n_ident_queries], splits[""],
                                   scfg.max_new_tokens, cfg.gen_batch, cfg.score_queries, ident_seed)
            m[f"ident_acc_{ident_key(name)}"] = ident["acc"]
            m[f"adherence_sampled_{name}"] = ident["adherence"]
        last = f"sami_iter{iters[-1]}"
        for prefix in splits:
            if not splits[prefix]:
                continue
            m[f"adherence_{prefix}sami"] = m[f"adherence_{prefix}{last}"]
            m[f"grammar_valid_{prefix}sami"] = m[f"grammar_valid_{prefix}{last}"]
            m[f"adherence_{prefix}gain"] = m[f"adherence_{prefix}sami"] - m[f"adherence_{prefix}base"]
            m[f"win_rate_{prefix}vs_base"] = win_rate(per_item[prefix + last], per_item[prefix + "base"])
            m[f"win_rate_{prefix}vs_self_sft"] = win_rate(per_item[prefix + last], per_item[prefix + "self_sft"])
            m[f"win_rate_{prefix}self_sft_vs_base"] = win_rate(per_item[prefix + "self_sft"],
                                                               per_item[prefix + "base"])
        m["self_sft_gain"] = m["adherence_self_sft"] - m["adherence_base"]
        curve = [m["ident_acc_iter0"]] + [m[f"ident_acc_iter{t}"] for t in iters]
        m["ident_acc_sami"] = curve[-1]
        m["ident_gain"] = curve[-1] - curve[0]
        m["ident_monotone"] = float(all(a < b for a, b in zip(curve, curve[1:])))
        st.log_metrics(m)
        for key, value in sorted(m.items()):
            print(f"{key:40s} {value:.4f}")


def paper_scale(st, cfg: EvalConfig, scfg: SamiConfig, pcfg, consts: list[dict]) -> None:
    jcfg = st.params("judge", JudgeConfig)
    if not jcfg.enabled:
        raise SystemExit("sami.evaluate: the paper-scale win rates need the judge: set judge.enabled (and its "
                         "base_url, model and api_key_env) in the paper overlay; the world checkers are small-scale")
    train = [c for c in consts if c["split"] == "train"]
    queries = read_jsonl(st.inp("data") / "queries_test.jsonl")
    tokenizer = load_tokenizer(st.inp("base"))
    iters, models = evaluated_models(st)
    m, texts = {}, {}
    for name, path in models.items():
        model = load_model(path).eval()
        if name in ("base", "self_sft", f"sami_iter{iters[-1]}"):
            texts[name], _ = greedy_texts(model, tokenizer, pcfg, queries, train, scfg.max_new_tokens, cfg.gen_batch)
        ident = identification(model, tokenizer, pcfg, queries[:cfg.n_ident_queries], train, scfg.max_new_tokens,
                               cfg.gen_batch, cfg.score_queries, derive_seed(st.seed, "ident"))
        m[f"ident_acc_{ident_key(name)}"] = ident["acc"]
    m |= judged_win_rates(jcfg, queries, train, texts, f"sami_iter{iters[-1]}", st.seed)
    curve = [m["ident_acc_iter0"]] + [m[f"ident_acc_iter{t}"] for t in iters]
    m["ident_acc_sami"], m["ident_gain"] = curve[-1], curve[-1] - curve[0]
    m["ident_monotone"] = float(all(a < b for a, b in zip(curve, curve[1:])))
    st.log_metrics(m)
    for key, value in sorted(m.items()):
        print(f"{key:40s} {value:.4f}")


if __name__ == "__main__":
    main()
