"""Answer every query in every language and mark it correct or not (spec: DAG 2, generate + parse).

    small/ci: lmrepro stage lsk.answer --scale small --seed 0 --in data=data/small/lsk/seed0/prep \
                  --in base=results/small/lsk/runs/seed0/base --out answers=results/small/lsk/runs/seed0/answers.jsonl \
                  --out metrics=results/small/lsk/runs/seed0/answer.json
    paper:    the same with --in base=data/hub/<model id> (answer.mode=cot)

answer.mode=loglik (small/ci; spec: no CoT, a tiny model cannot do it): the option with the highest summed
log-prob after BOS + the prompt in that language. answer.mode=cot (paper): greedy generation from the instruction
(the repo's run_inference.py: temperature 0, max_tokens 512), the JSON `final_answer` mapped to an option; a parse
failure counts as wrong and its rate is logged per language (spec pitfall).
Output rows {id, split, lang, pred (-1 = unparsed), correct}.
"""
from __future__ import annotations

import numpy as np
import torch

from lmrepro.common.generation import generate
from lmrepro.common.io import read_json, read_jsonl, write_jsonl
from lmrepro.common.models import load_model, load_tokenizer, pad_id
from lmrepro.common.preference import completion_batch, sequence_logps
from lmrepro.common.stage import Stage
from lmrepro.papers.lsk.method import parse_final_answer
from lmrepro.papers.lsk.params import AnswerConfig

LETTERS = "ABCDEFGHIJ"


@torch.no_grad()
def loglik_answers(model, tokenizer, items: list[dict], lang: str, batch_size: int) -> list[int]:
    """argmax over options of log p(" " + option | BOS + prompt), summed over the option's tokens."""
    prefix = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    pairs, widths = [], []
    for item in items:
        view = item["langs"][lang]
        prompt = prefix + tokenizer.encode(view["prompt"], add_special_tokens=False)
        widths.append(len(view["options"]))
        pairs += [(prompt, tokenizer.encode(" " + option, add_special_tokens=False)) for option in view["options"]]
    scores = []
    for i in range(0, len(pairs), batch_size):
        scores += sequence_logps(model, completion_batch(pairs[i:i + batch_size], pad_id(tokenizer))).tolist()
    preds, start = [], 0
    for width in widths:
        preds.append(int(np.argmax(scores[start:start + width])))
        start += width
    return preds


def cot_answers(model, tokenizer, items: list[dict], lang: str, cfg: AnswerConfig, seed: int) -> list[int]:
    prompts = []
    for item in items:
        view = item["langs"][lang]
        choices = "\n".join(f"{LETTERS[j]}. {option}" for j, option in enumerate(view["options"]))
        text = cfg.template.format(question=view["prompt"], choices=choices, language=lang)
        prompts.append(tokenizer.encode(text))
    responses, _ = generate(model, tokenizer, prompts, max_new_tokens=cfg.max_new_tokens, temperature=0.0,
                            seed=seed, batch_size=cfg.batch_size)
    preds = []
    for item, ids in zip(items, responses):
        pick = parse_final_answer(tokenizer.decode(ids, skip_special_tokens=True), item["langs"][lang]["options"])
        preds.append(-1 if pick is None else pick)
    return preds


def main() -> None:
    with Stage.from_argv("lsk", "answer") as st:
        cfg = st.params("answer", AnswerConfig)
        items = read_jsonl(st.inp("data") / "items.jsonl")
        languages = read_json(st.inp("data") / "languages.json")
        tokenizer = load_tokenizer(st.inp("base"))
        model = load_model(st.inp("base")).eval()
        rows = []
        for lang in languages:
            if cfg.mode == "loglik":
                preds = loglik_answers(model, tokenizer, items, lang, cfg.batch_size)
            else:
                preds = cot_answers(model, tokenizer, items, lang, cfg, st.seed)
            for item, pred in zip(items, preds):
                rows.append({"id": item["id"], "split": item["split"], "lang": lang, "pred": pred,
                             "correct": pred == item["answer"]})
            for split in ("train", "test"):
                hits = [r["correct"] for r in rows if r["lang"] == lang and r["split"] == split]
                st.log_metrics({f"acc_{split}_{lang}": float(np.mean(hits))})
            st.log_metrics({f"parse_fail_{lang}": float(np.mean([p < 0 for p in preds]))})
            print(f"{lang}: test acc {st.metrics[f'acc_test_{lang}']:.3f}")
        write_jsonl(st.out("answers"), rows)


if __name__ == "__main__":
    main()
