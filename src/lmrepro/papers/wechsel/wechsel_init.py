"""WECHSEL initialisation of the target model (paper §3; spec: Method 2-6, DAG 5).

    lmrepro stage wechsel.wechsel_init --scale small --seed 0 --in source=results/small/wechsel/runs/seed0/source \
        --in tgt_tokenizer=... --in static=... --in data=data/small/wechsel/seed0/prep \
        --out model=results/small/wechsel/runs/seed0/init_wechsel --out info=.../wechsel_info.json --out metrics=...

1. Align EN and TGT Word2Vec spaces by orthogonal Procrustes on the EXPOSED dictionary (dictionary.tsv).
2. Subword vectors as frequency-weighted means of word vectors (no subword info), source side mapped, unit norm.
3. Each target token: softmax(cos / 0.1)-weighted mix of its 10 nearest source-token embeddings; random
   N(mean, std) fallback for tokens no word uses; special tokens copied (method.py).
4. Copy every other parameter; an untied output embedding gets the same procedure on its own matrix.
Also reports A3: nearest-neighbour accuracy of the Procrustes map on held-out (non-dictionary) lemmas.
"""
from __future__ import annotations

import json

import numpy as np
import torch

from lmrepro.common.io import write_json
from lmrepro.common.models import load_model, load_tokenizer, save_model
from lmrepro.common.stage import Stage
from lmrepro.papers.wechsel.data import load_word_vectors
from lmrepro.papers.wechsel.method import WechselConfig, align, nearest_neighbour_accuracy, read_dictionary, \
    subword_vectors, target_embeddings, unit_rows


def with_new_vocab(model, tokenizer, input_matrix: np.ndarray, output_matrix: np.ndarray | None):
    """Swap in target-vocabulary embeddings (input, and output when untied) and set the vocabulary config."""
    model.resize_token_embeddings(len(tokenizer))
    with torch.no_grad():
        model.get_input_embeddings().weight.copy_(torch.from_numpy(input_matrix))
        if output_matrix is not None:
            model.get_output_embeddings().weight.copy_(torch.from_numpy(output_matrix))
    model.config.vocab_size = len(tokenizer)
    model.config.pad_token_id = tokenizer.pad_token_id
    model.config.bos_token_id = tokenizer.bos_token_id
    model.config.eos_token_id = tokenizer.eos_token_id
    return model


def heldout_pairs(lexicon: list[dict], top_n: int) -> list[tuple[str, str]]:
    """(tgt, en) for the `top_n` most frequent (in the TGT corpus) lemmas NOT in the exposed dictionary."""
    held = sorted((x for x in lexicon if not x["exposed"]), key=lambda x: (-x["tgt_count"], x["tgt"]))
    return [(x["tgt"], x["en"]) for x in held[:top_n]]


def main() -> None:
    with Stage.from_argv("wechsel", "wechsel_init") as st:
        cfg = st.params("wechsel", WechselConfig)
        src_tok, tgt_tok = load_tokenizer(st.inp("source")), load_tokenizer(st.inp("tgt_tokenizer"))
        model = load_model(st.inp("source"))
        src_kv = load_word_vectors(st.inp("static"), "en")
        tgt_kv = load_word_vectors(st.inp("static"), "tgt")
        data = st.inp("data")
        pairs = read_dictionary(data / "dictionary.tsv")

        w, n_rows = align(src_kv, tgt_kv, pairs)  # 1. Procrustes on the exposed dictionary
        src_u, _ = subword_vectors(src_tok, src_kv)  # 2. subword vectors in word-vector space
        tgt_u, _ = subword_vectors(tgt_tok, tgt_kv)
        src_u = unit_rows(src_u @ w)
        e_in = model.get_input_embeddings().weight.detach().cpu().numpy()
        new_in, info = target_embeddings(src_u, unit_rows(tgt_u), e_in, src_tok, tgt_tok, cfg)  # 3.
        new_out = None
        if not model.config.tie_word_embeddings:  # 4. untied output embeddings: same procedure, own matrix
            e_out = model.get_output_embeddings().weight.detach().cpu().numpy()
            new_out, _ = target_embeddings(src_u, unit_rows(tgt_u), e_out, src_tok, tgt_tok, cfg)
        model = with_new_vocab(model, tgt_tok, new_in, new_out)
        save_model(model, st.out("model"), tokenizer=tgt_tok)

        lexicon = json.loads((data / "lexicon.json").read_text())["lemmas"]
        gold = heldout_pairs(lexicon, cfg.align_eval_top_n)
        acc, n_eval = nearest_neighbour_accuracy(src_kv, tgt_kv, w, gold)  # A3
        train_acc, _ = nearest_neighbour_accuracy(src_kv, tgt_kv, w, [(t, e) for e, t in pairs])
        specials = set(tgt_tok.all_special_tokens)
        top1 = [(t, n[0][0]) for t, n in info["neighbours"].items() if t not in specials]
        write_json(st.out("info"), {
            "not_found": info["not_found"], "fallback_frac": info["fallback_frac"],
            "neighbours": {t: [[s, round(c, 5), round(w_, 5)] for s, c, w_ in n]
                           for t, n in info["neighbours"].items()},
            "heldout_eval_pairs": gold})
        st.log_metrics({
            "align_nn_acc_heldout": acc, "align_nn_eval_n": n_eval, "align_nn_acc_dictionary": train_acc,
            "dictionary_entries": len(pairs), "dictionary_rows": n_rows,
            "fallback_frac": info["fallback_frac"], "n_not_found": len(info["not_found"]),
            "n_tgt_tokens": len(tgt_tok), "untied_output": float(new_out is not None)})
        print(f"A3 held-out NN accuracy {acc:.3f} over {n_eval} lemmas; fallback {info['fallback_frac']:.3f}")
        print("sample neighbours:", top1[:12])


if __name__ == "__main__":
    main()
