"""The QA model's view of an item (spec Solvers: one tiny English QA model shared by every solver): the closed-book
prompt "question : <question> answer :" (CommonsenseQA-like: the facts are learned, not given) and the answer
word; its batches for lmrepro.common.pretrain_lm, and
the option scoring every solver uses (the option with the highest log-likelihood is the model's choice)."""
from __future__ import annotations

import torch

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.preference import completion_batch, sequence_logps
from lmrepro.common.seeding import derive_seed

FRAME_WORDS = ("question", "answer", ":")


def prompt_text(question: str) -> str:
    return " ".join(["question", ":", question, "answer", ":"])


def _prompt_ids(tokenizer, prompt: str) -> list[int]:
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    return bos + tokenizer.encode(prompt, add_special_tokens=False)


def _answer_ids(tokenizer, answer: str) -> list[int]:
    return tokenizer.encode(" " + answer, add_special_tokens=False)


def qa_batches(st, tokenizer):
    """`pretrain_lm.batches`: the English fact questions, loss on the answer tokens only."""
    from lmrepro.papers.camlang.params import QAConfig

    cfg = st.params("qa", QAConfig)
    rows = read_jsonl(st.inp("data") / "train.jsonl")
    pairs = [(_prompt_ids(tokenizer, r["prompt"]), _answer_ids(tokenizer, r["answer"])) for r in rows]
    return shuffled_batches(completion_batch(pairs, tokenizer.pad_token_id), cfg.batch_size,
                            derive_seed(st.seed, "qa_batches"))


@torch.no_grad()
def option_scores(model, tokenizer, prompts: list[str], options: list[list[str]], batch_size: int) -> list[list[float]]:
    """log p(option | prompt), summed over the option's tokens, for every option of every prompt."""
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    pairs = [(_prompt_ids(tokenizer, p), _answer_ids(tokenizer, o)) for p, opts in zip(prompts, options) for o in opts]
    model.eval()
    flat: list[float] = []
    for i in range(0, len(pairs), batch_size):
        flat += sequence_logps(model, completion_batch(pairs[i:i + batch_size], pad)).tolist()
    out, k = [], 0
    for opts in options:
        out.append(flat[k:k + len(opts)])
        k += len(opts)
    return out
