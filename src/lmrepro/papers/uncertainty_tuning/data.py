"""Items on the context-QA world: benchmark pairs (cleaned), stage-1 cognition rows, stage-2 PSQA rows, and the
base instruct model's batch function (fresh answerable QA items every step, for lmrepro.common.pretrain_lm).

A row is {"prompt", "target"} text; `tokenize_rows` turns rows into (prompt ids, target ids + EOS) pairs.
"""
from __future__ import annotations

import random

from lmrepro.papers.uncertainty_tuning import formats as F
from lmrepro.papers.uncertainty_tuning.params import BenchmarkConfig, InstructConfig, PSQAConfig
from lmrepro.worlds import context_qa as W


def stated_attributes(rng: random.Random, facts: tuple[int, int]) -> list[str]:
    return rng.sample(W.ATTRIBUTES, rng.randint(*facts))


def fresh_sibling(world: W.ContextQAWorld, rng: random.Random, person: dict) -> dict:
    while True:
        sibling = W.random_person(world, rng, surname=person["surname"])
        if sibling["first"] != person["first"]:
            return sibling


def context_passages(world: W.ContextQAWorld, rng: random.Random, person: dict, stated: list[str],
                     p_distractor: float) -> list[str]:
    """The passage about `person`, and with probability p_distractor a fresh sibling's passage (1-2 facts)
    before or after it."""
    passages = [W.passage(person, stated)]
    if rng.random() < p_distractor:
        sibling = fresh_sibling(world, rng, person)
        passages.insert(rng.randrange(2), W.passage(sibling, rng.sample(W.ATTRIBUTES, rng.randint(1, 2))))
    return passages


def answerable_item(world: W.ContextQAWorld, rng: random.Random, facts: tuple[int, int], p_distractor: float
                    ) -> tuple[list[str], str, list[str]]:
    """A fresh person's passage(s), a question on a stated fact and its answer words."""
    person = W.random_person(world, rng)
    stated = stated_attributes(rng, facts)
    passages = context_passages(world, rng, person, stated, p_distractor)
    attr = rng.choice(stated)
    return passages, W.question(person, attr, rng.randrange(2)), person[attr].split()


def unanswerable_item(world: W.ContextQAWorld, rng: random.Random, facts: tuple[int, int], p_distractor: float,
                      p_sibling: float) -> tuple[list[str], str]:
    """A fresh person's passage(s) and a question on an unstated attribute of the person, or on a stated one of a
    sibling whose facts the context does not give."""
    person = W.random_person(world, rng)
    stated = stated_attributes(rng, facts)
    if rng.random() < p_sibling:
        return [W.passage(person, stated)], W.question(fresh_sibling(world, rng, person), rng.choice(stated),
                                                       rng.randrange(2))
    passages = context_passages(world, rng, person, stated, p_distractor)
    unstated = [a for a in W.ATTRIBUTES if a not in stated]
    return passages, W.question(person, rng.choice(unstated), rng.randrange(2))


def benchmark_items(world: W.ContextQAWorld, cfg: BenchmarkConfig, split: str, n_items: int,
                    rng: random.Random) -> tuple[list[dict], int]:
    """Cleaned benchmark items {context, pos_query, pos_answers, neg_query, neg_kind} over the split's persons
    (round-robin), and how many drawn pairs the cleaning rule dropped."""
    persons, items, dropped, k = world.persons[split], [], 0, 0
    while len(items) < n_items:
        person = persons[k % len(persons)]
        k += 1
        stated = stated_attributes(rng, cfg.facts)
        context = W.passage(person, stated)
        pos_attr = rng.choice(stated)
        siblings = W.siblings(world, person, split)
        if rng.random() < cfg.p_sibling_neg:
            target, neg_attr, kind = rng.choice(siblings), rng.choice(stated), "sibling"
        else:
            target, neg_attr, kind = person, rng.choice([a for a in W.ATTRIBUTES if a not in stated]), "unstated"
        pos_answers = [person[pos_attr]]
        if not F.keep_pair(context, pos_answers, W.passage(target, [neg_attr])):
            dropped += 1
            continue
        items.append({"context": context, "pos_query": W.question(person, pos_attr, rng.randrange(2)),
                      "pos_answers": pos_answers, "neg_query": W.question(target, neg_attr, rng.randrange(2)),
                      "neg_kind": kind})
    return items, dropped


def cognition_rows(item: dict) -> list[dict]:
    """Stage 1: (context, pos_query) -> sufficient, (context, neg_query) -> insufficient."""
    return [{"prompt": F.cognition_prompt([item["context"]], item[query]), "target": F.COGNITION_LABELS[label]}
            for query, label in (("pos_query", True), ("neg_query", False))]


def psqa_row(world: W.ContextQAWorld, rng: random.Random, cfg: PSQAConfig, facts: tuple[int, int],
             answerable: bool) -> dict:
    """A stage-2 QA row under the tuned prompt; unanswerable rows (the refusal slice) answer 'not provided'."""
    if answerable:
        passages, query, answer = answerable_item(world, rng, facts, cfg.p_distractor)
    else:
        (passages, query), answer = unanswerable_item(world, rng, facts, cfg.p_distractor, 0.5), list(F.REFUSAL)
    constraint, slot = F.draw_constraint(rng, W.CONSTRAINTS, cfg.p_constraint)
    draft_fails = constraint is not None and rng.random() < cfg.p_draft_fails
    return {"prompt": F.qa_prompt(passages, query, tuned=True, constraint=constraint, slot=slot),
            "target": F.psqa_target(answer, constraint, slot, draft_fails), "answerable": answerable}


def cog_psqa_mix(cognition: list[dict], psqa: list[dict], refusals: list[dict], refusal_slice: float,
                 rng: random.Random) -> list[dict]:
    """Per benchmark item its 2 cognition rows and 1 PSQA row (Cognition_PSQA), the PSQA row taken from the
    unanswerable pool with probability `refusal_slice`."""
    if len(cognition) != 2 * len(psqa) or len(refusals) < len(psqa):
        raise ValueError("cog_psqa_mix needs 2 cognition rows and 1 PSQA row (and refusal row) per item")
    rows = []
    for i, row in enumerate(psqa):
        rows += [cognition[2 * i], cognition[2 * i + 1], refusals[i] if rng.random() < refusal_slice else row]
    return rows


def tokenize_rows(tokenizer, rows: list[dict]) -> list[tuple[list[int], list[int]]]:
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    prompts = tokenizer([r["prompt"] for r in rows], add_special_tokens=False)["input_ids"]
    targets = tokenizer([r["target"] for r in rows], add_special_tokens=False)["input_ids"]
    return [([bos, *p], [*t, eos]) for p, t in zip(prompts, targets, strict=True)]


def base_batches(st, tokenizer):
    """pretrain_lm batch function: `instruct.batch_size` fresh answerable QA items per step under the base prompt
    (answer + EOS supervised), a pure function of (seed, step)."""
    from lmrepro.common.io import read_json
    from lmrepro.common.preference import completion_batch
    from lmrepro.common.seeding import derive_seed

    cfg = st.params("instruct", InstructConfig)
    facts = st.params("benchmark", BenchmarkConfig).facts
    world = W.ContextQAWorld(**read_json(st.inp("data") / "world.json"))
    unk = tokenizer.unk_token_id

    def get_batch(step: int) -> dict:
        rng = random.Random(derive_seed(st.seed, "instruct", step))
        rows = []
        for _ in range(cfg.batch_size):
            passages, query, answer = answerable_item(world, rng, facts, cfg.p_distractor)
            rows.append({"prompt": F.qa_prompt(passages, query, tuned=False), "target": " ".join(answer)})
        pairs = tokenize_rows(tokenizer, rows)
        if any(unk in p + t for p, t in pairs):
            raise ValueError("a base QA item has a word outside the tokenizer's vocabulary")
        return completion_batch(pairs, tokenizer.pad_token_id)

    return get_batch
