"""Evaluate the three reward models on held-out entities and phrasings (spec Small scale tests, Acceptance 1-4).

    lmrepro stage context_pref.evaluate --scale small --seed 0 --in data=... --in no_ctx=... --in ctx_sparse=... \
        --in carm=... --out metrics=...

- `acc_rev_<arm>`: reversal rows, both judgments (x: a > b, y: b > a); the context is shown to ctx_sparse and carm
  (the paper's CTX column) and not to no_ctx (NC), whose accuracy is 1/2 by construction.
- `acc_adv_<arm>`: the same on negative criteria of the held-out style (the paper's adversarial contexts).
- `acc_rev_carm_train_phrasing`: carm on the same held-out pairs with the criteria in a training phrasing: tells
  "cannot read context" apart from "cannot read an unseen phrasing".
- Profiles (carm): `A[p][q]` = carm's accuracy on pairs labelled by profile p when given profile q's text. The
  two-step predictor infers the profile from k labelled pairs of p's inference pool (the profile whose oracle
  preferences agree with most labels; ties broken at random) and then uses carm with that profile's text.
  `decomp_slack_min` = min over profiles of [P(misidentified) + err(carm | true profile) + 0.02 - err(two-step)]
  at k = `k_check` (Acceptance 4 holds when >= 0); `profile_acc_k<k>` the two-step accuracy, `profile_acc_oracle`
  carm given the true profile.
"""
from __future__ import annotations

import random
import statistics

import torch

from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.context_pref.data import paraphrases, rephrase, rm_text
from lmrepro.papers.context_pref.params import ARMS, EvalConfig
from lmrepro.worlds import feedback as W


@torch.no_grad()
def rewards(model, tokenizer, texts: list[str], batch_size: int = 512) -> list[float]:
    model.eval()
    out = []
    for i in range(0, len(texts), batch_size):
        enc = tokenizer(texts[i:i + batch_size], padding=True, return_tensors="pt", add_special_tokens=False)
        out += model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).logits.squeeze(-1).tolist()
    return out


def judged_accuracy(model, tokenizer, judgments: list[tuple[str | None, str, str, str]]) -> float:
    """Share of (context, prompt, preferred, other) judgments where the preferred answer scores strictly higher."""
    texts = [rm_text(c, p, y) for c, p, y, _ in judgments] + [rm_text(c, p, n) for c, p, _, n in judgments]
    r = rewards(model, tokenizer, texts)
    k = len(judgments)
    return sum(r[i] > r[k + i] for i in range(k)) / k


def reversal_judgments(rows: list[dict], with_context: bool) -> list[tuple]:
    ctx = lambda c: c["text"] if with_context else None  # noqa: E731
    return [j for r in rows for j in ((ctx(r["criterion_x"]), r["prompt"], r["a"], r["b"]),
                                      (ctx(r["criterion_y"]), r["prompt"], r["b"], r["a"]))]


def profile_judgments(pairs: list[dict], p: int, text: str) -> list[tuple]:
    return [(text, r["prompt"], r["a"], r["b"]) if r["prefers_a"][p] else (text, r["prompt"], r["b"], r["a"])
            for r in pairs]


def infer_profile(labelled: list[dict], p: int, profiles: list[dict], rng: random.Random) -> int:
    """The profile whose oracle preferences agree with most of p's labels on `labelled` (random tie-break)."""
    fits = [sum((W.profile_prefers(q, r["a"], r["b"]) == 1) == r["prefers_a"][p] for r in labelled)
            for q in profiles]
    best = max(fits)
    return rng.choice([q for q, f in enumerate(fits) if f == best])


def main() -> None:
    with Stage.from_argv("context_pref", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        data = st.inp("data")
        tokenizer = load_tokenizer(st.inp("carm"))
        test, adversarial = read_jsonl(data / "test_rows.jsonl"), read_jsonl(data / "adversarial.jsonl")
        metrics, models = {}, {}
        for arm in ARMS:
            models[arm] = load_model(st.inp(arm), kind="sequence_classification")
            with_context = arm != "no_ctx"
            metrics[f"acc_rev_{arm}"] = judged_accuracy(models[arm], tokenizer, reversal_judgments(test, with_context))
            metrics[f"acc_adv_{arm}"] = judged_accuracy(models[arm], tokenizer,
                                                        reversal_judgments(adversarial, with_context))
        table = paraphrases(st.params("world", W.FeedbackWorldConfig))
        seen = [{**r, "criterion_x": rephrase(r["criterion_x"], table, "train"),
                 "criterion_y": rephrase(r["criterion_y"], table, "train")} for r in test]
        metrics["acc_rev_carm_train_phrasing"] = judged_accuracy(models["carm"], tokenizer,
                                                                 reversal_judgments(seen, True))
        metrics["carm_minus_sparse_rev"] = metrics["acc_rev_carm"] - metrics["acc_rev_ctx_sparse"]
        metrics["carm_minus_sparse_adv"] = metrics["acc_adv_carm"] - metrics["acc_adv_ctx_sparse"]

        prof = read_json(data / "profiles.json")
        profiles, texts = prof["profiles"], prof["texts"]
        pairs = read_jsonl(data / "profile_pairs.jsonl")
        pool, held = pairs[: len(pairs) // 2], pairs[len(pairs) // 2:]  # inference pool, test pairs
        acc = [[judged_accuracy(models["carm"], tokenizer, profile_judgments(held, p, texts[q]))
                for q in range(len(profiles))] for p in range(len(profiles))]
        metrics["profile_acc_oracle"] = statistics.fmean(acc[p][p] for p in range(len(profiles)))
        rng = random.Random(derive_seed(st.seed, "profile_inference"))
        slack = []
        for k in cfg.k_values:
            two_step, misid = [], []
            for p in range(len(profiles)):
                guesses = [infer_profile(rng.sample(pool, k), p, profiles, rng) for _ in range(cfg.n_inference_draws)]
                two_step.append(statistics.fmean(acc[p][q] for q in guesses))
                misid.append(statistics.fmean(q != p for q in guesses))
                if k == cfg.k_check:
                    slack.append(misid[-1] + (1 - acc[p][p]) + 0.02 - (1 - two_step[-1]))
            metrics[f"profile_acc_k{k}"] = statistics.fmean(two_step)
            metrics[f"profile_misid_k{k}"] = statistics.fmean(misid)
        metrics["decomp_slack_min"] = min(slack)
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
