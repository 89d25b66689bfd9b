"""Generative accuracy of every checkpoint: greedy programs for held-out specifications, executed on every
example (spec DAG `gen_programs`; paper: "generative accuracy", a program passes iff it maps all spec inputs to
their outputs; syntax errors fail).

    lmrepro stage karel_meaning.gen_programs --scale small --seed 0 --in data=.../karel --in ckpts=.../ckpts \
        --out metrics=results/small/karel_meaning/runs/seed0/gen_programs.json
"""
from __future__ import annotations

import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.karel_meaning.params import GenerateConfig
from lmrepro.worlds.programs import render_spec, satisfies


def checkpoint_steps(ckpts) -> list[int]:
    return sorted(int(p.name.split("_")[1]) for p in ckpts.glob("step_*"))


def greedy_programs(model, tokenizer, rows: list[dict], max_statements: int) -> list[list[str]]:
    """Greedy decoding after BOS + spec + PROG until END (a program without END is cut at `max_statements`)."""
    vocab = tokenizer.get_vocab()
    inverse = {i: t for t, i in vocab.items()}
    prompts = torch.tensor([[tokenizer.bos_token_id] + [vocab[t] for t in [*render_spec(r), "PROG"]] for r in rows])
    seq = prompts
    with torch.no_grad():
        for _ in range(max_statements + 1):
            nxt = model(input_ids=seq).logits[:, -1].argmax(-1, keepdim=True)
            seq = torch.cat([seq, nxt], dim=1)
    programs = []
    for ids in seq[:, prompts.size(1):].tolist():
        tokens = [inverse[i] for i in ids]
        programs.append(tokens[:tokens.index("END")] if "END" in tokens else tokens[:max_statements])
    return programs


def main() -> None:
    with Stage.from_argv("karel_meaning", "gen_programs") as st:
        cfg = st.params("generate", GenerateConfig)
        rows = read_jsonl(st.inp("data") / "heldout.jsonl")[-cfg.n_specs:]
        m = {"mean_reference_length": sum(len(r["program"]) for r in rows) / len(rows)}
        for step in checkpoint_steps(st.inp("ckpts")):
            ckpt = st.inp("ckpts") / f"step_{step}"
            model, tokenizer = load_model(ckpt).eval(), load_tokenizer(ckpt)
            programs = greedy_programs(model, tokenizer, rows, cfg.max_statements)
            m[f"gen_acc_step{step}"] = sum(satisfies(r, p) for r, p in zip(rows, programs)) / len(rows)
            m[f"mean_generated_length_step{step}"] = sum(map(len, programs)) / len(programs)
            st.log_curve("gen/accuracy", step, m[f"gen_acc_step{step}"])
            print(f"step {step}: generative accuracy {m[f'gen_acc_step{step}']:.3f}")
        m["gen_acc_final"] = m[f"gen_acc_step{step}"]
        st.log_metrics(m)


if __name__ == "__main__":
    main()
