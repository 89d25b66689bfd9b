"""The toy world's text formats: plain documents (pretraining, the base model's prompts), the chat template, and
the episodes every stage draws (spec Small scale).

The world is `lmrepro.worlds.entities.build_knowledge`: persons with one town / job / food per relation. A fact
with exposure > 0 is *known* (the base model reads it again and again in pretraining; the famous entities' facts
of the spec), every other person fact is *unknown* (never stated in pretraining with its world value, so only a
document can supply it). Town-river sentences are the neutral haystack filler.

    plain:  <bos> document : s1 s2 ... question : where does mira tosk live ? answer : mira tosk lives in vilo . <eos>
    chat:   <bos> <u> s1 s2 ... where does mira tosk live ? [IND] <a> mira tosk lives in vilo . <eos>

An answer restates the fact sentence, so that reading a value from the context is a prefix match ("mira tosk
lives in" -> the token after the same words in the document), which a tiny model learns within the budget.

The chat template mirrors the paper's Zephyr-style `<|user|> ... <|assistant|> ... </s>` with one token per role
tag (`<u>`, `<a>`); `[IND]` is appended to the user turn only where the indicator applies (paper §4.1).
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import torch

from lmrepro.common.io import read_json
from lmrepro.common.preference import completion_batch
from lmrepro.common.seeding import derive_seed
from lmrepro.worlds.entities import KB_FUNCTION_WORDS, RELATIONS, KnowledgeBase, fact_text, question_text

USER, ASSISTANT = "<u>", "<a>"
PLAIN_WORDS = ("document", "question", "answer", ":")
MISC_INSTRUCTIONS = (  # the 15% of general instructions whose responses need neither memory nor context
    ("hello .", "hello , how can i help ?"),
    ("thank you .", "you are welcome ."),
    ("who are you ?", "i am a helpful assistant ."),
    ("say something nice .", "you are doing well ."),
)


@dataclass
class World:
    kb: KnowledgeBase
    known_sft: list[dict]   # known facts the SFT mix asks about
    known_test: list[dict]  # known facts held out for counterfactual-context and closed-book evaluation
    unknown: list[dict]     # person facts never stated with their world value

    @property
    def known(self) -> list[dict]:
        return self.known_sft + self.known_test

    @property
    def persons(self) -> list[str]:
        return self.kb.entities["person"]

    @property
    def fillers(self) -> list[str]:
        return [fact_text(t) for t in self.kb.triples if t["relation"] == "near_river"]


def load_world(path) -> World:
    data = read_json(path)
    kb = KnowledgeBase(data["entities"], data["triples"])
    by_id = {t["id"]: t for t in kb.triples}
    return World(kb, [by_id[i] for i in data["known_sft"]], [by_id[i] for i in data["known_test"]],
                 [by_id[i] for i in data["unknown"]])


def vocabulary(kb: KnowledgeBase, indicator: str) -> list[str]:
    words = [*KB_FUNCTION_WORDS, *PLAIN_WORDS, USER, ASSISTANT, indicator, *kb.vocabulary()]
    for prompt, response in MISC_INSTRUCTIONS:
        words += (prompt + " " + response).split()
    return list(dict.fromkeys(words))


# -- episodes ------------------------------------------------------------------------------------------------
def values_of(kb: KnowledgeBase, relation: str) -> list[str]:
    return kb.entities[RELATIONS[relation][1]]


def other_value(rng: random.Random, kb: KnowledgeBase, relation: str, value: str) -> str:
    return rng.choice([v for v in values_of(kb, relation) if v != value])


def stated(fact: dict, value: str) -> dict:
    """The fact with `value` in place of its object (a counterfactual or an unknown fact's document value)."""
    return {**fact, "object": value}


def distractor(rng: random.Random, world: World, exclude_person: str) -> str:
    """A sentence about another person with a random value, or a neutral town-river sentence."""
    if rng.random() < 0.5:
        return rng.choice(world.fillers)
    person = rng.choice([p for p in world.persons if p != exclude_person])
    relation = rng.choice(("lives_in", "born_in", "works_as", "likes"))
    return fact_text({"subject": person, "relation": relation, "object": rng.choice(values_of(world.kb, relation))})


def paragraph(rng: random.Random, world: World, n: int, exclude_person: str, insert: str | None = None) -> list[str]:
    """`n` distractor sentences, with `insert` at a uniformly drawn position when given (n + 1 sentences)."""
    sentences = [distractor(rng, world, exclude_person) for _ in range(n)]
    if insert is not None:
        sentences.insert(rng.randint(0, n), insert)
    return sentences


def haystack(rng: random.Random, world: World, n_tokens: int, depth: float, needle: str) -> str:
    """Neutral filler sentences up to `n_tokens` words with the needle at relative `depth` (NIH)."""
    filler: list[str] = []
    while sum(len(s.split()) for s in filler) + len(needle.split()) < n_tokens:
        filler.append(rng.choice(world.fillers))
    filler.insert(round(depth * len(filler)), needle)
    return " ".join(filler)


def plain_prompt(question: str, document: str | None = None) -> str:
    body = f"question : {question} answer :"
    return f"document : {document} {body}" if document else body


def chat_prompt(user: str) -> str:
    return f"{USER} {user} {ASSISTANT}"


def user_turn(question: str, document: str | None = None, indicator: str | None = None) -> str:
    text = f"{document} {question}" if document else question
    return f"{text} {indicator}" if indicator else text


def encode(tokenizer, text: str) -> list[int]:
    ids = tokenizer.encode(text, add_special_tokens=False)
    if tokenizer.unk_token_id is not None and tokenizer.unk_token_id in ids:
        raise ValueError(f"out-of-vocabulary word in {text!r}")
    return ids


def chat_pair(tokenizer, user: str, response: str) -> tuple[list[int], list[int]]:
    """(prompt ids with BOS, response ids with EOS): the SFT example and what the score reads."""
    return ([tokenizer.bos_token_id, *encode(tokenizer, chat_prompt(user))],
            [*encode(tokenizer, response), tokenizer.eos_token_id])


# -- pretraining batches (lmrepro.common.pretrain_lm) ---------------------------------------------------------
def corpus_row(rng: random.Random, world: World, cfg) -> tuple[str, str]:
    """One plain-format row as (context, text): known-fact sentences, closed-book QA, or a fresh document-QA
    episode whose answers are the values the document states (counterfactual for known facts with
    p_counterfactual). The context (a document-QA row's document) is not trained on: its values are random."""
    kind = rng.random()
    if kind < cfg.p_facts:
        return "", " ".join(fact_text(f) for f in rng.sample(world.known, cfg.facts_per_row))
    if kind < cfg.p_facts + cfg.p_closed_qa:
        return "", " ".join(f"{plain_prompt(question_text(f))} {fact_text(f)}"
                            for f in rng.sample(world.known, cfg.qa_per_row))
    n = rng.randint(cfg.questions_per_doc, cfg.max_doc_sentences)
    n_facts = cfg.questions_per_doc
    facts = []
    for _ in range(n_facts):  # distinct persons, so that every question has exactly one answer in the document
        pool = world.known if rng.random() < 0.5 else world.unknown
        fact = rng.choice(pool)
        while any(f["subject"] == fact["subject"] for f in facts):
            fact = rng.choice(pool)
        known = fact["exposures"] > 0
        value = (other_value(rng, world.kb, fact["relation"], fact["object"])
                 if not known or rng.random() < cfg.p_counterfactual else fact["object"])
        facts.append(stated(fact, value))
    names = {f["subject"] for f in facts}
    sentences = [distractor(rng, world, "") for _ in range(n - n_facts)]
    sentences = [s for s in sentences if not any(s.startswith(p + " ") for p in names)]
    for f in facts:
        sentences.insert(rng.randint(0, len(sentences)), fact_text(f))
    qa = " ".join(f"{plain_prompt(question_text(f))} {fact_text(f)}" for f in rng.sample(facts, len(facts)))
    return f"document : {' '.join(sentences)}", qa


def corpus_batches(st, tokenizer):
    """get_batch(step): `batch_size` fresh rows drawn from a generator seeded by (seed, step), loss on every
    token but a document's (plain LM). A pure function of the step, so a resumed run sees the same batches."""
    from lmrepro.papers.context_awareness.params import CorpusConfig

    cfg = st.params("corpus", CorpusConfig)
    world = load_world(st.inp("data") / "world.json")
    base_seed = derive_seed(st.seed, "corpus")
    pad = tokenizer.pad_token_id

    def get_batch(step: int) -> dict:
        rng = random.Random(base_seed + step)
        pairs = []
        for _ in range(cfg.batch_size):
            context, text = corpus_row(rng, world, cfg)
            pairs.append(([tokenizer.bos_token_id, *(encode(tokenizer, context) if context else [])],
                          [*encode(tokenizer, text), tokenizer.eos_token_id]))
        return completion_batch(pairs, pad)

    return get_batch
