"""kid's output metrics (spec Small scale, Metrics): knowledge recall and false values against the world's facts,
ROUGE-L (rouge-score) and BLEU (sacrebleu) against the reference, corpus distinct-n, and the perplexity of each
output under the frozen LM (a fluency guard)."""
from __future__ import annotations

import math


def knowledge_recall(values: list[str], output: str) -> float:
    """Share of the reference's attribute values that the output states."""
    if not values:
        raise ValueError("knowledge_recall: the reference has no attribute values")
    words = set(output.split())
    return sum(v in words for v in values) / len(values)


def false_values(true_values: set[str], value_words: set[str], output: str) -> int:
    """Distinct attribute values (any town, job, food or river) the output states that are not true of the entity
    (its attributes and its town's river)."""
    return len({w for w in output.split() if w in value_words and w not in true_values})


def distinct_n(outputs: list[str], n: int = 2) -> float:
    """Distinct n-grams over all outputs / all n-grams (Li et al. 2016, corpus level); 0 when there are none."""
    grams = [tuple(words[i:i + n]) for words in (o.split() for o in outputs) for i in range(len(words) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def rouge_l(references: list[str], outputs: list[str]) -> float:
    """Mean ROUGE-L F-measure (rouge-score, its default tokenizer)."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"])
    return sum(scorer.score(r, o)["rougeL"].fmeasure for r, o in zip(references, outputs, strict=True)) / len(outputs)


def bleu(references: list[str], outputs: list[str]) -> float:
    """Corpus BLEU (sacrebleu, whitespace tokens already: tokenize='none'), on a 0-100 scale."""
    import sacrebleu

    return sacrebleu.corpus_bleu(outputs, [references], tokenize="none").score


def perplexities(model, prompts: list[list[int]], outputs: list[list[int]], pad_id: int,
                 batch_size: int = 256) -> list[float]:
    """exp(mean NLL) of each output's tokens given its prompt under `model` (NaN for an empty output)."""
    import torch
    import torch.nn.functional as F

    from lmrepro.common.padding import pad_rows

    model.eval()
    result = []
    for i in range(0, len(prompts), batch_size):
        rows = [(p, o) for p, o in zip(prompts[i:i + batch_size], outputs[i:i + batch_size], strict=True)]
        ids, attn = pad_rows([p + o for p, o in rows], pad_id)
        with torch.no_grad():
            logp = F.log_softmax(model(input_ids=ids, attention_mask=attn).logits[:, :-1].float(), dim=-1)
        token_logp = logp.gather(-1, ids[:, 1:, None]).squeeze(-1)
        for row, (p, o) in enumerate(rows):
            nll = -token_logp[row, len(p) - 1:len(p) + len(o) - 1]
            result.append(math.exp(nll.mean().item()) if len(o) else float("nan"))
    return result
