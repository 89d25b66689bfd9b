"""Task prompts and answer splits (spec DAG `gen_tasks`): counting prompts for the base evaluation (every N), a
separate probe split, finetuning prompts whose answers are A_ft only and held-out prompts whose answers are A_test
only (split by answer value, spec Pitfalls), control prompts, and the world's word-level tokenizer.

    lmrepro stage prior_influence.gen_tasks --scale small --seed 0 --out data=data/small/prior_influence/seed0/tasks \
        --out metrics=data/small/prior_influence/seed0/gen_tasks.json     (ci: --scale ci; paper: --scale paper)
"""
from __future__ import annotations

import random

from lmrepro.common.io import atomic_dir, write_json, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.prior_influence.method import render
from lmrepro.worlds import prior_counting as world


def answer_split(answers: list[str], ft_answers: str) -> tuple[list[str], list[str]]:
    """(A_ft, A_test): odd and even counts, disjoint and interleaved, so both cover every prior bin."""
    odd = [a for a in answers if int(a) % 2 == 1]
    even = [a for a in answers if int(a) % 2 == 0]
    ft, test = (odd, even) if ft_answers == "odd" else (even, odd)
    if set(ft) & set(test):
        raise AssertionError(f"finetuning and test answers overlap: {sorted(set(ft) & set(test))}")
    return ft, test


def counting_rows(wcfg, template: str, rng: random.Random, answers: list[str], per_answer: int) -> list[dict]:
    rows = []
    for answer in answers:
        for _ in range(per_answer):
            item = world.counting_item(wcfg, rng, int(answer))
            rows.append({"prompt": render(template, item), "answer": item["answer"]})
    rng.shuffle(rows)
    return rows


def main(argv: list[str] | None = None) -> None:
    with Stage.from_argv("prior_influence", "gen_tasks", argv) as st:
        wcfg = st.params("world")
        prompt = st.params("prompt")
        cfg = st.params("tasks")
        answers = world.numbers(wcfg)
        ft_answers, test_answers = answer_split(answers, cfg.ft_answers)

        def rng(stream: str) -> random.Random:
            return random.Random(derive_seed(st.seed, stream))

        eval_rows = counting_rows(wcfg, prompt.counting, rng("eval"), answers, cfg.n_eval_per_answer)
        probe_rows = counting_rows(wcfg, prompt.counting, rng("probe"), answers, cfg.n_probe_per_answer)
        test_rows = counting_rows(wcfg, prompt.counting, rng("test"), test_answers, cfg.n_test_per_answer)
        ft_rng = rng("finetune")
        ft_rows = counting_rows(wcfg, prompt.counting, ft_rng, ft_answers, -(-cfg.n_ft // len(ft_answers)))
        ft_rows = ft_rows[:cfg.n_ft]
        control_rng = rng("control")
        control_rows = []
        for _ in range(cfg.n_control):
            item = world.control_item(wcfg, control_rng)
            control_rows.append({"prompt": render(prompt.control, item), "answer": item["answer"]})

        with atomic_dir(st.out("data")) as tmp:
            build_word_tokenizer(world.vocabulary(wcfg)).save_pretrained(tmp / "tokenizer")
            for name, rows in (("eval", eval_rows), ("probe", probe_rows), ("finetune", ft_rows),
                               ("test", test_rows), ("control", control_rows)):
                write_jsonl(tmp / f"{name}.jsonl", rows)
            write_json(tmp / "answers.json", {"answers": answers, "ft": ft_answers, "test": test_answers,
                                              "neutral_frame": prompt.neutral,
                                              "answer_prefix": prompt.answer_prefix})
        st.log_metrics({"n_eval": len(eval_rows), "n_probe": len(probe_rows), "n_finetune": len(ft_rows),
                        "n_test": len(test_rows), "n_control": len(control_rows),
                        "answer_overlap": len(set(ft_answers) & set(test_answers)),
                        "vocab_size": len(world.vocabulary(wcfg)) + 4})


if __name__ == "__main__":
    main()
