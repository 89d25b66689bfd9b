"""Preference pairs for the actor (paper §3; spec Small scale "Pair construction").

- `prompt_ids`: BOS + instruction + ":" (the actor's prompt); responses end with EOS.
- `interfering_pairs`: per instruction, `n_samples` sampled responses labelled by the noisy judge; one passing and
  one failing response (both drawn at random) form a pair. The two differ in the constraint and in everything
  else (the interfering factor: letter case, the middle's content).
- `refine`: the tree search from one failing response (BFS, paper §3.2): a node's children are the actor's
  `branch` most likely one-position edits of it at the violated position (`critique_edits`, from the world's
  edit space, ranked by the actor's own log-likelihood: the stand-in for the refiner's critique and proposal),
  judged by the noisy judge;
  the first child judged passing ends the search (the paper's value > 0.5, i.e. a majority of 5 votes);
  otherwise the `keep` most likely children are expanded, up to `depth`. Unsuccessful searches give no pair.
- `refined_pairs`: (refined response > original failing response), so the pair differs only where the
  constraint is.
"""
from __future__ import annotations

import random

import torch

from lmrepro.common.generation import generate
from lmrepro.common.preference import completion_batch, sequence_logps
from lmrepro.worlds import instructions as W


def prompt_ids(tokenizer, prompt: str) -> list[int]:
    return [tokenizer.bos_token_id] + tokenizer.encode(f"{prompt} :", add_special_tokens=False)


def response_text(tokenizer, ids: list[int]) -> str:
    return tokenizer.decode([i for i in ids if i != tokenizer.eos_token_id], skip_special_tokens=True).strip()


def sample_responses(actor, tokenizer, rows: list[dict], n: int, temperature: float, max_new_tokens: int,
                     seed: int) -> list[list[str]]:
    prompts = [prompt_ids(tokenizer, r["prompt"]) for r in rows for _ in range(n)]
    out, _ = generate(actor, tokenizer, prompts, max_new_tokens=max_new_tokens, temperature=temperature, seed=seed)
    texts = [response_text(tokenizer, o) for o in out]
    return [texts[i * n:(i + 1) * n] for i in range(len(rows))]


def interfering_pairs(rows: list[dict], samples: list[list[str]], judge, n_pairs: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    pairs = []
    for row, responses in zip(rows, samples):
        verdicts = [judge(row["instruction"], r) for r in responses]
        good = [r for r, v in zip(responses, verdicts) if v]
        bad = [r for r, v in zip(responses, verdicts) if not v]
        if good and bad:
            pairs.append({"instruction": row["instruction"], "prompt": row["prompt"], "chosen": rng.choice(good),
                          "rejected": rng.choice(bad)})
        if len(pairs) == n_pairs:
            break
    return pairs


def critique_edits(inst: dict, response: str, vocabulary: list[str]) -> list[str]:
    """The one-position edits at the violated position(s) only: the refiner's critique names the unmet constraint
    (paper: "list unmet constraints"), here read off the checker: a wrong first or last word (boundary), too many
    or too few letters (letters)."""
    tokens = response.split()
    candidates = W.edits(inst, response, vocabulary)
    if inst["task"] == "boundary" and tokens:
        first, last = tokens[0] != inst["start"], tokens[-1] != inst["end"]
        return [c for c in candidates if (first and c.split()[1:] == tokens[1:])
                or (last and c.split()[:-1] == tokens[:-1])]
    if inst["task"] == "letters":
        return [c for c in candidates if (len(c.split()) < len(tokens)) == (len(tokens) > inst["n"])]
    return candidates


@torch.no_grad()
def actor_logps(actor, tokenizer, prompt: str, responses: list[str]) -> list[float]:
    p = prompt_ids(tokenizer, prompt)
    batch = completion_batch([(p, tokenizer.encode(r, add_special_tokens=False) + [tokenizer.eos_token_id])
                              for r in responses], tokenizer.pad_token_id)
    return sequence_logps(actor, batch).tolist()


def refine(actor, tokenizer, judge, row: dict, response: str, vocabulary: list[str], *, branch: int, keep: int,
           depth: int) -> str | None:
    frontier = [response]
    for _ in range(depth):
        children = []
        for node in frontier:
            candidates = critique_edits(row["instruction"], node, vocabulary)
            if not candidates:
                continue
            scores = actor_logps(actor, tokenizer, row["prompt"], candidates)
            ranked = sorted(zip(scores, candidates), key=lambda sc: -sc[0])[:branch]
            children += ranked
        for _, child in children:
            if judge(row["instruction"], child):
                return child
        frontier = [c for _, c in sorted(children, key=lambda sc: -sc[0])[:keep]]
        if not frontier:
            return None
    return None


def refined_pairs(actor, tokenizer, judge, rows: list[dict], samples: list[list[str]], vocabulary: list[str],
                  n_pairs: int, seed: int, **search) -> tuple[list[dict], int]:
    """Pairs and the number of searches run (searches that found no passing node give no pair)."""
    rng = random.Random(seed)
    pairs, searches = [], 0
    for row, responses in zip(rows, samples):
        bad = [r for r in responses if not judge(row["instruction"], r)]
        if not bad:
            continue
        original = rng.choice(bad)
        searches += 1
        refined = refine(actor, tokenizer, judge, row, original, vocabulary, **search)
        if refined is not None:
            pairs.append({"instruction": row["instruction"], "prompt": row["prompt"], "chosen": refined,
                          "rejected": original})
        if len(pairs) == n_pairs:
            break
    return pairs, searches


def token_edit_distance(a: str, b: str) -> int:
    from nltk.metrics.distance import edit_distance

    return edit_distance(a.split(), b.split())
