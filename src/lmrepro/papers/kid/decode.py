"""Decode the test prompts with one arm: greedy, sampling, concat (retrieved document prepended), KID, KID with
random knowledge words (the ablation), or KID at the swept step size.

    lmrepro stage kid.decode --scale small --seed 0 --set decode.arm=kid --in data=data/small/kid/seed0/prep \
        --in model=results/small/kid/runs/seed0/base --in tries=results/small/kid/runs/seed0/tries.jsonl \
        --in retrieved=results/small/kid/runs/seed0/retrieved.jsonl \
        --out gens=results/small/kid/runs/seed0/gen_kid.jsonl --out metrics=results/small/kid/runs/seed0/decode_kid.json
    (ci: --scale ci; paper: --in model=data/hub/gpt2-medium)

Spec DAG `decode_{greedy,sampling,kid,concat}`. Every sampling arm draws from one generator seeded by the seed, so
the arms see the same random numbers; KID's knowledge for a row is queried at every step from its current text
(prompt + generation) through the local memory and its prompt's trie. The random-K ablation replaces K by as many
words drawn uniformly from the NOUN/PROPN lexicon. Output rows {"id", "sample", "prompt_ids", "output_ids",
"output"}; metrics: mean |K| per step, mean output length, EOS rate.
"""
from __future__ import annotations

import json

import torch

from lmrepro.common.io import read_jsonl, write_jsonl
from lmrepro.common.models import load_model, load_tokenizer, pad_id
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.kid.knowledge import CONTENT_TAGS, KnowledgeTrie, local_memory, query_knowledge
from lmrepro.papers.kid.params import DecodeConfig
from lmrepro.papers.kid.policy import decode

KID_ARMS = ("kid", "kid_random", "kid_sweep")


def first_token_ids(tokenizer, words: list[str]) -> list[int]:
    """The first sub-token id of each word (the official policy rewards only that one; spec pitfall)."""
    ids = [tokenizer.encode(w, add_special_tokens=False) for w in words]
    return [i[0] for i in ids if i]


def main() -> None:
    with Stage.from_argv("kid", "decode") as st:
        cfg = st.params("decode", DecodeConfig)
        tokenizer = load_tokenizer(st.inp("model"))
        model = load_model(st.inp("model"))
        test = read_jsonl(st.inp("data") / "test.jsonl")
        pos_tags = json.loads((st.inp("data") / "lexicon.json").read_text())["pos_tags"]
        tries = {r["id"]: KnowledgeTrie(r["keys"]) for r in read_jsonl(st.inp("tries"))}
        docs = {d["id"]: d["text"] for d in read_jsonl(st.inp("data") / "docs.jsonl")}
        retrieved = {r["id"]: r["docs"] for r in read_jsonl(st.inp("retrieved"))}

        samples = 1 if cfg.arm == "greedy" else cfg.samples
        rows = [r for r in test for _ in range(samples)]
        bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
        room = model.config.max_position_embeddings - cfg.max_new_tokens
        prompts = []
        for r in rows:
            context = " ".join(docs[i] for i in retrieved[r["id"]][:cfg.concat_docs]) + " " \
                if cfg.arm == "concat" else ""
            ids = tokenizer.encode(context + r["prompt"], add_special_tokens=False)
            prompts.append(bos + ids[-(room - len(bos)):])  # concat: the document's start gives way first

        vocab = model.get_output_embeddings().weight.size(0)
        content_ids = torch.tensor(first_token_ids(tokenizer, [w for w, t in pos_tags.items() if t in CONTENT_TAGS]))
        knowledge_rng = torch.Generator().manual_seed(derive_seed(st.seed, "random_knowledge"))
        k_sizes: list[int] = []

        def knowledge(texts: list[list[int]]) -> torch.Tensor:
            mask = torch.zeros(len(texts), vocab)
            for b, (r, ids) in enumerate(zip(rows, texts)):
                memory = local_memory(tokenizer.decode(ids, skip_special_tokens=True).split(), pos_tags,
                                      cfg.memory_size)
                k_ids = first_token_ids(tokenizer, query_knowledge(tries[r["id"]], memory, cfg.hops))
                if cfg.arm == "kid_random" and k_ids:
                    pick = torch.randperm(len(content_ids), generator=knowledge_rng)[:len(set(k_ids))]
                    k_ids = content_ids[pick].tolist()
                mask[b, k_ids] = 1.0
                k_sizes.append(len(set(k_ids)))
            return mask

        eos = tokenizer.eos_token_id
        outputs = decode(model, prompts, max_new_tokens=cfg.max_new_tokens, eos_id=eos, pad_id=pad_id(tokenizer),
                         knowledge=knowledge if cfg.arm in KID_ARMS else None, greedy=cfg.arm == "greedy",
                         generator=torch.Generator().manual_seed(derive_seed(st.seed, "decode")),
                         kid_steps=cfg.kid_steps, eta=cfg.sweep_eta if cfg.arm == "kid_sweep" else cfg.eta,
                         gamma=cfg.gamma, beta=cfg.beta, fusion=cfg.fusion, top_k=cfg.top_k, top_p=cfg.top_p,
                         temperature=cfg.temperature, no_repeat_ngram=cfg.no_repeat_ngram)
        counts: dict[int, int] = {}
        gens = []
        for r, p, o in zip(rows, prompts, outputs):
            counts[r["id"]] = counts.get(r["id"], -1) + 1
            gens.append({"id": r["id"], "sample": counts[r["id"]], "prompt_ids": p, "output_ids": o,
                         "output": tokenizer.decode(o, skip_special_tokens=True)})
        write_jsonl(st.out("gens"), gens)
        st.log_metrics({"arm": cfg.arm, "n_outputs": len(gens),
                        "mean_knowledge_words": sum(k_sizes) / len(k_sizes) if k_sizes else 0.0,
                        "mean_output_tokens": sum(map(len, outputs)) / len(outputs),
                        "eos_rate": sum(bool(o) and o[-1] == eos for o in outputs) / len(outputs)})


if __name__ == "__main__":
    main()
