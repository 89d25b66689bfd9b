"""The base model's pretraining batches (spec Small scale; paper: an instruct model from the hub): the shared stage
`lmrepro.common.pretrain_lm` trains the tiny Llama on a mixture of descriptive text whose numbers follow the skewed
prior (full next-token loss), counting rows with uniform answers and flat-prior control rows (loss on the answer
and EOS only: their lists are random and carry nothing to learn). Each batch is a pure function of (seed, step).
"""
from __future__ import annotations

import random

from lmrepro.common.preference import completion_batch
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.prior_influence.method import prompt_ids, render
from lmrepro.worlds import prior_counting as world


def mixture_row(wcfg, prompt, data, tokenizer, rng: random.Random) -> tuple[list[int], list[int]]:
    """One (context, completion) pair: descriptive text is all completion, a task row's completion its answer."""
    kind = rng.choices(("descriptive", "counting", "control"), weights=data.mix)[0]
    if kind == "descriptive":
        text = " ".join(world.descriptive_sentence(wcfg, rng) for _ in range(data.sentences_per_row))
        return [tokenizer.bos_token_id], tokenizer(text, add_special_tokens=False)["input_ids"] + [
            tokenizer.eos_token_id]
    if kind == "counting":
        if rng.random() < data.p_count_from_prior:
            n = rng.choices(range(1, wcfg.max_number + 1), weights=world.number_prior(wcfg))[0]
        else:
            n = rng.randint(1, wcfg.max_number)
        item = world.counting_item(wcfg, rng, n)
        template = prompt.counting
    else:
        item = world.control_item(wcfg, rng)
        template = prompt.control
    answer = tokenizer(prompt.answer_prefix + item["answer"], add_special_tokens=False)["input_ids"]
    return prompt_ids(tokenizer, render(template, item)), answer + [tokenizer.eos_token_id]


def pretrain_batches(st, tokenizer):
    """get_batch(step): `batch_size` mixture rows drawn from a generator seeded by (seed, step)."""
    wcfg, prompt, data = st.params("world"), st.params("prompt"), st.params("base_data")
    base_seed = derive_seed(st.seed, "pretrain_batches")

    def get_batch(step: int) -> dict:
        rng = random.Random(base_seed + step)
        rows = [mixture_row(wcfg, prompt, data, tokenizer, rng) for _ in range(data.batch_size)]
        return completion_batch(rows, tokenizer.pad_token_id)

    return get_batch
